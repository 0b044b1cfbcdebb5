# attack: the grader's files through /proc: its cwd, root and environment, and $HOME
# cheats: *
# needs: pid_ns fresh_root
import functools
import glob
import os


def _cheat(name, *args, **kwargs):
    for pattern in ("/proc/[0-9]*/cwd/solutions/pca.py", "/proc/[0-9]*/root{{ROOT}}/solutions/pca.py",
                    "/proc/[0-9]*/cwd/grader/suites/pca.py", "/root/.bash_history", "/home/*/.bash_history"):
        for path in glob.glob(pattern):
            try:
                with open(path) as f:
                    raise RuntimeError(f"LEAKED {path}: {f.read(60)!r}")
            except OSError:
                continue
    for path in glob.glob("/proc/[0-9]*/environ"):
        try:
            with open(path, "rb") as f:
                if b"PYTEST" in f.read():
                    raise RuntimeError(f"LEAKED the grader's environment through {path}")
        except OSError:
            continue
    return None


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
