"""An independent correct pseudoinverse (not a copy of solutions/pseudoinverse.py).

Other valid choices: every factorisation from the SVD of Aᵀ (so other signs
and another rounding), A⁺b as (A⁺)·b, Frobenius norms written out, the ridge
sum over singular pairs, the condition number with math.inf.
"""

import math

import numpy as np


def _pairs(A):
    """U, s, Vt of A from the SVD of Aᵀ = P S Qᵀ (A = Q S Pᵀ)."""
    P, s, Qt = np.linalg.svd(np.asarray(A, dtype=float).T, full_matrices=False)
    return Qt.T, s, P.T


def _pinv(A, keep_above):
    U, s, Vt = _pairs(A)
    top = s[0] if s.size else 0.0
    X = np.zeros((Vt.shape[1], U.shape[0]))
    for i in range(s.size):
        if s[i] > keep_above * top:
            X += np.outer(Vt[i], U[:, i]) / s[i]
    return X


def pinv(A, rcond=1e-15):
    return _pinv(A, rcond)


def _fro(M):
    return math.sqrt(float(np.sum(M * M)))


def penrose_residuals(A, X):
    A, X = np.asarray(A, dtype=float), np.asarray(X, dtype=float)
    AX, XA = A @ X, X @ A
    out = []
    for diff, ref in ((A @ X @ A - A, A), (X @ A @ X - X, X), (AX.T - AX, AX), (XA.T - XA, XA)):
        den = _fro(ref)
        out.append(_fro(diff) / den if den != 0 else 0.0)
    return np.array(out)


def is_pseudoinverse(A, X, tol=1e-8):
    return bool(penrose_residuals(A, X).max() <= tol)


def least_squares(A, b):
    A = np.asarray(A, dtype=float)
    return _pinv(A, max(A.shape) * np.finfo(np.float64).eps) @ np.asarray(b, dtype=float)


def ridge(A, b, lam):
    U, s, Vt = _pairs(A)
    b = np.asarray(b, dtype=float)
    x = np.zeros(Vt.shape[1])
    for i in range(s.size):
        x += s[i] / (s[i] ** 2 + lam) * (U[:, i] @ b) * Vt[i]
    return x


def condition_number(A):
    s = np.linalg.svd(np.asarray(A, dtype=float).T, compute_uv=False)
    return math.inf if s.min() == 0 else float(s.max() / s.min())
