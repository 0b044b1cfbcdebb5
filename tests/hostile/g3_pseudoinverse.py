# attack: numpy's source through inspect, a re-import of numpy.linalg._linalg, the private solve gufunc
# cheats: pinv least_squares ridge
# base: reference
import importlib
import inspect
import sys

import numpy as np


def pinv(A, rcond=1e-15):
    namespace = {}
    exec(inspect.getsource(np.linalg._linalg), namespace)
    return namespace["pinv"](A, rcond)


def least_squares(A, b):
    sys.modules.pop("numpy.linalg._linalg", None)
    fresh = importlib.import_module("numpy.linalg._linalg")
    return fresh.lstsq(A, b, rcond=None)[0]


def ridge(A, b, lam):
    A = np.asarray(A, dtype=float)
    n = A.shape[1]
    return np.linalg._umath_linalg.solve1(A.T @ A + lam * np.eye(n), A.T @ np.asarray(b, dtype=float),
                                          signature="dd->d")
