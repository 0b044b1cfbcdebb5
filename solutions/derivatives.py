"""Reference solution: derivatives (lecture §1.3, §1.4, §3.7, §3.11)."""

import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    x = np.array(x, dtype=float)  # a float copy: the caller's x is never touched
    grad = np.empty_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = float(f(x))
        x[i] = old - eps
        f_minus = float(f(x))
        x[i] = old  # restored exactly: old is kept, not recomputed as (old + eps) - eps
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def numerical_jacobian(f, x, eps=1e-6):
    x = np.array(x, dtype=float)
    columns = []
    for j in range(x.size):
        old = x[j]
        x[j] = old + eps
        f_plus = np.array(f(x), dtype=float)  # a copy, in case f returns a view of its argument
        x[j] = old - eps
        f_minus = np.array(f(x), dtype=float)
        x[j] = old
        columns.append((f_plus - f_minus) / (2 * eps))
    return np.stack(columns, axis=1)


def numerical_hessian(f, x, eps=1e-4):
    # the Hessian is the Jacobian of the gradient; both differences use the same step
    H = numerical_jacobian(lambda y: numerical_gradient(f, y, eps), x, eps)
    return (H + H.T) / 2  # rounding leaves H[i, j] and H[j, i] a few ulps apart


def rel_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def rosenbrock(x):
    x0, x1 = np.asarray(x, dtype=float)
    return float((1 - x0) ** 2 + 100 * (x1 - x0 ** 2) ** 2)


def rosenbrock_grad(x):
    x0, x1 = np.asarray(x, dtype=float)
    return np.array([-2 * (1 - x0) - 400 * x0 * (x1 - x0 ** 2), 200 * (x1 - x0 ** 2)])


def rosenbrock_hessian(x):
    x0, x1 = np.asarray(x, dtype=float)
    off = -400 * x0
    return np.array([[2 - 400 * (x1 - x0 ** 2) + 800 * x0 ** 2, off], [off, 200.0]])


def newton_minimize(grad, hess, x0, tol=1e-10, max_iter=50):
    x = np.array(x0, dtype=float)
    for step in range(max_iter):
        g = np.asarray(grad(x), dtype=float)
        if np.linalg.norm(g) <= tol:
            return x, step
        x = x - np.linalg.solve(np.asarray(hess(x), dtype=float), g)
    return x, max_iter


def classify_critical_point(H, tol=1e-10):
    lam = np.linalg.eigvalsh(np.asarray(H, dtype=float))
    if np.any(lam > tol) and np.any(lam < -tol):
        return "saddle"
    if np.all(lam > tol):
        return "minimum"
    if np.all(lam < -tol):
        return "maximum"
    return "degenerate"
