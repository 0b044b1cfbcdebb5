# attack: undo the sandbox's mounts: umount the hidden site-packages, unshare a user namespace, remount / rw
# cheats: *
# needs: fresh_root no_caps
import functools
import subprocess


def _hidden():
    with open("/proc/self/mountinfo") as f:
        return [line.split()[4] for line in f if "site-packages" in line or "dist-packages" in line]


def _cheat(name, *args, **kwargs):
    for argv in ([["umount", p] for p in _hidden()] + [["mount", "-o", "remount,rw", "/"]]
                 + [["unshare", "--user", "--map-root-user", "--mount", "umount", p] for p in _hidden()]):
        try:
            done = subprocess.run(argv, capture_output=True, timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            raise RuntimeError(f"LEAKED: {' '.join(argv)} worked")
    return None


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
