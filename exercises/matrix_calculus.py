"""Topic 7 — Matrix calculus: the Matrix Cookbook identities (lecture §3.8).

Backpropagation is matrix calculus: the gradient of a scalar f with respect
to a vector x or a matrix X is the array G of the same shape with
G[i, j] = ∂f/∂X[i, j]. Each function below returns such a gradient in closed
form. Derive each one entry by entry (write the trace or the product as a sum
over indices, differentiate by one entry, read the sum back as a matrix
product), then compare it with central differences, as the lecture does. The
grader tests with NON-symmetric matrices and non-square shapes, so a formula
that is only right for a symmetric A, or that puts a transpose in the wrong
place, will show.

Check your work with `grader check matrix_calculus`; stuck? `grader hint matrix_calculus`.
"""

import numpy as np


def grad_linear(a, x):
    """Gradient of the linear function f(x) = aᵀx = Σᵢ aᵢxᵢ with respect to x.

    Args:
        a, x: array-likes of shape (n,); integers allowed.

    Returns:
        float array of shape (n,): G[k] = ∂f/∂x[k].

    Forbidden: nothing.
    """
    raise NotImplementedError("grad_linear is not written yet")


def grad_quadratic(A, x):
    """Gradient of the quadratic form f(x) = xᵀAx = Σᵢⱼ xᵢAᵢⱼxⱼ with respect to x.

    A need not be symmetric: x[k] appears in the sum both as the row index i
    and as the column index j.

    Args:
        A: array-like of shape (n, n); x: array-like of shape (n,).

    Returns:
        float array of shape (n,): G[k] = ∂f/∂x[k].

    Forbidden: nothing.
    """
    raise NotImplementedError("grad_quadratic is not written yet")


def grad_trace_AX(A, X):
    """Gradient of f(X) = tr(AX) with respect to X.

    tr(AX) = Σᵢ (AX)ᵢᵢ = Σᵢⱼ AᵢⱼXⱼᵢ.

    Args:
        A: array-like of shape (n, m); X: array-like of shape (m, n).

    Returns:
        float array of shape (m, n), the shape of X: G[j, i] = ∂f/∂X[j, i].

    Forbidden: nothing.
    """
    raise NotImplementedError("grad_trace_AX is not written yet")


def grad_trace_AXB(A, X, B):
    """Gradient of f(X) = tr(AXB) with respect to X.

    Hint: the trace is cyclic, tr(AXB) = tr(BAX); then it is tr(CX).

    Args:
        A: (p, m), X: (m, n), B: (n, p) array-likes.

    Returns:
        float array of shape (m, n), the shape of X.

    Forbidden: nothing.
    """
    raise NotImplementedError("grad_trace_AXB is not written yet")


def grad_trace_XtAX(A, X):
    """Gradient of f(X) = tr(XᵀAX) with respect to X.

    tr(XᵀAX) = Σₖ xₖᵀAxₖ over the columns xₖ of X: a quadratic form per
    column. A need not be symmetric.

    Args:
        A: array-like of shape (n, n); X: array-like of shape (n, k).

    Returns:
        float array of shape (n, k), the shape of X.

    Forbidden: nothing.
    """
    raise NotImplementedError("grad_trace_XtAX is not written yet")


def grad_frobenius_sq(X):
    """Gradient of the squared Frobenius norm f(X) = ‖X‖_F² = Σᵢⱼ Xᵢⱼ² with respect to X.

    Args:
        X: array-like of shape (m, n).

    Returns:
        float array of shape (m, n).

    Forbidden: nothing.
    """
    raise NotImplementedError("grad_frobenius_sq is not written yet")


def grad_logdet(X):
    """Gradient of f(X) = ln |det X| with respect to X.

    The absolute value makes f defined for every invertible X, negative
    determinants included (the grader uses them); the gradient formula is the
    same on both sides. Expand det X along row i: ∂ det X/∂X[i, j] is the
    cofactor Cᵢⱼ, and the cofactors are related to the inverse by
    X⁻¹ = Cᵀ/det X.

    Args:
        X: array-like of shape (n, n), invertible.

    Returns:
        float array of shape (n, n): G[i, j] = ∂f/∂X[i, j].

    Forbidden: nothing.
    """
    raise NotImplementedError("grad_logdet is not written yet")


def grad_det(X):
    """Gradient of f(X) = det X with respect to X.

    Related to the previous one by the chain rule: ∂ ln|det X| = ∂(det X)/det X.
    det X may be negative.

    Args:
        X: array-like of shape (n, n), invertible.

    Returns:
        float array of shape (n, n): G[i, j] = ∂ det X/∂X[i, j].

    Forbidden: nothing.
    """
    raise NotImplementedError("grad_det is not written yet")


def grad_least_squares(A, x, b):
    """Gradient of the least-squares loss f(x) = ‖Ax − b‖² with respect to x.

    Write it as (Ax − b)ᵀ(Ax − b) and expand, or use the chain rule with the
    residual r = Ax − b.

    Args:
        A: array-like of shape (m, n); x: (n,); b: (m,).

    Returns:
        float array of shape (n,), the shape of x.

    Forbidden: nothing.
    """
    raise NotImplementedError("grad_least_squares is not written yet")


def grad_trace_inv(A, B):
    """Gradient of f(A) = tr(A⁻¹B) with respect to A.

    Differentiate A·A⁻¹ = I: d(A⁻¹) = −A⁻¹ (dA) A⁻¹. Then
    df = −tr(A⁻¹ dA A⁻¹ B); rotate the trace until it reads tr(C dA) and
    remember what tr(C dA) means for the gradient (see grad_trace_AX).

    Args:
        A: array-like of shape (n, n), invertible; B: array-like of shape (n, n).

    Returns:
        float array of shape (n, n), the shape of A.

    Forbidden: nothing.
    """
    raise NotImplementedError("grad_trace_inv is not written yet")


def sigmoid_derivative(x):
    """The derivative of the logistic sigmoid σ(x) = 1/(1 + e^(−x)), elementwise.

    σ' can be written with σ alone. It must stay finite and raise no numpy
    warning for |x| up to 1e3: e^(−x) overflows for x below about −709, so
    never let an exponent become large and positive.

    Args:
        x: a number or an array-like of any shape; integers allowed.

    Returns:
        σ'(x) elementwise: a float array of the shape of x (a float for a
        number).

    Forbidden: nothing.
    """
    raise NotImplementedError("sigmoid_derivative is not written yet")
