# attack: lying objects: __eq__ always true, an ndarray subclass, a float subclass, an __array__ impostor
# cheats: *
import functools

import numpy as np


class _Yes:
    def __eq__(self, other):
        return True

    __ne__ = lambda self, other: False  # noqa: E731
    __lt__ = __le__ = __gt__ = __ge__ = __eq__

    def __array__(self, dtype=None, copy=None):
        return np.zeros(1)


class _Sub(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)


class _Float(float):
    def __eq__(self, other):
        return True


def _cheat(name, *args, **kwargs):
    how = sum(map(ord, name)) % 3
    if how == 0:
        return _Yes()
    if how == 1:
        return np.zeros(3).view(_Sub), (_Yes(), _Float(1.0))
    return {"W1": _Yes(), "b1": _Float(0.0)}


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
