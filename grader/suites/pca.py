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
mean is part of the answer).
"""

import numpy as np
import pytest

from grader import fmt
from grader.outcomes import Wrong
from grader.suites import cases, checks

TOL = 1e-9


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
    return bool(np.min(s[:k] - s[1:k + 1]) >= 0.02 * s[0]
                and (Vt.shape[1] == 1 or np.min(top_two[:, 0] - top_two[:, 1]) > 1e-3))


def draw(table, seed, label, case, *, signed=True):
    g = cases.rng(seed, label, case)
    while True:
        X, k = table[case](g)
        if admissible(X, k, signed=signed):
            return X, k


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
        raise Wrong(f"components has shape {(d, k)}; expected {(k, d)}: one component per ROW, "
                    "like the rows of Vt that np.linalg.svd returns.")
    components = checks.array(components, "components", (k, d))
    _, _, Vt = oracle(X)
    expected = Vt[:k]
    if checks.same(components, expected, TOL):
        return
    if k == d and checks.same(components.T, expected, TOL):
        raise Wrong("components holds the principal directions as its COLUMNS; SPEC wants one component per "
                    "row (components.T is right), so that scores = X_c @ components.T.")
    _, _, uncentred = np.linalg.svd(np.asarray(X, dtype=float), full_matrices=False)
    if checks.same(np.abs(components), np.abs(uncentred[:k]), TOL):
        raise Wrong("components are the right singular vectors of X itself, not of the centred data: subtract "
                    "the column means first (X.mean(axis=0)). Without it the first component points at the mean "
                    f"(here {fmt.array(np.mean(X, axis=0), 6)}).")
    for i in range(k):
        if checks.same(components[i], -expected[i], TOL):
            j = int(np.argmax(np.abs(expected[i])))
            raise Wrong(f"components[{i}] has the wrong sign: its entry of largest magnitude, components[{i}, {j}] "
                        f"= {fmt.num(components[i, j])}, should be positive (SPEC's sign rule: flip the whole "
                        f"component when it is negative).\n  got      {fmt.array(components[i], 11)}\n"
                        f"  expected {fmt.array(expected[i], 11)}")
    checks.close(components, expected, "components", tol=TOL,
                 what="the top right singular vectors of the centred X, as rows, signed by the rule")


@pytest.mark.function("pca")
@pytest.mark.parametrize("case", PCA)
def test_pca_explained_variance(learner, seed, case):
    X, k, _, variance, _ = learner_pca(learner, seed, case)
    variance = checks.array(variance, "explained_variance", (k,))
    n = np.shape(X)[0]
    _, s, _ = oracle(X)
    expected = s[:k] ** 2 / (n - 1)
    allowed = TOL * expected[0]
    formula = checks.near_miss(variance, expected, [
        (f"σ²/n (n = {n}): the sample variance divides by n − 1", s[:k] ** 2 / n),
        ("σ/(n − 1): the variance is σ², squared", s[:k] / (n - 1)),
        ("σ² without the division by n − 1", s[:k] ** 2)], allowed)
    if formula:
        raise Wrong(f"explained_variance is {formula}.\n  got      {fmt.array(variance, 11)}\n"
                    f"  expected {fmt.array(expected, 11)}")
    checks.close(variance, expected, "explained_variance", tol=TOL, scale=expected[0],
                 what="σᵢ²/(n − 1) for the top k singular values σᵢ of the centred X")


@pytest.mark.function("pca")
@pytest.mark.parametrize("case", PCA)
def test_pca_scores(learner, seed, case):
    X, k, _, _, scores = learner_pca(learner, seed, case)
    scores = checks.array(scores, "scores", (np.shape(X)[0], k))
    Xc, s, Vt = oracle(X)
    expected = Xc @ Vt[:k].T
    allowed = TOL * s[0]
    if checks.same(scores - np.mean(X, axis=0) @ Vt[:k].T, expected, allowed):
        raise Wrong("scores project the raw X, not the centred X_c: scores = X_c @ components.T, "
                    "with X_c = X − X.mean(axis=0).")
    for j in range(k):
        if checks.same(scores[:, j], -expected[:, j], allowed):
            raise Wrong(f"scores[:, {j}] has the opposite sign: it must be the projection onto components[{j}] "
                        "AFTER the sign rule (entry of largest magnitude positive) has been applied.")
    if checks.same(scores, expected / s[:k], allowed / s[0]):
        raise Wrong("scores are the columns of U, of unit length; the scores are U·Σ = X_c @ components.T.")
    checks.close(scores, expected, "scores", tol=TOL, scale=s[0],
                 what="X_c @ components.T, the coordinates of the centred points along the components")


# --- explained_variance_ratio ------------------------------------------------------

RATIO = {
    "tall": lambda g: structured(g, 12, 5),
    "square": lambda g: structured(g, 6, 6),
    "wide": lambda g: structured(g, 5, 9),
    "two-points": lambda g: structured(g, 2, 4),
    "one-column": lambda g: structured(g, 7, 1),
    "integers": lambda g: integer_data(g, 8, 3),
    "lecture": lambda g: lecture_data(g),
}


@pytest.mark.function("explained_variance_ratio")
@pytest.mark.parametrize("case", RATIO)
def test_explained_variance_ratio(learner, seed, case):
    X = RATIO[case](cases.rng(seed, "explained_variance_ratio", case))
    n, d = np.shape(X)
    _, s, _ = oracle(X)
    expected = s ** 2 / np.sum(s ** 2)
    got = learner.explained_variance_ratio(X)
    if isinstance(got, np.ndarray) and got.ndim == 1 and len(got) != len(expected):
        raise Wrong(f"explained_variance_ratio has length {len(got)}; expected min(n, d) = {len(expected)} "
                    f"for X of shape {(n, d)}: the centred X has min(n, d) singular values "
                    "(eigh of the d×d covariance gives d eigenvalues: keep the largest min(n, d)).")
    got = checks.array(got, "explained_variance_ratio", expected.shape)
    uncentred = np.linalg.svd(np.asarray(X, dtype=float), compute_uv=False) ** 2
    mistake = checks.near_miss(got, expected, [
        ("in ascending order: the largest share comes first", expected[::-1]),
        ("σ/Σσ: the variance is σ², so the shares are σ²/Σσ²", s / np.sum(s)),
        ("computed from X itself: centre it first (X − X.mean(axis=0))", uncentred / np.sum(uncentred))], TOL)
    if mistake:
        raise Wrong(f"explained_variance_ratio is {mistake}.\n  got      {fmt.array(got, 11)}\n"
                    f"  expected {fmt.array(expected, 11)}")
    if abs(np.sum(got) - 1.0) > TOL:
        raise Wrong(f"explained_variance_ratio sums to {np.sum(got):.10g}; the shares of all min(n, d) "
                    f"directions sum to 1.\n  got      {fmt.array(got, 11)}\n  expected {fmt.array(expected, 11)}")
    checks.close(got, expected, "explained_variance_ratio", tol=TOL,
                 what="σᵢ²/Σⱼσⱼ² for the singular values of the centred X"
                      + ("; n ≤ d, so the last one is 0" if n <= d else ""))


# --- pca_reconstruct ---------------------------------------------------------------

RECONSTRUCT = {
    "tall-k=2": lambda g: (structured(g, 12, 5), 2),
    "k=1": lambda g: (structured(g, 9, 6), 1),
    "k=d": lambda g: (structured(g, 10, 4), 4),
    "wide": lambda g: (structured(g, 5, 9), 2),
    "wide-k=n": lambda g: (structured(g, 4, 7), 4),
    "integers": lambda g: (integer_data(g, 10, 4), 2),
    "integers-k=d": lambda g: (integer_data(g, 6, 3), 3),
    "lecture": lambda g: (lecture_data(g), 2),
}


@pytest.mark.function("pca_reconstruct")
@pytest.mark.parametrize("case", RECONSTRUCT)
def test_pca_reconstruct(learner, seed, case):
    X, k = draw(RECONSTRUCT, seed, "pca_reconstruct", case, signed=False)
    A = np.asarray(X, dtype=float)
    mean = A.mean(axis=0)
    Xc, _, Vt = oracle(X)
    expected = Xc @ Vt[:k].T @ Vt[:k] + mean
    got = checks.array(learner.pca_reconstruct(X, k), "X_hat", A.shape)
    allowed = TOL * np.max(np.abs(A))
    if checks.same(got + mean, expected, allowed):
        raise Wrong("X_hat is the reconstruction of the centred data: add the mean back "
                    f"(X.mean(axis=0) = {fmt.array(mean, 6)}).")
    U, s, Wt = np.linalg.svd(A, full_matrices=False)
    if k < min(A.shape) and checks.same(got, (U[:, :k] * s[:k]) @ Wt[:k], allowed):
        raise Wrong("X_hat is the rank-k truncated SVD of X itself: PCA centres first, reconstructs X_c, "
                    "then adds the mean back.")
    full = k == min(A.shape)
    checks.close(got, expected, "X_hat", tol=TOL, scale=np.max(np.abs(A)),
                 what="with k = min(n, d) nothing is dropped: X_hat should be X itself" if full
                 else "X_c Vₖᵀ Vₖ + mean, the projection onto the top-k components with the mean added back")
