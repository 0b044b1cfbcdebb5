# attack: a memory blow-up (8 GB of float64), then a slow leak
# cheats: *
# needs: memory_cap
import functools

import numpy as np

_hoard = []


def _cheat(name, *args, **kwargs):
    try:
        _hoard.append(np.ones(1 << 30))
    except MemoryError:
        pass
    while True:
        _hoard.append(bytearray(64 << 20))


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
