"""Hidden suite: pseudoinverse — A⁺ through the SVD, the Penrose conditions,
minimum-norm least squares, ridge, the condition number.

Oracles, computed in this trusted process: numpy.linalg.pinv with the same
rcond; numpy.linalg.lstsq(rcond=None), whose cutoff is SPEC's max(m, n)·ε·σ_max;
ridge as the stacked least-squares problem [A; √λ·I] x ≈ [b; 0] (another route
than the filter factors a learner uses); singular values from
numpy.linalg.svd; the Penrose residuals straight from their definition.
Rank-deficient inputs are rank-deficient by structure (cases.rank_deficient),
so their zero singular values sit far below every cutoff and all correct
implementations agree. Failures show the Penrose residuals, the residual and
the norm of x, or the singular values, so the learner sees which property broke.
"""

import numpy as np
import pytest

from grader import fmt
from grader.outcomes import Wrong
from grader.suites import cases, checks

RESIDUALS = ("‖AXA − A‖/‖A‖", "‖XAX − X‖/‖X‖", "‖(AX)ᵀ − AX‖/‖AX‖", "‖(XA)ᵀ − XA‖/‖XA‖")
DENOMINATORS = ("A", "X", "AX", "XA")


def singular_values(A) -> np.ndarray:
    return np.linalg.svd(A, compute_uv=False)


def penrose(A, X) -> np.ndarray:
    """The four relative Penrose residuals, Frobenius norms, 0/0 = 0 (SPEC's definition)."""
    with np.errstate(all="ignore"):
        AX, XA = A @ X, X @ A
        pairs = ((AX @ A - A, A), (XA @ X - X, X), (AX.T - AX, AX), (XA.T - XA, XA))
        return np.array([np.linalg.norm(d) / np.linalg.norm(r) if np.linalg.norm(r) > 0 else 0.0
                         for d, r in pairs])


def describe_residuals(r) -> str:
    return ", ".join(f"({i}) {name} = {r[i - 1]:.2g}" for i, name in enumerate(RESIDUALS, 1))


def scaled_permutation(g, m: int, n: int, s) -> np.ndarray:
    """±s on the diagonal of an m×n zero matrix, rows and columns shuffled: LAPACK gets s exactly."""
    a = np.zeros((m, n))
    k = len(s)
    a[range(k), range(k)] = np.asarray(s) * g.choice([-1.0, 1.0], k)
    return a[g.permutation(m)][:, g.permutation(n)]


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


# --- pinv ---------------------------------------------------------------------------

PINV = {
    **{name: (lambda m, n: lambda g: cases.conditioned(g, m, n, cond=10.0, scale=g.uniform(0.5, 5)))(m, n)
       for name, (m, n) in cases.SHAPES.items()},
    "rank-deficient": lambda g: cases.rank_deficient(g, 6, 5, 3),
    "rank-deficient-wide": lambda g: cases.rank_deficient(g, 3, 7, 2),
    "zero": lambda g: np.zeros((3, 4)),
    "tiny-1e-20": lambda g: cases.gaussian(g, 4, 3) * 1e-20,
    "ill-conditioned": lambda g: cases.conditioned(g, 5, 5, cond=1e6),
    "default-rcond-keeps-1e-13": lambda g: scaled_permutation(g, 4, 3, [3.0, 1.0, 3e-13]),
    "explicit-rcond": lambda g: cases.with_singular_values(g, 6, 4, [1e-2, 5e-3, 1e-5, 1e-8]),
    "integers": lambda g: cases.integers(g, 4, 3),
}
PINV_RCOND = {"explicit-rcond": 1e-4}  # σ/σ_max = 1, 0.5, 1e-3 are kept, 1e-6 is dropped


@pytest.mark.function("pinv")
@pytest.mark.parametrize("case", PINV)
def test_pinv(learner, seed, case):
    given = PINV[case](cases.rng(seed, "pinv", case))
    A = np.asarray(given, dtype=float)
    rcond = PINV_RCOND.get(case, 1e-15)
    X = learner.pinv(given, rcond=rcond) if case in PINV_RCOND else learner.pinv(given)
    X = checks.array(X, "A_plus", finite=False)
    if X.shape != A.T.shape:
        raise Wrong(f"A_plus has shape {X.shape}; A is {A.shape[0]}×{A.shape[1]}, so A⁺ = V Σ⁺ Uᵀ has the "
                    f"shape of Aᵀ, {A.T.shape}.")
    expected = np.linalg.pinv(A, rcond=rcond)
    try:
        checks.close(X, expected, "A_plus", tol=1e-8, scale=np.linalg.norm(expected, 2),
                     what="the pseudoinverse of A")
    except Wrong as wrong:
        s = singular_values(A)
        lines = [wrong.message,
                 f"  A has singular values {fmt.array(s)}; those ≤ rcond·σ_max = {rcond:g}·{s[0]:.5g} = "
                 f"{rcond * s[0]:.3g} count as zero (their 1/σ becomes 0).",
                 f"  Penrose residuals of your A_plus (all ≈ 0 for the true A⁺): {describe_residuals(penrose(A, X))}."]
        if not np.all(np.isfinite(X)):
            lines.append("  Your A_plus is not finite: a singular value at or below the cutoff was inverted.")
        raise Wrong("\n".join(lines)) from None


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


@pytest.mark.function("penrose_residuals")
@pytest.mark.parametrize("case", PAIRS)
def test_penrose_residuals(learner, seed, case):
    given, (A, X) = pair(seed, case)
    r = checks.array(learner.penrose_residuals(*given), "residuals", (4,), finite=False)
    expected = penrose(A, X)
    for i in range(4):
        if not abs(r[i] - expected[i]) <= 1e-9 * expected[i] + 1e-12:
            lines = [f"residuals[{i}] — residual {i + 1}, {RESIDUALS[i]} — is {fmt.num(r[i])}; expected "
                     f"{fmt.num(expected[i])} (Frobenius norms, in SPEC's order)."]
            if not np.isfinite(r[i]):
                lines.append(f"  Here {DENOMINATORS[i]} is the zero matrix, so the residual is 0/0, "
                             "which counts as 0.")
            if np.allclose(np.sort(r), np.sort(expected), rtol=1e-9, atol=1e-12):
                lines.append("  These are the right numbers in the wrong order.")
            lines += [f"  got      {fmt.array(r, 11)}", f"  expected {fmt.array(expected, 11)}"]
            raise Wrong("\n".join(lines))


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
@pytest.mark.parametrize("case", IS_PINV)
def test_is_pseudoinverse(learner, seed, case):
    name, tol, expected = IS_PINV[case]
    given, (A, X) = pair(seed, name)
    got = learner.is_pseudoinverse(*given, tol=tol) if tol is not None else learner.is_pseudoinverse(*given)
    got = checks.boolean(got, "is_pseudoinverse(A, X)")
    if got != expected:
        tol = 1e-8 if tol is None else tol
        r = penrose(A, X)
        failing = [f"({i + 1}) {RESIDUALS[i]} = {r[i]:.2g}" for i in range(4) if r[i] > tol]
        why = (f"every residual is ≤ tol = {tol:g}" if expected else
               f"{'; '.join(failing)} {'is' if len(failing) == 1 else 'are'} above tol = {tol:g}, "
               "and all four conditions must hold")
        raise Wrong(f"is_pseudoinverse returned {got}, expected {expected}: {why}.\n"
                    f"  Penrose residuals of X: {describe_residuals(r)}.")


# --- least_squares -----------------------------------------------------------------------

def consistent(g, A):
    return A, A @ g.standard_normal(A.shape[1])


LEAST_SQUARES = {
    "tall-consistent": lambda g: consistent(g, cases.conditioned(g, 8, 3, cond=10.0, scale=g.uniform(0.5, 5))),
    "tall-inconsistent": lambda g: (cases.conditioned(g, 8, 3, cond=10.0), g.standard_normal(8)),
    "wide": lambda g: (cases.conditioned(g, 3, 7, cond=10.0), g.standard_normal(3)),
    "square": lambda g: (cases.conditioned(g, 5, 5, cond=10.0), g.standard_normal(5)),
    "rank-deficient": lambda g: (cases.rank_deficient(g, 6, 4, 2), g.standard_normal(6)),
    "rank-deficient-wide": lambda g: (cases.rank_deficient(g, 3, 6, 2), g.standard_normal(3)),
    "ill-conditioned": lambda g: consistent(g, cases.conditioned(g, 10, 4, cond=1e7)),
    "tiny-1e-20": lambda g: (cases.conditioned(g, 6, 3, cond=10.0, scale=1e-20), g.standard_normal(6)),
    "column": lambda g: (cases.gaussian(g, 6, 1), g.standard_normal(6)),
    "integers": lambda g: (cases.integers(g, 5, 3), g.integers(-5, 6, size=5).tolist()),
    "zero": lambda g: (np.zeros((4, 3)), g.standard_normal(4)),
}
# "ill-conditioned": the SVD keeps ~cond·ε = 1e-9, the normal equations ~cond²·ε = 1e-2
# (below 1e-6 in about one draw in a thousand, hence several draws).
ILL_TOL, ILL_DRAWS = 1e-6, 3


@pytest.mark.function("least_squares")
@pytest.mark.parametrize("case", LEAST_SQUARES)
def test_least_squares(learner, seed, case):
    ill = case == "ill-conditioned"
    for draw in range(ILL_DRAWS if ill else 1):
        given_A, given_b = LEAST_SQUARES[case](cases.rng(seed, "least_squares", case, draw))
        check_least_squares(learner, given_A, given_b, ILL_TOL if ill else 1e-9)


def check_least_squares(learner, given_A, given_b, tol) -> None:
    A, b = np.asarray(given_A, dtype=float), np.asarray(given_b, dtype=float)
    x = checks.array(learner.least_squares(given_A, given_b), "x", (A.shape[1],), finite=False)
    s = singular_values(A)
    cutoff = max(A.shape) * np.finfo(float).eps * s[0]
    if not np.all(np.isfinite(x)):
        raise Wrong(f"x is not finite: {fmt.array(x)}. A has singular values {fmt.array(s)}; those ≤ "
                    f"max(m, n)·ε·σ_max = {cutoff:.3g} count as zero and must not be inverted.")
    best = np.linalg.lstsq(A, b, rcond=None)[0]
    try:
        checks.close(x, best, "x", tol=tol, scale=np.linalg.norm(best), what="the minimum-norm least-squares solution")
    except Wrong as wrong:
        res, res_best = np.linalg.norm(A @ x - b), np.linalg.norm(A @ best - b)
        norm, norm_best = np.linalg.norm(x), np.linalg.norm(best)
        rank = int(np.sum(s > cutoff))
        if res > res_best + 1e-8 * (s[0] * norm_best + np.linalg.norm(b)):
            verdict = "your x does not minimise ‖Ax − b‖."
        elif rank < A.shape[1] and norm > norm_best * (1 + 1e-8):
            verdict = (f"the residual is optimal but x is longer than it needs to be: A has rank {rank} < n = "
                       f"{A.shape[1]}, and x has a component in its null space, which A⁺b does not.")
        else:
            cond = s[0] / s[rank - 1]
            verdict = (f"the residual is about optimal, so x errs along directions A barely sees: "
                       f"cond(A) = {cond:.3g}. An algorithm that squares it (the normal equations: "
                       f"cond(AᵀA) = {cond**2:.3g}) loses that much accuracy; the SVD does not.")
        raise Wrong(f"{wrong.message}\n  ‖Ax − b‖ = {res:.6g} (optimal: {res_best:.6g}); ‖x‖ = {norm:.6g} "
                    f"(minimum norm: {norm_best:.6g}): {verdict}\n"
                    f"  A has singular values {fmt.array(s)} (those ≤ {cutoff:.3g} count as zero).") from None


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


@pytest.mark.function("ridge")
@pytest.mark.parametrize("case", RIDGE)
def test_ridge(learner, seed, case):
    given_A, given_b, lam = RIDGE[case](cases.rng(seed, "ridge", case))
    A, b = np.asarray(given_A, dtype=float), np.asarray(given_b, dtype=float)
    x = checks.array(learner.ridge(given_A, given_b, lam), "x", (A.shape[1],))
    best = ridge_solution(A, b, lam)
    try:
        checks.close(x, best, "x", tol=1e-9, scale=np.linalg.norm(best), what=f"the ridge solution for λ = {lam:g}")
    except Wrong as wrong:
        s = singular_values(A)
        normal = np.linalg.norm(A.T @ (A @ x) + lam * x - A.T @ b)
        raise Wrong(f"{wrong.message}\n  The ridge solution satisfies (AᵀA + λI)x = Aᵀb; your x leaves "
                    f"‖(AᵀA + λI)x − Aᵀb‖ = {normal:.3g} (‖Aᵀb‖ = {np.linalg.norm(A.T @ b):.3g}).\n"
                    f"  A has singular values {fmt.array(s)}; their filter factors σ/(σ² + λ) are "
                    f"{fmt.array(s / (s**2 + lam))}.") from None


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
    "zero": lambda g: np.zeros((3, 3)),
    "integers": lambda g: cases.integers(g, 4, 4),
}


@pytest.mark.function("condition_number")
@pytest.mark.parametrize("case", CONDITION)
def test_condition_number(learner, seed, case):
    given = CONDITION[case](cases.rng(seed, "condition_number", case))
    A = np.asarray(given, dtype=float)
    got = checks.scalar(learner.condition_number(given), "condition_number(A)", finite=False)
    s = singular_values(A)
    expected = s[0] / s[-1] if s[-1] > 0 else np.inf
    if case == "singular":  # σ_min is 0 in exact arithmetic; computed, it may be ~1e-17·σ_max
        ok = got > 1e14
    else:
        ok = got == expected or abs(got - expected) <= 1e-9 * expected
    if not ok:
        lines = [f"condition_number(A) returned {fmt.num(got)}; expected σ_max/σ_min = {fmt.num(expected)} "
                 f"({'inf, or anything above 1e14' if case == 'singular' else 'inf when σ_min = 0'}).",
                 f"  A has singular values {fmt.array(s)} (min(m, n) = {len(s)} of them)."]
        if A.shape[0] == A.shape[1] and A.any():
            lam = np.abs(np.linalg.eigvals(A))
            lines.append(f"  Its eigenvalues have |λ| {fmt.array(lam)}: their ratio is the condition number "
                         "only when A is normal (AᵀA = AAᵀ).")
        raise Wrong("\n".join(lines))
