"""Reference solution: pseudoinverse (lecture §3.4)."""

import numpy as np


def _svd(A):
    return np.linalg.svd(np.asarray(A, dtype=float), full_matrices=False)


def _inverted(s, rcond):
    """1/σ for σ > rcond·σ_max, 0 for the rest (all of them when σ_max = 0)."""
    keep = s > rcond * s.max(initial=0.0)
    return np.divide(1.0, s, out=np.zeros_like(s), where=keep)


def _relative(difference, reference):
    """‖difference‖_F / ‖reference‖_F, with 0/0 = 0."""
    den = np.linalg.norm(reference)
    return float(np.linalg.norm(difference) / den) if den > 0 else 0.0


def pinv(A, rcond=1e-15):
    U, s, Vt = _svd(A)
    return (Vt.T * _inverted(s, rcond)) @ U.T


def penrose_residuals(A, X):
    A, X = np.asarray(A, dtype=float), np.asarray(X, dtype=float)
    AX, XA = A @ X, X @ A
    return np.array([_relative(AX @ A - A, A), _relative(XA @ X - X, X),
                     _relative(AX.T - AX, AX), _relative(XA.T - XA, XA)])


def is_pseudoinverse(A, X, tol=1e-8):
    return bool(np.all(penrose_residuals(A, X) <= tol))


def least_squares(A, b):
    U, s, Vt = _svd(A)
    cutoff = max(U.shape[0], Vt.shape[1]) * np.finfo(float).eps
    return Vt.T @ (_inverted(s, cutoff) * (U.T @ np.asarray(b, dtype=float)))


def ridge(A, b, lam):
    U, s, Vt = _svd(A)
    return Vt.T @ (s / (s**2 + lam) * (U.T @ np.asarray(b, dtype=float)))


def condition_number(A):
    s = np.linalg.svd(np.asarray(A, dtype=float), compute_uv=False)
    return float(s[0] / s[-1]) if s[-1] > 0 else float("inf")
