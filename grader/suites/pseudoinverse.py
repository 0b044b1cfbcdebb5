"""Hidden suite: pseudoinverse — A⁺ through the SVD, the Penrose conditions,
minimum-norm least squares, ridge, the condition number.

Oracles, computed in this trusted process: numpy.linalg.pinv with the same
rcond; numpy.linalg.lstsq(rcond=None), whose cutoff is SPEC's max(m, n)·ε·σ_max;
ridge as the stacked least-squares problem [A; √λ·I] x ≈ [b; 0] (another route
than the filter factors a learner uses); singular values from
numpy.linalg.svd; the Penrose residuals straight from their definition.

Rank-deficient inputs come in two kinds. Structural ones (cases.rank_deficient)
have zero singular values at or within a few ulps of zero. Numerical ones —
products of thin factors, a duplicated column — have them at rounding level
(up to about 4e-16·σ_max, whatever SVD computes them), below SPEC's cutoffs
(1e-15·σ_max for pinv, max(m, n)·ε·σ_max for least squares) but not zero: a
solver that inverts every non-zero singular value fails them, every solver
that honours the cutoff agrees. Failures show the Penrose residuals, the
residual and the norm of x, or the singular values, so the learner sees which
property broke; the known mistakes are recognised from the numbers.
"""

import numpy as np
import pytest

from grader.feedback import Feedback
from grader.outcomes import SubmissionFault, Wrong
from grader.suites import cases, checks

RESIDUALS = ("‖AXA − A‖/‖A‖", "‖XAX − X‖/‖X‖", "‖(AX)ᵀ − AX‖/‖AX‖", "‖(XA)ᵀ − XA‖/‖XA‖")
EPS = np.finfo(float).eps


def table(names, gated=()):
    """A table's case names for parametrize, those in ``gated`` marked gated."""
    return [pytest.param(name, marks=pytest.mark.gated) if name in gated else name for name in names]


def svd(A):
    return np.linalg.svd(A, full_matrices=False)


def singular_values(A) -> np.ndarray:
    return np.linalg.svd(A, compute_uv=False)


def inverted(s, keep) -> np.ndarray:
    """1/σ where ``keep``, 0 elsewhere."""
    return np.divide(1.0, s, out=np.zeros_like(s), where=keep)


def norms(A, X, norm=np.linalg.norm, relative=True) -> np.ndarray:
    """The four Penrose residuals (SPEC: relative, Frobenius, 0/0 = 0), or a near-miss's variant of them."""
    with np.errstate(all="ignore"):
        AX, XA = A @ X, X @ A
        pairs = ((AX @ A - A, A), (XA @ X - X, X), (AX.T - AX, AX), (XA.T - XA, XA))
        if not relative:
            return np.array([norm(d) for d, _ in pairs])
        return np.array([norm(d) / norm(r) if norm(r) > 0 else 0.0 for d, r in pairs])


def penrose(A, X) -> np.ndarray:
    return norms(A, X)


def scaled_permutation(g, m: int, n: int, s) -> np.ndarray:
    """±s on the diagonal of an m×n zero matrix, rows and columns shuffled: LAPACK gets s exactly."""
    a = np.zeros((m, n))
    k = len(s)
    a[range(k), range(k)] = np.asarray(s) * g.choice([-1.0, 1.0], k)
    return a[g.permutation(m)][:, g.permutation(n)]


def thin_product(g, m: int, n: int, r: int) -> np.ndarray:
    """B·C with B m×r, C r×n (each of condition 10): rank r, its other σ at rounding level, not 0."""
    return cases.conditioned(g, m, r, cond=10.0) @ cases.conditioned(g, r, n, cond=10.0)


def duplicated_column(g, m: int, n: int) -> np.ndarray:
    """n − 1 independent columns and a copy of one of them, shuffled: rank n − 1, σ_min at rounding level."""
    B = cases.conditioned(g, m, n - 1, cond=10.0)
    return np.column_stack([B, B[:, int(g.integers(n - 1))]])[:, g.permutation(n)]


def with_pinv(A):
    return A, np.linalg.pinv(A)


def left_inverse(g, m: int, n: int):
    """Tall full-rank A, X = A⁺ + Z(I − AA⁺): XA = I, and only (AX)ᵀ = AX fails."""
    A, P = with_pinv(cases.conditioned(g, m, n, cond=10.0))
    return A, P + g.standard_normal((n, m)) @ (np.eye(m) - A @ P)


def right_inverse(g, m: int, n: int):
    """Wide full-rank A, X = A⁺ + (I − A⁺A)Z: AX = I, and only (XA)ᵀ = XA fails."""
    A, P = with_pinv(cases.conditioned(g, m, n, cond=10.0))
    return A, P + (np.eye(n) - P @ A) @ g.standard_normal((n, m))


def noisy_pinv(g, m: int, n: int, noise: float):
    """A⁺ plus a random perturbation of spectral size noise·‖A⁺‖₂ (at most)."""
    A, P = with_pinv(cases.conditioned(g, m, n, cond=10.0))
    N = g.standard_normal(P.shape)
    return A, P + noise * np.linalg.norm(P, 2) * N / np.linalg.norm(N)


def inverted_below_cutoff(x, s, cutoff, size) -> bool:
    """Did the answer invert a singular value at or below the cutoff? Then it is not finite (1/0), or
    at least about ``size``/σ for a σ ≤ cutoff: far beyond anything the kept values give."""
    if not np.any(s <= cutoff):
        return False
    return not np.all(np.isfinite(x)) or (cutoff > 0 and float(np.linalg.norm(x)) >= 1e-3 * size / cutoff)


# --- pinv ---------------------------------------------------------------------------

PINV = {
    **{
        name: (lambda m, n: lambda g: cases.conditioned(g, m, n, cond=10.0, scale=g.uniform(0.5, 5)))(m, n)
        for name, (m, n) in cases.SHAPES.items()
    },
    "rank-deficient": lambda g: cases.rank_deficient(g, 6, 5, 3),
    "rank-deficient-wide": lambda g: cases.rank_deficient(g, 3, 7, 2),
    "numerically-rank-deficient": lambda g: thin_product(g, 6, 5, 3),
    "numerically-rank-deficient-wide": lambda g: thin_product(g, 3, 7, 2),
    "duplicated-column": lambda g: duplicated_column(g, 6, 4),
    "zero": lambda g: np.zeros((3, 4)),
    "tiny-1e-20": lambda g: cases.gaussian(g, 4, 3) * 1e-20,
    "ill-conditioned": lambda g: cases.conditioned(g, 5, 5, cond=1e6),
    "default-rcond-keeps-1e-13": lambda g: scaled_permutation(g, 4, 3, [3.0, 1.0, 3e-13]),
    "explicit-rcond": lambda g: cases.with_singular_values(g, 6, 4, [1e-2, 5e-3, 1e-5, 1e-8]),
    "integers": lambda g: cases.integers(g, 4, 3),
}
PINV_RCOND = {"explicit-rcond": 1e-4}  # σ/σ_max = 1, 0.5, 1e-3 are kept, 1e-6 is dropped


def pinv_mistake(X, A, rcond, default: bool) -> str | None:
    """A σ ≤ rcond·σ_max inverted, U Σ⁺ Vᵀ without the transposes, an absolute cutoff, another default rcond."""
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        return None
    U, s, Vt = svd(A)
    cutoff = rcond * s[0]
    if inverted_below_cutoff(X, s, cutoff, 1.0):
        return "pseudoinverse.no_cutoff"
    candidates = [
        ("pseudoinverse.no_transpose", (U * inverted(s, s > cutoff)) @ Vt),
        ("pseudoinverse.absolute_cutoff", (Vt.T * inverted(s, s > rcond)) @ U.T),
    ]
    if default:
        candidates.append(("pseudoinverse.default_rcond", (Vt.T * inverted(s, s > 1e-10 * s[0])) @ U.T))
    return checks.near_miss(
        X,
        np.linalg.pinv(A, rcond=rcond),
        candidates,
        1e-7 * max(np.linalg.norm(np.linalg.pinv(A, rcond=rcond), 2), 1e-300),
    )


@pytest.mark.function("pinv")
@pytest.mark.parametrize("case", table(PINV, gated={"zero"}))
def test_pinv(learner, seed, case):
    given = PINV[case](cases.rng(seed, "pinv", case))
    A = np.asarray(given, dtype=float)
    rcond = PINV_RCOND.get(case, 1e-15)
    got = learner.pinv(given, rcond=rcond) if case in PINV_RCOND else learner.pinv(given)
    expected = np.linalg.pinv(A, rcond=rcond)
    s = singular_values(A)
    try:
        X = checks.array(got, "A_plus", finite=False)
        if X.shape != A.T.shape:
            raise Wrong("pseudoinverse.pinv_shape", shape=X.shape, m=A.shape[0], n=A.shape[1], expected_shape=A.T.shape)
        r = penrose(A, X)
        notes = [
            Feedback(
                "pseudoinverse.cutoff_note", {"values": s, "rcond": rcond, "sigma_max": s[0], "cutoff": rcond * s[0]}
            ),
            Feedback("pseudoinverse.penrose_note", {"r": r}),
        ]
        checks.close(
            X, expected, "A_plus", tol=1e-8, scale=np.linalg.norm(expected, 2), code="pseudoinverse.pinv", notes=notes
        )
    except Wrong as wrong:
        raise wrong.naming(pinv_mistake(got, A, rcond, case not in PINV_RCOND))


# --- penrose_residuals ------------------------------------------------------------------

PAIRS = {  # (A, X) pairs shared by penrose_residuals and is_pseudoinverse
    "true-pinv": lambda g: with_pinv(cases.conditioned(g, 5, 3, cond=10.0, scale=g.uniform(0.5, 5))),
    "rank-deficient-pinv": lambda g: with_pinv(cases.rank_deficient(g, 6, 5, 3)),
    "random-square": lambda g: (3 * cases.gaussian(g, 4, 4), 0.2 * cases.gaussian(g, 4, 4)),
    "random-tall": lambda g: (cases.gaussian(g, 6, 3), cases.gaussian(g, 3, 6)),
    "random-wide": lambda g: (cases.gaussian(g, 2, 5), 5 * cases.gaussian(g, 5, 2)),
    "zero-X": lambda g: (cases.gaussian(g, 4, 3), np.zeros((3, 4))),
    "both-zero": lambda g: (np.zeros((3, 4)), np.zeros((4, 3))),
    "left-inverse": lambda g: left_inverse(g, 6, 3),
    "right-inverse": lambda g: right_inverse(g, 3, 6),
    "noisy-1e-3": lambda g: noisy_pinv(g, 5, 3, 1e-3),
    "noisy-1e-6": lambda g: noisy_pinv(g, 4, 4, 1e-6),
    "integers": lambda g: (cases.integers(g, 3, 3), cases.integers(g, 3, 3)),
}


def pair(seed, name):
    given = PAIRS[name](cases.rng(seed, "penrose-pair", name))
    return given, tuple(np.asarray(x, dtype=float) for x in given)


def residuals_mistake(r, A, X, expected) -> str | None:
    i = next((i for i in range(4) if np.isnan(r[i])), None)
    if i is not None and np.linalg.norm((A, X, A @ X, X @ A)[i]) == 0:
        return "pseudoinverse.zero_over_zero"
    allowed = 1e-7 * max(np.max(expected), 1e-9)
    found = checks.near_miss(
        r,
        expected,
        [
            ("pseudoinverse.symmetry_residuals_swapped", expected[[0, 1, 3, 2]]),
            ("pseudoinverse.residuals_absolute", norms(A, X, relative=False)),
            ("pseudoinverse.residuals_spectral", norms(A, X, norm=lambda M: np.linalg.norm(M, 2))),
        ],
        allowed,
    )
    if found is None and checks.same(np.sort(r), np.sort(expected), allowed):
        return "pseudoinverse.residuals_out_of_order"
    return found


@pytest.mark.function("penrose_residuals")
@pytest.mark.parametrize("case", table(PAIRS, gated={"true-pinv", "rank-deficient-pinv", "both-zero", "zero-X"}))
def test_penrose_residuals(learner, seed, case):
    given, (A, X) = pair(seed, case)
    r = checks.array(learner.penrose_residuals(*given), "residuals", (4,), finite=False)
    expected = penrose(A, X)
    wrong = [i for i in range(4) if not abs(r[i] - expected[i]) <= 1e-9 * expected[i] + 1e-12]
    if wrong:
        i = wrong[0]
        raise Wrong(
            "pseudoinverse.residual",
            i=i,
            number=i + 1,
            formula=RESIDUALS[i],
            got_i=float(r[i]),
            expected_i=float(expected[i]),
            got=r,
            expected=expected,
            mistake=residuals_mistake(r, A, X, expected),
        )


# --- is_pseudoinverse ---------------------------------------------------------------------

IS_PINV = {  # name -> (pair, tol or None for the default, expected answer)
    "true-pinv": ("true-pinv", None, True),
    "rank-deficient-pinv": ("rank-deficient-pinv", None, True),
    "both-zero": ("both-zero", None, True),
    "random": ("random-square", None, False),
    "noisy-1e-3": ("noisy-1e-3", None, False),
    "left-inverse": ("left-inverse", None, False),
    "right-inverse": ("right-inverse", None, False),
    "noisy-1e-6-tol-1e-3": ("noisy-1e-6", 1e-3, True),
    "noisy-1e-6-default-tol": ("noisy-1e-6", None, False),
}


@pytest.mark.function("is_pseudoinverse")
def test_is_pseudoinverse(learner, seed):
    """One test over the whole table: a predicate earns its point by telling A⁺ from every kind of
    near-miss (a constant answer, or a coin flip, gets the table wrong)."""
    failures = []
    for case, (name, tol, expected) in IS_PINV.items():
        given, (A, X) = pair(seed, name)
        got = learner.is_pseudoinverse(*given, tol=tol) if tol is not None else learner.is_pseudoinverse(*given)
        got = checks.boolean(got, "is_pseudoinverse(A, X)")
        if got != expected:
            failures.append((case, tol if tol is not None else 1e-8, expected, got, A, X))
    if failures:
        case, tol, expected, got, A, X = failures[0]
        r = penrose(A, X)
        mistake = checks.near_miss(
            got,
            expected,
            [
                ("pseudoinverse.two_conditions", bool(np.all(r[:2] <= tol))),
                ("pseudoinverse.tol_ignored", bool(np.all(r <= 1e-8))),
            ],
            0.5,
        )
        failing = [i + 1 for i in range(4) if r[i] > tol]
        also = [Feedback("check.also_wrong", {"names": [f[0] for f in failures[1:]]})] if failures[1:] else []
        params = dict(
            case=case,
            got=got,
            expected=expected,
            tol=tol,
            mistake=mistake,
            notes=[Feedback("pseudoinverse.penrose_note", {"r": r}), *also],
        )
        if expected:
            raise Wrong("pseudoinverse.accepts_pseudoinverse", **params)
        raise Wrong("pseudoinverse.rejects_non_pseudoinverse", failing=failing, count=len(failing), **params)


# --- least_squares -----------------------------------------------------------------------


def consistent(g, A):
    return A, A @ g.standard_normal(A.shape[1])


LEAST_SQUARES = {
    "tall-consistent": lambda g: consistent(g, cases.conditioned(g, 8, 3, cond=10.0, scale=g.uniform(0.5, 5))),
    "tall-inconsistent": lambda g: (cases.conditioned(g, 8, 3, cond=10.0), g.standard_normal(8)),
    "square": lambda g: (cases.conditioned(g, 5, 5, cond=10.0), g.standard_normal(5)),
    "ill-conditioned": lambda g: consistent(g, cases.conditioned(g, 10, 4, cond=1e7)),
    "wide": lambda g: (cases.conditioned(g, 3, 7, cond=10.0), g.standard_normal(3)),
    "rank-deficient": lambda g: (cases.rank_deficient(g, 6, 4, 2), g.standard_normal(6)),
    "rank-deficient-wide": lambda g: (cases.rank_deficient(g, 3, 6, 2), g.standard_normal(3)),
    "numerically-rank-deficient": lambda g: (thin_product(g, 10, 4, 2), g.standard_normal(10)),
    "numerically-rank-deficient-wide": lambda g: (thin_product(g, 3, 7, 2), g.standard_normal(3)),
    "duplicated-column": lambda g: (duplicated_column(g, 6, 4), g.standard_normal(6)),
    "tiny-1e-20": lambda g: (cases.conditioned(g, 6, 3, cond=10.0, scale=1e-20), g.standard_normal(6)),
    "column": lambda g: (cases.gaussian(g, 6, 1), g.standard_normal(6)),
    "integers": lambda g: (cases.integers(g, 5, 3), g.integers(-5, 6, size=5).tolist()),
    "zero": lambda g: (np.zeros((4, 3)), g.standard_normal(4)),
}
# "ill-conditioned": the SVD keeps ~cond·ε = 1e-9, the normal equations ~cond²·ε = 1e-2
# (below 1e-6 in about one draw in a thousand, hence several draws). It comes before "wide",
# where the normal equations meet a singular AᵀA and give noise instead of a recognisable answer.
ILL_TOL, ILL_DRAWS = 1e-6, 3


@pytest.mark.function("least_squares")
@pytest.mark.parametrize("case", table(LEAST_SQUARES, gated={"zero"}))
def test_least_squares(learner, seed, case):
    ill = case == "ill-conditioned"
    for draw in range(ILL_DRAWS if ill else 1):
        given_A, given_b = LEAST_SQUARES[case](cases.rng(seed, "least_squares", case, draw))
        check_least_squares(learner, given_A, given_b, ILL_TOL if ill else 1e-9)


def check_least_squares(learner, given_A, given_b, tol) -> None:
    A, b = np.asarray(given_A, dtype=float), np.asarray(given_b, dtype=float)
    x = checks.array(learner.least_squares(given_A, given_b), "x", (A.shape[1],), finite=False)
    s = singular_values(A)
    cutoff = max(A.shape) * EPS * s[0]
    no_cutoff = (
        "pseudoinverse.least_squares_no_cutoff" if inverted_below_cutoff(x, s, cutoff, np.linalg.norm(b)) else None
    )
    if not np.all(np.isfinite(x)):
        raise Wrong("pseudoinverse.least_squares_not_finite", x=x, values=s, cutoff=cutoff, mistake=no_cutoff)
    best = np.linalg.lstsq(A, b, rcond=None)[0]
    res, res_best = np.linalg.norm(A @ x - b), np.linalg.norm(A @ best - b)
    norm, norm_best = np.linalg.norm(x), np.linalg.norm(best)
    rank = int(np.sum(s > cutoff))
    if res > res_best + 1e-8 * (s[0] * norm_best + np.linalg.norm(b)):
        verdict, mistake = Feedback("pseudoinverse.not_minimising", {}), no_cutoff
    elif rank < A.shape[1] and norm > norm_best * (1 + 1e-8):
        verdict = Feedback("pseudoinverse.longer_than_needed", {"rank": rank, "n": A.shape[1]})
        mistake = no_cutoff or "pseudoinverse.not_minimum_norm"
    else:
        cond = s[0] / s[rank - 1] if rank else np.inf
        verdict = Feedback("pseudoinverse.weak_directions", {"cond": cond, "cond_squared": cond**2})
        mistake = "pseudoinverse.normal_equations" if rank == A.shape[1] else None
    numbers = Feedback(
        "pseudoinverse.least_squares_numbers",
        {"residual": res, "optimal": res_best, "norm": norm, "minimum": norm_best, "values": s, "cutoff": cutoff},
    )
    checks.close(
        x,
        best,
        "x",
        tol=tol,
        scale=np.linalg.norm(best),
        code="pseudoinverse.least_squares",
        mistake=mistake,
        notes=[numbers, verdict],
    )


# --- ridge ---------------------------------------------------------------------------------

RIDGE = {
    "tall": lambda g: (cases.conditioned(g, 8, 3, cond=10.0, scale=3.0), g.standard_normal(8), 0.5),
    "wide": lambda g: (cases.conditioned(g, 3, 7, cond=10.0, scale=3.0), g.standard_normal(3), 2.0),
    "rank-deficient": lambda g: (cases.rank_deficient(g, 6, 5, 3), g.standard_normal(6), 1e-3),
    "square": lambda g: (cases.conditioned(g, 5, 5, cond=100.0, scale=5.0), g.standard_normal(5), 10.0),
    "column": lambda g: (cases.gaussian(g, 6, 1), g.standard_normal(6), 0.1),
    "integers": lambda g: (cases.integers(g, 5, 3), g.integers(-5, 6, size=5).tolist(), 1),
}


def ridge_solution(A, b, lam):
    """argmin ‖Ax − b‖² + λ‖x‖² as the least-squares problem [A; √λ·I] x ≈ [b; 0]."""
    n = A.shape[1]
    stacked = np.vstack([A, np.sqrt(lam) * np.eye(n)])
    return np.linalg.lstsq(stacked, np.concatenate([b, np.zeros(n)]), rcond=None)[0]


def filtered(A, b, factor) -> np.ndarray:
    """V · diag(factor(σ)) · Uᵀb."""
    U, s, Vt = svd(A)
    return Vt.T @ (factor(s) * (U.T @ b))


@pytest.mark.function("ridge")
@pytest.mark.parametrize("case", RIDGE)
def test_ridge(learner, seed, case):
    given_A, given_b, lam = RIDGE[case](cases.rng(seed, "ridge", case))
    A, b = np.asarray(given_A, dtype=float), np.asarray(given_b, dtype=float)
    try:
        got = learner.ridge(given_A, given_b, lam)
    except SubmissionFault as fault:
        if A.shape[0] != A.shape[1] and learner.last.answer.exception == "ValueError":
            fault.feedback = fault.feedback.with_mistake("pseudoinverse.full_svd")
        raise
    best = ridge_solution(A, b, lam)
    mistake = checks.near_miss(
        got,
        best,
        [
            ("pseudoinverse.ridge_without_sigma", filtered(A, b, lambda s: 1 / (s**2 + lam))),
            ("pseudoinverse.ridge_lambda_squared", filtered(A, b, lambda s: s / (s**2 + lam**2))),
            ("pseudoinverse.ridge_lambda_ignored", np.linalg.lstsq(A, b, rcond=None)[0]),
        ],
        1e-7 * np.linalg.norm(best),
    )
    try:
        x = checks.array(got, "x", (A.shape[1],))
        s = singular_values(A)
        notes = [
            Feedback(
                "pseudoinverse.ridge_equations",
                {"residual": np.linalg.norm(A.T @ (A @ x) + lam * x - A.T @ b), "scale": np.linalg.norm(A.T @ b)},
            ),
            Feedback("pseudoinverse.filter_factors", {"values": s, "factors": s / (s**2 + lam)}),
        ]
        checks.close(
            x, best, "x", tol=1e-9, scale=np.linalg.norm(best), code="pseudoinverse.ridge", lam=lam, notes=notes
        )
    except Wrong as wrong:
        raise wrong.naming(mistake)


# --- condition_number ------------------------------------------------------------------------

CONDITION = {
    "square": lambda g: cases.conditioned(g, 5, 5, cond=10 ** g.uniform(0.3, 4)),
    "tall": lambda g: cases.conditioned(g, 8, 3, cond=10 ** g.uniform(0.3, 4), scale=g.uniform(0.5, 5)),
    "wide": lambda g: cases.conditioned(g, 3, 7, cond=10 ** g.uniform(0.3, 4), scale=g.uniform(0.5, 5)),
    "column": lambda g: cases.gaussian(g, 6, 1),
    "diagonal": lambda g: np.diag([3.0, 0.5]),
    "orthogonal": lambda g: cases.orthogonal(g, 4),
    "non-normal": lambda g: np.array([[1.0, 100.0], [0.0, 1.0]]),
    "singular": lambda g: cases.rank_deficient(g, 4, 4, 2),
    "numerically-singular": lambda g: thin_product(g, 5, 5, 3),
    "zero": lambda g: np.zeros((3, 3)),
    "integers": lambda g: cases.integers(g, 4, 4),
}
SINGULAR = {"singular", "numerically-singular"}  # σ_min is 0 in exact arithmetic; computed, ~1e-17·σ_max
HUGE = 1e14  # any condition number above it is right for those


def condition_mistake(got, A, s, expected) -> str | None:
    """|λ|_max/|λ|_min instead of σ_max/σ_min, the singular values under a cutoff dropped, or 0/0."""
    if np.isnan(got):
        return "pseudoinverse.condition_zero_over_zero" if s[-1] == 0 else None
    candidates = []
    if A.shape[0] == A.shape[1] and A.any():
        lam = np.abs(np.linalg.eigvals(A))
        if np.min(lam) > 0:
            candidates.append(("pseudoinverse.eigenvalue_ratio", np.max(lam) / np.min(lam)))
    kept = s[s > max(A.shape) * EPS * s[0]]
    if 0 < len(kept) < len(s):
        candidates.append(("pseudoinverse.condition_of_kept_values", kept[0] / kept[-1]))
    return checks.near_miss(got, expected, candidates, 1e-7 * abs(got)) if np.isfinite(got) else None


@pytest.mark.function("condition_number")
@pytest.mark.parametrize("case", table(CONDITION, gated={"column", "orthogonal", "zero", *SINGULAR}))
def test_condition_number(learner, seed, case):
    given = CONDITION[case](cases.rng(seed, "condition_number", case))
    A = np.asarray(given, dtype=float)
    got = checks.scalar(learner.condition_number(given), "condition_number(A)", finite=False)
    s = singular_values(A)
    expected = s[0] / s[-1] if s[-1] > 0 else np.inf
    if case in SINGULAR:
        ok = got > HUGE
    else:
        ok = got == expected or abs(got - expected) <= 1e-9 * expected
    if not ok:
        notes = []
        if A.shape[0] == A.shape[1] and case not in SINGULAR:
            notes.append(Feedback("pseudoinverse.eigenvalue_note", {"moduli": np.abs(np.linalg.eigvals(A))}))
        params = dict(got=got, values=s, count=len(s), notes=notes, mistake=condition_mistake(got, A, s, expected))
        if case in SINGULAR:
            raise Wrong("pseudoinverse.condition_singular", smallest=s[-1], huge=HUGE, **params)
        raise Wrong("pseudoinverse.condition_number", expected=expected, **params)
