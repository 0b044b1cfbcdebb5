"""Hidden suite: lora — the adapter layer's forward and backward, the best adapter, its size.

lora_forward is compared with SPEC's formula evaluated here; lora_backward
with central differences of L = Σ y ⊙ dy, y from that formula (L is linear in
each of A, B and x, so the differences are exact up to rounding). A "W" key
in the backward's dict fails its own test: SPEC freezes W. lora_from_delta
is judged sign-free: B @ A against the truncated SVD of ΔW (matrices with a
clear gap σᵣ > σᵣ₊₁, so the approximation is unique), and the balance
BᵀB = A Aᵀ = Σᵣ, which holds for every choice of signs of the singular pairs.
Every case has r ≥ 2 and alpha ∉ {1, r, r²} unless it tests those on purpose,
so a missing or inverted alpha/r changes the answer. Tolerances are relative
to the magnitude of the data. A failure names the known mistake its numbers
fit: each candidate is what that mistake returns on the same input.

lora_from_delta also meets numerically rank-deficient updates (a product of
thin factors, duplicated columns) with r above their rank: the singular
values past the rank are at rounding level (≈1e-17·σ₁), not 0, and a factor
built by dividing by σ amplifies rounding noise there.
"""

import numpy as np
import pytest

from grader.outcomes import Wrong
from grader.suites import cases, checks, oracles


def floats(*arrays):
    return [np.asarray(a, dtype=float) for a in arrays]


def forward(x, W, A, B, alpha):
    """SPEC's formula: y = x Wᵀ + (alpha/r)·x Aᵀ Bᵀ."""
    x, W, A, B = floats(x, W, A, B)
    return x @ W.T + alpha / len(A) * x @ A.T @ B.T


def layer(g, N, d_in, d_out, r, alpha, *, integers=False, zero_B=False):
    """(x, W, A, B, alpha) of the given sizes; integer entries as nested lists."""
    if integers:
        draw = lambda m, n: g.integers(-4, 5, size=(m, n)).tolist()  # noqa: E731
    else:
        draw = lambda m, n: g.standard_normal((m, n))  # noqa: E731
    B = np.zeros((d_out, r)) if zero_B else draw(d_out, r)
    return draw(N, d_in), draw(d_out, d_in), draw(r, d_in), B, alpha


# name -> (x, W, A, B, alpha); shared by the forward and the backward tests
LAYERS = {
    "non-square": lambda g: layer(g, 5, 7, 4, 3, 6.0),
    "wide-output": lambda g: layer(g, 4, 3, 8, 2, 16.0),
    "square": lambda g: layer(g, 3, 6, 6, 2, 0.5),
    "r=1": lambda g: layer(g, 4, 5, 3, 1, 4.0),
    "N=1": lambda g: layer(g, 1, 6, 4, 2, 8.0),
    "alpha=r": lambda g: layer(g, 3, 5, 4, 4, 4),
    "B=0-initialisation": lambda g: layer(g, 4, 6, 5, 2, 16.0, zero_B=True),
    "integers": lambda g: layer(g, 3, 5, 4, 2, 32, integers=True),
}


# --- lora_forward ------------------------------------------------------------------


@pytest.mark.function("lora_forward")
@pytest.mark.parametrize("case", LAYERS)
def test_lora_forward(learner, seed, case):
    x, W, A, B, alpha = LAYERS[case](cases.rng(seed, "lora", case))
    xf, Wf, Af, Bf = floats(x, W, A, B)
    r = len(Af)
    expected = forward(x, W, A, B, alpha)
    got = checks.array(learner.lora_forward(x, W, A, B, alpha), "y", expected.shape)
    frozen, adapter = xf @ Wf.T, xf @ Af.T @ Bf.T
    scale = max(float(np.max(np.abs(forward(*map(np.abs, (xf, Wf, Af, Bf)), abs(alpha))))), 1e-300)
    mistake = checks.near_miss(
        got,
        expected,
        [
            ("lora.forward_scale_missing", frozen + adapter),
            ("lora.forward_scale_alpha", frozen + alpha * adapter),
            ("lora.forward_scale_alpha_times_r", frozen + alpha * r * adapter),
            ("lora.forward_scale_inverted", frozen + r / alpha * adapter),
            ("lora.forward_frozen_missing", alpha / r * adapter),
            ("lora.forward_adapter_missing", frozen),
        ],
        1e-12 * scale,
    )
    checks.close(got, expected, "y", tol=1e-12, scale=scale, code="lora.forward", mistake=mistake, alpha=alpha, r=r)


# --- lora_backward -----------------------------------------------------------------


def numerical_gradients(dy, x, W, A, B, alpha, h=1e-3) -> dict:
    """Central differences of L = Σ forward(x, W, A, B, alpha) ⊙ dy in A, B and x."""
    args = dict(zip("xAB", floats(x, A, B)))

    def loss(name, value):
        moved = {**args, name: value}
        return np.sum(forward(moved["x"], W, moved["A"], moved["B"], alpha) * dy)

    return {
        name: oracles.central_differences(lambda v, name=name: loss(name, v), value, h) for name, value in args.items()
    }


def gradient_array(value, key, shape) -> np.ndarray:
    name = f'lora_backward(...)["{key}"]'
    if isinstance(value, np.ndarray) and value.ndim == 2 and value.shape == shape[::-1] != shape:
        raise Wrong(
            "check.shape",
            name=name,
            shape=value.shape,
            expected_shape=shape,
            mistake="lora.gradient_transposed",
            key=key,
        )
    return checks.array(value, name, shape)


def backward_mistake(key, got, expected, frozen_path, c, r, allowed) -> str | None:
    """The known mistake that the first wrong gradient fits."""
    scalings = [
        ("lora.backward_scale_missing", 1 / c),
        ("lora.backward_scale_alpha", r),
        ("lora.backward_scale_alpha_times_r", r * r),
        ("lora.backward_scale_twice", c),
    ]
    if key == "x":
        adapter_path = expected - frozen_path
        candidates = [("lora.dx_without_frozen_path", adapter_path), ("lora.dx_without_adapter_path", frozen_path)]
        candidates += [(mistake, frozen_path + f * adapter_path) for mistake, f in scalings]
    else:
        candidates = [(mistake, f * expected) for mistake, f in scalings]
    return checks.near_miss(got, expected, candidates, allowed)


@pytest.mark.function("lora_backward")
@pytest.mark.parametrize("case", LAYERS)
def test_lora_backward(learner, seed, case):
    x, W, A, B, alpha = LAYERS[case](cases.rng(seed, "lora", case))
    g = cases.rng(seed, "lora_backward", case)
    dy = g.standard_normal(np.shape(forward(x, W, A, B, alpha)))
    Wf, r = np.asarray(W, dtype=float), np.shape(A)[0]
    got = checks.mapping(learner.lora_backward(dy, x, W, A, B, alpha), ("A", "B", "x"), "lora_backward")
    expected = numerical_gradients(dy, x, W, A, B, alpha)
    got = {key: gradient_array(got[key], key, expected[key].shape) for key in "ABx"}
    allowed = 1e-8 * max(float(np.max(np.abs(v))) for v in expected.values())
    wrong = [key for key in "ABx" if not checks.same(got[key], expected[key], allowed)]
    if not wrong:
        return
    key = wrong[0]
    mistake = backward_mistake(key, got[key], expected[key], dy @ Wf, alpha / r, r, allowed)
    checks.first_wrong(
        [("d" + k, got[k], expected[k], allowed) for k in "ABx"],
        code="lora.backward",
        mistake=mistake,
        key=key,
        alpha=alpha,
        r=r,
    )


@pytest.mark.function("lora_backward")
@pytest.mark.gated
def test_lora_backward_W_frozen(learner, seed):
    x, W, A, B, alpha = LAYERS["non-square"](cases.rng(seed, "lora", "non-square"))
    dy = cases.rng(seed, "lora_backward", "non-square").standard_normal(np.shape(forward(x, W, A, B, alpha)))
    got = checks.mapping(learner.lora_backward(dy, x, W, A, B, alpha), ("A", "B", "x"), "lora_backward")
    if "W" in got:
        dW = dy.T @ np.asarray(x, dtype=float)
        raise Wrong(
            "lora.w_frozen",
            mistake="lora.w_gradient_returned" if checks.same(got["W"], dW, 1e-8 * np.max(np.abs(dW))) else None,
        )


# --- lora_from_delta ---------------------------------------------------------------


def spread(g, m, n, low=0.05) -> np.ndarray:
    """m×n with singular values from σ₁ down to σ₁·low, geometrically spaced (so every gap is clear)."""
    k = min(m, n)
    return cases.with_singular_values(g, m, n, g.uniform(1, 5) * np.geomspace(1.0, low, k))


def integer_delta(g, m, n, r) -> list:
    while True:
        D = g.integers(-5, 6, size=(m, n))
        s = np.append(np.linalg.svd(D, compute_uv=False), 0.0)
        if s[r - 1] - s[r] > 0.05 * s[0]:
            return D.tolist()


def duplicated_columns(g, m, rank, copies) -> np.ndarray:
    """m × rank·copies, each of ``rank`` random columns repeated with another scale: rank ``rank``,
    its other singular values at rounding level."""
    base = g.standard_normal((m, rank))
    return np.hstack([base * g.uniform(0.5, 2.0, rank) for _ in range(copies)])


# name -> (delta_W, r)
DELTAS = {
    "tall": lambda g: (spread(g, 8, 5), 2),
    "wide": lambda g: (spread(g, 4, 9), 3),
    "square": lambda g: (spread(g, 6, 6), 3),
    "r=1": lambda g: (spread(g, 5, 7), 1),
    "r=min(d_out, d_in)": lambda g: (spread(g, 7, 4), 4),
    "exactly-rank-r": lambda g: (g.standard_normal((6, 2)) @ g.standard_normal((2, 8)), 2),
    "rank-2-product-r=3": lambda g: (g.standard_normal((6, 2)) @ g.standard_normal((2, 8)), 3),
    "duplicated-columns-r=4": lambda g: (duplicated_columns(g, 7, 3, 2), 4),
    "small-update-1e-4": lambda g: (1e-4 * spread(g, 9, 6), 2),
    "integers": lambda g: (integer_delta(g, 5, 6, 2), 2),
}


def learner_factors(learner, seed, case):
    """(ΔW as floats, r, s, A, B): checked shapes; one cached call serves both tests."""
    delta, r = DELTAS[case](cases.rng(seed, "lora_from_delta", case))
    D = np.asarray(delta, dtype=float)
    d_out, d_in = D.shape
    A, B = checks.values(learner.lora_from_delta(delta, r), ("A", "B"), "lora_from_delta")
    if isinstance(A, np.ndarray) and isinstance(B, np.ndarray) and A.shape == (d_out, r) and B.shape == (r, d_in):
        raise Wrong(
            "lora.factor_shapes",
            shape_A=A.shape,
            shape_B=B.shape,
            expected_A=(r, d_in),
            expected_B=(d_out, r),
            mistake="lora.factors_swapped",
        )
    A, B = checks.array(A, "A", (r, d_in)), checks.array(B, "B", (d_out, r))
    return D, r, np.linalg.svd(D, compute_uv=False), A, B


@pytest.mark.function("lora_from_delta")
@pytest.mark.parametrize("case", DELTAS)
def test_lora_from_delta_product(learner, seed, case):
    D, r, s, A, B = learner_factors(learner, seed, case)
    U, _, Vt = np.linalg.svd(D, full_matrices=False)
    Ur, sr, Vr = U[:, :r], s[:r], Vt[:r]
    expected = (Ur * sr) @ Vr
    got = B @ A
    mistake = checks.near_miss(
        got,
        expected,
        [
            ("lora.sqrt_sigma_in_one_factor", (Ur * np.sqrt(sr)) @ Vr),
            ("lora.sigma_missing", Ur @ Vr),
            ("lora.sigma_squared", (Ur * sr**2) @ Vr),
            ("lora.smallest_triplets", (U[:, -r:] * s[-r:]) @ Vt[-r:]),
        ],
        1e-9 * s[0],
    )
    checks.close(got, expected, "B @ A", tol=1e-9, scale=s[0], code="lora.product", mistake=mistake, r=r, sigma=sr)


BALANCE_TOL = 1e-10  # × σ₁; an SVD-based answer is good to ~1e-15


def balance_mistake(gram_A, gram_B, s, r, rank) -> str | None:
    """All of Σ_r in one factor, or noise from dividing by σ ≈ 0 in the directions past the rank."""
    sigma, allowed = np.diag(s[:r]), BALANCE_TOL * s[0]
    if checks.same(gram_B, sigma**2, allowed) and checks.same(gram_A, np.eye(r), 1e-9):
        return "lora.sigma_all_in_b"
    if checks.same(gram_A, sigma**2, allowed) and checks.same(gram_B, np.eye(r), 1e-9):
        return "lora.sigma_all_in_a"
    if rank < r and all(checks.same(G[:rank, :rank], sigma[:rank, :rank], allowed) for G in (gram_A, gram_B)):
        return "lora.no_cutoff"
    return None


@pytest.mark.function("lora_from_delta")
@pytest.mark.parametrize("case", DELTAS)
def test_lora_from_delta_balanced(learner, seed, case):
    D, r, s, A, B = learner_factors(learner, seed, case)
    sigma = np.diag(s[:r])
    gram_B, gram_A = B.T @ B, A @ A.T
    rank = int(np.sum(s[:r] > max(D.shape) * np.finfo(float).eps * s[0]))  # σ at rounding level count as 0
    mistake = balance_mistake(gram_A, gram_B, s, r, rank)
    for name, gram in (("BᵀB", gram_B), ("A Aᵀ", gram_A)):
        checks.close(
            gram,
            sigma,
            name,
            tol=BALANCE_TOL,
            scale=s[0],
            code="lora.balanced",
            mistake=mistake,
            sigma=s[:r],
            r=r,
            rank=rank,
        )


# --- lora_param_count --------------------------------------------------------------

PARAM_COUNTS = [(4096, 4096, 8), (768, 3072, 16), (3, 10, 2), (1, 1, 1), (5, 2, 1), (4096, 11008, 64)]


@pytest.mark.function("lora_param_count")
@pytest.mark.parametrize("d_out, d_in, r", PARAM_COUNTS)
def test_lora_param_count(learner, d_out, d_in, r):
    name = "lora_param_count(d_out, d_in, r)"
    expected = r * (d_in + d_out)
    got = learner.lora_param_count(d_out, d_in, r)
    if isinstance(got, float) and got == expected:
        raise Wrong("check.not_int_float", name=name, type="float", value=got, mistake="lora.count_float")
    got = checks.integer(got, name)
    if got != expected:
        mistake = {
            d_out * d_in: "lora.count_frozen_w",
            r * d_out * d_in: "lora.count_product",
            expected + d_out * d_in: "lora.count_includes_w",
            r * d_in: "lora.count_only_a",
            r * d_out: "lora.count_only_b",
        }.get(got)
        raise Wrong("lora.param_count", got=got, expected=expected, d_out=d_out, d_in=d_in, r=r, mistake=mistake)
