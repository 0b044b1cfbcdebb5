# attack: code objects renamed to numpy's file (code.replace) or swapped into a function (__code__), to pass the guard's caller check
# cheats: svd_2x2 svd_via_eig
# base: reference
import os

import numpy as np

_NUMPY_FILE = os.path.join(os.path.dirname(np.linalg.__file__), "_linalg.py")


def _calls_svd(A):
    return np.linalg.svd(A)


def svd_2x2(A):
    disguised = type(_calls_svd)(_calls_svd.__code__.replace(co_filename=_NUMPY_FILE), globals())
    return disguised(A)


def svd_via_eig(A):
    def carrier(A):
        return None
    carrier.__code__ = compile("def f(A):\n    return np.linalg.svd(A, full_matrices=False)\n",
                               _NUMPY_FILE, "exec").co_consts[0]
    return carrier(A)
