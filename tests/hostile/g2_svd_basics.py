# attack: a fresh numpy.linalg from numpy's file under another name, and importlib.reload of numpy's module
# cheats: svd_2x2 svd_via_eig
# base: reference
import importlib
import importlib.util

import numpy as np


def svd_2x2(A):
    spec = importlib.util.spec_from_file_location("my_linalg", np.linalg._linalg.__file__)
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    return fresh.svd(A)


def svd_via_eig(A):
    fresh = importlib.reload(np.linalg._linalg)
    return fresh.svd(A, full_matrices=False)
