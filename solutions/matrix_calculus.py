"""Reference solution: matrix_calculus (lecture §3.8)."""

import numpy as np


def _float(x):
    return np.asarray(x, dtype=float)


def grad_linear(a, x):
    return np.array(a, dtype=float)


def grad_quadratic(A, x):
    A, x = _float(A), _float(x)
    return A @ x + A.T @ x


def grad_trace_AX(A, X):
    return np.array(A, dtype=float).T


def grad_trace_AXB(A, X, B):
    return _float(A).T @ _float(B).T


def grad_trace_XtAX(A, X):
    A = _float(A)
    return (A + A.T) @ _float(X)


def grad_frobenius_sq(X):
    return 2.0 * _float(X)


def grad_logdet(X):
    return np.linalg.inv(_float(X)).T


def grad_det(X):
    X = _float(X)
    return np.linalg.det(X) * np.linalg.inv(X).T


def grad_least_squares(A, x, b):
    A = _float(A)
    return 2.0 * A.T @ (A @ _float(x) - _float(b))


def grad_trace_inv(A, B):
    A_inv = np.linalg.inv(_float(A))
    return -(A_inv @ _float(B) @ A_inv).T


def sigmoid_derivative(x):
    # σ'(x) = σ(x)·(1 − σ(x)) = e^{−|x|} / (1 + e^{−|x|})²: even in x, and no exponent is positive
    e = np.exp(-np.abs(_float(x)))
    d = e / (1.0 + e) ** 2
    return float(d) if d.ndim == 0 else d
