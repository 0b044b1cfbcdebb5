"""Topic 3 — Moore–Penrose pseudoinverse, least squares and ridge (lecture §3.4).

With A = U Σ Vᵀ, the pseudoinverse A⁺ = V Σ⁺ Uᵀ inverts every singular value
worth inverting and sends the rest to zero. It is the one matrix X meeting the
four Penrose conditions, and x = A⁺b is the least-squares solution of smallest
norm — for tall, wide and rank-deficient A alike. Ridge regression replaces
1/σ by the gentler filter σ/(σ² + λ).

Check your work with `grader check pseudoinverse`; stuck? `grader hint pseudoinverse`.
"""

import numpy as np


def pinv(A, rcond=1e-15):
    """The Moore–Penrose pseudoinverse A⁺ of an m×n matrix, through the SVD.

    Math: A = U Σ Vᵀ (economy SVD) gives A⁺ = V Σ⁺ Uᵀ, where Σ⁺ holds 1/σᵢ
    for every σᵢ > rcond·σ_max and 0 for the others. The cutoff is relative
    to the largest singular value, so scaling A by c scales A⁺ by 1/c.

    Args:
        A: array-like of shape (m, n); integers allowed.
        rcond: singular values ≤ rcond·σ_max count as zero.

    Returns:
        A float array of shape (n, m) — the shape of Aᵀ. The zero matrix
        (σ_max = 0) gives zeros, never inf or NaN.

    Forbidden: numpy.linalg.pinv, numpy.linalg.lstsq
    """
    raise NotImplementedError("pinv is not written yet")


def penrose_residuals(A, X):
    """How far X is from meeting each of the four Penrose conditions.

    Math: X = A⁺ exactly when (1) AXA = A, (2) XAX = X, (3) (AX)ᵀ = AX and
    (4) (XA)ᵀ = XA. Measure each violation relative to its matrix, in the
    Frobenius norm:
        ‖AXA − A‖/‖A‖,  ‖XAX − X‖/‖X‖,  ‖(AX)ᵀ − AX‖/‖AX‖,  ‖(XA)ᵀ − XA‖/‖XA‖.
    When a denominator is 0 its numerator is 0 too, and 0/0 counts as 0.

    Args:
        A: array-like of shape (m, n).
        X: array-like of shape (n, m).

    Returns:
        A float array of shape (4,) with the residuals in the order above.

    Forbidden: nothing.
    """
    raise NotImplementedError("penrose_residuals is not written yet")


def is_pseudoinverse(A, X, tol=1e-8):
    """Whether X is the pseudoinverse of A, up to tol.

    Math: all four Penrose residuals (see penrose_residuals) are ≤ tol. Each
    condition matters: a left inverse of a tall matrix meets three of them.

    Args:
        A: array-like of shape (m, n).
        X: array-like of shape (n, m).
        tol: the largest residual accepted (the residuals are relative).

    Returns:
        A bool.

    Forbidden: nothing.
    """
    raise NotImplementedError("is_pseudoinverse is not written yet")


def least_squares(A, b):
    """The minimum-norm least-squares solution of A x ≈ b.

    Math: among all x minimising ‖Ax − b‖₂, the one of smallest ‖x‖₂ is
    x = A⁺b = Σᵢ (uᵢᵀb/σᵢ) vᵢ over the σᵢ > max(m, n)·ε·σ_max, ε the float64
    machine epsilon (numpy.finfo(float).eps). It is the exact solution for
    square invertible A, the least-squares one for tall A and the
    minimum-norm one for wide or rank-deficient A. The normal equations
    AᵀA x = Aᵀb square the condition number: avoid them.

    Args:
        A: array-like of shape (m, n); integers allowed.
        b: array-like of shape (m,).

    Returns:
        x: a float array of shape (n,). A = 0 gives x = 0.

    Forbidden: numpy.linalg.lstsq, numpy.linalg.pinv
    """
    raise NotImplementedError("least_squares is not written yet")


def ridge(A, b, lam):
    """The Tikhonov (ridge) solution, through the SVD filter factors.

    Math: x minimises ‖Ax − b‖² + λ‖x‖², and with A = U Σ Vᵀ (economy SVD)
        x = Σᵢ σᵢ/(σᵢ² + λ) · (uᵢᵀb) · vᵢ.
    The filter σ/(σ² + λ) is ≈ 1/σ for σ² ≫ λ and ≈ σ/λ → 0 for σ² ≪ λ.

    Args:
        A: array-like of shape (m, n); integers allowed.
        b: array-like of shape (m,).
        lam: λ > 0 (an int is fine).

    Returns:
        x: a float array of shape (n,).

    Forbidden: numpy.linalg.lstsq, numpy.linalg.pinv, numpy.linalg.solve, numpy.linalg.inv
    """
    raise NotImplementedError("ridge is not written yet")


def condition_number(A):
    """The 2-norm condition number σ_max/σ_min of an m×n matrix.

    Math: the ratio of the largest to the smallest of the min(m, n) singular
    values. It is not the ratio of eigenvalues: [[1, 100], [0, 1]] has both
    eigenvalues 1 but condition number about 1e4.

    Args:
        A: array-like of shape (m, n); integers allowed.

    Returns:
        A float ≥ 1; float("inf") when σ_min = 0 (the zero matrix included).

    Forbidden: nothing.
    """
    raise NotImplementedError("condition_number is not written yet")
