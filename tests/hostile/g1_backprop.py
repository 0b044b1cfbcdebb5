# attack: find the grader and pytest through /proc and kill them, then kill -1 (from sigmoid)
# cheats: *
# needs: pid_ns
import functools
import os
import signal


def _cheat(name, *args, **kwargs):
    if name != "sigmoid":
        return None
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        if b"pytest" in cmdline or b"grader" in cmdline and b"grader.worker" not in cmdline:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass
    return None


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
