"""Hidden suite: backprop — a sigmoid MLP by hand: forward pass, MSE loss, backward pass.

Oracles, all in this trusted process: a sigmoid from exp(−|x|) (no overflow),
a forward pass written here, and fourth-order central differences of
L = 0.5·Σ(forward(params, X) − Y)² for every entry of every W and b, against
which each returned gradient is judged by its relative error
‖got − expected‖ / max(‖got‖, ‖expected‖, floor). The backward in closed form
below serves only the advice of failure messages (which known mistake gives
exactly what the learner returned). The learner's cache is theirs: it goes
back to their mlp_backward unchanged.
"""

import math

import numpy as np
import pytest

from grader import fmt
from grader.outcomes import Wrong
from grader.suites import cases, checks, oracles

SIGMOID_TOL = 1e-14  # absolute: σ lies in [0, 1]
OUT_TOL = 1e-12      # out against the oracle, absolute (out lies in (0, 1))
LOSS_TOL = 1e-12     # mse_loss, relative to 0.5·Σ(|out| + |Y|)²
GRAD_TOL = 1e-6      # relative error of a gradient (the differences below reach ~3e-9)
STEP = 1e-3          # of the fourth-order central differences: truncation ~STEP⁴, rounding ~ε/STEP
FLOOR = 1e-8         # gradients below this fraction of the largest one are judged on that scale
STABLE = ("Compute exp only of −|x| (which is ≤ 0): σ(x) = 1/(1 + e) for x ≥ 0 and e/(1 + e) for x < 0 with "
          "e = exp(−|x|). Beware np.where: it evaluates both branches on every entry.")


# --- the oracle ------------------------------------------------------------------------

def forward(params, X, *, bias=True, last_sigmoid=True, transposed=True):
    """Every activation [X, h₁, …, out]; the keywords build known mistakes for the advice."""
    hs = [X]
    for i, (W, b) in enumerate(params):
        z = hs[-1] @ (W.T if transposed else W) + (b if bias else 0)
        hs.append(oracles.sigmoid(z) if last_sigmoid or i < len(params) - 1 else z)
    return hs


def loss(params, X, Y) -> float:
    return 0.5 * float(np.sum((forward(params, X)[-1] - Y) ** 2))


def central_differences(params, X, Y) -> list:
    """[(dW, db), …]: ∂L/∂ every entry, by fourth-order central differences."""
    def moved(layer, k, q):
        pair = list(params[layer])
        pair[k] = q
        return [*params[:layer], tuple(pair), *params[layer + 1:]]
    return [tuple(oracles.central_differences(lambda q: loss(moved(layer, k, q), X, Y), p, STEP, order=4)
                  for k, p in enumerate(pair)) for layer, pair in enumerate(params)]


def closed_form(params, hs, Y, *, mistake=None, upto=-1):
    """The backward pass [(dW, db), …]; ``mistake`` in the layers ≤ ``upto`` (for the advice only).

    "no-derivative": δ without the factor σ'(z) = h(1 − h); "derivative-of-h": σ'
    taken as σ(h)(1 − σ(h)); "transposed": δ sent back through Wᵀ instead of W.
    """
    def slope(layer, h):
        if layer > upto or mistake not in ("no-derivative", "derivative-of-h"):
            return h * (1 - h)
        return 1.0 if mistake == "no-derivative" else oracles.sigmoid(h) * (1 - oracles.sigmoid(h))
    last = len(params) - 1
    delta = (hs[-1] - Y) * slope(last, hs[-1])
    grads = [None] * len(params)
    for layer in range(last, -1, -1):
        grads[layer] = (delta.T @ hs[layer], delta.sum(axis=0))
        if layer > 0:
            W = params[layer][0]
            delta = (delta @ (W.T if mistake == "transposed" and layer - 1 <= upto else W)) \
                * slope(layer - 1, hs[layer])
    return grads


# --- inputs ----------------------------------------------------------------------------

# name -> (the widths d₀ … d_L of X and of each layer's output, N, kind)
NETWORKS = {
    "one-layer-3-2": ((3, 2), 4, "normal"),
    "one-unit-1-1": ((1, 1), 1, "normal"),
    "two-layers-4-6-3": ((4, 6, 3), 5, "normal"),
    "lecture-3-4-2-1": ((3, 4, 2, 1), 1, "normal"),
    "non-square-3-5-2-4": ((3, 5, 2, 4), 6, "normal"),
    "batch-of-one-3-5-2-4": ((3, 5, 2, 4), 1, "normal"),
    "square-4-4-4-4": ((4, 4, 4, 4), 5, "normal"),
    "four-layers-2-3-4-3-2": ((2, 3, 4, 3, 2), 3, "normal"),
    "five-layers-4-3-5-2-6-3": ((4, 3, 5, 2, 6, 3), 4, "normal"),
    "integers-2-3-2": ((2, 3, 2), 3, "integers"),
}


def network(seed, case):
    """(params, X, Y) as given to the learner: arrays, or integer lists for "integers"."""
    dims, N, kind = NETWORKS[case]
    g = cases.rng(seed, "mlp", case)
    shapes = list(zip(dims[1:], dims[:-1]))
    if kind == "integers":
        params = [(g.integers(-2, 3, shape).tolist(), g.integers(-1, 2, shape[0]).tolist()) for shape in shapes]
        return params, g.integers(-2, 3, (N, dims[0])).tolist(), g.integers(0, 2, (N, dims[-1])).tolist()
    params = [(g.standard_normal(shape), 0.5 * g.standard_normal(shape[0])) for shape in shapes]
    return params, g.standard_normal((N, dims[0])), g.uniform(0, 1, (N, dims[-1]))


def layers(params) -> list:
    return [(np.asarray(W, dtype=float), np.asarray(b, dtype=float)) for W, b in params]


def floats(params, X, Y):
    return layers(params), np.asarray(X, dtype=float), np.asarray(Y, dtype=float)


# --- feedback ------------------------------------------------------------------------------

def spelled(named: dict) -> str:
    """Arguments for feedback, params spelled out layer by layer as params[i][0] (W) and params[i][1] (b)."""
    flat = {}
    for name, value in named.items():
        if name == "params":
            for i, (W, b) in enumerate(value):
                flat[f"params[{i}][0]"], flat[f"params[{i}][1]"] = W, b
        else:
            flat[name] = value
    return fmt.assignments(flat)


def with_diagnosis(message: str, text: str) -> str:
    """``text`` after the first line of a checks.close message, before its arrays."""
    head, newline, arrays = message.partition("\n")
    return head + text + newline + arrays


def diagnose(got, candidates) -> str:
    """The text of the first (text, value) candidate that got equals, else ""."""
    for text, value in candidates:
        if value is not None and np.shape(got) == np.shape(value) \
                and np.linalg.norm(got - value) <= 1e-9 * max(np.linalg.norm(value), 1e-300):
            return " " + text
    return ""


def check_forward(result, given_params, given_X):
    """out of an mlp_forward call against the oracle; returns the cache. Failures end with the call."""
    try:
        return judge_out(result, layers(given_params), np.asarray(given_X, dtype=float))
    except Wrong as wrong:
        raise Wrong(f"{wrong.message}\nCalled mlp_forward(params, X) with\n"
                    + spelled({"params": given_params, "X": given_X}), context=False) from None


def judge_out(result, params, X):
    """out against the oracle (float params and X), with the known mistake it equals; returns the cache."""
    out, cache = checks.values(result, ("out", "cache"), "mlp_forward")
    expected = forward(params, X)[-1]
    out = checks.array(out, "out", expected.shape)
    square = all(W.shape[0] == W.shape[1] for W, _ in params)
    mistakes = [("It equals that without the biases b.", forward(params, X, bias=False)[-1]),
                ("It equals that with the last layer linear: the output goes through the sigmoid too.",
                 forward(params, X, last_sigmoid=False)[-1]),
                ("It equals that with h @ W instead of h @ Wᵀ: W has shape (d_out, d_in).",
                 forward(params, X, transposed=False)[-1] if square else None)]
    try:
        checks.close(out, expected, "out", tol=OUT_TOL,
                     what="h = sigmoid(h_prev @ W.T + b) for each layer in turn, starting from h = X")
    except Wrong as wrong:
        raise Wrong(with_diagnosis(wrong.message, diagnose(out, mistakes))) from None
    return cache


def description(params, X, Y) -> str:
    return ("Called out, cache = mlp_forward(params, X), then grads = mlp_backward(params, cache, Y) with\n"
            + spelled({"params": params, "X": X, "Y": Y}))


# --- sigmoid -------------------------------------------------------------------------------

SIGMOID = {
    "scalar": lambda g: float(g.uniform(-4, 4)),
    "integer-zero": lambda g: 0,
    "vector": lambda g: 3 * g.standard_normal(7),
    "matrix": lambda g: 3 * g.standard_normal((4, 5)),
    "3-d": lambda g: 3 * g.standard_normal((2, 3, 4)),
    "integer-list": lambda g: g.integers(-6, 7, 8).tolist(),
    "tails-30-to-40": lambda g: g.choice([-1, 1], 6) * g.uniform(30, 40, 6),
    "large-1e3": lambda g: g.permutation([-1e3, -800.0, -710.0, -40.0, -1.0, 0.0, 1.0, 40.0, 710.0, 800.0, 1e3]),
    "large-matrix": lambda g: g.choice([-1e3, 1e3], (3, 4)) * g.uniform(0.5, 1, (3, 4)),
}


@pytest.mark.function("sigmoid")
@pytest.mark.parametrize("case", SIGMOID)
def test_sigmoid(learner, seed, case):
    x = SIGMOID[case](cases.rng(seed, "sigmoid", case))
    result = learner.sigmoid(x)
    checks.no_warnings(learner, "sigmoid", STABLE)
    xf = np.asarray(x, dtype=float)
    got = (np.asarray(checks.scalar(result, "sigmoid(x)")) if xf.ndim == 0
           else checks.array(result, "sigmoid(x)", xf.shape))
    if np.any((got < 0) | (got > 1)):
        bad = np.unravel_index(int(np.argmax(np.abs(got - 0.5))), got.shape)
        raise Wrong(f"sigmoid(x) = 1/(1 + exp(−x)) lies in [0, 1], but at x = {fmt.num(xf[bad])} it returned "
                    f"{fmt.num(got[bad])}.")
    checks.close(got, oracles.sigmoid(xf), "sigmoid(x)", tol=SIGMOID_TOL,
                 what="1/(1 + exp(−x)) elementwise: 1 for large positive x, 0 for large negative x")


# --- mlp_forward ---------------------------------------------------------------------------

@pytest.mark.function("mlp_forward")
@pytest.mark.parametrize("case", NETWORKS)
def test_mlp_forward(learner, seed, case):
    given_params, given_X, _ = network(seed, case)
    check_forward(learner.mlp_forward(given_params, given_X), given_params, given_X)


# --- mse_loss ------------------------------------------------------------------------------

MSE = {  # name -> rng -> (out, Y)
    "random-5x3": lambda g: (g.uniform(0, 1, (5, 3)), g.uniform(0, 1, (5, 3))),
    "batch-of-one-1x4": lambda g: (g.uniform(0, 1, (1, 4)), g.uniform(0, 1, (1, 4))),
    "single-output-6x1": lambda g: (g.uniform(0, 1, (6, 1)), g.integers(0, 2, (6, 1)).astype(float)),
    "exact": lambda g: (lambda Y: (Y.copy(), Y))(g.uniform(0, 1, (3, 2))),
    "integers": lambda g: (g.integers(-3, 4, (4, 2)).tolist(), g.integers(-3, 4, (4, 2)).tolist()),
    "large-values": lambda g: (1e3 * g.standard_normal((3, 3)), 1e3 * g.standard_normal((3, 3))),
}


@pytest.mark.function("mse_loss")
@pytest.mark.parametrize("case", MSE)
def test_mse_loss(learner, seed, case):
    given_out, given_Y = MSE[case](cases.rng(seed, "mse_loss", case))
    out, Y = np.asarray(given_out, dtype=float), np.asarray(given_Y, dtype=float)
    got = checks.scalar(learner.mse_loss(given_out, given_Y), "mse_loss(out, Y)")
    squares = ((out - Y) ** 2).ravel()
    expected = 0.5 * math.fsum(squares)
    scale = 0.5 * math.fsum(((np.abs(out) + np.abs(Y)) ** 2).ravel())
    mistakes = [(f"It equals 0.5 · the mean over the {squares.size} entries: SPEC's loss is the sum, not the mean.",
                 0.5 * np.mean(squares)),
                ("It equals the sum without the factor 0.5.", 2 * expected),
                ("It equals the mean over the entries, without the factor 0.5.", np.mean(squares)),
                ("It equals 0.5 · the mean over the rows (the batch): SPEC's loss is the sum.", expected / len(out))]
    try:
        checks.close(got, expected, "mse_loss(out, Y)", tol=LOSS_TOL, scale=scale,
                     what="0.5 · Σ (out − Y)² over every entry")
    except Wrong as wrong:
        raise Wrong(wrong.message + diagnose(np.array(got), [(t, np.array(v)) for t, v in mistakes])) from None


# --- mlp_backward --------------------------------------------------------------------------

KEYS = ("dW", "db")


def layer_name(layer, params) -> str:
    last = len(params) - 1
    which = {0: "the first, ", last: "the last, "}.get(layer, "") if last else "the only one, "
    return f"layer {layer} ({which}W of shape {params[layer][0].shape})"


def listing(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def gradients_named(keys, whole: str) -> tuple[str, bool]:
    """[(layer, k)] in words (whole layers as ``whole`` + "layer 1" / "layers 0 and 2"), and whether it is plural."""
    def layers(numbers):
        return ("layer " if len(numbers) == 1 else "layers ") + listing(map(str, numbers))
    full = sorted({layer for layer, _ in keys if all((layer, k) in keys for k in (0, 1))})
    parts = [whole + layers(full)] if full else []
    for k, key in enumerate(KEYS):
        alone = sorted(layer for layer, j in keys if j == k and layer not in full)
        parts += [f"{key} of {layers(alone)}"] if alone else []
    one_whole_layer = whole == "" and len(keys) == 2 and len(full) == 1  # "layer 2 matches"
    return listing(parts), len(keys) > 1 and not one_whole_layer


def shaped(x, name, shape, hint) -> np.ndarray:
    x = checks.array(x, name)
    if x.shape != shape:
        raise Wrong(f"{name} has shape {x.shape}; expected {shape}: {hint}")
    return x


def structure(grads, params, N) -> list:
    """The returned [(dW, db), …] as float arrays of the shapes of params, else a Wrong saying what is off."""
    L = len(params)
    if not isinstance(grads, (list, tuple)):
        raise Wrong(f"mlp_backward should return a list of (dW, db) pairs, one per (W, b) in params; it returned "
                    f"a {type(grads).__name__}: {fmt.value(grads)}.")
    if len(grads) != L:
        raise Wrong(f"mlp_backward returned {len(grads)} layer{'s' if len(grads) != 1 else ''} of gradients for a "
                    f"{L}-layer network; it should return one (dW, db) pair per (W, b) in params, in the same order.")
    for layer, pair in enumerate(grads):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise Wrong(f"grads[{layer}] should be the pair (dW, db) of layer {layer}; it is {fmt.value(pair)}.")
    shapes = [(W.shape, b.shape) for W, b in params]
    got = [tuple(g.shape if isinstance(g, np.ndarray) else None for g in pair) for pair in grads]
    if L > 1 and got != shapes and got[::-1] == shapes:
        raise Wrong(reversed_text(params))
    result = []
    for layer, ((dW, db), (W, b)) in enumerate(zip(grads, params)):
        d_out, d_in = W.shape
        dW_hint = (f"dW = δᵀ·h_prev with δ of shape (N, {d_out}) and h_prev (the layer's input) of shape (N, {d_in}) "
                   f"has the shape of W" + (", not of Wᵀ." if np.shape(dW) == (d_in, d_out) else "."))
        db_hint = ("db sums δ over the batch (axis 0): one number per unit of the layer, like b"
                   + (" (keepdims=True leaves an axis of length 1)." if np.shape(db) == (1, d_out) else
                      " — not one row per sample." if np.shape(db) == (N, d_out) else "."))
        result.append((shaped(dW, f"dW of layer {layer} (grads[{layer}][0])", W.shape, dW_hint),
                       shaped(db, f"db of layer {layer} (grads[{layer}][1])", b.shape, db_hint)))
    return result


def reversed_text(params) -> str:
    last = len(params) - 1
    return (f"the gradients come in reverse order: grads[0] belongs to the last layer and grads[{last}] to the "
            f"first. grads[i] must be the gradient of params[i] (layer 0, the one that takes X, first); "
            "backpropagation meets the layers from the last to the first, so reverse the list you built "
            "(or fill it by index).")




def scaled(lam, N) -> str:
    why = {-1.0: "the sign is flipped: ∂L/∂out = out − Y, not Y − out",
           2.0: "the loss has the factor 0.5, so ∂L/∂out = out − Y (the 0.5 cancels the 2 of the square)",
           1.0 / N: "that is the mean over the batch, but the loss sums over the N samples: sum over axis 0"}
    text = next((t for value, t in why.items() if np.isclose(lam, value, rtol=1e-6)), "")
    return f". It is {lam:.6g} times the right value" + (f": {text}." if text else ".")


def known_mistakes(first, params, hs, Y) -> list:
    """(text, the first wrong layer's (dW, db) that mistake gives)."""
    last = len(params) - 1
    if first == last:
        slope_text = ("without the sigmoid's derivative out ⊙ (1 − out): the output goes through the sigmoid too, "
                      "so δ = (out − Y) ⊙ out ⊙ (1 − out).")
    else:
        slope_text = (f"without the factor h ⊙ (1 − h) (the sigmoid's derivative, h the output of layer {first}) "
                      f"in the δ of layer {first}.")
    found = [(f"It equals the right gradient {slope_text}", closed_form(params, hs, Y, mistake="no-derivative",
                                                                        upto=first)[first]),
             ("It equals the right gradient with σ'(z) computed as σ(h)·(1 − σ(h)) from the activation h = σ(z): "
              "that applies the sigmoid twice; from the activation, σ'(z) = h ⊙ (1 − h).",
              closed_form(params, hs, Y, mistake="derivative-of-h", upto=first)[first])]
    if first < last and params[first + 1][0].shape[0] == params[first + 1][0].shape[1]:
        found.append((f"It equals the right gradient with δ sent back through the transpose of W of layer "
                      f"{first + 1}: z = h @ W.T + b, so δ_prev = (δ @ W) ⊙ h ⊙ (1 − h), not δ @ W.T.",
                      closed_form(params, hs, Y, mistake="transposed", upto=first)[first]))
    return found


def advice(first, wrong_here, got, params, hs, Y) -> str:
    """What to look at, from the first wrong layer in backpropagation order and which of its gradients are off."""
    last, W = len(params) - 1, params[first][0]
    if wrong_here == [0, 1]:
        pair = np.concatenate([got[first][0].ravel(), got[first][1].ravel()])
        found = diagnose(pair, [(text, np.concatenate([dW.ravel(), db.ravel()]))
                                for text, (dW, db) in known_mistakes(first, params, hs, Y)])
        if found:
            return "." + found
    if wrong_here == [1]:
        return f" — db of layer {first} is its δ summed over the batch (axis 0); dW matches, so δ is right."
    if wrong_here == [0]:
        if W.shape[0] == W.shape[1] and diagnose(got[first][0], [("", closed_form(params, hs, Y)[first][0].T)]):
            return (". It equals the transpose of the right dW: dW = δᵀ · h_prev, (d_out, N) @ (N, d_in), "
                    "has the shape and layout of W.")
        source = "X" if first == 0 else f"the output of layer {first - 1}"
        return (f" — dW of layer {first} = δᵀ · h_prev, where h_prev is the input of layer {first} ({source}), "
                "not its output; db matches, so δ is right.")
    if first == last:
        return (" — everything starts from the δ of the last layer: δ = (out − Y) ⊙ out ⊙ (1 − out), of shape "
                "(N, d_out); then dW = δᵀ · h_prev and db = δ summed over the batch.")
    a, b = params[first + 1][0].shape
    return (f" — look at how delta is propagated back through W of layer {first + 1}: the δ of layer {first} is "
            f"(δ of layer {first + 1} @ W) ⊙ h ⊙ (1 − h), with W of layer {first + 1} of shape ({a}, {b}) — "
            f"(N, {a}) @ ({a}, {b}) gives (N, {b}) — and h the output of layer {first}.")


def check_gradients(grads, params, hs, Y) -> None:
    """The learner's gradients against central differences; a Wrong names the first that is off and advises."""
    X, N, last = hs[0], len(Y), len(params) - 1
    got = structure(grads, params, N)
    expected = central_differences(params, X, Y)
    floor = FLOOR * max(np.linalg.norm(g) for pair in expected for g in pair)
    errors = {(layer, k): oracles.relative_error(got[layer][k], expected[layer][k], floor)
              for layer in range(last, -1, -1) for k in (0, 1)}
    wrong = [key for key, error in errors.items() if not error <= GRAD_TOL]
    if not wrong:
        return
    if last and all(got[last - layer][k].shape == expected[layer][k].shape
                    and oracles.relative_error(got[last - layer][k], expected[layer][k], floor) <= GRAD_TOL
                    for layer in range(last + 1) for k in (0, 1)):
        raise Wrong(reversed_text(params))
    first, k = wrong[0]
    text = (f"{KEYS[k]} of {layer_name(first, params)} is off (relative error {errors[first, k]:.1e}, "
            f"allowed {GRAD_TOL:g})")
    if len(wrong) > 1:
        others, plural = gradients_named(wrong[1:], "dW and db of ")
        text += f"; {others} {'are' if plural else 'is'} off too"
    fine = [key for key in errors if key not in wrong]
    if fine:
        matches, plural = gradients_named(fine, "")
        text += f"; {matches} {'match' if plural else 'matches'}"
    lam = oracles.multiple(got[first][k], expected[first][k], 1e-8)
    wrong_here = [j for j in (0, 1) if (first, j) in wrong]
    text += scaled(lam, N) if lam is not None else advice(first, wrong_here, got, params, hs, Y)
    err = np.abs(got[first][k] - expected[first][k])
    at = np.unravel_index(int(np.argmax(err)), err.shape)
    index = ", ".join(map(str, at))
    text += (f"\n  largest difference at grads[{first}][{k}][{index}]: got {fmt.num(got[first][k][at])}, expected "
             f"{fmt.num(expected[first][k][at])} (central differences of mse_loss(mlp_forward(params, X)[0], Y))"
             f"\n  got      {fmt.array(got[first][k], 11)}\n  expected {fmt.array(expected[first][k], 11)}")
    raise Wrong(text)


@pytest.mark.function("mlp_backward")
@pytest.mark.parametrize("case", NETWORKS)
def test_mlp_backward(learner, seed, case):
    given_params, given_X, given_Y = network(seed, case)
    params, X, Y = floats(given_params, given_X, given_Y)
    try:
        cache = check_forward(learner.mlp_forward(given_params, given_X), given_params, given_X)
    except Wrong as wrong:
        raise Wrong(f"mlp_backward is checked on the cache of a correct forward pass, but mlp_forward is wrong "
                    f"here: {wrong.message}", context=wrong.context) from None
    grads = learner.mlp_backward(given_params, cache, given_Y)
    try:
        check_gradients(grads, params, forward(params, X), Y)
    except Wrong as wrong:
        raise Wrong(f"{wrong.message}\n{description(given_params, given_X, given_Y)}", context=False) from None
