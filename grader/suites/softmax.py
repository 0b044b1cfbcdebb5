"""Hidden suite: softmax — softmax, logsumexp, log_softmax, the Jacobian, its VJP, cross-entropy.

Oracles are computed here in extended precision (numpy.longdouble), each
slice shifted by its own maximum before exp. The Jacobian and the
cross-entropy gradient are compared with central differences of those
oracles (in longdouble a step of 1e-6 on a logit of 1e4 is still exact to
~1e-15); softmax_backward with the product of the explicit Jacobian of every
slice. A RuntimeWarning during a call (overflow in exp, 0/0, log of 0) fails
the test even when the result came out right. Tolerances scale with max|z|:
in float64, z − max(z) is only exact to ε·max|z|.

Known mistakes are recognised by their numbers: each ``*_near_misses``
function computes, in float64 as the learner would, what each mistake returns
on the same input (overflowing ones included: inf and NaN are matched where
they fall), and a failure names the first one the answer equals.
"""

import numpy as np
import pytest

from grader.feedback import Feedback
from grader.outcomes import Wrong
from grader.suites import cases, checks, oracles

LD = np.longdouble
TOL = 1e-12  # values, relative to max(1, max|input|)
H = 1e-6  # central-difference step
WIDE = 16_000  # classes in the softmax_backward memory test: one WIDE×WIDE Jacobian is 1.9 GiB
EPSILONS = (1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-12, 1e-15, 1e-16)  # the ε people add inside a log


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


def gated(table: dict, names) -> list:
    """The case names of ``table`` for parametrize, those in ``names`` marked gated: their
    right answer is the same whatever the draw, so they count once the ordinary cases pass."""
    return [pytest.param(name, marks=pytest.mark.gated) if name in names else name for name in table]


def quietly(f, *args):
    """What a near miss returns in float64, overflow and 0/0 included; None where it raises."""
    with np.errstate(all="ignore"):
        try:
            return f(*args)
        except (ValueError, IndexError):
            return None


def naming(run, got, expected, near_misses, allowed):
    """Run the checks in ``run``; a failure names the near miss ``got`` equals (to ``allowed``)."""
    try:
        run()
    except Wrong as wrong:
        raise wrong.naming(checks.near_miss_special(got, expected, near_misses(), allowed))


# --- softmax, logsumexp, log_softmax: one set of inputs ------------------------------------


def far_apart(g, shape, axis):
    """Slices along ``axis`` centred at +1e4, −1e4 or 0: one shift for the whole array is not enough."""
    centre_shape = list(shape)
    centre_shape[axis] = 1
    return g.choice([-1e4, 0.0, 1e4], size=centre_shape) + g.standard_normal(shape)


FAMILY = {  # name -> rng -> (z, axis or None for the default)
    "1d": lambda g: (2 * g.standard_normal(6), None),
    "2d-square": lambda g: (3 * g.standard_normal((4, 4)), None),
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
CONSTANT = {"all-equal-rows", "one-class"}  # softmax 1/C and log_softmax −log C whatever z is


def normalised(e, axis):
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_near_misses(z, axis):
    """(mistake, what it returns) for softmax(z, axis) in float64."""
    z = np.asarray(z, dtype=float)
    return [
        ("softmax.no_max_shift", quietly(lambda: normalised(np.exp(z), axis))),
        ("softmax.global_max", quietly(lambda: normalised(np.exp(z - np.max(z)), axis))),
        ("softmax.max_without_keepdims", quietly(lambda: normalised(np.exp(z - np.max(z, axis=axis)), axis))),
        (
            "softmax.max_over_last_axis",
            quietly(lambda: normalised(np.exp(z - np.max(z, axis=-1, keepdims=True)), axis)),
        ),
        (
            "softmax.sum_over_last_axis",
            quietly(lambda: normalised(np.exp(z - np.max(z, axis=axis, keepdims=True)), -1)),
        ),
    ]


def check_sums_to_one(s, axis) -> None:
    """Each slice along the requested axis sums to 1; say so if another axis does instead."""
    sums = s.sum(axis=axis)
    if np.max(np.abs(sums - 1.0)) <= 1e-9:
        return
    others = [k for k in range(s.ndim) if k != axis % s.ndim and np.max(np.abs(s.sum(axis=k) - 1.0)) <= 1e-9]
    raise Wrong(
        "softmax.sums_to_one",
        axis=axis,
        sums=sums,
        notes=[Feedback("softmax.sums_along_other_axis", {"other": others[0]})] if others else (),
    )


@pytest.mark.function("softmax")
@pytest.mark.parametrize("case", gated(FAMILY, CONSTANT))
def test_softmax(learner, seed, case):
    z, axis = FAMILY[case](cases.rng(seed, "softmax", case))
    ax = -1 if axis is None else axis
    result = call(learner, "softmax", z, axis)
    expected, scale = ref_softmax(z, ax), magnitude(z)

    def run():
        checks.no_warnings(learner, "softmax", advice="softmax.stable")
        s = checks.array(result, "softmax(z)", np.shape(z))
        check_sums_to_one(s, ax)
        checks.close(s, expected, "softmax(z)", tol=TOL, scale=scale, code="softmax.values", axis=ax)

    naming(run, result, expected, lambda: softmax_near_misses(z, ax), TOL * scale)


def reduced(result, shape, axis, name):
    """logsumexp's answer has ``shape`` without ``axis`` (a number for 1-D z).

    The reduced axis kept as size 1 (keepdims=True) is not accepted: for axis=0 it is the
    same shape as the right answer with an extra leading axis."""
    out_shape = shape[: axis % len(shape)] + shape[axis % len(shape) + 1 :]
    keep_shape = shape[: axis % len(shape)] + (1,) + shape[axis % len(shape) + 1 :]
    if isinstance(result, np.ndarray) and result.shape == keep_shape and keep_shape != out_shape:
        raise Wrong(
            "check.shape", name=name, shape=result.shape, expected_shape=out_shape, mistake="softmax.logsumexp_keepdims"
        )
    if out_shape == ():
        return checks.scalar(result, name)
    return checks.array(result, name, out_shape)


def logsumexp_near_misses(z, axis):
    z = np.asarray(z, dtype=float)
    m = np.max(z, axis=axis, keepdims=True)
    return [
        ("softmax.logsumexp_shift_not_added_back", quietly(lambda: np.log(np.sum(np.exp(z - m), axis=axis)))),
        ("softmax.logsumexp_no_shift", quietly(lambda: np.log(np.sum(np.exp(z), axis=axis)))),
    ]


@pytest.mark.function("logsumexp")
@pytest.mark.parametrize("case", gated(FAMILY, CONSTANT))
def test_logsumexp(learner, seed, case):
    z, axis = FAMILY[case](cases.rng(seed, "logsumexp", case))
    ax = -1 if axis is None else axis
    result = call(learner, "logsumexp", z, axis)
    expected, scale = ref_logsumexp(z, ax), magnitude(z)

    def run():
        checks.no_warnings(learner, "logsumexp", advice="softmax.stable_logsumexp")
        value = reduced(result, np.shape(z), ax, "logsumexp(z)")
        checks.close(value, expected, "logsumexp(z)", tol=TOL, scale=scale, code="softmax.logsumexp", axis=ax)

    naming(run, result, expected, lambda: logsumexp_near_misses(z, ax), TOL * scale)


def epsilon_inside_log(got, p) -> float | None:
    """ε when got = log(p + ε) entry by entry for one ε > 0 (np.log(softmax + ε)), else None."""
    try:
        est = np.exp(np.asarray(got, dtype=float)) - np.asarray(p, dtype=float)
    except (TypeError, ValueError):
        return None
    if est.shape != np.shape(p) or not np.all(np.isfinite(est)):
        return None
    eps = float(np.median(est))
    return eps if eps > 0 and np.max(np.abs(est - eps)) <= 1e-2 * eps + 4e-16 else None


def log_softmax_near_misses(z, axis, got):
    z = np.asarray(z, dtype=float)
    p = quietly(lambda: normalised(np.exp(z - np.max(z, axis=axis, keepdims=True)), axis))
    eps = epsilon_inside_log(got, p)
    return [
        ("softmax.log_of_softmax", quietly(np.log, p)),
        ("softmax.epsilon_inside_log", None if eps is None else np.log(p + eps)),
        ("softmax.log_softmax_no_shift", quietly(lambda: z - np.log(np.sum(np.exp(z), axis=axis, keepdims=True)))),
    ]


@pytest.mark.function("log_softmax")
@pytest.mark.parametrize("case", gated(FAMILY, CONSTANT))
def test_log_softmax(learner, seed, case):
    z, axis = FAMILY[case](cases.rng(seed, "log_softmax", case))
    ax = -1 if axis is None else axis
    result = call(learner, "log_softmax", z, axis)
    expected, scale = ref_log_softmax(z, ax), magnitude(z)

    def run():
        checks.no_warnings(learner, "log_softmax", advice="softmax.stable_log_softmax")
        value = checks.array(result, "log_softmax(z)", np.shape(z))
        checks.close(value, expected, "log_softmax(z)", tol=TOL, scale=scale, code="softmax.log_softmax", axis=ax)

    naming(run, result, expected, lambda: log_softmax_near_misses(z, ax, result), TOL * scale)


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


def jacobian_near_misses(z):
    s = quietly(lambda: normalised(np.exp(z - np.max(z)), -1))
    return [
        ("softmax.jacobian_missing_diag", -np.outer(s, s)),
        ("softmax.jacobian_sign_flipped", np.outer(s, s) - np.diag(s)),
        ("softmax.jacobian_elementwise", np.diag(s * (1 - s))),
    ]


def check_jacobian(J, z, scale) -> None:
    i, j = np.unravel_index(int(np.argmax(np.abs(J - J.T))), J.shape)
    if abs(J[i, j] - J[j, i]) > TOL * scale:
        raise Wrong("softmax.jacobian_symmetric", i=int(i), j=int(j), J_ij=float(J[i, j]), J_ji=float(J[j, i]), J=J)
    rows = J.sum(axis=1)
    if np.max(np.abs(rows)) > TOL * scale:
        raise Wrong("softmax.jacobian_row_sums", rows=rows, J=J)
    checks.close(J, central_differences(ref_softmax, z), "J", tol=fd_tol(z), code="softmax.jacobian")


@pytest.mark.function("softmax_jacobian")
@pytest.mark.parametrize("case", gated(JACOBIAN, {"single", "ties"}))  # J = 0; J = I/4 − 1/16
def test_softmax_jacobian(learner, seed, case):
    for draw in range(3 if case == "random" else 1):
        judge_jacobian(learner, JACOBIAN[case](cases.rng(seed, "softmax_jacobian", case, draw)))


def judge_jacobian(learner, z) -> None:
    zf = np.asarray(z, dtype=float)
    result = learner.softmax_jacobian(z)
    s = ref_softmax(zf).astype(float)
    expected = np.diag(s) - np.outer(s, s)

    def run():
        checks.no_warnings(learner, "softmax_jacobian", advice="softmax.stable")
        check_jacobian(checks.array(result, "J", (len(zf), len(zf))), z, magnitude(z))

    naming(run, result, expected, lambda: jacobian_near_misses(zf), 1e-10)


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


def backward_near_misses(s, g, axis):
    return [
        ("softmax.backward_diagonal_only", s * g),
        ("softmax.backward_sum_over_last_axis", s * (g - np.sum(g * s, axis=-1, keepdims=True))),
        ("softmax.backward_sign_flipped", -jacobian_product(s, g, axis)),
    ]


@pytest.mark.function("softmax_backward")
@pytest.mark.parametrize("case", BACKWARD)
def test_softmax_backward(learner, seed, case):
    s, g, axis = BACKWARD[case](cases.rng(seed, "softmax_backward", case))
    ax = -1 if axis is None else axis
    result = learner.softmax_backward(s, g) if axis is None else learner.softmax_backward(s, g, axis=axis)
    gf = np.asarray(g, dtype=float)
    expected, scale = jacobian_product(s, gf, ax), magnitude(g)

    def run():
        checks.no_warnings(learner, "softmax_backward")
        dz = checks.array(result, "dz", s.shape)
        checks.close(dz, expected, "dz", tol=TOL, scale=scale, code="softmax.backward", axis=ax)

    naming(run, result, expected, lambda: backward_near_misses(s, gf, ax), TOL * scale)


@pytest.mark.function("softmax_backward")
@pytest.mark.gated  # structural: memory
def test_softmax_backward_without_jacobian(learner, seed):
    g = cases.rng(seed, "softmax_backward", "wide")
    s, upstream = ref_softmax(g.standard_normal((3, WIDE))).astype(float), g.standard_normal((3, WIDE))
    if learner.raises("softmax_backward", s, upstream) == "MemoryError":
        raise Wrong(
            "softmax.backward_memory",
            rows=3,
            wide=WIDE,
            gib=WIDE**2 * 8 / 2**30,
            mistake="softmax.backward_builds_jacobian",
        )
    dz = checks.array(learner.softmax_backward(s, upstream), "dz", s.shape)
    s_ld = s.astype(LD)
    expected = s_ld * (upstream - np.sum(upstream * s_ld, axis=-1, keepdims=True))
    checks.close(dz, expected, "dz", tol=TOL, scale=magnitude(upstream), code="softmax.backward", axis=-1)


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


def probabilities(logits):
    z = np.asarray(logits, dtype=float)
    return quietly(lambda: normalised(np.exp(z - np.max(z, axis=1, keepdims=True)), 1))


def cross_entropy_near_misses(logits, labels, expected):
    p, labels = probabilities(logits), np.asarray(labels, dtype=int)
    rows = np.arange(len(labels))
    return [
        ("softmax.cross_entropy_sum", len(labels) * expected),
        ("softmax.log_of_softmax", quietly(lambda: -np.mean(np.log(p[rows, labels])))),
        ("softmax.cross_entropy_picks_columns", quietly(lambda: -np.mean(np.log(p)[:, labels]))),
        *[("softmax.epsilon_inside_log", quietly(lambda e=e: -np.mean(np.log(p[rows, labels] + e)))) for e in EPSILONS],
    ]


@pytest.mark.function("cross_entropy")
@pytest.mark.parametrize("case", gated(CROSS_ENTROPY, {"uniform", "one-class"}))  # log C; 0
def test_cross_entropy(learner, seed, case):
    logits, labels = CROSS_ENTROPY[case](cases.rng(seed, "cross_entropy", case))
    result = learner.cross_entropy(logits, labels)
    expected, allowed = float(ref_cross_entropy(logits, labels)), TOL * magnitude(logits)

    def run():
        checks.no_warnings(learner, "cross_entropy", advice="softmax.stable_cross_entropy")
        loss = checks.scalar(result, "the loss")
        checks.close(loss, expected, "the loss", tol=allowed, code="softmax.cross_entropy", n=len(labels))

    naming(run, result, expected, lambda: cross_entropy_near_misses(logits, labels, expected), allowed / 10)


def cross_entropy_grad_near_misses(logits, labels):
    p, labels = probabilities(logits), np.asarray(labels, dtype=int)
    n = len(labels)
    onehot = np.zeros_like(p)
    onehot[np.arange(n), labels] = 1.0
    columns = p.copy()
    columns[:, labels] -= 1.0
    return [
        ("softmax.grad_without_mean", p - onehot),
        ("softmax.grad_onehot_columns", columns / n),
        ("softmax.grad_sign_flipped", (onehot - p) / n),
    ]


@pytest.mark.function("cross_entropy_grad")
@pytest.mark.parametrize("case", gated(CROSS_ENTROPY, {"one-class"}))  # 0
def test_cross_entropy_grad(learner, seed, case):
    logits, labels = CROSS_ENTROPY[case](cases.rng(seed, "cross_entropy_grad", case))
    shape = np.shape(logits)
    result = learner.cross_entropy_grad(logits, labels)
    expected = central_differences(lambda x: ref_cross_entropy(x, labels), logits)
    allowed = fd_tol(logits)

    def run():
        checks.no_warnings(learner, "cross_entropy_grad", advice="softmax.stable")
        grad = checks.array(result, "grad", shape)
        checks.close(grad, expected, "grad", tol=allowed, code="softmax.cross_entropy_grad", n=shape[0])

    naming(run, result, expected, lambda: cross_entropy_grad_near_misses(logits, labels), allowed)
