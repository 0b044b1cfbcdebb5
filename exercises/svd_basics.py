"""Topic 1 — SVD geometry and the 2×2 SVD by hand (lecture §1.1, §3.1).

Every real matrix factors as A = U Σ Vᵀ: Vᵀ rotates (or reflects) the input
space, Σ stretches along the coordinate axes, U rotates the output space. In
two dimensions you can write the whole factorisation down in closed form.

Check your work with `grader check svd_basics`; stuck? `grader hint svd_basics`.
"""

import numpy as np


def svd_2x2(A):
    """Closed-form SVD of a real 2×2 matrix, without numpy.linalg.

    Math: A = U · diag(s) · Vt with U, Vt orthogonal (UᵀU = I, Vt·Vtᵀ = I) and
    s[0] ≥ s[1] ≥ 0. Write A = [[a, b], [c, d]] as a rotation part
    (E = (a+d)/2, H = (c−b)/2) plus a reflection part (F = (a−d)/2,
    G = (c+b)/2); the singular values are √(E²+H²) ± √(F²+G²) (the second one
    in absolute value) and the angles of U and Vt come from atan2.

    Args:
        A: array-like of shape (2, 2); integers allowed.

    Returns:
        (U, s, Vt): float arrays of shapes (2, 2), (2,), (2, 2) with
        U @ diag(s) @ Vt == A to about 1e-12·‖A‖₂, and each σ within about
        1e-12·‖A‖₂ of the true value.

    Must hold for the zero matrix, rank-1 matrices, diagonal matrices,
    negative determinants, and entries as large as 1e150 or as small as
    1e-150 (no overflow or underflow: scale first).

    Forbidden: numpy.linalg (all of it)
    """
    raise NotImplementedError("svd_2x2 is not written yet")


def svd_via_eig(A):
    """Economy SVD of a full-rank m×n matrix, built from the eigendecomposition of AᵀA.

    Math: AᵀA = V Λ Vᵀ, so σᵢ = √λᵢ and uᵢ = A vᵢ / σᵢ. When m < n, start
    from AAᵀ = U Λ Uᵀ instead (or transpose the problem). numpy.linalg.eigh
    returns the eigenvalues in *ascending* order.

    Args:
        A: array-like of shape (m, n), rank min(m, n), condition number ≤ 1e3.

    Returns:
        (U, s, Vt) with shapes (m, k), (k,), (k, n), k = min(m, n); s in
        descending order; U and Vtᵀ with orthonormal columns; U·diag(s)·Vt == A.

    Forbidden: numpy.linalg (all of it) except numpy.linalg.eigh, numpy.linalg.eigvalsh
    """
    raise NotImplementedError("svd_via_eig is not written yet")


def ellipse_axes(A):
    """The semi-axes of the ellipse that a 2×2 matrix makes of the unit circle.

    Math: {A x : ‖x‖ = 1} is an ellipse whose semi-axes are σᵢ·uᵢ — lengths
    are the singular values, directions the left singular vectors (they live
    in the output space).

    Args:
        A: array-like of shape (2, 2).

    Returns:
        (lengths, directions): lengths of shape (2,) in descending order;
        directions of shape (2, 2) holding orthonormal directions as its
        *columns* (the sign of each is yours to choose; when the lengths are
        equal, any orthonormal pair is right).

    Forbidden: nothing.
    """
    raise NotImplementedError("ellipse_axes is not written yet")
