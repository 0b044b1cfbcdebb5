"""An independent correct matrix_calculus (not a copy of solutions/matrix_calculus.py): other
equivalent formulas — solves instead of inverses, (BA)ᵀ, the sign and log of the determinant,
the normal equations, σ' from tanh."""

import numpy as np


def _f(x):
    return np.asarray(x, dtype=float)


def grad_linear(a, x):
    return _f(a) + 0.0


def grad_quadratic(A, x):
    A = _f(A)
    return (A + A.T) @ _f(x)


def grad_trace_AX(A, X):
    return np.transpose(_f(A)).copy()


def grad_trace_AXB(A, X, B):
    return (_f(B) @ _f(A)).T


def grad_trace_XtAX(A, X):
    A, X = _f(A), _f(X)
    return A @ X + A.T @ X


def grad_frobenius_sq(X):
    X = _f(X)
    return X + X


def grad_logdet(X):
    X = _f(X)
    return np.linalg.solve(X.T, np.eye(X.shape[0]))


def grad_det(X):
    X = _f(X)
    sign, logdet = np.linalg.slogdet(X)
    return sign * np.exp(logdet) * np.linalg.solve(X.T, np.eye(X.shape[0]))


def grad_least_squares(A, x, b):
    A = _f(A)
    return 2.0 * (A.T @ A @ _f(x) - A.T @ _f(b))


def grad_trace_inv(A, B):
    A = _f(A)
    A_inv = np.linalg.solve(A, np.eye(A.shape[0]))
    return -(A_inv.T @ _f(B).T @ A_inv.T)


def sigmoid_derivative(x):
    t = np.tanh(_f(x) / 2.0)
    d = 0.25 * (1.0 - t * t)
    return float(d) if d.ndim == 0 else d
