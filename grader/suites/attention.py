"""Hidden suite: attention — one attention layer and its multi-head version, forward and backward.

Oracles, all in this trusted process: a forward pass written here (softmax
shifted by the row maximum, heads cut as explicit column slices of Q, K, V),
and central differences of the scalar loss L = Σ out ⊙ dout (dout random)
against which every returned gradient is judged by its relative error
‖got − expected‖ / max(‖got‖, ‖expected‖, floor), the floor keeping
gradients that are zero in truth (W_Q and W_K at T = 1) from dividing noise
by noise. The step is a fixed 3e-6: inputs are O(1), except the constant
feature 30 of the "large" cases, along which a step scaled to the data would
outrun the softmax's curvature (observed error ≤ 2e-7 over 30 seeds; the
tolerance is 1e-5). The backward in closed form below serves only where
central differences cannot: the large layer of the timing test, and the
advice in failure messages. The learner's cache is theirs: it goes back to
their backward as it came (a top-level list as a tuple, see cache_of).

Vectorisation is checked twice: the forward and backward of a long sequence
must stay within a generous multiple of this process's own vectorised oracle
(timed in the same run, with einsum, which never hands work to BLAS threads),
and the backward must run as many lines of the learner's file at T = 24 as
at T = 4 (a scenario counts them).
"""

import dataclasses
import time

import numpy as np
import pytest

from grader import fmt, wire
from grader.outcomes import SubmissionFault, Wrong
from grader.suites import cases, checks, oracles

GRAD_TOL = 1e-5    # relative error of a gradient against central differences
STEP = 3e-6        # of the central differences (see above)
OUT_TOL = 1e-10    # out against the oracle, times max|out|
FLOOR = 1e-3       # gradients below this fraction of the largest one are judged on that scale
ORDER = ("W_O", "W_V", "W_Q", "W_K")  # backpropagation order; the input's gradient comes last
SHOWN = ("W_Q", "W_K", "W_V", "W_O")


# --- the oracle ------------------------------------------------------------------------

def mm(a, b):
    return np.einsum("...ij,jk->...ik", a, b)


def attend(Q, K, V, causal, scale):
    S = np.einsum("...id,...jd->...ij", Q, K) * scale
    if causal:
        S = np.where(np.tril(np.ones(S.shape[-2:], dtype=bool)), S, -np.inf)
    A = oracles.softmax(S)
    return np.einsum("...ij,...jd->...id", A, V), A


def heads(W_Q, W_V, n_heads):
    """Column slices of (Q or K, V) for each head: consecutive blocks."""
    k, v = W_Q.shape[1] // n_heads, W_V.shape[1] // n_heads
    return [(slice(h * k, (h + 1) * k), slice(h * v, (h + 1) * v)) for h in range(n_heads)]


def forward(X, W_Q, W_K, W_V, W_O, n_heads=1, causal=False, scale=None):
    """out = concat_h softmax(Q_h K_hᵀ · scale) V_h · W_O + X; scale 1/√(head width) unless given."""
    Q, K, V = mm(X, W_Q), mm(X, W_K), mm(X, W_V)
    scale = 1 / np.sqrt(W_Q.shape[1] // n_heads) if scale is None else scale
    O = [attend(Q[..., q], K[..., q], V[..., v], causal, scale)[0] for q, v in heads(W_Q, W_V, n_heads)]
    return mm(np.concatenate(O, axis=-1), W_O) + X


def gradients(G, X, W_Q, W_K, W_V, W_O, n_heads=1, causal=False, inp="H"):
    """The backward in closed form, the input's gradient under ``inp``; "paths" holds its four terms.

    Also "out": with it, one call does the work of a forward and a backward pass.
    """
    Q, K, V = mm(X, W_Q), mm(X, W_K), mm(X, W_V)
    dC = mm(G, W_O.T)
    O, dQ, dK, dV = np.empty_like(V), np.empty_like(Q), np.empty_like(K), np.empty_like(V)
    scale = 1 / np.sqrt(W_Q.shape[1] // n_heads)
    for q, v in heads(W_Q, W_V, n_heads):
        O[..., v], A = attend(Q[..., q], K[..., q], V[..., v], causal, scale)
        dA = np.einsum("...id,...jd->...ij", dC[..., v], V[..., v])
        dS = A * (dA - np.sum(dA * A, axis=-1, keepdims=True))
        dQ[..., q] = np.einsum("...ij,...jd->...id", dS, K[..., q]) * scale
        dK[..., q] = np.einsum("...ij,...id->...jd", dS, Q[..., q]) * scale
        dV[..., v] = np.einsum("...ij,...id->...jd", A, dC[..., v])

    def outer(a, b):  # Σ over batch and positions of a[t]ᵀ·b[t]
        return np.einsum("ti,tj->ij", a.reshape(-1, a.shape[-1]), b.reshape(-1, b.shape[-1]))
    paths = {"residual": G, "Q": mm(dQ, W_Q.T), "K": mm(dK, W_K.T), "V": mm(dV, W_V.T)}
    return {"W_Q": outer(X, dQ), "W_K": outer(X, dK), "W_V": outer(X, dV), "W_O": outer(O, G),
            inp: sum(paths.values()), "paths": paths, "out": mm(O, W_O) + X}


def central_differences(loss, inputs: dict) -> dict:
    """∂loss/∂entry for every entry of every input."""
    return {name: oracles.central_differences(lambda v, name=name: loss(**{**inputs, name: v}), x, STEP)
            for name, x in inputs.items()}


# --- inputs ----------------------------------------------------------------------------

def weights(g, d, d_k, d_v, kind, n_heads=1):
    """W_Q, W_K (d, d_k), W_V (d, d_v), W_O (d_v, d), scaled so the scores are O(1)."""
    shapes = {"W_Q": (d, d_k), "W_K": (d, d_k), "W_V": (d, d_v), "W_O": (d_v, d)}
    if kind == "integers":
        return {k: g.integers(-1, 2, s).tolist() for k, s in shapes.items()}
    W = {k: g.standard_normal(s) / np.sqrt(s[0]) for k, s in shapes.items()}
    if kind == "large":  # with sequence()'s constant last feature 30, the last query/key column of each head
        last = np.arange(d_k // n_heads - 1, d_k, d_k // n_heads)  # is 45: every score gains 45²/√width
        for k in ("W_Q", "W_K"):
            W[k][-1, :], W[k][:, last] = 0.0, 0.0
            W[k][-1, last] = 1.5
    return W


def sequence(g, shape, kind):
    """The input H or X: integer lists, or O(1) values; "large" has a last feature of 30 everywhere.

    That offsets every score by the same ≥ 1000 (see weights): a softmax that does not
    subtract the row maximum overflows, yet the attention itself stays O(1) and smooth.
    """
    if kind == "integers":
        return g.integers(-2, 3, shape).tolist()
    X = g.standard_normal(shape)
    if kind == "large":
        X[..., -1] = 30.0
    return X


def floats(inputs: dict) -> dict:
    return {k: np.asarray(v, dtype=float) for k, v in inputs.items()}


# name -> (T, d, d_k, d_v, causal, kind)
LAYER = {
    "dk-dv-d-differ": (5, 6, 4, 3, False, "normal"),
    "lecture-sizes": (4, 8, 8, 8, False, "normal"),
    "T1": (1, 5, 3, 4, False, "normal"),
    "long": (9, 4, 5, 6, False, "normal"),
    "causal": (5, 6, 4, 3, True, "normal"),
    "causal-T1": (1, 4, 3, 2, True, "normal"),
    "causal-long": (9, 4, 5, 6, True, "normal"),
    "integers": (4, 3, 2, 3, False, "integers"),
    "large-scores": (5, 4, 3, 4, False, "large"),
    "large-scores-causal": (6, 4, 3, 4, True, "large"),
}


def layer_case(seed, function, case):
    T, d, d_k, d_v, causal, kind = LAYER[case]
    g = cases.rng(seed, function, case)
    inputs = {"H": sequence(g, (T, d), kind), **weights(g, d, d_k, d_v, kind)}
    return inputs, causal, g.standard_normal((T, d))


# name -> (B, T, d, n_heads, causal, kind)
MHA = {
    "one-head": (2, 4, 4, 1, False, "normal"),
    "two-heads": (2, 5, 6, 2, False, "normal"),
    "three-heads": (1, 4, 6, 3, False, "normal"),
    "heads-of-width-1": (2, 3, 4, 4, False, "normal"),
    "causal-one-head": (1, 4, 4, 1, True, "normal"),
    "causal-two-heads": (2, 5, 6, 2, True, "normal"),
    "T1": (3, 1, 4, 2, False, "normal"),
    "integers": (1, 3, 4, 2, False, "integers"),
    "large-scores-causal": (2, 4, 4, 2, True, "large"),
}


def mha_case(seed, function, case):
    B, T, d, n_heads, causal, kind = MHA[case]
    g = cases.rng(seed, function, case)
    X = sequence(g, (B, T, d), kind)
    params = weights(g, d, d, d, kind, n_heads)
    return X, params, n_heads, causal, g.standard_normal((B, T, d))


# --- judging -----------------------------------------------------------------------------

def diagnose(got, candidates) -> str:
    """The text of the first (text, value) candidate that got equals, else ""."""
    for text, value in candidates:
        if np.linalg.norm(got - value) <= 1e-8 * max(np.linalg.norm(value), 1e-300):
            return " " + text
    return ""


def cache_of(result, function):
    """The cache of a forward call's (out, cache), as the backward gets it back.

    A top-level list goes back as a tuple: the worker's in-place check makes one
    array of a list argument, which fails for arrays of different shapes.
    """
    cache = checks.values(result, ("out", "cache"), function)[1]
    return tuple(cache) if type(cache) is list else cache


def check_out(result, expected, function, warnings, candidates):
    """out of a forward call against the oracle (candidates: known mistakes); returns the cache."""
    out = checks.values(result, ("out", "cache"), function)[0]
    out = checks.array(out, "out", expected.shape, finite=False)
    if not np.all(np.isfinite(out)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(out))[0])
        shift = ("; shift each row of S by its maximum before exp (softmax(s) = softmax(s − max s)), "
                 "then no exponent exceeds 0" if any("overflow" in w for w in warnings) else "")
        raise Wrong(f"out contains {out[bad]} at index {bad}; every entry should be finite"
                    + (f" (your code warned: {warnings[0]})" if warnings else "") + shift + ".")
    what, *mistakes = candidates
    try:
        checks.close(out, expected, "out", tol=OUT_TOL, scale=float(np.max(np.abs(expected))), what=what)
    except Wrong as wrong:
        lead, _, arrays = wrong.message.partition("\n")
        raise Wrong(f"{lead}{diagnose(out, mistakes)}\n{arrays}") from None
    return cache_of(result, function)


@dataclasses.dataclass
class Layer:
    """What the messages need to know about the layer under test."""
    function: str    # "attention_backward" or "mha_backward"
    inp: str         # the input's key: "H" or "X"
    width: int       # the width of a head's queries and keys
    width_name: str  # "d_k" or "d_h"


def named(keys) -> str:
    names = [f"d{k}" for k in keys]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def scale_reason(lam, layer) -> str:
    """Why a gradient can be λ times the right value, when λ tells."""
    root, name = np.sqrt(layer.width), layer.width_name
    why = {root: f" (= √{name}): the backward lost the 1/√{name} that scales the scores.",
           1 / root: f" (= 1/√{name}): the scale is applied twice.", -1.0: ": the sign is flipped."}
    return next((text for value, text in why.items() if np.isclose(lam, value, rtol=1e-6)), "")


def advice(first, wrong, got, closed, layer) -> str:
    """What to look at, from the first wrong gradient (backpropagation order) and the others."""
    inp, k = layer.inp, layer.width_name
    if first == "W_O":
        heads_note = " (the heads side by side, summed over the batch)" if inp == "X" else ""
        return f"dW_O = Oᵀ·dout, with O = A·V the attention output before W_O{heads_note} — not out, not {inp}."
    if first == "W_V" and {"W_Q", "W_K"} & set(wrong):
        return "everything behind O is off: start from dO = dout·W_Oᵀ, which feeds both dV = Aᵀ·dO and dA = dO·Vᵀ."
    if first == "W_V":
        return (f"the value path: O = A·V gives dV = Aᵀ·dO (A transposed: row j of V reaches every query i "
                f"through A[i, j]), then dW_V = {inp}ᵀ·dV.")
    if {"W_Q", "W_K"} <= set(wrong):
        return ("both Q and K get their gradient from the softmax backward: dA = dO·Vᵀ and, row by row, "
                "dS = A ⊙ (dA − rowsum(dA ⊙ A)) — softmax is not elementwise, every score of a row moves "
                f"the whole row. Then dQ = dS·K/√{k} and dK = dSᵀ·Q/√{k}.")
    if first == "W_Q":
        return f"look at how the softmax backward feeds Q: dQ = dS·K/√{k}, then dW_Q = {inp}ᵀ·dQ."
    if first == "W_K":
        return (f"S = Q·Kᵀ, so K's gradient takes dS transposed: dK = dSᵀ·Q/√{k}, then dW_K = {inp}ᵀ·dK "
                "(dS·Q would be right only if dS were symmetric).")
    paths, total = closed["paths"], closed[inp]
    missing = diagnose(got, [
        (f"It equals the right answer without the residual: out = … + {inp} sends dout straight back, "
         f"so d{inp} starts from dout itself.", total - paths["residual"]),
        *[(f"It equals the right answer without the path through {p}: add d{p}·W_{p}ᵀ.", total - paths[p])
          for p in "QKV"]])
    return (f"the four weight gradients match, so dQ, dK and dV are right; d{inp} sums four paths: "
            f"dout (the residual) + dQ·W_Qᵀ + dK·W_Kᵀ + dV·W_Vᵀ.{missing}")


def check_gradients(grads, expected, closed, layer, source, unmasked=None) -> None:
    """The learner's gradients against ``expected``; a Wrong names the first that is off and advises.

    ``closed`` is the closed-form backward (for the advice); ``unmasked()`` says
    whether the learner gets the same inputs right without the causal mask.
    """
    keys = (*ORDER, layer.inp)
    grads = checks.mapping(grads, (layer.inp, *SHOWN), layer.function)
    for k in keys:
        if isinstance(grads[k], np.ndarray) and grads[k].shape != expected[k].shape:
            raise Wrong(f'grads["{k}"] has shape {grads[k].shape}; a gradient has the shape of what it belongs '
                        f"to, and {k} has shape {expected[k].shape}.")
    got = {k: checks.array(grads[k], f'grads["{k}"]', expected[k].shape) for k in keys}
    floor = FLOOR * max(np.linalg.norm(e) for e in expected.values())
    errors = {k: oracles.relative_error(got[k], expected[k], floor) for k in keys}
    wrong = [k for k in keys if not errors[k] <= GRAD_TOL]
    if not wrong:
        return
    first, listed = wrong[0], (*SHOWN, layer.inp)
    also = [k for k in listed if k in wrong and k != first]
    fine = [k for k in listed if k not in wrong]
    text = f"d{first} is off (relative error {errors[first]:.1g}, allowed {GRAD_TOL:g})"
    text += f"; {named(also)} {'is' if len(also) == 1 else 'are'} off too" if also else ""
    text += f"; {named(fine)} {'matches' if len(fine) == 1 else 'match'}" if fine else ""
    text += "" if np.any(got[first]) else f". d{first} is all zeros"
    lam = oracles.multiple(got[first], expected[first], 1e-6)
    reason = "" if lam is None else scale_reason(lam, layer)
    text += "" if lam is None else f". d{first} is {lam:.6g} times the right value{reason}"
    if not reason and unmasked is not None and unmasked():
        text += (". Without the mask (causal=False) all five gradients match on the same inputs, so the mask "
                 "is the culprit: positions j > i must pass no gradient. Mask S with −∞ before the softmax "
                 "and let the backward use that masked A (A[i, j] = 0 there makes dS[i, j] = 0).")
    elif not reason:
        text += " — " + advice(first, wrong, got[first], closed, layer)
    err = np.abs(got[first] - expected[first])
    at = np.unravel_index(int(np.argmax(err)), err.shape)
    text += (f"\n  largest difference at grads[\"{first}\"][{', '.join(map(str, at))}]: got "
             f"{fmt.num(got[first][at])}, expected {fmt.num(expected[first][at])} ({source})"
             f"\n  got      {fmt.array(got[first], 11)}\n  expected {fmt.array(expected[first], 11)}")
    raise Wrong(text, context=False)


def agrees(grads, reference, keys) -> bool:
    """Whether a returned dict holds every reference gradient to GRAD_TOL."""
    if not isinstance(grads, dict) or any(k not in grads for k in keys):
        return False
    floor = FLOOR * max(np.linalg.norm(reference[k]) for k in keys)
    return all(isinstance(grads[k], np.ndarray) and grads[k].shape == reference[k].shape
               and oracles.relative_error(grads[k], reference[k], floor) <= GRAD_TOL for k in keys)


# --- calls ---------------------------------------------------------------------------------

def causal_kw(causal) -> dict:
    return {"causal": True} if causal else {}  # the non-causal cases rely on the default


def out_candidates(layer, X, W, n_heads, causal):
    """The oracle's out, then [what it is, (a known mistake, the out it gives), …]."""
    def run(**kw):
        return forward(X, *W, n_heads=n_heads, **{"causal": causal, **kw})
    expected, k, inp = run(), layer.width_name, layer.inp
    what = (f"out = softmax(Q·Kᵀ/√{k})·V·W_O + H" if inp == "H" else
            f"out = [head 1 | … | head {n_heads}]·W_O + X, head h = softmax(Q_h·K_hᵀ/√{k})·V_h where Q_h, K_h, "
            f"V_h are the columns h·{k} … (h+1)·{k} − 1 of Q, K, V")
    what += ", with S[i, j] = −∞ for j > i (causal)" if causal else ""
    mistakes = [(f"It equals that without the residual + {inp}.", expected - X),
                (f"It equals that without the 1/√{k} scale of the scores.", run(scale=1.0)),
                (f"It equals that with 1/{k} instead of 1/√{k}.", run(scale=1.0 / layer.width))]
    if inp == "X":
        d = X.shape[-1]
        every = np.arange(d).reshape(d // n_heads, n_heads).T.ravel()  # head h = columns h, h + n_heads, …
        mistakes += [(f"It equals that with 1/√d instead of 1/√{k}: each head scales by 1/√(d / n_heads).",
                      run(scale=1 / np.sqrt(d))),
                     ("It equals that with head h made of every n_heads-th column (h, h + n_heads, …), as a "
                      "reshape to (B, T, d_h, n_heads) gives; a head is a block of consecutive columns: reshape "
                      "to (B, T, n_heads, d_h).",
                      forward(X, W[0][:, every], W[1][:, every], W[2][:, every], W[3][every], n_heads, causal))]
    if causal:
        mistakes.append(("It equals that without the causal mask: set S[i, j] = −∞ for j > i before the softmax.",
                         run(causal=False)))
    return expected, [what, *mistakes]


def forward_then(learner, layer, call, args, kwargs, expected, candidates):
    """Run the learner's forward pass for a backward test; a wrong out ends the test. Returns the cache."""
    result = getattr(learner, call)(*args, **kwargs)
    try:
        return check_out(result, expected, call, learner.last.answer.warnings, candidates)
    except Wrong as wrong:
        raise Wrong(f"{layer.function} is checked on the cache of a correct forward pass, but {call} "
                    f"is wrong here: {wrong.message}") from None


def judged(check, description) -> None:
    """Run a gradient check; its failure message ends with how the learner's functions were called."""
    try:
        check()
    except Wrong as wrong:
        raise Wrong(f"{wrong.message}\n{description}", context=False) from None


def layer_description(inputs, causal, G) -> str:
    flag = ", causal=True" if causal else ""
    return (f"Called out, cache = attention_forward(H, W_Q, W_K, W_V, W_O{flag}), then "
            f"grads = attention_backward(dout, cache) with\n{fmt.assignments({**inputs, 'dout': G})}")


def mha_description(X, params, n_heads, causal, G) -> str:
    flag = ", causal=True" if causal else ""
    return (f"Called out, cache = mha_forward(X, params, n_heads={n_heads}{flag}), then "
            f"grads = mha_backward(dout, cache) with\n{fmt.assignments({'X': X, 'params': params, 'dout': G})}")


# --- attention_forward ---------------------------------------------------------------------

def single(x: dict):
    """A single-head layer's Layer record, input and weights from float inputs."""
    W = tuple(x[k] for k in ("W_Q", "W_K", "W_V", "W_O"))
    return Layer("attention_backward", "H", x["W_Q"].shape[1], "d_k"), x["H"], W


@pytest.mark.function("attention_forward")
@pytest.mark.parametrize("case", LAYER)
def test_attention_forward(learner, seed, case):
    inputs, causal, _ = layer_case(seed, "attention", case)
    layer, H, W = single(floats(inputs))
    expected, candidates = out_candidates(layer, H, W, 1, causal)
    result = learner.attention_forward(*inputs.values(), **causal_kw(causal))
    check_out(result, expected, "attention_forward", learner.last.answer.warnings, candidates)


# --- attention_backward --------------------------------------------------------------------

@pytest.mark.function("attention_backward")
@pytest.mark.parametrize("case", LAYER)
def test_attention_backward(learner, seed, case):
    inputs, causal, G = layer_case(seed, "attention", case)
    x = floats(inputs)
    layer, H, W = single(x)
    expected_out, candidates = out_candidates(layer, H, W, 1, causal)
    cache = forward_then(learner, layer, "attention_forward", inputs.values(), causal_kw(causal),
                         expected_out, candidates)
    grads = learner.attention_backward(G, cache)

    def loss(H, W_Q, W_K, W_V, W_O):
        return float(np.sum(forward(H, W_Q, W_K, W_V, W_O, causal=causal) * G))

    def unmasked():
        try:
            plain = cache_of(learner.attention_forward(*inputs.values()), "attention_forward")
            return agrees(learner.attention_backward(G, plain), gradients(G, H, *W), (*ORDER, "H"))
        except (SubmissionFault, Wrong):
            return False

    judged(lambda: check_gradients(grads, central_differences(loss, x), gradients(G, H, *W, causal=causal),
                                   layer, "central differences of L = Σ out ⊙ dout", unmasked if causal else None),
           layer_description(inputs, causal, G))


VECTORISED = (512, 8, 4)  # T, d, d_k = d_v of the timed layer: a T×T Jacobian per row costs T³ there
BUDGET = 20                # times the oracle's own vectorised forward + backward, measured in this run


def best_time(f, repeat) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


@pytest.mark.function("attention_backward")
def test_attention_backward_vectorised(learner, seed):
    T, d, d_k = VECTORISED
    g = cases.rng(seed, "attention_backward", "vectorised")
    x = {"H": g.standard_normal((T, d)), **weights(g, d, d_k, d_k, "normal")}
    G = g.standard_normal((T, d))
    layer, H, W = single(x)
    # a 2×2 layer first: the cost of a round trip to your code with next to nothing to compute
    tiny = {"H": g.standard_normal((2, 2)), **weights(g, 2, 2, 2, "normal")}
    tiny_cache = cache_of(learner.attention_forward(*tiny.values()), "attention_forward")
    latency = learner.last.answer.seconds
    learner.attention_backward(G[:2, :2], tiny_cache)
    latency += learner.last.answer.seconds

    cache = forward_then(learner, layer, "attention_forward", x.values(), {}, *out_candidates(layer, H, W, 1, False))
    forward_seconds = learner.last.answer.seconds
    grads = learner.attention_backward(G, cache)
    backward_seconds = learner.last.answer.seconds
    closed = gradients(G, H, *W)
    judged(lambda: check_gradients(grads, {k: closed[k] for k in (*ORDER, "H")}, closed, layer,
                                   "the closed-form backward"), layer_description(x, False, G))

    oracle = best_time(lambda: gradients(G, H, *W), 5)
    transport = 3 * latency + 3 * best_time(
        lambda: [wire.decode(wire.encode(v)[8:]) for v in (cache, (G, cache), grads)], 3)
    seconds, budget = forward_seconds + backward_seconds, BUDGET * oracle + transport
    if seconds > budget:
        raise Wrong(
            f"attention_forward and attention_backward took {seconds:.3g} s together (forward {forward_seconds:.3g} s, "
            f"backward {backward_seconds:.3g} s) on T = {T} positions with d = {d}, d_k = d_v = {d_k}. "
            f"The budget is {budget:.3g} s: {BUDGET} × the {oracle:.2g} s the grader's own vectorised forward and "
            f"backward take here, plus {transport:.2g} s for passing the data to your code and back. A Python loop "
            "over the positions, or a T×T softmax Jacobian diag(a) − a·aᵀ built for each row, costs far more than "
            "whole-matrix operations: compute every row at once, dS = A ⊙ (dA − rowsum(dA ⊙ A)) with the row "
            "sums kept as a column (keepdims=True).", context=False)


LINES_T = (4, 24)  # the backward must not run more lines of the learner's file for the longer sequence


@pytest.mark.function("attention_backward")
def test_attention_backward_no_loop_over_positions(learner, seed):
    lines = {}
    for T in LINES_T:
        g = cases.rng(seed, "attention_backward", "lines", T)
        x = {"H": g.standard_normal((T, 6)), **weights(g, 6, 4, 3, "normal")}
        lines[T] = checks.integer(learner.scenario("attention.backward_lines", *x.values(), g.standard_normal((T, 6))),
                                  "the line count")
    short, long = LINES_T
    if lines[long] - lines[short] >= long - short:  # a loop over positions runs ≥ 1 line per extra position
        raise Wrong(
            f"attention_backward ran {lines[short]} lines of your attention.py for T = {short} positions but "
            f"{lines[long]} for T = {long}: it loops over the positions in Python (a for loop, a comprehension, or "
            "a helper called once per row). SPEC asks for a vectorised backward with no loop over T: the softmax "
            "backward of all rows at once is dS = A ⊙ (dA − rowsum(dA ⊙ A)), with the row sums kept as a column "
            "(keepdims=True). (Measured with calls attention_forward(H, W_Q, W_K, W_V, W_O) and "
            "attention_backward(dout, cache), H of shape (T, 6), d_k = 4, d_v = 3.)", context=False)


# --- mha_forward and mha_backward ----------------------------------------------------------

def multi(X, params, n_heads):
    """A multi-head layer's Layer record, input and weights as floats."""
    W = tuple(np.asarray(params[k], dtype=float) for k in ("W_Q", "W_K", "W_V", "W_O"))
    X = np.asarray(X, dtype=float)
    return Layer("mha_backward", "X", X.shape[-1] // n_heads, "d_h"), X, W


@pytest.mark.function("mha_forward")
@pytest.mark.parametrize("case", MHA)
def test_mha_forward(learner, seed, case):
    X, params, n_heads, causal, _ = mha_case(seed, "mha", case)
    layer, Xf, W = multi(X, params, n_heads)
    expected, candidates = out_candidates(layer, Xf, W, n_heads, causal)
    result = learner.mha_forward(X, params, n_heads, **causal_kw(causal))
    check_out(result, expected, "mha_forward", learner.last.answer.warnings, candidates)


INDIVISIBLE = {"d6-heads4": (6, 4), "d5-heads2": (5, 2), "d4-heads3": (4, 3)}


@pytest.mark.function("mha_forward")
@pytest.mark.parametrize("case", INDIVISIBLE)
def test_mha_forward_rejects_indivisible(learner, seed, case):
    d, n_heads = INDIVISIBLE[case]
    g = cases.rng(seed, "mha_forward", case)
    raised = learner.raises("mha_forward", g.standard_normal((2, 3, d)), weights(g, d, d, d, "normal"), n_heads)
    if raised != "ValueError":
        did = "it returned normally" if raised is None else f"it raised {raised}"
        raise Wrong(f"d = {d} is not divisible by n_heads = {n_heads}, so mha_forward should raise ValueError "
                    f"(heads of width d / n_heads = {d / n_heads:g} do not exist); {did}.")


@pytest.mark.function("mha_backward")
@pytest.mark.parametrize("case", MHA)
def test_mha_backward(learner, seed, case):
    X, params, n_heads, causal, G = mha_case(seed, "mha", case)
    layer, Xf, W = multi(X, params, n_heads)
    expected_out, candidates = out_candidates(layer, Xf, W, n_heads, causal)
    cache = forward_then(learner, layer, "mha_forward", (X, params, n_heads), causal_kw(causal),
                         expected_out, candidates)
    grads = learner.mha_backward(G, cache)

    def loss(X, W_Q, W_K, W_V, W_O):
        return float(np.sum(forward(X, W_Q, W_K, W_V, W_O, n_heads, causal) * G))

    def unmasked():
        try:
            plain = cache_of(learner.mha_forward(X, params, n_heads), "mha_forward")
            return agrees(learner.mha_backward(G, plain), gradients(G, Xf, *W, n_heads, inp="X"), (*ORDER, "X"))
        except (SubmissionFault, Wrong):
            return False

    x = {"X": Xf, **dict(zip(SHOWN, W))}
    judged(lambda: check_gradients(grads, central_differences(loss, x),
                                   gradients(G, Xf, *W, n_heads, causal, inp="X"), layer,
                                   "central differences of L = Σ out ⊙ dout", unmasked if causal else None),
           mha_description(X, params, n_heads, causal, G))
