"""Hidden suite: pca — components, variances, scores, variance ratios, reconstruction.

Oracle: numpy.linalg.svd of the centred data, here in the trusted process,
with SPEC's sign rule applied to its right singular vectors. The data are
built as X = Q Σ Vᵀ + mean with Q orthonormal and centred, σ spread from σ₁ to
σ₁/10 (well separated, so each component is unique up to its sign) and half
of the columns shifted by 1e3 (forgetting to centre shows everywhere). Every
draw, also the lecture's Gaussian data and integer data, is checked for gaps
between the singular values it relies on and for a clear winner among each
component's largest entries, so the sign rule has one answer; components are
then compared directly. Tolerances are relative to σ₁ (or to max|X| where the
mean is part of the answer). A failure names the known mistake its numbers
fit: each candidate is what that mistake returns on the same X.
"""

import numpy as np
import pytest

from grader.feedback import Feedback
from grader.outcomes import Wrong
from grader.suites import cases, checks

TOL = 1e-9
gated = pytest.mark.gated  # the right answer is degenerate (X itself, or the same shares for any X)


def structured(g, n, d) -> np.ndarray:
    """(n, d) data whose centred singular values run from σ₁ down to σ₁/10, far from the origin."""
    r = min(n - 1, d)
    Q, _ = np.linalg.qr(centre(g.standard_normal((n, r))))
    s = g.uniform(1, 5) * np.geomspace(1.0, 0.1, r)
    mean = g.normal(0.0, 3.0, d)
    mean[g.permutation(d)[: (d + 1) // 2]] += 1e3
    return (Q * s) @ cases.orthogonal(g, d)[:r] + mean


def lecture_data(g) -> np.ndarray:
    """The lecture's example: Gaussian columns scaled by 5, 3, 1, 0.5, 0.1."""
    return g.standard_normal((200, 5)) @ np.diag([5.0, 3.0, 1.0, 0.5, 0.1])


def integer_data(g, n, d) -> list:
    return (g.integers(-5, 6, size=(n, d)) + g.integers(-100, 101, size=d)).tolist()


def centre(X) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    return X - X.mean(axis=0)


def sign_rule(Vt) -> np.ndarray:
    pivots = Vt[np.arange(len(Vt)), np.argmax(np.abs(Vt), axis=1)]
    return Vt * np.sign(pivots)[:, None]


def oracle(X):
    """(X_c, s, Vt) of the centred data, Vt's rows signed by SPEC's rule."""
    Xc = centre(X)
    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Xc, s, sign_rule(Vt)


def admissible(X, k, *, signed) -> bool:
    """σₖ > σₖ₊₁ clearly (a reconstruction needs no more); for signed components also σ₁ … σₖ₊₁
    well apart and a clear largest entry in each of the k components."""
    _, s, Vt = oracle(X)
    s = np.append(s, 0.0)
    if not signed:
        return k >= len(s) - 1 or s[k - 1] - s[k] >= 0.02 * s[0]
    top_two = -np.sort(-np.abs(Vt[:k]), axis=1)[:, :2]
    return bool(
        np.min(s[:k] - s[1 : k + 1]) >= 0.02 * s[0]
        and (Vt.shape[1] == 1 or np.min(top_two[:, 0] - top_two[:, 1]) > 1e-3)
    )


def draw(table, seed, label, case, *, signed=True):
    g = cases.rng(seed, label, case)
    while True:
        X, k = table[case](g)
        if admissible(X, k, signed=signed):
            return X, k


def flipped_rows(got, expected) -> list[int]:
    """The rows of ``got`` that are −1 times the right component, when every row is ± the right one."""
    rows = [i for i in range(len(expected)) if not checks.same(got[i], expected[i], TOL)]
    if rows and all(checks.same(got[i], -expected[i], TOL) for i in rows):
        return rows
    return []


# --- pca ---------------------------------------------------------------------------

# k < n always: with k = n ≤ d the last component has σ = 0 and any unit vector
# orthogonal to the others is right.
PCA = {
    "tall": lambda g: (structured(g, 12, 5), 2),
    "k=1": lambda g: (structured(g, 9, 6), 1),
    "k=d": lambda g: (structured(g, 10, 4), 4),
    "square": lambda g: (structured(g, 6, 6), 3),
    "wide": lambda g: (structured(g, 5, 9), 3),
    "wide-k=n-1": lambda g: (structured(g, 4, 7), 3),
    "integers": lambda g: (integer_data(g, 10, 4), 2),
    "lecture": lambda g: (lecture_data(g), 3),
}


def learner_pca(learner, seed, case):
    """(X, k, components, explained_variance, scores) for a case; one cached call serves all three tests."""
    X, k = draw(PCA, seed, "pca", case)
    result = checks.values(learner.pca(X, k), ("components", "explained_variance", "scores"), "pca")
    return (X, k, *result)


@pytest.mark.function("pca")
@pytest.mark.parametrize("case", PCA)
def test_pca_components(learner, seed, case):
    X, k, components, _, _ = learner_pca(learner, seed, case)
    d = np.shape(X)[1]
    if isinstance(components, np.ndarray) and components.shape == (d, k) != (k, d):
        raise Wrong(
            "check.shape",
            name="components",
            shape=components.shape,
            expected_shape=(k, d),
            mistake="pca.components_as_columns",
        )
    components = checks.array(components, "components", (k, d))
    _, _, Vt = oracle(X)
    expected = Vt[:k]
    _, _, uncentred = np.linalg.svd(np.asarray(X, dtype=float), full_matrices=False)
    if checks.same(np.abs(components), np.abs(uncentred[:k]), TOL):
        mistake = "pca.not_centred"
    elif flipped_rows(components, expected):
        mistake = "pca.sign_rule"
    elif k == d and checks.same(components.T, expected, TOL):
        mistake = "pca.components_as_columns"
    else:
        mistake = None
    checks.close(components, expected, "components", tol=TOL, code="pca.components", mistake=mistake, k=k)


@pytest.mark.function("pca")
@pytest.mark.parametrize("case", PCA)
def test_pca_explained_variance(learner, seed, case):
    X, k, _, variance, _ = learner_pca(learner, seed, case)
    variance = checks.array(variance, "explained_variance", (k,))
    n = np.shape(X)[0]
    _, s, _ = oracle(X)
    expected = s[:k] ** 2 / (n - 1)
    mistake = checks.near_miss(
        variance,
        expected,
        [
            ("pca.variance_over_n", s[:k] ** 2 / n),
            ("pca.variance_of_sigma", s[:k] / (n - 1)),
            ("pca.variance_undivided", s[:k] ** 2),
        ],
        TOL * expected[0],
    )
    checks.close(
        variance,
        expected,
        "explained_variance",
        tol=TOL,
        scale=expected[0],
        code="pca.explained_variance",
        mistake=mistake,
        k=k,
        n=n,
        variances=s**2 / (n - 1),  # the whole spectrum, for the picture (grader.pictures.spectrum)
    )


@pytest.mark.function("pca")
@pytest.mark.parametrize("case", PCA)
def test_pca_scores(learner, seed, case):
    X, k, components, _, scores = learner_pca(learner, seed, case)
    scores = checks.array(scores, "scores", (np.shape(X)[0], k))
    Xc, s, Vt = oracle(X)
    expected = Xc @ Vt[:k].T
    allowed = TOL * s[0]
    candidates = [
        ("pca.scores_not_centred", expected + np.mean(X, axis=0) @ Vt[:k].T),
        ("pca.scores_unit_length", expected / s[:k]),
    ]
    raw = Xc @ np.linalg.svd(Xc, full_matrices=False)[2][:k].T  # LAPACK's signs, before the rule
    candidates.append(("pca.scores_unit_length", raw / s[:k]))
    if checks.same(components, Vt[:k], TOL):
        candidates.append(("pca.scores_before_sign_rule", raw))
    mistake = checks.near_miss(scores, expected, candidates, allowed)
    checks.close(scores, expected, "scores", tol=TOL, scale=s[0], code="pca.scores", mistake=mistake)


# --- explained_variance_ratio ------------------------------------------------------

RATIO = {
    "tall": lambda g: structured(g, 12, 5),
    "square": lambda g: structured(g, 6, 6),
    "wide": lambda g: structured(g, 5, 9),
    "two-points": lambda g: structured(g, 2, 4),  # one share: [1, 0]
    "one-column": lambda g: structured(g, 7, 1),  # [1]
    "integers": lambda g: integer_data(g, 8, 3),
    "lecture": lambda g: lecture_data(g),
}
RATIO_GATED = {"two-points", "one-column"}


@pytest.mark.function("explained_variance_ratio")
@pytest.mark.parametrize("case", [pytest.param(c, marks=gated) if c in RATIO_GATED else c for c in RATIO])
def test_explained_variance_ratio(learner, seed, case):
    X = RATIO[case](cases.rng(seed, "explained_variance_ratio", case))
    n, d = np.shape(X)
    _, s, _ = oracle(X)
    expected = s**2 / np.sum(s**2)
    got = learner.explained_variance_ratio(X)
    if isinstance(got, np.ndarray) and got.ndim == 1 and len(got) != len(expected):
        raise Wrong(
            "check.shape",
            name="explained_variance_ratio",
            shape=got.shape,
            expected_shape=expected.shape,
            mistake="pca.ratio_of_covariance_eigenvalues" if len(got) == d else None,
            n=n,
            d=d,
        )
    got = checks.array(got, "explained_variance_ratio", expected.shape)
    uncentred = np.linalg.svd(np.asarray(X, dtype=float), compute_uv=False) ** 2
    mistake = checks.near_miss(
        got,
        expected,
        [
            ("pca.ratio_ascending", expected[::-1]),
            ("pca.ratio_of_sigma", s / np.sum(s)),
            ("pca.ratio_not_centred", uncentred / np.sum(uncentred)),
        ],
        TOL,
    )
    total = float(np.sum(got))
    notes = [Feedback("pca.ratio_sum", {"total": total})] if abs(total - 1.0) > TOL else []
    checks.close(got, expected, "explained_variance_ratio", tol=TOL, code="pca.ratio", mistake=mistake, notes=notes)


# --- pca_reconstruct ---------------------------------------------------------------

RECONSTRUCT = {
    "tall-k=2": lambda g: (structured(g, 12, 5), 2),
    "k=1": lambda g: (structured(g, 9, 6), 1),
    "k=d": lambda g: (structured(g, 10, 4), 4),  # X itself
    "wide": lambda g: (structured(g, 5, 9), 2),
    "wide-k=n": lambda g: (structured(g, 4, 7), 4),  # X itself
    "integers": lambda g: (integer_data(g, 10, 4), 2),
    "integers-k=d": lambda g: (integer_data(g, 6, 3), 3),  # X itself
    "lecture": lambda g: (lecture_data(g), 2),
}
RECONSTRUCT_GATED = {"k=d", "wide-k=n", "integers-k=d"}


@pytest.mark.function("pca_reconstruct")
@pytest.mark.parametrize("case", [pytest.param(c, marks=gated) if c in RECONSTRUCT_GATED else c for c in RECONSTRUCT])
def test_pca_reconstruct(learner, seed, case):
    X, k = draw(RECONSTRUCT, seed, "pca_reconstruct", case, signed=False)
    A = np.asarray(X, dtype=float)
    mean = A.mean(axis=0)
    Xc, _, Vt = oracle(X)
    expected = Xc @ Vt[:k].T @ Vt[:k] + mean
    got = checks.array(learner.pca_reconstruct(X, k), "X_hat", A.shape)
    U, s, Wt = np.linalg.svd(A, full_matrices=False)
    mistake = checks.near_miss(
        got,
        expected,
        [("pca.mean_not_added_back", expected - mean), ("pca.reconstruct_not_centred", (U[:, :k] * s[:k]) @ Wt[:k])],
        TOL * np.max(np.abs(A)),
    )
    full = k == min(A.shape)
    checks.close(
        got,
        expected,
        "X_hat",
        tol=TOL,
        scale=np.max(np.abs(A)),
        mistake=mistake,
        k=k,
        mean=mean,
        code="pca.reconstruct_everything" if full else "pca.reconstruct",
    )
