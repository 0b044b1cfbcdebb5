"""Hidden suite: softmax — softmax, logsumexp, log_softmax, the Jacobian, its VJP, cross-entropy.

Oracles are computed here in extended precision (numpy.longdouble), each
slice shifted by its own maximum before exp. The Jacobian and the
cross-entropy gradient are compared with central differences of those
oracles (in longdouble a step of 1e-6 on a logit of 1e4 is still exact to
~1e-15); softmax_backward with the product of the explicit Jacobian of every
slice. A RuntimeWarning during a call (overflow in exp, 0/0, log of 0) fails
the test even when the result came out right. Tolerances scale with max|z|:
in float64, z − max(z) is only exact to ε·max|z|.
"""

import numpy as np
import pytest

from grader import fmt
from grader.outcomes import Wrong
from grader.suites import cases, checks, oracles

LD = np.longdouble
TOL = 1e-12  # values, relative to max(1, max|input|)
H = 1e-6  # central-difference step
STABLE = "Shift every slice by its own maximum (keepdims=True) before np.exp, so that no exponent is positive."
WIDE = 16_000  # classes in the softmax_backward memory test: one WIDE×WIDE Jacobian is 1.9 GiB


def magnitude(x) -> float:
    return max(1.0, float(np.max(np.abs(np.asarray(x, dtype=float)))))


def fd_tol(x) -> float:
    """Central differences in longdouble: truncation ~H², rounding ~ε_LD·max|x|/H."""
    return 1e-9 + 10 * float(np.finfo(LD).eps) * magnitude(x) / H


def ref_logsumexp(z, axis, keepdims=False):
    z = np.asarray(z, dtype=LD)
    m = np.max(z, axis=axis, keepdims=True)
    out = m + np.log(np.sum(np.exp(z - m), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


def ref_log_softmax(z, axis):
    return np.asarray(z, dtype=LD) - ref_logsumexp(z, axis, keepdims=True)


def ref_softmax(z, axis=-1):
    return oracles.softmax(np.asarray(z, dtype=LD), axis)


def ref_cross_entropy(logits, labels):
    logp = ref_log_softmax(logits, 1)
    return -np.mean(logp[np.arange(len(labels)), np.asarray(labels)])


def central_differences(f, x) -> np.ndarray:
    """∂f/∂x in longdouble, of shape f(x).shape + x.shape."""
    return oracles.central_differences(f, np.asarray(x, dtype=LD), H).astype(float)


def call(learner, name, z, axis):
    """The default axis is exercised by leaving it out."""
    function = getattr(learner, name)
    return function(z) if axis is None else function(z, axis=axis)


def axis_text(axis) -> str:
    return "axis=-1 (the default)" if axis is None else f"axis={axis}"


# --- softmax, logsumexp, log_softmax: one set of inputs ------------------------------------

def far_apart(g, shape, axis):
    """Slices along ``axis`` centred at +1e4, −1e4 or 0: one shift for the whole array is not enough."""
    centre_shape = list(shape)
    centre_shape[axis] = 1
    return g.choice([-1e4, 0.0, 1e4], size=centre_shape) + g.standard_normal(shape)


FAMILY = {  # name -> rng -> (z, axis or None for the default)
    "1d": lambda g: (2 * g.standard_normal(6), None),
    "2d": lambda g: (3 * g.standard_normal((4, 5)), None),
    "2d-axis0": lambda g: (3 * g.standard_normal((4, 5)), 0),
    "3d-axis0": lambda g: (3 * g.standard_normal((3, 4, 5)), 0),
    "3d-axis1": lambda g: (3 * g.standard_normal((3, 4, 5)), 1),
    "3d-axis-1": lambda g: (3 * g.standard_normal((3, 4, 5)), -1),
    "overflow-1000": lambda g: (np.array([1000.0, 0.0]), None),
    "near+1e4": lambda g: (1e4 + g.standard_normal((3, 5)), None),
    "near-1e4": lambda g: (-1e4 + g.standard_normal((3, 5)), None),
    "spread-1e4": lambda g: (g.uniform(-1e4, 1e4, (4, 5)), None),
    "rows-far-apart": lambda g: (np.array([[1e4], [-1e4], [0.0]]) + g.standard_normal((3, 5)), None),
    "columns-far-apart-axis0": lambda g: (np.array([1e4, -1e4, 0.0]) + g.standard_normal((4, 3)), 0),
    "3d-far-apart-axis1": lambda g: (far_apart(g, (3, 4, 5), 1), 1),
    "ties": lambda g: (np.array([2.0, 2.0, -1.0, 2.0, 0.5]) + g.integers(-3, 4), None),
    "all-equal-rows": lambda g: (np.repeat([[3.0], [1e4], [-1e4]], 4, axis=1), None),
    "integers": lambda g: (g.integers(-5, 6, (3, 4)).tolist(), None),
    "integers-1e4": lambda g: (np.array([[10_000, 9_999, -10_000], [-10_000, -10_000, -9_998]]), None),
    "one-class": lambda g: (1e4 * g.standard_normal((3, 1)), None),
}


def check_sums_to_one(s, axis) -> None:
    """Each slice along the requested axis sums to 1; say so if another axis does instead."""
    ax = -1 if axis is None else axis
    sums = s.sum(axis=ax)
    if np.max(np.abs(sums - 1.0)) <= 1e-9:
        return
    others = [k for k in range(s.ndim) if k != ax % s.ndim and np.max(np.abs(s.sum(axis=k) - 1.0)) <= 1e-9]
    instead = f" It sums to 1 along axis {others[0]} instead." if others else ""
    raise Wrong(f"softmax(z, {axis_text(axis)}) should sum to 1 along axis {ax}; its sums along that axis "
                f"are {fmt.array(sums, 4)}.{instead}")


@pytest.mark.function("softmax")
@pytest.mark.parametrize("case", FAMILY)
def test_softmax(learner, seed, case):
    z, axis = FAMILY[case](cases.rng(seed, "softmax", case))
    result = call(learner, "softmax", z, axis)
    checks.no_warnings(learner, "softmax", STABLE)
    s = checks.array(result, "softmax(z)", np.shape(z))
    check_sums_to_one(s, axis)
    checks.close(s, ref_softmax(z, -1 if axis is None else axis), "softmax(z)", tol=TOL, scale=magnitude(z),
                 what=f"each slice along {axis_text(axis)} is exp(z − max)/Σ exp(z − max)")


def reduced(result, shape, axis, name):
    """logsumexp's answer has ``shape`` without ``axis`` (a number for 1-D z); keepdims is accepted too."""
    out_shape = shape[:axis % len(shape)] + shape[axis % len(shape) + 1:]
    keep_shape = shape[:axis % len(shape)] + (1,) + shape[axis % len(shape) + 1:]
    if isinstance(result, np.ndarray) and result.shape == keep_shape:
        result = result.reshape(out_shape)
    if out_shape == ():
        return checks.scalar(result, name)
    return checks.array(result, name, out_shape)


@pytest.mark.function("logsumexp")
@pytest.mark.parametrize("case", FAMILY)
def test_logsumexp(learner, seed, case):
    z, axis = FAMILY[case](cases.rng(seed, "logsumexp", case))
    ax = -1 if axis is None else axis
    result = call(learner, "logsumexp", z, axis)
    checks.no_warnings(learner, "logsumexp", "Use max + log Σ exp(z − max) along the axis.")
    value = reduced(result, np.shape(z), ax, "logsumexp(z)")
    checks.close(value, ref_logsumexp(z, ax), "logsumexp(z)", tol=TOL, scale=magnitude(z),
                 what=f"log Σ exp(z) along {axis_text(axis)}")


@pytest.mark.function("log_softmax")
@pytest.mark.parametrize("case", FAMILY)
def test_log_softmax(learner, seed, case):
    z, axis = FAMILY[case](cases.rng(seed, "log_softmax", case))
    result = call(learner, "log_softmax", z, axis)
    checks.no_warnings(learner, "log_softmax", "Compute z − logsumexp(z) instead of the log of a softmax "
                                               "(a probability that underflows to 0 has log −inf).")
    value = checks.array(result, "log_softmax(z)", np.shape(z))
    checks.close(value, ref_log_softmax(z, -1 if axis is None else axis), "log_softmax(z)", tol=TOL,
                 scale=magnitude(z), what=f"z − logsumexp(z) along {axis_text(axis)}")


# --- softmax_jacobian ----------------------------------------------------------------------

JACOBIAN = {
    "lecture": lambda g: np.array([2.0, 1.0, 0.1]),
    "random": lambda g: 2 * g.standard_normal(5),
    "single": lambda g: np.array([g.standard_normal()]),
    "ties": lambda g: np.full(4, g.uniform(-3, 3)),
    "integers": lambda g: g.integers(-4, 5, 5).tolist(),
    "overflow-1000": lambda g: np.array([1000.0, 0.0, 999.0]),
    "near+1e4": lambda g: 1e4 + g.standard_normal(5),
    "mixed-1e4": lambda g: np.concatenate([1e4 + g.standard_normal(3), [-1e4, 0.0]]),
}


@pytest.mark.function("softmax_jacobian")
@pytest.mark.parametrize("case", JACOBIAN)
def test_softmax_jacobian(learner, seed, case):
    for draw in range(3 if case == "random" else 1):
        z = JACOBIAN[case](cases.rng(seed, "softmax_jacobian", case, draw))
        n, scale = len(z), magnitude(z)
        result = learner.softmax_jacobian(z)
        checks.no_warnings(learner, "softmax_jacobian", STABLE)
        J = checks.array(result, "J", (n, n))
        i, j = np.unravel_index(int(np.argmax(np.abs(J - J.T))), J.shape)
        if abs(J[i, j] - J[j, i]) > TOL * scale:
            raise Wrong(f"J should be symmetric (∂sᵢ/∂zⱼ = sᵢ(δᵢⱼ − sⱼ) = sⱼ(δⱼᵢ − sᵢ)), but J[{i}, {j}] = "
                        f"{fmt.num(J[i, j])} and J[{j}, {i}] = {fmt.num(J[j, i])}.\n  J = {fmt.array(J, 6)}")
        rows = J.sum(axis=1)
        if np.max(np.abs(rows)) > TOL * scale:
            s = ref_softmax(z).astype(float)
            missing = " They equal −s: is the diag(s) term missing?" if np.allclose(rows, -s, atol=1e-9) else ""
            raise Wrong(f"every row of J should sum to 0 (the probabilities sum to 1 whatever z is, so "
                        f"Σⱼ ∂sᵢ/∂zⱼ = 0); the row sums are {fmt.array(rows, 4)}.{missing}\n  J = {fmt.array(J, 6)}")
        checks.close(J, central_differences(ref_softmax, z), "J", tol=fd_tol(z),
                     what="compared with central differences of softmax: J[i, j] = ∂sᵢ/∂zⱼ")


# --- softmax_backward ----------------------------------------------------------------------

def backward_case(shape, axis, z_scale=2.0, g_scale=1.0, integer_g=False):
    def make(g):
        s = ref_softmax(z_scale * g.standard_normal(shape), -1 if axis is None else axis).astype(float)
        upstream = g.integers(-5, 6, shape).tolist() if integer_g else g_scale * g.standard_normal(shape)
        return s, upstream, axis
    return make


BACKWARD = {  # name -> rng -> (s, g, axis or None for the default)
    "1d": backward_case((6,), None),
    "2d": backward_case((4, 5), None),
    "2d-axis0": backward_case((4, 5), 0),
    "3d-axis0": backward_case((3, 4, 2), 0),
    "3d-axis1": backward_case((3, 4, 2), 1),
    "3d-axis-1": backward_case((3, 4, 2), -1),
    "saturated-s": backward_case((3, 5), None, z_scale=1e4),
    "large-g": backward_case((3, 5), 0, g_scale=1e6),
    "integer-g": backward_case((2, 4), None, integer_g=True),
}


def jacobian_product(s, g, axis) -> np.ndarray:
    """Jᵀg for every slice along ``axis``, with the explicit J = diag(s) − s sᵀ of the slice."""
    s, g = np.moveaxis(s, axis, -1), np.moveaxis(np.asarray(g, dtype=float), axis, -1)
    J = s[..., :, None] * np.eye(s.shape[-1]) - s[..., :, None] * s[..., None, :]
    return np.moveaxis(np.einsum("...ji,...j->...i", J, g), -1, axis)


@pytest.mark.function("softmax_backward")
@pytest.mark.parametrize("case", BACKWARD)
def test_softmax_backward(learner, seed, case):
    s, g, axis = BACKWARD[case](cases.rng(seed, "softmax_backward", case))
    ax = -1 if axis is None else axis
    result = learner.softmax_backward(s, g) if axis is None else learner.softmax_backward(s, g, axis=axis)
    checks.no_warnings(learner, "softmax_backward")
    dz = checks.array(result, "dz", s.shape)
    expected, scale = jacobian_product(s, g, ax), magnitude(g)
    if np.max(np.abs(dz - expected)) > TOL * scale and np.allclose(dz, s * np.asarray(g), rtol=0, atol=TOL * scale):
        raise Wrong("softmax_backward returned s ⊙ g: that is only the diagonal part diag(s) of the Jacobian. "
                    f"The −s sᵀ part adds −s ⊙ Σ(g⊙s), one sum per slice along {axis_text(axis)}.")
    checks.close(dz, expected, "dz", tol=TOL, scale=scale,
                 what=f"Jᵀg with J = diag(s) − s sᵀ for every slice along {axis_text(axis)}")


@pytest.mark.function("softmax_backward")
def test_softmax_backward_without_jacobian(learner, seed):
    g = cases.rng(seed, "softmax_backward", "wide")
    s, upstream = ref_softmax(g.standard_normal((3, WIDE))).astype(float), g.standard_normal((3, WIDE))
    if learner.raises("softmax_backward", s, upstream) == "MemoryError":
        raise Wrong(f"softmax_backward ran out of memory for s of shape (3, {WIDE}): one {WIDE}×{WIDE} Jacobian "
                    f"takes {WIDE ** 2 * 8 / 2 ** 30:.1f} GiB. Compute the vector–Jacobian product without "
                    "building the Jacobian: s ⊙ (g − Σ g⊙s) needs only arrays the size of s.")
    dz = checks.array(learner.softmax_backward(s, upstream), "dz", s.shape)
    s_ld = s.astype(LD)
    expected = s_ld * (upstream - np.sum(upstream * s_ld, axis=-1, keepdims=True))
    checks.close(dz, expected, "dz", tol=TOL, scale=magnitude(upstream), what="s ⊙ (g − Σ g⊙s) along the last axis")


# --- cross_entropy and its gradient ---------------------------------------------------------

CROSS_ENTROPY = {  # name -> rng -> (logits, labels)
    "random": lambda g: (2 * g.standard_normal((6, 4)), g.integers(0, 4, 6)),
    "single-sample": lambda g: (2 * g.standard_normal((1, 5)), g.integers(0, 5, 1)),
    "near+1e4": lambda g: (1e4 + g.standard_normal((5, 3)), g.integers(0, 3, 5)),
    "spread-1e4": lambda g: (g.uniform(-1e4, 1e4, (5, 4)), g.integers(0, 4, 5)),
    "uniform": lambda g: (np.full((3, 5), g.uniform(-5, 5)), g.integers(0, 5, 3)),
    "integers": lambda g: (g.integers(-5, 6, (4, 3)).tolist(), g.integers(0, 3, 4).tolist()),
    "one-class": lambda g: (g.standard_normal((4, 1)), np.zeros(4, dtype=int)),
}


def n_times(got, expected, n, atol) -> bool:
    """A result n times too large: the sum over the samples where the mean was asked for."""
    return n > 1 and np.allclose(got, n * np.asarray(expected, dtype=float), rtol=0, atol=n * atol)


@pytest.mark.function("cross_entropy")
@pytest.mark.parametrize("case", CROSS_ENTROPY)
def test_cross_entropy(learner, seed, case):
    logits, labels = CROSS_ENTROPY[case](cases.rng(seed, "cross_entropy", case))
    result = learner.cross_entropy(logits, labels)
    checks.no_warnings(learner, "cross_entropy", "Use log_softmax, not the log of a softmax.")
    loss = checks.scalar(result, "the loss")
    expected, n, allowed = float(ref_cross_entropy(logits, labels)), len(labels), TOL * magnitude(logits)
    if abs(loss - expected) > allowed:
        hint = (f" That is {n} times too large: the loss is the mean over the N = {n} samples, not their sum."
                if n_times(loss, expected, n, allowed) else "")
        raise Wrong(f"the loss is wrong: got {fmt.num(loss)}, expected {fmt.num(expected)} = "
                    f"−(1/N) Σₙ log softmax(logitsₙ)[labelsₙ] (error {abs(loss - expected):.2g}, "
                    f"allowed {allowed:.2g}).{hint}")


@pytest.mark.function("cross_entropy_grad")
@pytest.mark.parametrize("case", CROSS_ENTROPY)
def test_cross_entropy_grad(learner, seed, case):
    logits, labels = CROSS_ENTROPY[case](cases.rng(seed, "cross_entropy_grad", case))
    shape = np.shape(logits)
    result = learner.cross_entropy_grad(logits, labels)
    checks.no_warnings(learner, "cross_entropy_grad", STABLE)
    grad = checks.array(result, "grad", shape)
    expected = central_differences(lambda x: ref_cross_entropy(x, labels), logits)
    n, allowed = shape[0], fd_tol(logits)
    if np.max(np.abs(grad - expected)) > allowed and n_times(grad, expected, n, allowed):
        raise Wrong(f"the gradient is {n} times too large: cross_entropy is the mean over the N = {n} samples, "
                    "so its gradient carries a factor 1/N.")
    checks.close(grad, expected, "grad", tol=allowed,
                 what="compared with central differences of the mean cross-entropy: (softmax − onehot)/N")
