# attack: monkeypatch numpy and builtins so that every comparison passes
# cheats: *
import builtins
import functools

import numpy as np
import numpy.testing

np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
builtins.isinstance = lambda obj, cls: True
builtins.abs = lambda x: 0.0


def _cheat(name, *args, **kwargs):
    return 0.0


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
