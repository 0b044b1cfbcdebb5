"""Hidden suite: svd_basics — the 2×2 SVD by hand, the SVD from eigh, the ellipse.

Oracle: LAPACK's singular values (numpy.linalg.svd in this trusted process),
on data pre-scaled by its largest entry so 1e±150 neither overflows nor
underflows. Singular vectors are not unique (signs, equal σ), so they are
judged by properties — orthogonality, reconstruction, eigen-residuals —
which every correct answer has.
"""

import numpy as np
import pytest

from grader.outcomes import Wrong
from grader.suites import cases, checks


def singular_values(A) -> np.ndarray:
    A = np.asarray(A, dtype=float)
    c = np.max(np.abs(A)) if A.size else 0.0
    return c * np.linalg.svd(A / c, compute_uv=False) if c > 0 else np.zeros(min(A.shape))


def check_svd(result, A, function, *, tol, sigma_tol) -> None:
    """Shapes, order, σ accuracy (absolute, × ‖A‖₂), orthonormal factors, A = U Σ Vᵀ."""
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    k = min(m, n)
    U, s, Vt = checks.values(result, ("U", "s", "Vt"), function)
    U, s, Vt = checks.array(U, "U", (m, k)), checks.array(s, "s", (k,)), checks.array(Vt, "Vt", (k, n))
    checks.descending_nonnegative(s, "s")
    norm = singular_values(A)[0]
    checks.close(s, singular_values(A), "s", tol=sigma_tol, scale=norm, what="the singular values")
    checks.orthonormal_columns(U, "U", tol)
    checks.orthonormal_columns(Vt.T, "Vt.T", tol)
    checks.close((U * s) @ Vt, A, "U @ diag(s) @ Vt", tol=tol, scale=norm,
                 what="it should reproduce A")


# --- svd_2x2 ----------------------------------------------------------------------

def _rotation(t):
    return np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])


SVD_2X2 = {
    "random": lambda g: cases.gaussian(g, 2, 2),
    "integers": lambda g: cases.integers(g, 2, 2),
    "zero": lambda g: np.zeros((2, 2)),
    "rank-1": lambda g: np.outer(g.standard_normal(2), g.standard_normal(2)),
    "diagonal": lambda g: np.diag([-0.5, 3.0]) * g.uniform(1, 2),
    "negative-determinant": lambda g: cases.with_singular_values(g, 2, 2, [2.0, 0.7]) @ np.diag([1.0, -1.0]),
    "scaled-rotation": lambda g: 2.5 * _rotation(g.uniform(0, 2 * np.pi)),
    "nilpotent": lambda g: np.array([[0.0, 1.0], [0.0, 0.0]]) * g.uniform(1, 3),
    "nearly-singular": lambda g: cases.with_singular_values(g, 2, 2, [1.0, 1e-9]),
    "huge-1e150": lambda g: cases.gaussian(g, 2, 2) * 1e150,
    "tiny-1e-150": lambda g: cases.gaussian(g, 2, 2) * 1e-150,
}


@pytest.mark.function("svd_2x2")
@pytest.mark.parametrize("case", SVD_2X2)
def test_svd_2x2(learner, seed, case):
    for draw in range(3 if case == "random" else 1):
        A = SVD_2X2[case](cases.rng(seed, "svd_2x2", case, draw))
        check_svd(learner.svd_2x2(A), A, "svd_2x2", tol=1e-12, sigma_tol=1e-12)


# --- svd_via_eig -------------------------------------------------------------------

SVD_VIA_EIG = {
    **{name: (lambda m, n: lambda g: cases.conditioned(g, m, n, cond=10.0, scale=g.uniform(0.5, 5)))(m, n)
       for name, (m, n) in cases.SHAPES.items()},
    "ill-conditioned": lambda g: cases.conditioned(g, 6, 4, cond=1e3),
    "ill-conditioned-wide": lambda g: cases.conditioned(g, 3, 6, cond=1e3),
    "integers": lambda g: cases.integers(g, 4, 3),
}


@pytest.mark.function("svd_via_eig")
@pytest.mark.parametrize("case", SVD_VIA_EIG)
def test_svd_via_eig(learner, seed, case):
    A = SVD_VIA_EIG[case](cases.rng(seed, "svd_via_eig", case))
    check_svd(learner.svd_via_eig(A), A, "svd_via_eig", tol=1e-8, sigma_tol=1e-9)


# --- ellipse_axes ------------------------------------------------------------------

ELLIPSE = {
    "random": lambda g: cases.gaussian(g, 2, 2),
    "lecture": lambda g: np.array([[3, 1], [1, 2]]),
    "rank-1": lambda g: np.outer(g.standard_normal(2), g.standard_normal(2)),
    "circle": lambda g: 1.5 * _rotation(g.uniform(0, 2 * np.pi)),
    "zero": lambda g: np.zeros((2, 2)),
    "shear": lambda g: np.array([[1.0, g.uniform(1, 3)], [0.0, 1.0]]),
}


@pytest.mark.function("ellipse_axes")
@pytest.mark.parametrize("case", ELLIPSE)
def test_ellipse_axes(learner, seed, case):
    for draw in range(3 if case == "random" else 1):
        given = ELLIPSE[case](cases.rng(seed, "ellipse_axes", case, draw))
        A = np.asarray(given, dtype=float)
        lengths, directions = checks.values(learner.ellipse_axes(given), ("lengths", "directions"), "ellipse_axes")
        lengths = checks.array(lengths, "lengths", (2,))
        directions = checks.array(directions, "directions", (2, 2))
        sigma = singular_values(A)
        checks.descending_nonnegative(lengths, "lengths")
        checks.close(lengths, sigma, "lengths", tol=1e-10, scale=sigma[0],
                     what="the semi-axis lengths are the singular values of A")
        checks.orthonormal_columns(directions, "directions", 1e-10)
        gram = A @ A.T
        for i in range(2):
            d = directions[:, i]
            residual = float(np.linalg.norm(gram @ d - sigma[i] ** 2 * d))
            if residual > 1e-9 * max(sigma[0] ** 2, 1e-300):
                raise Wrong(f"directions[:, {i}] = {np.round(d, 5)} is not the direction of semi-axis {i}: "
                            f"the image of the unit circle reaches length {sigma[i]:.5g} along an eigenvector "
                            f"of A·Aᵀ, and ‖A·Aᵀ·d − {sigma[i]:.5g}²·d‖ = {residual:.2g}. "
                            "The axes live in the output space: columns of U, not of V.")
