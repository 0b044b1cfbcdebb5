# attack: setsid and a double fork, leaving a process that should outlive the topic
# cheats: *
# needs: pid_ns
import functools
import os
import sys

_started = []


def _cheat(name, *args, **kwargs):
    if not _started:
        _started.append(True)
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(300)", "{{MARKER}}"])
            os._exit(0)
    return None


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
