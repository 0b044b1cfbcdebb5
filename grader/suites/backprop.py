"""Hidden suite: backprop — a sigmoid MLP by hand: forward pass, MSE loss, backward pass.

Oracles, all in this trusted process: a sigmoid from exp(−|x|) (no overflow),
a forward pass written here, and fourth-order central differences of
L = 0.5·Σ(forward(params, X) − Y)² for every entry of every W and b, against
which each returned gradient is judged by its relative error
‖got − expected‖ / max(‖got‖, ‖expected‖, floor). The backward in closed form
below serves only to recognise known mistakes (what each of them returns on
the same input). The learner's cache is theirs: it goes back to their
mlp_backward unchanged.
"""

import dataclasses
import math
import warnings

import numpy as np
import pytest

from grader.feedback import Feedback
from grader.outcomes import Wrong
from grader.suites import cases, checks, oracles

SIGMOID_TOL = 1e-14  # absolute: σ lies in [0, 1]
OUT_TOL = 1e-12  # out against the oracle, absolute (out lies in (0, 1))
LOSS_TOL = 1e-12  # mse_loss, relative to 0.5·Σ(|out| + |Y|)²
GRAD_TOL = 1e-6  # relative error of a gradient (the differences below reach ~3e-9)
STEP = 1e-3  # of the fourth-order central differences: truncation ~STEP⁴, rounding ~ε/STEP
FLOOR = 1e-8  # gradients below this fraction of the largest one are judged on that scale
KEYS = ("W", "b")  # grads[i] = (dW, db)


# --- the oracle ------------------------------------------------------------------------


def forward(params, X, *, bias=True, last_sigmoid=True, transposed=True):
    """Every activation [X, h₁, …, out]; the keywords build known mistakes."""
    hs = [X]
    for i, (W, b) in enumerate(params):
        z = hs[-1] @ (W.T if transposed else W) + (b if bias else 0)
        hs.append(oracles.sigmoid(z) if last_sigmoid or i < len(params) - 1 else z)
    return hs


def loss(params, X, Y) -> float:
    return 0.5 * float(np.sum((forward(params, X)[-1] - Y) ** 2))


@oracles.remembered
def central_differences(params, X, Y) -> list:
    """[(dW, db), …]: ∂L/∂ every entry, by fourth-order central differences."""

    def moved(layer, k, q):
        pair = list(params[layer])
        pair[k] = q
        return [*params[:layer], tuple(pair), *params[layer + 1 :]]

    return [
        tuple(
            oracles.central_differences(lambda q: loss(moved(layer, k, q), X, Y), p, STEP, order=4)
            for k, p in enumerate(pair)
        )
        for layer, pair in enumerate(params)
    ]


def closed_form(params, hs, Y, *, mistake=None, upto=-1):
    """The backward pass [(dW, db), …]; ``mistake`` in the layers ≤ ``upto`` (to recognise it).

    "no-derivative": δ without the factor σ'(z) = h(1 − h); "derivative-of-h": σ'
    taken as σ(h)(1 − σ(h)); "transposed": δ sent back through Wᵀ instead of W;
    "dW-transposed": dW = h_prevᵀ·δ; "own-output": dW = δᵀ·h with h the layer's output.
    """

    def slope(layer, h):
        if layer > upto or mistake not in ("no-derivative", "derivative-of-h"):
            return h * (1 - h)
        return 1.0 if mistake == "no-derivative" else oracles.sigmoid(h) * (1 - oracles.sigmoid(h))

    def dW(layer, delta):
        if layer <= upto and mistake == "dW-transposed":
            return hs[layer].T @ delta
        return delta.T @ hs[layer + 1 if layer <= upto and mistake == "own-output" else layer]

    last = len(params) - 1
    delta = (hs[-1] - Y) * slope(last, hs[-1])
    grads = [None] * len(params)
    for layer in range(last, -1, -1):
        grads[layer] = (dW(layer, delta), delta.sum(axis=0))
        if layer > 0:
            W = params[layer][0]
            delta = (delta @ (W.T if mistake == "transposed" and layer - 1 <= upto else W)) * slope(
                layer - 1, hs[layer]
            )
    return grads


# --- inputs ----------------------------------------------------------------------------

# name -> (the widths d₀ … d_L of X and of each layer's output, N, kind); a square net comes
# early, where transposition mistakes give numbers rather than shape errors
NETWORKS = {
    "one-layer-3-2": ((3, 2), 4, "normal"),
    "one-unit-1-1": ((1, 1), 1, "normal"),
    "square-4-4-4-4": ((4, 4, 4, 4), 5, "normal"),
    "two-layers-4-6-3": ((4, 6, 3), 5, "normal"),
    "lecture-3-4-2-1": ((3, 4, 2, 1), 1, "normal"),
    "non-square-3-5-2-4": ((3, 5, 2, 4), 6, "normal"),
    "batch-of-one-3-5-2-4": ((3, 5, 2, 4), 1, "normal"),
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


# --- sigmoid -------------------------------------------------------------------------------

SIGMOID = {
    "scalar": lambda g: float(g.uniform(-4, 4)),
    "integer-zero": lambda g: 0,
    "vector": lambda g: 3 * g.standard_normal(7),
    "matrix": lambda g: 3 * g.standard_normal((4, 5)),
    "3-d": lambda g: 3 * g.standard_normal((2, 3, 4)),
    "integer-list": lambda g: g.integers(-6, 7, 8).tolist(),
    "tails-30-to-40": lambda g: g.choice([-1, 1], 6) * g.uniform(30, 40, 6),
    "large-positive": lambda g: g.permutation([1.0, 40.0, 710.0, 800.0, 1e3]),
    "large-negative": lambda g: g.permutation([-1e3, -800.0, -710.0, -40.0, -1.0]),
    "large-1e3": lambda g: g.permutation([-1e3, -800.0, -710.0, -40.0, -1.0, 0.0, 1.0, 40.0, 710.0, 800.0, 1e3]),
    "large-matrix": lambda g: g.choice([-1e3, 1e3], (3, 4)) * g.uniform(0.5, 1, (3, 4)),
}
OVERFLOWING = {  # mistake -> a σ whose exp overflows (right values, but numpy warns)
    "backprop.sigmoid_overflow": lambda x: 1 / (1 + np.exp(-x)),
    "backprop.sigmoid_where_both_branches": lambda x: np.where(
        x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x))
    ),
}


def overflow_mistake(x, got) -> str | None:
    """The overflowing σ that warns on this x too and gives the same values (the warning was real)."""
    for mistake, sigma in OVERFLOWING.items():
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
            warnings.simplefilter("always")
            value = sigma(x)
        if caught and checks.same_special(got, value, SIGMOID_TOL):
            return mistake
    return None


@pytest.mark.function("sigmoid")
@pytest.mark.parametrize(
    "case", [pytest.param(c, marks=pytest.mark.gated) if c == "integer-zero" else c for c in SIGMOID]
)  # σ(0) = 0.5 whatever the draw
def test_sigmoid(learner, seed, case):
    x = SIGMOID[case](cases.rng(seed, "sigmoid", case))
    result = learner.sigmoid(x)
    xf = np.asarray(x, dtype=float)
    try:
        checks.no_warnings(learner, "sigmoid", advice="backprop.stable")
    except Wrong as wrong:
        raise wrong.naming(overflow_mistake(xf, result))
    got = (
        np.asarray(checks.scalar(result, "sigmoid(x)"))
        if xf.ndim == 0
        else checks.array(result, "sigmoid(x)", xf.shape)
    )
    if np.any((got < 0) | (got > 1)):
        bad = np.unravel_index(int(np.argmax(np.abs(got - 0.5))), got.shape)
        raise Wrong("backprop.sigmoid_range", x=float(xf[bad]), value=float(got[bad]))
    checks.close(got, oracles.sigmoid(xf), "sigmoid(x)", tol=SIGMOID_TOL, code="backprop.sigmoid")


# --- mlp_forward ---------------------------------------------------------------------------


def check_forward(result, params, X):
    """out of an mlp_forward call (float params and X) against the oracle; returns the cache.

    A failure names the known mistake whose out it equals."""
    out, cache = checks.values(result, ("out", "cache"), "mlp_forward")
    expected = forward(params, X)[-1]
    out = checks.array(out, "out", expected.shape)
    try:
        checks.close(out, expected, "out", tol=OUT_TOL, code="backprop.forward_out")
    except Wrong as wrong:
        square = all(W.shape[0] == W.shape[1] for W, _ in params)
        near = [
            ("backprop.forward_without_bias", forward(params, X, bias=False)[-1]),
            ("backprop.forward_last_linear", forward(params, X, last_sigmoid=False)[-1]),
            ("backprop.forward_not_transposed", forward(params, X, transposed=False)[-1] if square else None),
        ]
        raise wrong.naming(checks.near_miss(out, expected, [c for c in near if c[1] is not None], 1e-9))
    return cache


@pytest.mark.function("mlp_forward")
@pytest.mark.parametrize("case", NETWORKS)
def test_mlp_forward(learner, seed, case):
    given_params, given_X, _ = network(seed, case)
    check_forward(learner.mlp_forward(given_params, given_X), layers(given_params), np.asarray(given_X, dtype=float))


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
@pytest.mark.parametrize(
    "case", [pytest.param(c, marks=pytest.mark.gated) if c == "exact" else c for c in MSE]
)  # the loss of out = Y is 0
def test_mse_loss(learner, seed, case):
    given_out, given_Y = MSE[case](cases.rng(seed, "mse_loss", case))
    out, Y = np.asarray(given_out, dtype=float), np.asarray(given_Y, dtype=float)
    got = checks.scalar(learner.mse_loss(given_out, given_Y), "mse_loss(out, Y)")
    squares = ((out - Y) ** 2).ravel()
    expected = 0.5 * math.fsum(squares)
    scale = 0.5 * math.fsum(((np.abs(out) + np.abs(Y)) ** 2).ravel())
    near = [
        ("backprop.mse_half_mean", 0.5 * np.mean(squares)),
        ("backprop.mse_without_half", 2 * expected),
        ("backprop.mse_mean", np.mean(squares)),
        ("backprop.mse_batch_mean", expected / len(out)),
    ]
    try:
        checks.close(
            got,
            expected,
            "mse_loss(out, Y)",
            tol=LOSS_TOL,
            scale=scale,
            code="backprop.mse_loss",
            entries=squares.size,
            rows=len(out),
        )
    except Wrong as wrong:
        raise wrong.naming(checks.near_miss(got, expected, near, LOSS_TOL * scale))


# --- mlp_backward --------------------------------------------------------------------------


@dataclasses.dataclass
class Net:
    """The network under test, as floats, with its activations and true gradients."""

    params: list
    hs: list
    Y: np.ndarray

    @property
    def last(self) -> int:
        return len(self.params) - 1

    def closed(self, **mistake) -> list:
        return closed_form(self.params, self.hs, self.Y, **mistake)


def name(layer, k) -> str:
    return f"grads[{layer}][{k}]"


def structure(grads, net: Net) -> list:
    """The returned [(dW, db), …] as float arrays of the shapes of params, else a Wrong saying what is off."""
    params, L, N = net.params, len(net.params), len(net.Y)
    if not isinstance(grads, (list, tuple)):
        raise Wrong("backprop.grads_not_list", type=type(grads).__name__, value=grads)
    if len(grads) != L:
        raise Wrong("backprop.grads_count", count=len(grads), layers=L)
    for layer, pair in enumerate(grads):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise Wrong("backprop.grads_not_pair", layer=layer, value=pair)
    shapes = [(W.shape, b.shape) for W, b in params]
    got = [tuple(np.shape(g) if isinstance(g, np.ndarray) else None for g in pair) for pair in grads]
    if L > 1 and got != shapes and got[::-1] == shapes:
        raise Wrong("backprop.gradient_order", last=net.last, mistake="backprop.grads_reversed")
    result = []
    for layer, ((dW, db), (W, b)) in enumerate(zip(grads, params)):
        d_out, d_in = W.shape
        dW, db = checks.array(dW, name(layer, 0)), checks.array(db, name(layer, 1))
        if dW.shape != W.shape:
            own = net.closed(mistake="own-output", upto=layer)[layer][0]
            mistake = (
                "backprop.dW_transposed"
                if dW.shape == (d_in, d_out)
                else "backprop.dW_with_output"
                if checks.same(dW, own, 1e-9 * max(np.max(np.abs(own)), 1e-300))
                else None
            )
            raise Wrong(
                "backprop.dW_shape",
                name=name(layer, 0),
                layer=layer,
                shape=dW.shape,
                expected_shape=W.shape,
                d_out=d_out,
                d_in=d_in,
                mistake=mistake,
            )
        if db.shape != b.shape:
            mistake = {(1, d_out): "backprop.db_keepdims", (N, d_out): "backprop.db_per_sample"}.get(db.shape)
            raise Wrong(
                "backprop.db_shape",
                name=name(layer, 1),
                layer=layer,
                shape=db.shape,
                expected_shape=b.shape,
                d_out=d_out,
                mistake=mistake,
            )
        result.append((dW, db))
    return result


def flat(pair) -> np.ndarray:
    return np.concatenate([pair[0].ravel(), pair[1].ravel()])


MULTIPLES = {-1.0: "backprop.sign_flipped", 2.0: "backprop.factor_two"}  # and 1/N: backprop.batch_mean


def gradient_mistake(first, k, got, net: Net) -> str | None:
    """Which known mistake gives the first wrong layer's (dW, db)? (The later layers match.)"""
    N, last = len(net.Y), net.last
    right = net.closed()[first]
    lam = oracles.multiple(got[first][k], right[k], 1e-8)
    if lam is not None:
        return next(
            (
                m
                for value, m in {**MULTIPLES, 1.0 / N: "backprop.batch_mean"}.items()
                if np.isclose(lam, value, rtol=1e-6)
            ),
            None,
        )
    near = [
        (
            "backprop.output_without_derivative" if first == last else "backprop.hidden_without_derivative",
            net.closed(mistake="no-derivative", upto=first)[first],
        ),
        ("backprop.derivative_of_activation", net.closed(mistake="derivative-of-h", upto=first)[first]),
    ]
    if first < last and net.params[first + 1][0].shape[0] == net.params[first + 1][0].shape[1]:
        near.append(("backprop.propagated_through_transpose", net.closed(mistake="transposed", upto=first)[first]))
    if net.params[first][0].shape[0] == net.params[first][0].shape[1]:
        near += [
            ("backprop.dW_transposed", net.closed(mistake="dW-transposed", upto=first)[first]),
            ("backprop.dW_with_output", net.closed(mistake="own-output", upto=first)[first]),
        ]
    scale = max(np.max(np.abs(flat(right))), 1e-300)
    return checks.near_miss(flat(got[first]), flat(right), [(m, flat(v)) for m, v in near], 1e-9 * scale)


def advice(first, wrong_here, net: Net) -> Feedback:
    """What to look at when no known mistake fits, from which gradients of the first wrong layer are off."""
    if wrong_here == [1]:
        return Feedback("backprop.advice_db", {"layer": first})
    if wrong_here == [0]:
        return Feedback("backprop.advice_dW", {"layer": first, "input": "X" if first == 0 else f"h{first}"})
    if first == net.last:
        return Feedback("backprop.advice_last_delta", {})
    a, b = net.params[first + 1][0].shape
    return Feedback("backprop.advice_propagation", {"layer": first, "next": first + 1, "a": a, "b": b})


def called(given_params, given_X, given_Y) -> list:
    """Notes that end a message with both calls and their inputs, as given (arrays for display)."""
    return [
        Feedback("backprop.called"),
        *[
            Feedback("backprop.called_layer", {"layer": i, "W": np.asarray(W), "b": np.asarray(b)})
            for i, (W, b) in enumerate(given_params)
        ],
        Feedback("backprop.called_data", {"X": np.asarray(given_X), "Y": np.asarray(given_Y)}),
    ]


def gradient_errors(got, expected) -> tuple[dict, float]:
    """{(layer, k): relative error} of every gradient of ``got`` (the structure of ``expected``),
    the last layer first, and the floor they were taken over."""
    floor = FLOOR * max(np.linalg.norm(g) for pair in expected for g in pair)
    errors = {
        (layer, k): oracles.relative_error(got[layer][k], expected[layer][k], floor)
        for layer in range(len(expected) - 1, -1, -1)
        for k in (0, 1)
    }
    return errors, floor


def check_gradients(grads, net: Net, given: list) -> None:
    """The learner's gradients against central differences; a Wrong names the first that is off
    (in backpropagation order: the last layer first) and the mistake it fits, and ends with
    the notes ``given`` (the calls, see ``called``)."""
    X, last = net.hs[0], net.last
    got = structure(grads, net)
    if all(e <= GRAD_TOL for e in gradient_errors(got, net.closed())[0].values()):
        return  # the closed form first: differences only for an answer it disagrees with
    expected = central_differences(net.params, X, net.Y)
    errors, floor = gradient_errors(got, expected)
    wrong = [key for key, error in errors.items() if not error <= GRAD_TOL]
    if not wrong:
        return
    if last and all(
        got[last - layer][k].shape == expected[layer][k].shape
        and oracles.relative_error(got[last - layer][k], expected[layer][k], floor) <= GRAD_TOL
        for layer in range(last + 1)
        for k in (0, 1)
    ):
        raise Wrong("backprop.gradient_order", last=last, mistake="backprop.grads_reversed")
    first, k = wrong[0]
    wrong_here = [j for j in (0, 1) if (first, j) in wrong]
    mistake = gradient_mistake(first, k, got, net)
    notes = []
    if len(wrong) > 1:
        notes.append(Feedback("check.also_wrong", {"names": [name(*key) for key in wrong[1:]]}))
    fine = [name(*key) for key in errors if key not in wrong]
    if fine:
        notes.append(Feedback("backprop.matching", {"names": fine}))
    lam = oracles.multiple(got[first][k], expected[first][k], 1e-8)
    if lam is not None:
        notes.append(Feedback("backprop.multiple", {"name": name(first, k), "lam": lam}))
    elif mistake is None:
        notes.append(advice(first, wrong_here, net))
    g, e = got[first][k], expected[first][k]
    at = tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(g - e))), g.shape))
    notes.append(
        Feedback(
            "backprop.gradient_numbers",
            {
                "name": name(first, k),
                "at": at,
                "got": g,
                "expected": e,
                "got_at": float(g[at]),
                "expected_at": float(e[at]),
            },
        )
    )
    notes += given
    raise Wrong(
        "backprop.gradient",
        name=name(first, k),
        key=KEYS[k],
        layer=first,
        shape=net.params[first][0].shape,
        error=errors[first, k],
        allowed=GRAD_TOL,
        mistake=mistake,
        notes=notes,
        context=False,
    )


@pytest.mark.function("mlp_backward")
@pytest.mark.parametrize("case", NETWORKS)
def test_mlp_backward(learner, seed, case):
    given_params, given_X, given_Y = network(seed, case)
    params, X, Y = floats(given_params, given_X, given_Y)
    try:
        cache = check_forward(learner.mlp_forward(given_params, given_X), params, X)
    except Wrong as wrong:
        wrong.feedback = dataclasses.replace(
            wrong.feedback, notes=wrong.feedback.notes + (Feedback("backprop.forward_first", {}),)
        )
        raise
    check_gradients(
        learner.mlp_backward(given_params, cache, given_Y),
        Net(params, forward(params, X), Y),
        called(given_params, given_X, given_Y),
    )
