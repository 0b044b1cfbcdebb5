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
    """Shapes, order, σ accuracy (absolute, × ‖A‖₂), orthonormal factors, A = U Σ Vᵀ;
    a failure names the known mistake its numbers fit (``diagnose``)."""
    A = np.asarray(A, dtype=float)
    m, n = A.shape
    k = min(m, n)
    try:
        U, s, Vt = checks.values(result, ("U", "s", "Vt"), function)
        U, s, Vt = checks.array(U, "U", (m, k)), checks.array(s, "s", (k,)), checks.array(Vt, "Vt", (k, n))
        checks.descending_nonnegative(s, "s")
        sigma = singular_values(A)
        norm = sigma[0]
        checks.close(s, sigma, "s", tol=sigma_tol, scale=norm, code="svd_basics.singular_values")
        checks.orthonormal_columns(U, "U", tol)
        checks.orthonormal_columns(Vt.T, "Vt.T", tol)
        checks.close((U * s) @ Vt, A, "U @ diag(s) @ Vt", tol=tol, scale=norm, code="svd_basics.reconstruction")
    except Wrong as wrong:
        raise wrong.naming(diagnose(result, A, sigma_tol))


def diagnose(result, A, sigma_tol: float) -> str | None:
    """Which known mistake do the returned factors fit? (None: none recognised.)

    Candidates are matched loosely (1e-7·σ₁: a near-miss computes its own way);
    whether s is right is decided at the suite's own tolerance.
    """
    try:
        U, s, Vt = (np.asarray(x, dtype=float) for x in result)
    except (TypeError, ValueError):
        return None
    m, n = A.shape
    k = min(m, n)
    if m < n and s.shape == (n,):
        return "svd_basics.gram_of_the_long_side"
    if s.shape != (k,) or U.shape != (m, k) or Vt.shape != (k, n):
        return None
    sigma = singular_values(A)
    c = float(np.max(np.abs(A)))
    tol = 1e-7 * max(sigma[0], 1e-300)
    same = checks.same
    if c == 0.0:
        return "svd_basics.zero_matrix_divides" if not np.all(np.isfinite(s)) else None
    if not np.all(np.isfinite(s)):
        return "svd_basics.gram_overflow" if c > 1e100 or c < 1e-100 else None
    if k > 1 and same(s, sigma[::-1], tol) and not same(s, sigma, tol):
        return "svd_basics.ascending"
    if np.any(s < 0) and same(np.sort(np.abs(s))[::-1], sigma, tol):
        return "svd_basics.negative_sigma"
    if c != 1.0 and same(s * c, sigma, tol) and not same(s, sigma, tol):
        return "svd_basics.prescale_not_undone"
    product = (U * s) @ Vt
    if m == n and same(product, A.T, tol) and not same(A, A.T, tol):
        return "svd_basics.u_v_swapped"
    if not same(s, sigma, sigma_tol * sigma[0]):
        if np.max(np.abs(s - sigma)) < 1e-6 * sigma[0]:
            return "svd_basics.gram_precision"  # squaring leaves √ε·σ₁ accuracy (either σ, e.g. equal σs)
        return None
    if k == 2 and same((U * (s * [1.0, -1.0])) @ Vt, A, tol) and not same(product, A, tol):
        return "svd_basics.sign_not_moved_into_u"
    stretch = np.linalg.norm(A @ Vt.T, axis=0)  # ‖A vᵢ‖ = σᵢ for the right pairing
    if k > 1 and not same(stretch, s, tol) and same(np.sort(stretch)[::-1], s, tol):
        return "svd_basics.sorted_without_vectors"
    return None


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
    **{
        name: (lambda m, n: lambda g: cases.conditioned(g, m, n, cond=10.0, scale=g.uniform(0.5, 5)))(m, n)
        for name, (m, n) in cases.SHAPES.items()
    },
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
        try:
            check_ellipse(A, lengths, directions, sigma)
        except Wrong as wrong:  # both ellipses, for the picture (grader.pictures.ellipse)
            right = np.linalg.svd(A)[0]
            raise wrong.adding(lengths=lengths, directions=directions, right_lengths=sigma, right_directions=right)


def check_ellipse(A, lengths, directions, sigma) -> None:
    checks.descending_nonnegative(lengths, "lengths")
    checks.close(lengths, sigma, "lengths", tol=1e-10, scale=sigma[0], code="svd_basics.ellipse_lengths")
    checks.orthonormal_columns(directions, "directions", 1e-10)
    gram = A @ A.T
    for i in range(2):
        d = directions[:, i]
        residual = float(np.linalg.norm(gram @ d - sigma[i] ** 2 * d))
        if residual > 1e-9 * max(sigma[0] ** 2, 1e-300):
            raise Wrong(
                "svd_basics.ellipse_direction",
                i=i,
                d=d,
                sigma=sigma[i],
                residual=residual,
                mistake=ellipse_mistake(A, directions, sigma),
            )


def ellipse_mistake(A, directions, sigma) -> str | None:
    """V's columns (input space) instead of U's, or U's columns returned as rows."""
    U, _, Vt = np.linalg.svd(A)
    distinct = sigma[0] - sigma[1] > 1e-6 * max(sigma[0], 1e-300)
    if not distinct:
        return None
    if same_up_to_signs(directions, Vt.T) and not same_up_to_signs(U, Vt.T):
        return "svd_basics.ellipse_right_vectors"
    if same_up_to_signs(directions.T, U) and not same_up_to_signs(U, U.T):
        return "svd_basics.ellipse_directions_as_rows"
    return None


def same_up_to_signs(D, W, tol: float = 1e-8) -> bool:
    """Column i of D is ± column i of W, for every i."""
    return all(
        min(np.max(np.abs(D[:, i] - W[:, i])), np.max(np.abs(D[:, i] + W[:, i]))) <= tol for i in range(W.shape[1])
    )
