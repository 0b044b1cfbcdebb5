"""Hidden suite: low_rank — truncated SVD, the Eckart–Young bounds, energy, the recommender.

Oracle: LAPACK's SVD (numpy.linalg.svd in this trusted process). A truncated
SVD is unique when σₖ > σₖ₊₁, so the matrices whose truncation is compared
entry by entry have well-separated singular values; the errors and bounds of
verify_eckart_young do not depend on that. rank_for_energy accepts every
answer that rounding in the energy can justify, except in the cases built
from exactly representable energies, where the comparison ≥ itself is tested.

A failure names the known mistake its numbers fit: each test computes what
the near-misses would return on the same input and asks ``checks.near_miss``.
Cases whose right answer is a constant (k = 0, nothing dropped, a single
singular value) are ``gated``: they count once the ordinary cases pass.
"""

import numpy as np
import pytest

from grader.outcomes import SubmissionFault, Wrong
from grader.suites import cases, checks

GAP = 1e-3  # smallest relative gap (σₖ − σₖ₊₁)/σ₁ where a truncation is compared with the oracle's
LOOSE = 1e-7  # how closely an answer must fit a near-miss (relative to the data's scale) to be named


def table(names, gated=()):
    """A table's case names for parametrize, those in ``gated`` marked gated."""
    return [pytest.param(name, marks=pytest.mark.gated) if name in gated else name for name in names]


def svd(A):
    return np.linalg.svd(np.asarray(A, dtype=float), full_matrices=False)


def truncation(A, k) -> np.ndarray:
    """U[:, :k] · diag(s[:k]) · Vt[:k, :] — also for k < 0, where Python's slices keep all but −k."""
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
        raise Wrong(
            "low_rank.rank",
            name=name,
            rank=int(np.sum(sigma > allowed)),
            k=k,
            next=k + 1,
            sigma=float(sigma[k]),
            allowed=allowed,
            values=sigma,
        )


def tail_norm(s, k) -> float:
    """√Σ s[k:]², the Frobenius bound (0 for an empty tail)."""
    return float(np.sqrt(np.sum(np.asarray(s[k:]) ** 2)))


def sigma_after(s, k) -> float:
    """σₖ₊₁ = s[k], 0.0 when nothing is dropped."""
    return float(s[k]) if k < len(s) else 0.0


# --- rank_k_approx -------------------------------------------------------------------

RANK_K = {  # every shape with k = 1 and k = min(m, n) − 1
    **{
        f"{name}-k{k}": (lambda m, n, k: lambda g: (separated(g, m, n, g.uniform(0.5, 5)), k))(m, n, k)
        for name, (m, n) in cases.SHAPES.items()
        for k in sorted({1, min(m, n) - 1} - {0})
    },
    "k0": lambda g: (separated(g, 4, 5), 0),
    "k-full": lambda g: (separated(g, 6, 4), 4),
    "integers": lambda g: (gapped_integers(g, 5, 4, 2), 2),
    "rank-deficient": lambda g: (cases.rank_deficient(g, 6, 5, 2), 3),
    "scaled-1e8": lambda g: (separated(g, 5, 7, 1e8), 3),
}


def truncation_mistake(got, M, k) -> str | None:
    """k ± 1 triplets kept, or the columns of Vt taken as if it were V."""
    U, s, Vt = svd(M)
    return checks.near_miss(
        got,
        truncation(M, k),
        [
            ("low_rank.k_plus_one", truncation(M, k + 1)),
            ("low_rank.k_minus_one", truncation(M, k - 1)),
            ("low_rank.vt_columns", (U[:, :k] * s[:k]) @ Vt[:, :k].T),
        ],
        LOOSE * s[0],
    )


@pytest.mark.function("rank_k_approx")
@pytest.mark.parametrize("case", table(RANK_K, gated={"k0"}))
def test_rank_k_approx(learner, seed, case):
    A, k = RANK_K[case](cases.rng(seed, "rank_k_approx", case))
    M = np.asarray(A, dtype=float)
    s = svd(M)[1]
    got = learner.rank_k_approx(A, k)
    try:
        A_k = checks.array(got, "A_k", M.shape)
        check_rank(A_k, k, s[0], "A_k")
        error, bound, allowed = np.linalg.norm(M - A_k), tail_norm(s, k), 1e-9 * np.linalg.norm(M)
        if not abs(error - bound) <= allowed:
            raise Wrong(
                "low_rank.eckart_young_error",
                k=k,
                next=k + 1,
                error=error,
                bound=bound,
                difference=abs(error - bound),
                allowed=allowed,
                values=s,
            )
        checks.close(A_k, truncation(M, k), "A_k", tol=1e-9, scale=s[0], code="low_rank.truncation", k=k)
    except Wrong as wrong:
        raise wrong.naming(truncation_mistake(got, M, k))


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


def bound_candidates(s, k, spectral: bool) -> list:
    """What the known mistakes return as the bound of order 2 (spectral) or "fro"."""
    if spectral:
        found = [("low_rank.bound_index_shifted", sigma_after(s, k + 1))]
        early = float(s[k - 1]) if k > 0 else None
    else:
        found = [
            ("low_rank.bound_index_shifted", tail_norm(s, k + 1)),
            ("low_rank.bound_squared", tail_norm(s, k) ** 2),
        ]
        early = tail_norm(s, k - 1) if k > 0 else None
    return found + ([("low_rank.bound_keeps_sigma_k", early)] if early is not None else [])


@pytest.mark.function("eckart_young_bound")
@pytest.mark.parametrize("case", table(BOUND, gated={"k-all-fro", "k-all-spectral"}))
def test_eckart_young_bound(learner, seed, case):
    s, k, options = BOUND[case](cases.rng(seed, "eckart_young_bound", case))
    sv = np.asarray(s, dtype=float)
    try:
        got = learner.eckart_young_bound(s, k, **options)
    except SubmissionFault as fault:
        if k >= len(sv) and learner.last.answer.exception == "IndexError":
            fault.feedback = fault.feedback.with_mistake("low_rank.nothing_dropped")
        raise
    value = checks.scalar(got, "the bound")
    spectral = options.get("ord", "fro") != "fro"
    expected = sigma_after(sv, k) if spectral else tail_norm(sv, k)
    params = dict(
        tol=1e-12,
        scale=np.linalg.norm(sv),
        k=k,
        mistake=checks.near_miss(value, expected, bound_candidates(sv, k, spectral), LOOSE * sv[0]),
    )
    if spectral:
        checks.close(value, expected, "the bound", code="low_rank.bound_spectral", **params)
    else:
        checks.close(value, expected, "the bound", code="low_rank.bound_fro", **params)


# --- verify_eckart_young ---------------------------------------------------------------

VERIFY = {
    "tall-k1": lambda g: (cases.gaussian(g, 8, 3), 1),
    "wide-k2": lambda g: (cases.gaussian(g, 3, 7), 2),
    "square-k2": lambda g: (cases.gaussian(g, 6, 6), 2),
    "k0": lambda g: (cases.gaussian(g, 5, 4), 0),
    "k-full": lambda g: (cases.gaussian(g, 4, 6), 4),
    "integers": lambda g: (cases.integers(g, 5, 4), 2),
}


@pytest.mark.function("verify_eckart_young")
@pytest.mark.parametrize("case", table(VERIFY, gated={"k-full"}))
def test_verify_eckart_young(learner, seed, case):
    A, k = VERIFY[case](cases.rng(seed, "verify_eckart_young", case))
    M = np.asarray(A, dtype=float)
    s = svd(M)[1]
    E = M - truncation(M, k)
    expected = {
        "fro_error": np.linalg.norm(E),
        "fro_bound": tail_norm(s, k),
        "spectral_error": np.linalg.norm(E, 2),
        "spectral_bound": sigma_after(s, k),
    }
    result = checks.mapping(learner.verify_eckart_young(A, k), tuple(expected), "verify_eckart_young")

    def check(key, candidates, *, code):
        got = checks.scalar(result[key], f'result["{key}"]')
        scale = np.linalg.norm(M) if key.startswith("fro") else s[0]
        checks.close(
            got,
            expected[key],
            f'result["{key}"]',
            tol=1e-9,
            scale=scale,
            code=code,
            k=k,
            mistake=checks.near_miss(got, expected[key], candidates, LOOSE * scale),
        )

    check("fro_error", [("low_rank.norms_swapped", expected["spectral_error"])], code="low_rank.fro_error")
    check(
        "fro_bound",
        [("low_rank.fro_bound_is_sigma", sigma_after(s, k)), *bound_candidates(s, k, False)],
        code="low_rank.fro_bound",
    )
    check("spectral_error", [("low_rank.norms_swapped", expected["fro_error"])], code="low_rank.spectral_error")
    check("spectral_bound", bound_candidates(s, k, True), code="low_rank.spectral_bound")


# --- cumulative_energy -----------------------------------------------------------------

ENERGY = {
    "random": lambda g: descending(g),
    "single": lambda g: np.array([g.uniform(0.5, 3.0)]),
    "trailing-zeros": lambda g: np.concatenate([descending(g, 3), np.zeros(2)]),
    "integers": lambda g: sorted(g.integers(1, 10, 6).tolist(), reverse=True),
    "large": lambda g: 1e6 * descending(g),
}


def energies(s) -> np.ndarray:
    squares = np.asarray(s, dtype=float) ** 2
    return np.cumsum(squares) / np.sum(squares)


@pytest.mark.function("cumulative_energy")
@pytest.mark.parametrize("case", table(ENERGY, gated={"single"}))
def test_cumulative_energy(learner, seed, case):
    s = ENERGY[case](cases.rng(seed, "cumulative_energy", case))
    sv = np.asarray(s, dtype=float)
    expected = energies(sv)
    got = learner.cumulative_energy(s)
    mistake = checks.near_miss(
        got,
        expected,
        [
            ("low_rank.energy_not_squared", np.cumsum(sv) / np.sum(sv)),
            ("low_rank.energy_not_normalised", np.cumsum(sv**2)),
        ],
        LOOSE,
    )
    try:
        energy = checks.array(got, "energy", (len(sv),))
        checks.close(energy, expected, "energy", tol=1e-12, code="low_rank.energy")
    except Wrong as wrong:
        raise wrong.naming(mistake)


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
    # numerically rank 4: the last two σ are at rounding level (1e-17·σ₁), their squares vanish
    # beside 16, so the energy reaches exactly 1 at k = 4 however it is computed
    "rounding-level-tail-1.0": lambda g: (np.array([2.0, 2.0, 2.0, 2.0, 4e-17, 2e-17]), 1.0, 0.0),
    "random": lambda g: (descending(g), g.uniform(0.3, 0.99), SLACK),
    "random-1.0": lambda g: (descending(g), 1.0, SLACK),
    "integers": lambda g: (sorted(g.integers(1, 10, 6).tolist(), reverse=True), g.uniform(0.3, 0.99), SLACK),
}


def first_count(E, threshold, strict=False) -> int:
    """The smallest k with E[k − 1] ≥ threshold (> if strict), len(E) if there is none."""
    hits = np.flatnonzero(E > threshold if strict else E >= threshold)
    return int(hits[0]) + 1 if hits.size else len(E)


@pytest.mark.function("rank_for_energy")
@pytest.mark.parametrize("case", RANK_FOR_ENERGY)
def test_rank_for_energy(learner, seed, case):
    """Three draws a case; a fixed s is scaled by 2^j in draws 1 and 2, which leaves every energy
    bit for bit the same, so a count that ignores its input cannot pass a case by luck."""
    for draw in range(3):
        g = cases.rng(seed, "rank_for_energy", case, draw)
        s, threshold, slack = RANK_FOR_ENERGY[case](g)
        if draw and isinstance(s, np.ndarray):
            s = s * 2.0 ** int(g.integers(-30, 31))
        sv = np.asarray(s, dtype=float)
        E = energies(sv)
        answer = first_count(E, threshold)
        k = checks.integer(learner.rank_for_energy(s, threshold), "k")
        mistake = checks.near_miss(
            k,
            answer,
            [
                ("low_rank.energy_strict", first_count(E, threshold, strict=True)),
                ("low_rank.index_not_count", answer - 1),
                ("low_rank.energy_not_squared", first_count(np.cumsum(sv) / np.sum(sv), threshold)),
            ],
            0.5,
        )
        params = dict(k=k, answer=answer, threshold=threshold, energy=E, mistake=mistake)
        if not 1 <= k <= len(E):
            raise Wrong("low_rank.not_a_count", n=len(E), **params)
        if E[k - 1] < threshold - slack:
            raise Wrong("low_rank.keeps_too_little", kept=E[k - 1], **params)
        if k > 1 and E[k - 2] >= threshold + slack:
            raise Wrong("low_rank.not_smallest", fewer=k - 1, kept=E[k - 2], **params)


# --- compression_ratio -----------------------------------------------------------------

RATIO = {
    "lecture": lambda g: (100, 80, 5),
    "larger-than-1": lambda g: (3, 3, 3),
    "k0": lambda g: (7, 2, 0),
    "random": lambda g: (
        (m := int(g.integers(2, 500))),
        (n := int(g.integers(2, 500))),
        int(g.integers(1, min(m, n) + 1)),
    ),
}


@pytest.mark.function("compression_ratio")
@pytest.mark.parametrize("case", table(RATIO, gated={"k0"}))
def test_compression_ratio(learner, seed, case):
    m, n, k = RATIO[case](cases.rng(seed, "compression_ratio", case))
    value = checks.scalar(learner.compression_ratio(m, n, k), "the ratio")
    expected = k * (m + n + 1) / (m * n)
    mistake = checks.near_miss(
        value,
        expected,
        [
            ("low_rank.ratio_without_sigma", k * (m + n) / (m * n)),
            ("low_rank.ratio_inverted", (m * n) / (k * (m + n + 1)) if k else np.nan),
        ],
        1e-9 * max(expected, 1.0),
    )
    checks.close(
        value, expected, "the ratio", tol=1e-12, scale=max(expected, 1.0), code="low_rank.ratio", mistake=mistake
    )


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


FILL = {  # "random" first: in the lecture's R the unknown entries hold 0, so filling with 0 = ignoring the mask
    "random": lambda g: ratings(g, 6, 5, 2),
    "lecture": lambda g: (LECTURE_R, LECTURE_R > 0, 2),
    "tall-k1": lambda g: ratings(g, 8, 3, 1, unknown=0.4),
    "all-known": lambda g: ratings(g, 5, 4, 2, unknown=0.0),
    "k-full": lambda g: ratings(g, 4, 6, 4),
    "integers": lambda g: (lambda R, mask, k: (R.astype(int).tolist(), mask, k))(*ratings(g, 5, 5, 2)),
}


def fill_mistake(got, M, mask, k, scale) -> str | None:
    """The unknown entries filled with the wrong value, or the mask ignored or read backwards."""
    candidates = [
        ("low_rank.fill_mean_of_all", truncation(np.where(mask, M, np.mean(M)), k)),
        ("low_rank.fill_zero", truncation(np.where(mask, M, 0.0), k)),
        ("low_rank.fill_mask_ignored", truncation(M, k)),
    ]
    if np.any(~mask):
        candidates.append(("low_rank.fill_mask_inverted", truncation(np.where(~mask, M, np.mean(M[~mask])), k)))
    return checks.near_miss(got, truncation(np.where(mask, M, np.mean(M[mask])), k), candidates, LOOSE * scale)


@pytest.mark.function("fill_and_predict")
@pytest.mark.parametrize("case", FILL)
def test_fill_and_predict(learner, seed, case):
    R, mask, k = FILL[case](cases.rng(seed, "fill_and_predict", case))
    M = np.asarray(R, dtype=float)
    mu = float(np.mean(M[mask]))
    F = np.where(mask, M, mu)
    s = svd(F)[1]
    got = learner.fill_and_predict(R, mask, k)
    try:
        R_hat = checks.array(got, "R_hat", M.shape)
        check_rank(R_hat, k, s[0], "R_hat")
        checks.close(
            R_hat,
            truncation(F, k),
            "R_hat",
            tol=1e-9,
            scale=s[0],
            code="low_rank.fill_predict",
            k=k,
            mu=mu,
            known=int(np.sum(mask)),
        )
    except Wrong as wrong:
        raise wrong.naming(fill_mistake(got, M, mask, k, s[0]))
