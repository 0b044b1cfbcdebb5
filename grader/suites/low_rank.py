"""Hidden suite: low_rank — truncated SVD, the Eckart–Young bounds, energy, the recommender.

Oracle: LAPACK's SVD (numpy.linalg.svd in this trusted process). A truncated
SVD is unique when σₖ > σₖ₊₁, so the matrices whose truncation is compared
entry by entry have well-separated singular values; the errors and bounds of
verify_eckart_young do not depend on that. rank_for_energy accepts every
answer that rounding in the energy can justify, except in the cases built
from exactly representable energies, where the comparison ≥ itself is tested.
"""

import numpy as np
import pytest

from grader import fmt
from grader.outcomes import Wrong
from grader.suites import cases, checks

GAP = 1e-3  # smallest relative gap (σₖ − σₖ₊₁)/σ₁ where a truncation is compared with the oracle's


def svd(A):
    return np.linalg.svd(np.asarray(A, dtype=float), full_matrices=False)


def truncation(A, k) -> np.ndarray:
    U, s, Vt = svd(A)
    return (U[:, :k] * s[:k]) @ Vt[:k, :]


def has_gap(A, k) -> bool:
    s = np.linalg.svd(np.asarray(A, dtype=float), compute_uv=False)
    return k == 0 or k >= len(s) or s[k - 1] - s[k] >= GAP * s[0]


def separated(g, m, n, scale=1.0) -> np.ndarray:
    """σ₁ = scale and neighbouring singular values at least 15% apart: every truncation is unique."""
    ratios = np.concatenate([[1.0], g.uniform(0.4, 0.85, min(m, n) - 1)])
    return cases.with_singular_values(g, m, n, scale * np.cumprod(ratios))


def gapped_integers(g, m, n, k) -> list:
    """An integer matrix (nested lists) whose rank-k truncation is unique."""
    while True:
        A = cases.integers(g, m, n)
        if has_gap(A, k):
            return A


def descending(g, n=None) -> np.ndarray:
    n = int(g.integers(4, 9)) if n is None else n
    return np.sort(g.uniform(0.1, 5.0, n))[::-1]


def check_rank(M: np.ndarray, k: int, norm: float, name: str) -> None:
    """σₖ₊₁(M) ≈ 0 relative to ‖A‖₂."""
    sigma = np.linalg.svd(M, compute_uv=False)
    allowed = 1e-10 * norm
    if k < len(sigma) and sigma[k] > allowed:
        rank, listing = int(np.sum(sigma > allowed)), f"  singular values of {name}: "
        raise Wrong(f"{name} has rank {rank}, expected ≤ k = {k}: its singular value σ_{k + 1} = "
                    f"{sigma[k]:.5g} should be 0 (allowed {allowed:.2g}).\n{listing}"
                    f"{fmt.array(sigma, len(listing))}\nKeep exactly k singular triplets: U[:, :k], s[:k], Vt[:k, :].")


# --- rank_k_approx -------------------------------------------------------------------

RANK_K = {  # every shape with k = 1 and k = min(m, n) − 1
    **{f"{name}-k{k}": (lambda m, n, k: lambda g: (separated(g, m, n, g.uniform(0.5, 5)), k))(m, n, k)
       for name, (m, n) in cases.SHAPES.items() for k in sorted({1, min(m, n) - 1} - {0})},
    "k0": lambda g: (separated(g, 4, 5), 0),
    "k-full": lambda g: (separated(g, 6, 4), 4),
    "integers": lambda g: (gapped_integers(g, 5, 4, 2), 2),
    "rank-deficient": lambda g: (cases.rank_deficient(g, 6, 5, 2), 3),
    "scaled-1e8": lambda g: (separated(g, 5, 7, 1e8), 3),
}


@pytest.mark.function("rank_k_approx")
@pytest.mark.parametrize("case", RANK_K)
def test_rank_k_approx(learner, seed, case):
    A, k = RANK_K[case](cases.rng(seed, "rank_k_approx", case))
    M = np.asarray(A, dtype=float)
    s = svd(M)[1]
    A_k = checks.array(learner.rank_k_approx(A, k), "A_k", M.shape)
    check_rank(A_k, k, s[0], "A_k")
    error, bound, allowed = np.linalg.norm(M - A_k), np.sqrt(np.sum(s[k:] ** 2)), 1e-9 * np.linalg.norm(M)
    if not abs(error - bound) <= allowed:
        raise Wrong(f"‖A − A_k‖_F = {error:.6g}, but the best rank-{k} error is √(σ_{k + 1}² + …) = {bound:.6g} "
                    f"(Eckart–Young; difference {abs(error - bound):.2g}, allowed {allowed:.2g}).\n"
                    f"  singular values of A: {fmt.array(s, 24)}\n"
                    "Keep the k largest singular triplets, all of them: U[:, :k] · diag(s[:k]) · Vt[:k, :].")
    checks.close(A_k, truncation(M, k), "A_k", tol=1e-9, scale=s[0],
                 what="the truncated SVD U[:, :k] · diag(s[:k]) · Vt[:k, :]")


# --- eckart_young_bound ----------------------------------------------------------------

def _random_k(g, s):
    return int(g.integers(1, len(s) - 1))  # leaves s[k + 1]: an off-by-one shows


BOUND = {
    "fro-default": lambda g: ((s := descending(g)), _random_k(g, s), {}),
    "fro": lambda g: ((s := descending(g)), _random_k(g, s), {"ord": "fro"}),
    "spectral": lambda g: ((s := descending(g)), _random_k(g, s), {"ord": 2}),
    "k0-fro": lambda g: (descending(g), 0, {}),
    "k0-spectral": lambda g: (descending(g), 0, {"ord": 2}),
    "k-all-fro": lambda g: ((s := descending(g)), len(s), {"ord": "fro"}),
    "k-all-spectral": lambda g: ((s := descending(g)), len(s), {"ord": 2}),
    "integers": lambda g: (sorted(g.integers(1, 20, 6).tolist(), reverse=True), 2, {}),
    "integers-spectral": lambda g: (sorted(g.integers(1, 20, 6).tolist(), reverse=True), 3, {"ord": 2}),
}


@pytest.mark.function("eckart_young_bound")
@pytest.mark.parametrize("case", BOUND)
def test_eckart_young_bound(learner, seed, case):
    s, k, options = BOUND[case](cases.rng(seed, "eckart_young_bound", case))
    sv = np.asarray(s, dtype=float)
    value = checks.scalar(learner.eckart_young_bound(s, k, **options), "the bound")
    if options.get("ord", "fro") == "fro":
        expected, what = np.sqrt(np.sum(sv[k:] ** 2)), "√(σ_{k+1}² + … + σ_r²) = √Σ s[k:]² with s indexed from 0"
    else:
        expected, what = (sv[k] if k < len(sv) else 0.0), "σ_{k+1}, which is s[k] with s indexed from 0 (0.0 when k = len(s))"
    checks.close(value, expected, "the bound", tol=1e-12, scale=np.linalg.norm(sv), what=what)


# --- verify_eckart_young ---------------------------------------------------------------

VERIFY = {
    "tall-k1": lambda g: (cases.gaussian(g, 8, 3), 1),
    "wide-k2": lambda g: (cases.gaussian(g, 3, 7), 2),
    "square-k2": lambda g: (cases.gaussian(g, 6, 6), 2),
    "k0": lambda g: (cases.gaussian(g, 5, 4), 0),
    "k-full": lambda g: (cases.gaussian(g, 4, 6), 4),
    "integers": lambda g: (cases.integers(g, 5, 4), 2),
}

MEANING = {
    "fro_error": "‖A − A_k‖_F, measured on A_k = rank_k_approx(A, k)",
    "fro_bound": "√(σ_{k+1}² + … + σ_r²) from the singular values of A",
    "spectral_error": "‖A − A_k‖₂, the largest singular value of A − A_k: np.linalg.norm(A − A_k, 2)",
    "spectral_bound": "σ_{k+1} of A, s[k] with s indexed from 0 (0.0 when k = min(m, n))",
}


@pytest.mark.function("verify_eckart_young")
@pytest.mark.parametrize("case", VERIFY)
def test_verify_eckart_young(learner, seed, case):
    A, k = VERIFY[case](cases.rng(seed, "verify_eckart_young", case))
    M = np.asarray(A, dtype=float)
    s = svd(M)[1]
    E = M - truncation(M, k)
    expected = {"fro_error": np.linalg.norm(E), "fro_bound": np.sqrt(np.sum(s[k:] ** 2)),
                "spectral_error": np.linalg.norm(E, 2), "spectral_bound": s[k] if k < len(s) else 0.0}
    result = checks.mapping(learner.verify_eckart_young(A, k), tuple(expected), "verify_eckart_young")
    for key, value in expected.items():
        got = checks.scalar(result[key], f'result["{key}"]')
        scale = np.linalg.norm(M) if key.startswith("fro") else s[0]
        checks.close(got, value, f'result["{key}"]', tol=1e-9, scale=scale, what=MEANING[key])


# --- cumulative_energy -----------------------------------------------------------------

ENERGY = {
    "random": lambda g: descending(g),
    "single": lambda g: np.array([g.uniform(0.5, 3.0)]),
    "trailing-zeros": lambda g: np.concatenate([descending(g, 3), np.zeros(2)]),
    "integers": lambda g: sorted(g.integers(1, 10, 6).tolist(), reverse=True),
    "large": lambda g: 1e6 * descending(g),
}


@pytest.mark.function("cumulative_energy")
@pytest.mark.parametrize("case", ENERGY)
def test_cumulative_energy(learner, seed, case):
    s = ENERGY[case](cases.rng(seed, "cumulative_energy", case))
    squares = np.asarray(s, dtype=float) ** 2
    energy = checks.array(learner.cumulative_energy(s), "energy", (len(squares),))
    checks.close(energy, np.cumsum(squares) / np.sum(squares), "energy", tol=1e-12,
                 what="energy[i] = (σ₁² + … + σᵢ₊₁²) / Σσ²: the energy is in the squares")


# --- rank_for_energy -------------------------------------------------------------------

# squares 4, 4, 4, 1, 1, 1, 1 sum to 16 (a power of 2, as are max s and ‖s‖): the energies
# .25 .5 .75 .8125 .875 .9375 1 come out exact however they are computed, so ≥ vs > shows.
EXACT = [2.0, 2.0, 2.0, 1.0, 1.0, 1.0, 1.0]
SLACK = 1e-12  # rounding band for energies that are not exact

RANK_FOR_ENERGY = {
    "exact-0.25": lambda g: (np.array(EXACT), 0.25, 0.0),
    "exact-0.75": lambda g: (np.array(EXACT), 0.75, 0.0),
    "exact-0.8": lambda g: (np.array(EXACT), 0.8, 0.0),
    "exact-1.0": lambda g: (np.array(EXACT), 1.0, 0.0),
    "trailing-zeros": lambda g: (np.array([4.0, 3.0, 0.0, 0.0]), 0.9, SLACK),
    "trailing-zeros-1.0": lambda g: (np.array([2.0, 2.0, 2.0, 2.0, 0.0, 0.0]), 1.0, 0.0),
    "random": lambda g: (descending(g), g.uniform(0.3, 0.99), SLACK),
    "random-1.0": lambda g: (descending(g), 1.0, SLACK),
    "integers": lambda g: (sorted(g.integers(1, 10, 6).tolist(), reverse=True), g.uniform(0.3, 0.99), SLACK),
}


@pytest.mark.function("rank_for_energy")
@pytest.mark.parametrize("case", RANK_FOR_ENERGY)
def test_rank_for_energy(learner, seed, case):
    for draw in range(3 if case.startswith("random") else 1):
        s, threshold, slack = RANK_FOR_ENERGY[case](cases.rng(seed, "rank_for_energy", case, draw))
        squares = np.asarray(s, dtype=float) ** 2
        E = np.cumsum(squares) / np.sum(squares)
        hits = np.flatnonzero(E >= threshold)
        answer = int(hits[0]) + 1 if hits.size else len(E)
        k = checks.integer(learner.rank_for_energy(s, threshold), "k")
        table = f"\n  cumulative energy (k = 1, 2, …): {fmt.array(E, 36)}"
        if not 1 <= k <= len(E):
            raise Wrong(f"k = {k} is not a count of singular values (1 … len(s) = {len(E)}); the answer is "
                        f"{answer}. k counts the values kept, so it is the index of the energy plus one." + table)
        if E[k - 1] < threshold - slack:
            raise Wrong(f"k = {k} keeps too little: the first {k} singular value(s) hold {E[k - 1]:.6g} of the "
                        f"energy, below the threshold {threshold:.6g}; the answer is {answer}. "
                        "(Energy is in σ², and k counts: energy[k − 1] belongs to the first k.)" + table)
        if k > 1 and E[k - 2] >= threshold + slack:
            raise Wrong(f"k = {k} is not the smallest count: the first {k - 1} singular value(s) already hold "
                        f"{E[k - 2]:.6g} of the energy, ≥ the threshold {threshold:.6g}; the answer is {answer}. "
                        "(Compare with ≥, and square the singular values.)" + table)


# --- compression_ratio -----------------------------------------------------------------

RATIO = {
    "lecture": lambda g: (100, 80, 5),
    "larger-than-1": lambda g: (3, 3, 3),
    "k0": lambda g: (7, 2, 0),
    "random": lambda g: ((m := int(g.integers(2, 500))), (n := int(g.integers(2, 500))),
                         int(g.integers(1, min(m, n) + 1))),
}


@pytest.mark.function("compression_ratio")
@pytest.mark.parametrize("case", RATIO)
def test_compression_ratio(learner, seed, case):
    m, n, k = RATIO[case](cases.rng(seed, "compression_ratio", case))
    value = checks.scalar(learner.compression_ratio(m, n, k), "the ratio")
    expected = k * (m + n + 1) / (m * n)
    checks.close(value, expected, "the ratio", tol=1e-12, scale=max(expected, 1.0),
                 what="k(m + n + 1)/(m·n): U_k stores k·m numbers, Vt_k k·n, and the k singular values k more")


# --- fill_and_predict ------------------------------------------------------------------

LECTURE_R = np.array([[5, 3, 0, 1], [4, 0, 0, 1], [1, 1, 0, 5], [1, 0, 0, 4], [0, 1, 5, 4]], dtype=float)


def ratings(g, m, n, k, unknown=0.3):
    """Ratings 1…5 with about ``unknown`` of them hidden; junk (±20…99) where hidden, so it must be ignored."""
    while True:
        R = g.integers(1, 6, (m, n)).astype(float)
        mask = g.random((m, n)) >= unknown
        mask.flat[g.integers(m * n)] = True
        R[~mask] = g.integers(20, 100, int(np.sum(~mask))) * g.choice([-1.0, 1.0], int(np.sum(~mask)))
        if has_gap(np.where(mask, R, np.mean(R[mask])), k):
            return R, mask, k


FILL = {
    "lecture": lambda g: (LECTURE_R, LECTURE_R > 0, 2),
    "random": lambda g: ratings(g, 6, 5, 2),
    "tall-k1": lambda g: ratings(g, 8, 3, 1, unknown=0.4),
    "all-known": lambda g: ratings(g, 5, 4, 2, unknown=0.0),
    "k-full": lambda g: ratings(g, 4, 6, 4),
    "integers": lambda g: (lambda R, mask, k: (R.astype(int).tolist(), mask, k))(*ratings(g, 5, 5, 2)),
}


@pytest.mark.function("fill_and_predict")
@pytest.mark.parametrize("case", FILL)
def test_fill_and_predict(learner, seed, case):
    R, mask, k = FILL[case](cases.rng(seed, "fill_and_predict", case))
    M = np.asarray(R, dtype=float)
    mu = float(np.mean(M[mask]))
    F = np.where(mask, M, mu)
    s = svd(F)[1]
    R_hat = checks.array(learner.fill_and_predict(R, mask, k), "R_hat", M.shape)
    check_rank(R_hat, k, s[0], "R_hat")
    checks.close(R_hat, truncation(F, k), "R_hat", tol=1e-9, scale=s[0],
                 what=f"the rank-{k} truncated SVD of R with each unknown entry (mask False) set to "
                      f"μ = {mu:.5g}, the mean of the {int(np.sum(mask))} known entries R[mask]")
