# attack: numpy's private gufunc layer directly, and a fresh import of it after deleting it from sys.modules
# cheats: svd_2x2 svd_via_eig
# base: reference
import importlib
import sys

import numpy as np


def svd_2x2(A):
    U, s, Vt = np.linalg._umath_linalg.svd_f(np.asarray(A, dtype=float), signature="d->ddd")
    return U, s, Vt


def svd_via_eig(A):
    sys.modules.pop("numpy.linalg._umath_linalg", None)
    fresh = importlib.import_module("numpy.linalg._umath_linalg")
    U, s, Vt = fresh.svd_s(np.asarray(A, dtype=float), signature="d->ddd")
    return U, s, Vt
