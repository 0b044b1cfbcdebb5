"""Topic 6 — Gradients, Jacobians, Hessians, Newton (lecture §1.3, §1.4, §3.7, §3.11).

The gradient of a scalar f points uphill; the Jacobian of f: Rⁿ → Rᵐ stacks
the gradients of its m outputs as rows; the Hessian holds the second
derivatives, and its eigenvalues tell a minimum from a maximum or a saddle.
Central differences estimate all three from values of f alone — the way to
check any analytic derivative you write. Newton's method uses gradient and
Hessian together: x ← x − H⁻¹·∇f(x), which lands on the critical point of a
quadratic in one step and converges quadratically near a minimum (Rosenbrock).

Check your work with `grader check derivatives`; stuck? `grader hint derivatives`.
"""

import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    """The gradient of a scalar function by central differences.

    Math: for every index i of x (x may have any shape), with eᵢ the array of
    x's shape that is 1 at i and 0 elsewhere,
        grad[i] = (f(x + eps·eᵢ) − f(x − eps·eᵢ)) / (2·eps).
    The error is about eps²/6·f''' plus rounding of about 1e-16·|f|/eps. Forward
    differences (f(x + eps·eᵢ) − f(x))/eps are off by about eps/2·f'' — far too
    much where f curves strongly.

    Args:
        f: a function taking an array of x's shape and returning a number.
        x: array-like of any shape (a vector, a matrix, …); integers allowed
           (the gradient is still a float array).
        eps: the step, a positive float.

    Returns:
        grad: float array of the same shape as x.

    The caller's x is left unchanged, bit for bit. Beware the classic
    x[i] += eps; …; x[i] -= eps: in floating point (x + eps) − eps is often
    not x but a neighbour, so x comes back moved in its last bits, and the
    grader fails that (a gradient check must not move the point it checks).
    Perturb a copy, np.array(x, dtype=float), or save x[i] and put it back.

    Forbidden: nothing.
    """
    raise NotImplementedError("numerical_gradient is not written yet")


def numerical_jacobian(f, x, eps=1e-6):
    """The Jacobian of f: Rⁿ → Rᵐ by central differences (§1.4).

    Math: J[i, j] = ∂fᵢ/∂xⱼ, so column j is
        (f(x + eps·eⱼ) − f(x − eps·eⱼ)) / (2·eps),
    a vector of length m. Row i is the gradient of the output fᵢ.

    Args:
        f: a function taking a 1-D array of length n and returning a 1-D array
           of length m.
        x: array-like of shape (n,); integers allowed.
        eps: the step, a positive float.

    Returns:
        J: float array of shape (m, n) — also (1, n) when m = 1 and (m, 1) when
        n = 1. The caller's x is left unchanged.

    Forbidden: nothing.
    """
    raise NotImplementedError("numerical_jacobian is not written yet")


def numerical_hessian(f, x, eps=1e-4):
    """The Hessian of a scalar function by central differences (§3.7).

    Math: H[i, j] = ∂²f/∂xᵢ∂xⱼ, e.g. the mixed central difference
        (f(x + eps·eᵢ + eps·eⱼ) − f(x + eps·eᵢ − eps·eⱼ)
         − f(x − eps·eᵢ + eps·eⱼ) + f(x − eps·eᵢ − eps·eⱼ)) / (4·eps²),
    which for i = j uses the points x ± 2·eps·eᵢ and x; equally good is the
    Jacobian of your numerical gradient, both with this eps. The rounding
    error is now about 1e-16·|f|/eps², hence the larger default eps.

    Args:
        f: a function taking a 1-D array of length n and returning a number.
        x: array-like of shape (n,); integers allowed.
        eps: the step, a positive float.

    Returns:
        H: float array of shape (n, n), exactly symmetric: H[i, j] == H[j, i]
        to the last bit (compute each pair once, or symmetrise with
        (H + H.T)/2). The caller's x is left unchanged.

    Forbidden: nothing.
    """
    raise NotImplementedError("numerical_hessian is not written yet")


def rel_error(a, b):
    """The largest relative difference between two arrays, entry by entry.

    Math: maxᵢ |aᵢ − bᵢ| / max(1e-8, |aᵢ| + |bᵢ|): first the ratio for each
    entry, then the maximum of the ratios (not the largest difference over
    the largest denominator). The floor 1e-8 keeps 0/0 and tiny entries
    harmless: two zeros differ by 0.0.

    Args:
        a, b: array-likes of the same shape; integers allowed.

    Returns:
        A float in [0, 1].

    Forbidden: nothing.
    """
    raise NotImplementedError("rel_error is not written yet")


def rosenbrock(x):
    """The Rosenbrock function (§3.11): a narrow curved valley with its minimum 0 at (1, 1).

    Math: f(x) = (1 − x₀)² + 100·(x₁ − x₀²)².

    Args:
        x: array-like of shape (2,); integers allowed.

    Returns:
        f(x) as a float.

    Forbidden: nothing.
    """
    raise NotImplementedError("rosenbrock is not written yet")


def rosenbrock_grad(x):
    """The analytic gradient of the Rosenbrock function.

    Math: differentiate (1 − x₀)² + 100·(x₁ − x₀²)² by hand (chain rule:
    the inner derivative of x₁ − x₀² with respect to x₀ is −2·x₀).

    Args:
        x: array-like of shape (2,); integers allowed.

    Returns:
        Float array of shape (2,): [∂f/∂x₀, ∂f/∂x₁].

    Forbidden: nothing.
    """
    raise NotImplementedError("rosenbrock_grad is not written yet")


def rosenbrock_hessian(x):
    """The analytic Hessian of the Rosenbrock function.

    Math: the matrix of second derivatives [[∂²f/∂x₀², ∂²f/∂x₀∂x₁],
    [∂²f/∂x₁∂x₀, ∂²f/∂x₁²]]; differentiate your gradient once more.

    Args:
        x: array-like of shape (2,); integers allowed.

    Returns:
        Float array of shape (2, 2), symmetric.

    Forbidden: nothing.
    """
    raise NotImplementedError("rosenbrock_hessian is not written yet")


def newton_minimize(grad, hess, x0, tol=1e-10, max_iter=50):
    """Newton's method for a critical point: x ← x − hess(x)⁻¹·grad(x).

    Math: from x = x0, repeat: if ‖grad(x)‖ ≤ tol (Euclidean norm), stop;
    otherwise take one Newton step, solving hess(x)·Δ = grad(x) for Δ (no need
    to invert) and setting x ← x − Δ. At most max_iter steps.

    Args:
        grad: a function taking a 1-D array of length n and returning the
              gradient, shape (n,).
        hess: a function taking a 1-D array of length n and returning the
              Hessian, shape (n, n).
        x0: array-like of shape (n,), the start; integers allowed.
        tol: the absolute tolerance on ‖grad(x)‖.
        max_iter: the most steps to take.

    Returns:
        (x, n_iter): x a float array of shape (n,), the last iterate;
        n_iter an int, the number of steps actually taken: 0 if x0 already
        meets tol, max_iter if no iterate does. A quadratic takes exactly one
        step. The caller's x0 is left unchanged.

    Forbidden: nothing.
    """
    raise NotImplementedError("newton_minimize is not written yet")


def classify_critical_point(H, tol=1e-10):
    """What kind of critical point a Hessian describes, from its eigenvalues (§3.7).

    Math: with λ the eigenvalues of the symmetric H,
        "saddle"      if some λ > tol and some λ < −tol;
        else "minimum"    if all λ > tol (positive definite);
        "maximum"     if all λ < −tol (negative definite);
        "degenerate"  otherwise: some |λ| ≤ tol, and the second derivatives
                      alone cannot tell (e.g. positive semidefinite with a 0).

    Args:
        H: array-like of shape (n, n), symmetric; integers allowed.
        tol: the absolute threshold below which |λ| counts as zero.

    Returns:
        One of the strings "minimum", "maximum", "saddle", "degenerate".

    Forbidden: nothing.
    """
    raise NotImplementedError("classify_critical_point is not written yet")
