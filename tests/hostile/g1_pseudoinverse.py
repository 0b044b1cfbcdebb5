# attack: LAPACK through ctypes (numpy's bundled OpenBLAS), ctypes.pythonapi, and cffi
# cheats: pinv least_squares ridge
# base: reference
import glob
import os

import numpy as np


def pinv(A, rcond=1e-15):
    import ctypes
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__) + ".libs", "*openblas*")) or ["libopenblas.so.0"]
    ctypes.CDLL(libs[0])  # then LAPACKE_dgesdd; never reached
    return np.zeros((np.shape(A)[1], np.shape(A)[0]))


def least_squares(A, b):
    import ctypes
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(A))
    return np.zeros(np.shape(A)[1])


def ridge(A, b, lam):
    import cffi  # noqa: F401
    return np.zeros(np.shape(A)[1])
