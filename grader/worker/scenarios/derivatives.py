"""Function references for the derivatives suite, built in the worker.

Each factory takes the learner's module (unused: these are plain numpy
functions) and plain parameters, and returns the callable handed to the
learner: the ``f`` of numerical_gradient/jacobian/hessian, the ``grad`` and
``hess`` of newton_minimize. The suite builds the same callables in its own
process to evaluate them; the expected values live there, not here.
"""

import numpy as np

__all__ = [
    "smooth",
    "field",
    "lecture_field",
    "rosen",
    "rosen_grad",
    "rosen_hess",
    "shifted_linear",
    "constant",
    "cycle_grad",
    "cycle_hess",
]


def _argument(x, shape, name):
    x = np.asarray(x, dtype=float)
    if x.shape != tuple(shape):
        raise ValueError(
            f"{name} takes an array of shape {tuple(shape)} (the shape of x); "
            f"it was called with an array of shape {x.shape}"
        )
    return x


def smooth(learner, A, m, c, d):
    """f(x) = ½ (x − m)ᵀ A (x − m) + Σ c·sin(x) + Σ d·x³ for x of m's shape (A acts on the raveled x)."""
    A, m, c, d = (np.asarray(p, dtype=float) for p in (A, m, c, d))

    def f(x):
        x = _argument(x, m.shape, "f")
        r = (x - m).ravel()
        return float(0.5 * (r @ A @ r) + np.sum(c * np.sin(x)) + np.sum(d * x**3))

    return f


def field(learner, M, c, B):
    """f(x) = M x + c ⊙ sin(B x): Rⁿ → Rᵐ."""
    M, c, B = (np.asarray(p, dtype=float) for p in (M, c, B))

    def f(x):
        x = _argument(x, (M.shape[1],), "f")
        return M @ x + c * np.sin(B @ x)

    return f


def lecture_field(learner):
    """f(x) = [x₀² + x₁, x₀·x₁] (§1.4)."""

    def f(x):
        x = _argument(x, (2,), "f")
        return np.array([x[0] ** 2 + x[1], x[0] * x[1]])

    return f


def rosen(learner):
    """(1 − x₀)² + 100 (x₁ − x₀²)²."""

    def f(x):
        x0, x1 = _argument(x, (2,), "f")
        return float((1 - x0) ** 2 + 100 * (x1 - x0**2) ** 2)

    return f


def rosen_grad(learner):
    def grad(x):
        x0, x1 = _argument(x, (2,), "grad")
        return np.array([-2 * (1 - x0) - 400 * x0 * (x1 - x0**2), 200 * (x1 - x0**2)])

    return grad


def rosen_hess(learner):
    def hess(x):
        x0, x1 = _argument(x, (2,), "hess")
        return np.array([[2 - 400 * (x1 - x0**2) + 800 * x0**2, -400 * x0], [-400 * x0, 200.0]])

    return hess


def shifted_linear(learner, A, m):
    """grad(x) = A (x − m): the gradient of ½ (x − m)ᵀ A (x − m) for symmetric A."""
    A, m = np.asarray(A, dtype=float), np.asarray(m, dtype=float)

    def grad(x):
        return A @ (_argument(x, m.shape, "grad") - m)

    return grad


def constant(learner, H):
    """hess(x) = H everywhere."""
    H = np.asarray(H, dtype=float)

    def hess(x):
        _argument(x, H.shape[:1], "hess")
        return H.copy()

    return hess


def cycle_grad(learner):
    """grad(x) = sign(x)·√|x|, the gradient of Σ ⅔|xᵢ|^{3/2}: each Newton step maps x to −x."""

    def grad(x):
        x = np.asarray(x, dtype=float)
        return np.sign(x) * np.sqrt(np.abs(x))

    return grad


def cycle_hess(learner):
    def hess(x):
        return np.diag(0.5 / np.sqrt(np.abs(np.asarray(x, dtype=float))))

    return hess
