"""An independent correct derivatives (not a copy of solutions/derivatives.py): perturbed copies
x ± eps·eᵢ instead of editing x in place, the Hessian from the four-point second difference,
expanded Rosenbrock polynomials, Newton steps by least squares, labels by counting signs."""

import numpy as np


def _unit(shape, index, eps):
    e = np.zeros(shape)
    e[index] = eps
    return e


def numerical_gradient(f, x, eps=1e-6):
    x = np.asarray(x, dtype=float)
    out = np.zeros(x.shape)
    for index in np.ndindex(*x.shape):
        e = _unit(x.shape, index, eps)
        out[index] = (f(x + e) - f(x - e)) / (2.0 * eps)
    return out


def numerical_jacobian(f, x, eps=1e-6):
    x = np.asarray(x, dtype=float)
    rows = None
    for j in range(x.shape[0]):
        e = _unit(x.shape, j, eps)
        column = (np.asarray(f(x + e), dtype=float) - np.asarray(f(x - e), dtype=float)) / (2.0 * eps)
        if rows is None:
            rows = np.zeros((column.shape[0], x.shape[0]))
        rows[:, j] = column
    return rows


def numerical_hessian(f, x, eps=1e-4):
    x = np.asarray(x, dtype=float)
    n = x.shape[0]
    H = np.zeros((n, n))
    for i in range(n):
        for j in range(i, n):
            ei, ej = _unit(x.shape, i, eps), _unit(x.shape, j, eps)
            value = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4.0 * eps * eps)
            H[i, j] = H[j, i] = value
    return H


def rel_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    denominators = np.fmax(np.abs(a) + np.abs(b), 1e-8)
    return float((np.abs(a - b) / denominators).max())


def rosenbrock(x):
    x0, x1 = (float(v) for v in x)
    return x0 * x0 - 2 * x0 + 1 + 100 * (x1 * x1 - 2 * x1 * x0 * x0 + x0**4)


def rosenbrock_grad(x):
    x0, x1 = (float(v) for v in x)
    return np.array([2 * (x0 - 1) + 400 * x0**3 - 400 * x0 * x1, 200 * x1 - 200 * x0 * x0])


def rosenbrock_hessian(x):
    x0, x1 = (float(v) for v in x)
    return np.array([[1200 * x0 * x0 - 400 * x1 + 2, -400 * x0], [-400 * x0, 200.0]])


def newton_minimize(grad, hess, x0, tol=1e-10, max_iter=50):
    x = np.array(x0, dtype=float)
    taken = 0
    g = np.asarray(grad(x), dtype=float)
    while np.sqrt(np.sum(g * g)) > tol and taken < max_iter:
        step = np.linalg.lstsq(np.asarray(hess(x), dtype=float), g, rcond=None)[0]
        x = x - step
        taken += 1
        g = np.asarray(grad(x), dtype=float)
    return x, taken


def classify_critical_point(H, tol=1e-10):
    lam = np.linalg.eigh(np.asarray(H, dtype=float))[0]
    positive, negative = int(np.sum(lam > tol)), int(np.sum(lam < -tol))
    if positive and negative:
        return "saddle"
    if positive == lam.size:
        return "minimum"
    if negative == lam.size:
        return "maximum"
    return "degenerate"
