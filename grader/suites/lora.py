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
to the magnitude of the data.
"""

import numpy as np
import pytest

from grader import fmt
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
    scale = float(np.max(np.abs(forward(*map(np.abs, (xf, Wf, Af, Bf)), abs(alpha)))))
    allowed = 1e-12 * max(scale, 1e-300)
    mistake = checks.near_miss(got, expected, [
        ("x Wᵀ + x Aᵀ Bᵀ: the adapter path lacks its scale alpha/r", frozen + adapter),
        (f"x Wᵀ + alpha·x Aᵀ Bᵀ: the scale is alpha/r = {alpha}/{r}, not alpha", frozen + alpha * adapter),
        ("x Wᵀ + alpha·r·x Aᵀ Bᵀ: the scale is alpha/r, not alpha·r", frozen + alpha * r * adapter),
        ("x Wᵀ + (r/alpha)·x Aᵀ Bᵀ: the scale is alpha/r, not r/alpha", frozen + r / alpha * adapter),
        ("only the adapter path: the frozen x Wᵀ is missing", alpha / r * adapter),
        ("only the frozen path x Wᵀ: the adapter (alpha/r)·x Aᵀ Bᵀ is missing", frozen),
    ], allowed)
    if mistake:
        raise Wrong(f"y is {mistake}.\n  got      {fmt.array(got, 11)}\n  expected {fmt.array(expected, 11)}")
    checks.close(got, expected, "y", tol=1e-12, scale=scale, what="x Wᵀ + (alpha/r)·x Aᵀ Bᵀ with r = A.shape[0]")


# --- lora_backward -----------------------------------------------------------------

def numerical_gradients(dy, x, W, A, B, alpha, h=1e-3) -> dict:
    """Central differences of L = Σ forward(x, W, A, B, alpha) ⊙ dy in A, B and x."""
    args = dict(zip("xAB", floats(x, A, B)))

    def loss(name, value):
        moved = {**args, name: value}
        return np.sum(forward(moved["x"], W, moved["A"], moved["B"], alpha) * dy)
    return {name: oracles.central_differences(lambda v, name=name: loss(name, v), value, h)
            for name, value in args.items()}


SHAPE_NAMES = {"A": "A (r, d_in)", "B": "B (d_out, r)", "x": "x (N, d_in)"}


def gradient_array(value, key, shape) -> np.ndarray:
    if isinstance(value, np.ndarray) and value.ndim == 2 and value.shape == shape[::-1] != shape:
        raise Wrong(f"lora_backward's \"{key}\" has shape {value.shape}; a gradient has the shape of its variable, "
                    f"{SHAPE_NAMES[key]} = {shape}. You return its transpose: check the order of the product.")
    return checks.array(value, f'lora_backward(...)["{key}"]', shape)


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
    magnitude = max(float(np.max(np.abs(v))) for v in expected.values())
    allowed = 1e-8 * magnitude
    wrong = [key for key in "ABx" if not checks.same(got[key], expected[key], allowed)]
    if not wrong:
        return
    right = [key for key in "ABx" if key not in wrong]
    quoted = lambda keys: " and ".join(", ".join(f'"{k}"' for k in keys).rsplit(", ", 1))  # noqa: E731
    lead = (f"lora_backward's {quoted(wrong)} {'are' if len(wrong) > 1 else 'is'} wrong; "
            + (f"{quoted(right)} {'match' if len(right) > 1 else 'matches'}." if right else "none of them matches."))
    key = wrong[0]
    c = alpha / r
    scalings = [("without the scale alpha/r", 1 / c), ("scaled by alpha instead of alpha/r", r),
                ("scaled by alpha·r instead of alpha/r", r * r), ("scaled by (alpha/r)², the scale applied twice", c)]
    frozen_path = dy @ Wf
    adapter_path = expected["x"] - frozen_path
    if key == "x":
        candidates = [("without the frozen path: W gets no gradient, but x still reaches y through x Wᵀ, "
                       "so dx = dy W + (the adapter's part)", adapter_path),
                      ("without the adapter path: dx also has the part through x Aᵀ Bᵀ", frozen_path)]
        candidates += [(f"dy W + its adapter part {label}", frozen_path + f * adapter_path) for label, f in scalings]
    else:
        candidates = [(f"the gradient {label}", f * expected[key]) for label, f in scalings]
    mistake = checks.near_miss(got[key], expected[key], candidates, allowed)
    if mistake:
        raise Wrong(f"{lead} \"{key}\" is {mistake}.\n  got      {fmt.array(got[key], 11)}\n"
                    f"  expected {fmt.array(expected[key], 11)}")
    try:
        checks.close(got[key], expected[key], f'lora_backward(...)["{key}"]', tol=1e-8, scale=magnitude,
                     what="compared with central differences of L = Σ y ⊙ dy")
    except Wrong as exc:
        raise Wrong(f"{lead} {exc.message}") from None


@pytest.mark.function("lora_backward")
def test_lora_backward_W_frozen(learner, seed):
    x, W, A, B, alpha = LAYERS["non-square"](cases.rng(seed, "lora", "non-square"))
    dy = cases.rng(seed, "lora_backward", "non-square").standard_normal(np.shape(forward(x, W, A, B, alpha)))
    got = checks.mapping(learner.lora_backward(dy, x, W, A, B, alpha), ("A", "B", "x"), "lora_backward")
    if "W" in got:
        raise Wrong("lora_backward returned a \"W\" entry. In LoRA the weights W are frozen (SPEC: no gradient for "
                    "W): training updates only A and B, and computing dW = dyᵀ x costs the full d_out × d_in work "
                    "that LoRA exists to avoid. Return only \"A\", \"B\" and \"x\".")


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


# name -> (delta_W, r)
DELTAS = {
    "tall": lambda g: (spread(g, 8, 5), 2),
    "wide": lambda g: (spread(g, 4, 9), 3),
    "square": lambda g: (spread(g, 6, 6), 3),
    "r=1": lambda g: (spread(g, 5, 7), 1),
    "r=min(d_out, d_in)": lambda g: (spread(g, 7, 4), 4),
    "exactly-rank-r": lambda g: (g.standard_normal((6, 2)) @ g.standard_normal((2, 8)), 2),
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
        raise Wrong(f"lora_from_delta returned B first: the first value has shape {A.shape}, the shape of B. "
                    "SPEC's order is (A, B), A of shape (r, d_in) and B of shape (d_out, r).")
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
    allowed = 1e-9 * s[0]
    mistake = checks.near_miss(got, expected, [
        ("U_r Σ_r^{1/2} V_rᵀ: Σ_r^{1/2} appears in only one factor", (Ur * np.sqrt(sr)) @ Vr),
        ("U_r V_rᵀ: the singular values are missing", Ur @ Vr),
        ("U_r Σ_r² V_rᵀ: each factor carries all of Σ_r", (Ur * sr ** 2) @ Vr),
        ("built from the r SMALLEST singular triplets", (U[:, -r:] * s[-r:]) @ Vt[-r:]),
    ], allowed)
    if mistake:
        raise Wrong(f"B @ A is {mistake}; Eckart–Young's best rank-{r} approximation is U_r Σ_r V_rᵀ "
                    f"(σ = {fmt.array(sr)}).")
    checks.close(got, expected, "B @ A", tol=1e-9, scale=s[0],
                 what=f"it should be U_r Σ_r V_rᵀ, the best rank-{r} approximation of delta_W (truncated SVD)")


@pytest.mark.function("lora_from_delta")
@pytest.mark.parametrize("case", DELTAS)
def test_lora_from_delta_balanced(learner, seed, case):
    D, r, s, A, B = learner_factors(learner, seed, case)
    sigma = np.diag(s[:r])
    allowed = 1e-9 * s[0]
    gram_B, gram_A = B.T @ B, A @ A.T
    if checks.same(gram_B, sigma ** 2, allowed) and checks.same(gram_A, np.eye(r), 1e-9):
        raise Wrong("B holds all of Σ_r (BᵀB = Σ_r², A Aᵀ = I): the factors are not balanced. "
                    "Give each half: B = U_r Σ_r^{1/2}, A = Σ_r^{1/2} V_rᵀ.")
    if checks.same(gram_A, sigma ** 2, allowed) and checks.same(gram_B, np.eye(r), 1e-9):
        raise Wrong("A holds all of Σ_r (A Aᵀ = Σ_r², BᵀB = I): the factors are not balanced. "
                    "Give each half: B = U_r Σ_r^{1/2}, A = Σ_r^{1/2} V_rᵀ.")
    for name, gram in (("BᵀB", gram_B), ("A Aᵀ", gram_A)):
        if not checks.same(gram, sigma, allowed):
            checks.close(gram, sigma, name, tol=1e-9, scale=s[0],
                         what=f"balanced factors have BᵀB = A Aᵀ = Σ_r = diag({fmt.array(s[:r])}), "
                              "the top singular values in descending order")


# --- lora_param_count --------------------------------------------------------------

PARAM_COUNTS = [(4096, 4096, 8), (768, 3072, 16), (3, 10, 2), (1, 1, 1), (5, 2, 1), (4096, 11008, 64)]


@pytest.mark.function("lora_param_count")
@pytest.mark.parametrize("d_out, d_in, r", PARAM_COUNTS)
def test_lora_param_count(learner, d_out, d_in, r):
    got = checks.integer(learner.lora_param_count(d_out, d_in, r), "lora_param_count(d_out, d_in, r)")
    expected = r * (d_in + d_out)
    if got != expected:
        why = {d_out * d_in: "d_out·d_in counts the frozen W; the adapter trains only A and B",
               r * d_out * d_in: "r·d_out·d_in multiplies the dimensions; A and B hold r·d_in and d_out·r numbers",
               r * d_in: "only A counted; B holds d_out·r more",
               r * d_out: "only B counted; A holds r·d_in more"}.get(got, "A holds r·d_in numbers and B d_out·r")
        raise Wrong(f"lora_param_count({d_out}, {d_in}, {r}) returned {got}; expected r·(d_in + d_out) = {expected} "
                    f"({why}).")
