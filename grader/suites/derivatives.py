"""Hidden suite: derivatives — central differences, rel_error, Rosenbrock, Newton, critical points.

Oracles, computed in this trusted process. The test functions handed to the
learner (grader.worker.scenarios.derivatives, built here too to evaluate them) are
quadratics, sines and cubics, whose two-point central difference is known in
closed form for any step h: exact for a quadratic, d·(3x² + h²) for d·x³,
c·cos(x)·sin(h)/h for c·sin(x). So any eps can be checked, and the tolerance
only covers rounding, about ε_mach·|f|/eps, with a margin of ~100. Forward
differences err by eps/2·f'', which the "stiff" cases (f'' ~ 10⁴ where the
gradient is ~10) make a thousand times larger than the tolerance. Hessians
against analytic ones (eps = 1e-4: truncation and rounding both ~1e-8·|f|).
Rosenbrock from closed forms; Newton iterates recomputed here with
numpy.linalg.solve; critical points from Hessians Q·diag(λ)·Qᵀ with chosen λ.

A failure names the known mistake its numbers fit: each candidate is what
that near-miss returns on the same input, computed here the near-miss's way
(forward differences of the same f, the Newton path with the step's sign
flipped, the classification with tol ignored, …).
"""

import contextlib
import dataclasses
import functools
import math
import time

import numpy as np
import pytest

from grader.feedback import Feedback
from grader.learner import NO_CONTEXT
from grader.outcomes import SubmissionFault, Wrong
from grader.suites import cases, checks, oracles
from grader.wire import FnRef
from grader.worker.scenarios import derivatives as refs

DEFAULT_EPS = 1e-6


@contextlib.contextmanager
def handed(where: Feedback, in_place: str):
    """Failures inside say what f (grad, hess) is (the note ``where``); a changed argument
    is named as the mistake ``in_place`` (perturbing or stepping the caller's array)."""
    try:
        yield
    except (Wrong, SubmissionFault) as exc:
        if getattr(exc, "kind", "") not in NO_CONTEXT:  # not for "not implemented yet" and the like
            exc.feedback = dataclasses.replace(exc.feedback, notes=exc.feedback.notes + (where,))
        if isinstance(exc, Wrong) and exc.feedback.code == "check.mutated":
            exc.naming(in_place)
        raise


def symmetric(g, eigenvalues) -> np.ndarray:
    """Q·diag(λ)·Qᵀ for a random orthogonal Q, symmetrised exactly."""
    Q = cases.orthogonal(g, len(eigenvalues))
    H = (Q * np.asarray(eigenvalues, dtype=float)) @ Q.T
    return (H + H.T) / 2


def integer_input(x) -> bool:
    return np.asarray(x).dtype.kind in "iu"


def dtype_mistake(wrong: Wrong, x) -> str | None:
    """An integer result for an integer x: x was copied without converting it to float."""
    return "derivatives.integer_x" if wrong.feedback.code == "check.dtype" and integer_input(x) else None


# --- the smooth scalar test function -----------------------------------------------


def smooth_case(g, shape, *, curvature=(0.5, 3.0), c=1.0, d=0.3, x=None):
    """Parameters (A, m, c, d), |eigenvalues of A| in ``curvature``, and a point x (random unless given)."""
    n = math.prod(shape)
    A = symmetric(g, g.choice([-1, 1], n) * g.uniform(*curvature, n))
    m = g.standard_normal(shape)
    params = {"A": A, "m": m, "c": c * g.standard_normal(shape), "d": d * g.standard_normal(shape)}
    return params, (m + g.standard_normal(shape) if x is None else x)


def smooth_central(p, x, h) -> np.ndarray:
    """The two-point central difference of the smooth f, in real arithmetic, for step h."""
    x = np.asarray(x, dtype=float)
    r = (x - p["m"]).ravel()
    return (p["A"] @ r).reshape(x.shape) + p["c"] * np.cos(x) * (math.sin(h) / h) + p["d"] * (3 * x**2 + h**2)


def smooth_size(p, x) -> float:
    """Σ of the magnitudes of f's terms: the size rounding errors in f(x) scale with."""
    x = np.asarray(x, dtype=float)
    r = np.abs(x - p["m"]).ravel()
    return float(0.5 * r @ np.abs(p["A"]) @ r + np.sum(np.abs(p["c"])) + np.sum(np.abs(p["d"] * x**3)))


def one_sided(f, x, h) -> np.ndarray:
    """(f(x + h·eᵢ) − f(x))/h for every index i (h < 0: backward differences); f may be vector-valued,
    the difference along xᵢ is then column i."""
    x = np.asarray(x, dtype=float)
    f0 = np.asarray(f(x), dtype=float)
    columns = []
    for i in np.ndindex(x.shape):
        y = x.copy()
        y[i] += h
        columns.append((np.asarray(f(y), dtype=float) - f0) / h)
    return np.stack(columns, axis=-1).reshape(f0.shape + x.shape)


def away_from_rounding(g, shape, eps) -> np.ndarray:
    """Entries of eps's size for which (x + eps) − eps and ((x + eps) − 2·eps) + eps both differ from x.

    (For |x| ≫ eps the first usually rounds back to x; near eps's size it often does not.)
    """
    x = g.choice([-1, 1], 100 * math.prod(shape)) * eps * 10 ** g.uniform(-1, 1, 100 * math.prod(shape))
    moved = ((x + eps) - eps != x) & (((x + eps) - 2 * eps) + eps != x)
    return x[moved][: math.prod(shape)].reshape(shape)


def _stiff(g):
    """f'' ~ 10⁴ near x, gradient ~ 10: forward differences are off by ~eps/2·10⁴."""
    p, _ = smooth_case(g, (4,), curvature=(2e3, 1e4), c=0.1, d=0.1)
    return p, p["m"] + 1e-3 * g.standard_normal(4), None


def _unchanged(g):
    p, _ = smooth_case(g, (3, 2))
    return p, away_from_rounding(g, (3, 2), DEFAULT_EPS), None


GRADIENT = {
    "vector": lambda g: (*smooth_case(g, (5,)), None),
    "single": lambda g: (*smooth_case(g, (1,)), None),
    "matrix-3x2": lambda g: (*smooth_case(g, (3, 2)), None),
    "tensor-2x2x2": lambda g: (*smooth_case(g, (2, 2, 2)), None),
    "integers": lambda g: (*smooth_case(g, (4,), x=g.integers(-3, 4, 4).tolist()), None),
    "stiff": _stiff,
    "eps-0.1": lambda g: (*smooth_case(g, (4,), d=1.0), 0.1),
    "x-left-unchanged": _unchanged,
}


def smooth_note(p) -> Feedback:
    return Feedback("derivatives.f_smooth", dict(p))


@pytest.mark.function("numerical_gradient")
@pytest.mark.parametrize("case", GRADIENT)
def test_numerical_gradient(learner, seed, case):
    p, x, eps = GRADIENT[case](cases.rng(seed, "numerical_gradient", case))
    ref = FnRef("derivatives.smooth", p["A"], p["m"], p["c"], p["d"])
    options = {"eps": eps} if eps is not None else {}
    xf, h = np.asarray(x, dtype=float), options.get("eps", DEFAULT_EPS)
    expected = smooth_central(p, xf, h)
    f = refs.smooth(None, p["A"], p["m"], p["c"], p["d"])
    allowed = 1e-7 * max(np.max(np.abs(expected)), smooth_size(p, xf))
    near_misses = [
        ("derivatives.forward_differences", one_sided(f, xf, h)),
        ("derivatives.backward_differences", one_sided(f, xf, -h)),
        ("derivatives.divisor_not_distance", 2 * expected),
        ("derivatives.divided_by_four_eps", expected / 2),
        ("derivatives.step_two_eps", 2 * smooth_central(p, xf, 2 * h)),
        ("derivatives.ignores_eps", smooth_central(p, xf, DEFAULT_EPS)),
    ]
    with handed(smooth_note(p), "derivatives.perturbs_caller_x"):
        raw = learner.numerical_gradient(ref, x, **options)
        try:
            got = checks.array(raw, "grad", xf.shape)
            checks.close(got, expected, "grad", tol=allowed, code="derivatives.central_gradient", eps=h)
        except Wrong as wrong:
            wrong.naming(dtype_mistake(wrong, x) or checks.near_miss(raw, expected, near_misses, allowed))
            if wrong.feedback.code == "derivatives.central_gradient" and learner.pictures:  # the right shape
                wrong.adding(**step_sweep(learner, ref, f, p, xf))
            raise wrong


SWEEP_STEPS = 10.0 ** -np.arange(1.0, 11.0)  # 1e-1 … 1e-10: truncation error on the left, rounding on the right
SWEEP_BUDGET = 1.0  # seconds of the learner's calls a sweep may take; past it, no sweep


def smooth_gradient(p, x) -> np.ndarray:
    """∇f(x) of the smooth f exactly: the central difference's limit h → 0."""
    return (p["A"] @ (x - p["m"]).ravel()).reshape(x.shape) + p["c"] * np.cos(x) + 3 * p["d"] * x**2


def step_sweep(learner, ref, f, p, x) -> dict:
    """The gradient check's error against the step size, for the picture (grader.pictures.steps):
    max|g_h − ∇f| / max|∇f| of the learner's numerical_gradient(f, x, eps=h) and of right central
    differences, for each h in SWEEP_STEPS. {} when a call fails or the sweep would take too long.

    The sweep's calls judge nothing (``learner.aside``): the test has failed already, the call it
    reports stays its own, and a timeout here is no strike against the function's other tests.
    """
    exact = smooth_gradient(p, x)
    scale = max(float(np.max(np.abs(exact))), 1e-300)
    start, errors = time.monotonic(), []
    with learner.aside():
        try:
            for h in SWEEP_STEPS:
                g = checks.array(learner.numerical_gradient(ref, x, eps=float(h)), "grad", x.shape, finite=False)
                errors.append(float(np.max(np.abs(g - exact))) / scale)
                if time.monotonic() - start > SWEEP_BUDGET:
                    return {}
        except (Wrong, SubmissionFault):
            return {}
    right = [float(np.max(np.abs(oracles.central_differences(f, x, h) - exact))) / scale for h in SWEEP_STEPS]
    return dict(steps=SWEEP_STEPS, step_errors=np.array(errors), right_step_errors=np.array(right))


# --- numerical_jacobian ------------------------------------------------------------------


def field_case(g, m, n, *, freq=1.0, c=1.0, x=None):
    params = {"M": g.standard_normal((m, n)), "c": c * g.standard_normal(m), "B": freq * g.standard_normal((m, n))}
    return params, (g.standard_normal(n) if x is None else x)


def field_central(p, x, h) -> np.ndarray:
    """M + diag(c·cos(Bx))·B with each B_ij replaced by sin(h·B_ij)/h: the exact central difference."""
    return p["M"] + (p["c"] * np.cos(p["B"] @ x))[:, None] * (np.sin(h * p["B"]) / h)


JACOBIAN = {
    "lecture": lambda g: (None, [2.0, 3.0], None),
    "tall-5x3": lambda g: (*field_case(g, 5, 3), None),
    "wide-2x5": lambda g: (*field_case(g, 2, 5), None),
    "one-output": lambda g: (*field_case(g, 1, 4), None),
    "one-input": lambda g: (*field_case(g, 3, 1), None),
    "integers": lambda g: (*field_case(g, 3, 3, x=g.integers(-3, 4, 3).tolist()), None),
    "stiff": lambda g: (*field_case(g, 3, 3, freq=100.0, c=0.01), None),
    "eps-0.01": lambda g: (*field_case(g, 3, 2, freq=10.0), 0.01),
}


@pytest.mark.function("numerical_jacobian")
@pytest.mark.parametrize("case", JACOBIAN)
def test_numerical_jacobian(learner, seed, case):
    p, x, eps = JACOBIAN[case](cases.rng(seed, "numerical_jacobian", case))
    options = {"eps": eps} if eps is not None else {}
    xf, h = np.asarray(x, dtype=float), options.get("eps", DEFAULT_EPS)
    if p is None:  # §1.4: f(x) = [x₀² + x₁, x₀·x₁], whose central differences are exact
        ref, f, note = FnRef("derivatives.lecture_field"), refs.lecture_field(None), Feedback("derivatives.f_lecture")
        expected = np.array([[2 * xf[0], 1.0], [xf[1], xf[0]]])
        at_default = expected
        size = xf[0] ** 2 + abs(xf[1]) + abs(xf[0] * xf[1])
    else:
        ref, f = FnRef("derivatives.field", p["M"], p["c"], p["B"]), refs.field(None, p["M"], p["c"], p["B"])
        note = Feedback("derivatives.f_field", dict(p))
        expected, at_default = field_central(p, xf, h), field_central(p, xf, DEFAULT_EPS)
        size = np.max(np.abs(p["M"]) @ np.abs(xf) + np.abs(p["c"]))
    allowed = 1e-7 * max(np.max(np.abs(expected)), size)
    near_misses = [
        ("derivatives.jacobian_transposed", expected.T),
        ("derivatives.forward_differences", one_sided(f, xf, h)),
        ("derivatives.divisor_not_distance", 2 * expected),
        ("derivatives.ignores_eps", at_default),
    ]
    with handed(note, "derivatives.perturbs_caller_x"):
        raw = learner.numerical_jacobian(ref, x, **options)
        try:
            got = checks.array(raw, "J", expected.shape)
            checks.close(got, expected, "J", tol=allowed, code="derivatives.central_jacobian", eps=h)
        except Wrong as wrong:
            raise wrong.naming(dtype_mistake(wrong, x) or checks.near_miss(raw, expected, near_misses, allowed))


# --- numerical_hessian -------------------------------------------------------------------


def _rosen_hessian(x) -> np.ndarray:
    x0, x1 = x
    return np.array([[2 - 400 * (x1 - x0**2) + 800 * x0**2, -400 * x0], [-400 * x0, 200.0]])


def _rosen_size(x) -> float:
    """The size of the terms of f(x): what its rounding errors scale with (likewise below)."""
    x0, x1 = np.abs(x)
    return (1 + x0) ** 2 + 100 * (x1 + x0**2) ** 2


def _rosen_grad_size(x) -> float:
    x0, x1 = np.abs(x)
    return 2 * (1 + x0) + 400 * (1 + x0) * (x1 + x0**2)


def _rosen_hessian_size(x) -> float:
    x0, x1 = np.abs(x)
    return 202 + 400 * (x0 + x1) + 1200 * x0**2


def hessian_forward_of_gradient(f, x, eps) -> np.ndarray:
    """The near-miss (∇f(x + eps·eⱼ) − ∇f(x))/eps column by column, symmetrised."""

    def gradient(y):
        return oracles.central_differences(f, y, eps)

    g0 = gradient(x)
    H = np.column_stack([(gradient(x + eps * e) - g0) / eps for e in np.eye(x.size)])
    return (H + H.T) / 2


HESSIAN = {
    "random-4": lambda g: smooth_case(g, (4,)),
    "random-6": lambda g: smooth_case(g, (6,), d=1.0),
    "single": lambda g: smooth_case(g, (1,)),
    "integers": lambda g: smooth_case(g, (3,), x=g.integers(-2, 3, 3).tolist()),
    "rosenbrock-lecture": lambda g: (None, [-1.0, 1.0]),
    "rosenbrock-random": lambda g: (None, g.uniform(-2, 2, 2)),
}


@pytest.mark.function("numerical_hessian")
@pytest.mark.parametrize("case", HESSIAN)
def test_numerical_hessian(learner, seed, case):
    p, x = HESSIAN[case](cases.rng(seed, "numerical_hessian", case))
    xf = np.asarray(x, dtype=float)
    if p is None:
        ref, f, note = FnRef("derivatives.rosen"), refs.rosen(None), Feedback("derivatives.f_rosenbrock")
        expected, size = _rosen_hessian(xf), _rosen_size(xf)
    else:
        ref, f = FnRef("derivatives.smooth", p["A"], p["m"], p["c"], p["d"]), refs.smooth(None, **p)
        note = smooth_note(p)
        expected, size = p["A"] + np.diag(-p["c"] * np.sin(xf) + 6 * p["d"] * xf), smooth_size(p, xf)
    n = xf.size
    allowed = 1e-6 * max(np.max(np.abs(expected)), size)
    with handed(note, "derivatives.perturbs_caller_x"):
        raw = learner.numerical_hessian(ref, x)
        try:
            H = checks.array(raw, "H", (n, n))
        except Wrong as wrong:
            raise wrong.naming(dtype_mistake(wrong, x))
        if not np.array_equal(H, H.T):
            i, j = (int(k) for k in np.unravel_index(np.argmax(np.abs(H - H.T)), H.shape))
            raise Wrong(
                "derivatives.hessian_symmetric",
                i=i,
                j=j,
                h_ij=float(H[i, j]),
                h_ji=float(H[j, i]),
                gap=abs(float(H[i, j] - H[j, i])),
                mistake="derivatives.hessian_not_symmetrised",
            )
        near_misses = [
            ("derivatives.hessian_mixed_divisor", 4 * expected),
            ("derivatives.hessian_forward_gradient", hessian_forward_of_gradient(f, xf, 1e-4)),
        ]
        checks.close(
            H,
            expected,
            "H",
            tol=allowed,
            code="derivatives.hessian",
            mistake=checks.near_miss(H, expected, near_misses, allowed),
        )


# --- rel_error -----------------------------------------------------------------------

REL_ERROR = {
    "random": lambda g: (g.standard_normal((3, 4)), g.standard_normal((3, 4))),
    "close": lambda g: ((a := g.standard_normal(5)), a * (1 + 1e-7 * g.standard_normal(5))),
    "mixed-scales": lambda g: (np.array([1e3, 1e-3, 5.0]), np.array([1e3 + 1, 2e-3, 5.0])),
    "opposite": lambda g: ((a := g.standard_normal(4)), -a),
    "zero-and-tiny": lambda g: (np.array([0.0, 1e-12, 1.0]), np.array([1e-12, 0.0, 1.0])),
    "near-the-floor": lambda g: (np.array([3e-9, 5.0]), np.array([1e-9, 5.0])),
    "integers": lambda g: ([[1, 2], [3, 4]], [[1, 2], [3, 5]]),
    "equal": lambda g: ((a := g.standard_normal(6)), a.copy()),
    "zeros": lambda g: (np.zeros(3), np.zeros(3)),
}
REL_ERROR_GATED = {"equal", "zeros"}  # the right answer is 0 (gated cases last: a failure shows first)


def rel_error_mistake(got: float, a, b, expected: float, allowed: float) -> str | None:
    diff, total = np.abs(a - b), np.abs(a) + np.abs(b)
    with np.errstate(invalid="ignore", divide="ignore"):
        near_misses = [
            ("derivatives.rel_error_max_over_max", float(np.max(diff)) / max(1e-8, float(np.max(total)))),
            ("derivatives.rel_error_no_floor", float(np.max(diff / total))),
            ("derivatives.rel_error_floor_added", float(np.max(diff / (1e-8 + total)))),
        ]
    for mistake, value in near_misses:
        if np.isnan(value) and np.isnan(got) and not np.isnan(expected):
            return mistake
    return checks.near_miss(got, expected, [nm for nm in near_misses if np.isfinite(nm[1])], allowed)


@pytest.mark.function("rel_error")
@pytest.mark.parametrize(
    "case", [pytest.param(c, marks=pytest.mark.gated) if c in REL_ERROR_GATED else c for c in REL_ERROR]
)
def test_rel_error(learner, seed, case):
    a, b = REL_ERROR[case](cases.rng(seed, "rel_error", case))
    af, bf = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    ratios = np.abs(af - bf) / np.maximum(1e-8, np.abs(af) + np.abs(bf))
    got = checks.scalar(learner.rel_error(a, b), "rel_error(a, b)", finite=False)
    expected = float(np.max(ratios))
    allowed = 1e-12 * max(expected, 1e-300)
    where = tuple(int(i) for i in np.unravel_index(np.argmax(ratios), ratios.shape))
    checks.close(
        got,
        expected,
        "rel_error(a, b)",
        tol=allowed,
        code="derivatives.rel_error",
        where=where,
        mistake=rel_error_mistake(got, af, bf, expected, allowed),
    )


# --- rosenbrock, its gradient and Hessian --------------------------------------------

POINTS = {
    "lecture-start": lambda g: [-1.0, 1.0],
    "origin": lambda g: [0.0, 0.0],
    "random": lambda g: g.uniform(-2, 2, 2),
    "random-far": lambda g: g.uniform(-30, 30, 2),
    "integers": lambda g: g.integers(-3, 4, 2).tolist(),
    "minimum": lambda g: [1.0, 1.0],
}
DRAWS = {"random": 4, "random-far": 2}


def point_cases(gated=()):
    """POINTS' names, those in ``gated`` (where the right answer is 0) marked gated."""
    return [pytest.param(c, marks=pytest.mark.gated) if c in gated else c for c in POINTS]


def points(seed, function, case):
    return [POINTS[case](cases.rng(seed, function, case, draw)) for draw in range(DRAWS.get(case, 1))]


def central_2d(f, x, h=1e-5) -> np.ndarray:
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(2)])


def rosen_value(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def rosen_gradient(x):
    return np.array([-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)])


@pytest.mark.function("rosenbrock")
@pytest.mark.parametrize("case", point_cases(gated={"minimum"}))
def test_rosenbrock(learner, seed, case):
    for x in points(seed, "rosenbrock", case):
        got = checks.scalar(learner.rosenbrock(x), "rosenbrock(x)")
        xf = np.asarray(x, dtype=float)
        checks.close(
            got, rosen_value(xf), "rosenbrock(x)", tol=1e-13, scale=_rosen_size(xf), code="derivatives.rosenbrock"
        )


@pytest.mark.function("rosenbrock_grad")
@pytest.mark.parametrize("case", point_cases(gated={"minimum"}))
def test_rosenbrock_grad(learner, seed, case):
    for x in points(seed, "rosenbrock_grad", case):
        xf = np.asarray(x, dtype=float)
        got = checks.array(learner.rosenbrock_grad(x), "grad", (2,))
        expected = rosen_gradient(xf)
        x0, x1 = xf
        allowed = 1e-13 * _rosen_grad_size(xf)
        near_misses = [
            ("derivatives.rosenbrock_inner_sign", expected + [4 * (1 - x0), 0.0]),
            ("derivatives.rosenbrock_chain_factor", [-2 * (1 - x0) + 200 * (x1 - x0**2), expected[1]]),
        ]
        checks.close(
            got,
            expected,
            "grad",
            tol=allowed,
            code="derivatives.rosenbrock_grad",
            central=central_2d(rosen_value, xf),
            mistake=checks.near_miss(got, expected, near_misses, allowed),
        )


@pytest.mark.function("rosenbrock_hessian")
@pytest.mark.parametrize("case", point_cases())
def test_rosenbrock_hessian(learner, seed, case):
    for x in points(seed, "rosenbrock_hessian", case):
        xf = np.asarray(x, dtype=float)
        got = checks.array(learner.rosenbrock_hessian(x), "H", (2, 2))
        expected = _rosen_hessian(xf)
        allowed = 1e-13 * _rosen_hessian_size(xf)
        central = np.column_stack([central_2d(lambda y: rosen_gradient(y)[i], xf) for i in range(2)])
        near_misses = [
            ("derivatives.rosenbrock_product_rule", expected - [[800 * xf[0] ** 2, 0], [0, 0]]),
            ("derivatives.rosenbrock_hessian_transposed_rows", expected[::-1, ::-1]),
        ]
        checks.close(
            got,
            expected,
            "H",
            tol=allowed,
            code="derivatives.rosenbrock_hessian",
            central=central,
            mistake=checks.near_miss(got, expected, near_misses, allowed),
        )


# --- newton_minimize -------------------------------------------------------------------


def cycle_grad(x):
    return np.sign(x) * np.sqrt(np.abs(x))


def cycle_hess(x):
    return np.diag(0.5 / np.sqrt(np.abs(x)))


def newton_path(grad, hess, x0, tol, max_iter, *, sign=-1.0, check_x0=True):
    """The Newton iterates x₀, x₁, … up to the first with ‖grad‖ ≤ tol (or max_iter steps), and their ‖grad‖s.

    ``sign=+1`` steps the wrong way, x + hess⁻¹·grad; ``check_x0=False`` steps before the first check.
    """
    path, norms = [np.array(x0, dtype=float)], []
    while True:
        norms.append(float(np.linalg.norm(grad(path[-1]))))
        if (norms[-1] <= tol and (check_x0 or len(path) > 1)) or len(path) > max_iter:
            return path, norms
        with np.errstate(all="ignore"):
            path.append(path[-1] + sign * np.linalg.solve(hess(path[-1]), grad(path[-1])))


def quadratic(g, eigenvalues) -> dict:
    """grad(x) = A·(x − m), hess(x) = A, for A with the given eigenvalues and a random m."""
    return {"A": symmetric(g, eigenvalues), "m": g.standard_normal(len(eigenvalues))}


def _quadratic(g, eigenvalues, offset=1.0, **options):
    """x0 = m + offset·(a random vector): offset 0 starts at the critical point itself."""
    q = quadratic(g, eigenvalues)
    return ("quadratic", q, q["m"] + offset * g.standard_normal(len(q["m"])), options)


def _cycle(g, **options):
    return ("cycle", {}, g.choice([-1, 1], 3) * g.uniform(0.5, 2, 3), options)


def _within_tol(g):
    q = quadratic(g, [1.0, 2.0, 4.0])
    step = g.standard_normal(3)
    x0 = q["m"] + 1e-6 * step / np.linalg.norm(q["A"] @ step)  # ‖grad(x0)‖ = 1e-6
    return ("quadratic", q, x0, {"tol": 1e-5})


def _near_minimum(g):
    """A start near (1, 1) whose iterates keep ‖grad‖ well away from tol: the count is unambiguous."""
    while True:
        x0 = np.ones(2) + 0.1 * g.standard_normal(2)
        _, norms = newton_path(rosen_gradient, _rosen_hessian, x0, 1e-10, 50)
        if norms[-1] <= 1e-12 and min(norms[:-1]) >= 1e-8:
            return ("rosenbrock", {}, x0, {})


NEWTON = {
    "lecture-quadratic": lambda g: (
        "quadratic",
        {"A": np.array([[2.0, 2.0], [2.0, 6.0]]), "m": np.zeros(2)},
        [5, 3],
        {},
    ),
    "quadratic-one-step": lambda g: _quadratic(g, [0.5, 1.5, 4.0, 2.0]),
    "saddle-one-step": lambda g: _quadratic(g, [-2.0, 1.0, 3.0]),
    "never-converges": lambda g: _cycle(g),
    "max-iter-7": lambda g: _cycle(g, max_iter=7),
    "rosenbrock-lecture": lambda g: ("rosenbrock", {}, [-1, 1], {}),
    "rosenbrock-near-minimum": _near_minimum,
    "rosenbrock-loose-tol": lambda g: ("rosenbrock", {}, [-1.2, 1.0], {"tol": 1e-3}),
    "rosenbrock-max-iter-2": lambda g: ("rosenbrock", {}, [-1.2, 1.0], {"max_iter": 2}),
    "already-at-minimum": lambda g: _quadratic(g, [1.0, 3.0], offset=0.0),
    "within-tol": _within_tol,
}
NEWTON_GATED = {"already-at-minimum", "within-tol"}  # no step at all: the answer is (x0, 0)


def newton_problem(kind, p):
    """(grad ref, hess ref, grad, hess, the note that spells them out) of a Newton case."""
    if kind == "quadratic":
        return (
            FnRef("derivatives.shifted_linear", p["A"], p["m"]),
            FnRef("derivatives.constant", p["A"]),
            lambda x: p["A"] @ (x - p["m"]),
            lambda x: p["A"],
            Feedback("derivatives.f_quadratic", dict(p)),
        )
    if kind == "cycle":
        return (
            FnRef("derivatives.cycle_grad"),
            FnRef("derivatives.cycle_hess"),
            cycle_grad,
            cycle_hess,
            Feedback("derivatives.f_cycle"),
        )
    return (
        FnRef("derivatives.rosen_grad"),
        FnRef("derivatives.rosen_hess"),
        rosen_gradient,
        _rosen_hessian,
        Feedback("derivatives.f_rosenbrock"),
    )


def newton_near_misses(grad, hess, x0, tol, max_iter, path):
    """(mistake, x, n_iter, hess calls) that each known near-miss returns on this problem."""
    out = []
    variants = [
        ("derivatives.newton_step_sign", {"sign": +1.0}),
        ("derivatives.newton_step_before_check", {"check_x0": False}),
    ]
    if max_iter != 50:  # range(50) for the loop, max_iter still returned when it does not converge
        variants.append(("derivatives.newton_ignores_max_iter", {"max_iter": 50}))
    for mistake, variant in variants:
        try:
            other, norms = newton_path(grad, hess, x0, tol, **({"max_iter": max_iter} | variant))
        except np.linalg.LinAlgError:  # the near-miss meets a singular Hessian: it cannot be this one
            continue
        steps = len(other) - 1
        out.append((mistake, other[-1], steps if norms[-1] <= tol else max_iter, steps))
    steps, converged = len(path) - 1, float(np.linalg.norm(grad(path[-1]))) <= tol
    return out + [("derivatives.newton_counts_checks", path[-1], steps + 1 if converged else steps, steps)]


def newton_mistake(x, n_iter, hess_calls, near_misses, expected, allowed) -> str | None:
    for mistake, x_other, n_other, calls in near_misses:
        same_answer = n_iter == n_other and checks.same(x, x_other, allowed * max(1.0, np.max(np.abs(x_other))))
        differs = n_other != expected[1] or not checks.same(expected[0], x_other, allowed)
        if same_answer and differs and calls <= hess_calls <= calls + 1:
            return mistake
    return None


def check_newton(result, path, norms, hess_calls, tol, max_iter, near_misses):
    """``near_misses``: a function giving ``newton_near_misses``, called only to name a failure."""
    x, n_iter = checks.values(result, ("x", "n_iter"), "newton_minimize")
    n_iter = checks.integer(n_iter, "n_iter")
    x = checks.array(x, "x", path[0].shape, finite=False)
    steps = len(path) - 1
    scale = max(1.0, float(np.max(np.abs(path[-1]))))

    def mistake():
        return newton_mistake(x, n_iter, hess_calls, near_misses(), (path[-1], steps), 1e-8 * scale)

    trace = {"n_iter": n_iter, "steps": steps, "tol": tol, "norms": np.array(norms[:8])}
    if n_iter != steps and norms[-1] <= tol:
        raise Wrong("derivatives.newton_steps", mistake=mistake(), **trace)
    if n_iter != steps:
        raise Wrong("derivatives.newton_steps_max_iter", max_iter=max_iter, mistake=mistake(), **trace)
    if not steps <= hess_calls <= steps + 1:
        raise Wrong("derivatives.newton_hess_calls", calls=hess_calls, n_iter=n_iter, mistake=mistake())
    try:
        checks.close(x, path[-1], "x", tol=1e-8, scale=scale, code="derivatives.newton_iterate", steps=steps)
    except Wrong as wrong:
        raise wrong.naming(mistake()) from None


@pytest.mark.function("newton_minimize")
@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.gated) if c in NEWTON_GATED else c for c in NEWTON])
def test_newton_minimize(learner, seed, case):
    kind, p, x0, options = NEWTON[case](cases.rng(seed, "newton_minimize", case))
    grad_ref, hess_ref, grad, hess, note = newton_problem(kind, p)
    tol, max_iter = options.get("tol", 1e-10), options.get("max_iter", 50)
    path, norms = newton_path(grad, hess, x0, tol, max_iter)
    with handed(note, "derivatives.newton_moves_x0"):
        result = learner.newton_minimize(grad_ref, hess_ref, x0, **options)
        hess_calls = learner.last.answer.fn_calls[1]
        near_misses = functools.partial(newton_near_misses, grad, hess, x0, tol, max_iter, path)
        check_newton(result, path, norms, hess_calls, tol, max_iter, near_misses)


# --- classify_critical_point -----------------------------------------------------------

CLASSIFY = {
    "minimum": lambda g: (symmetric(g, [0.5, 2.0, 7.0]), {}, "minimum"),
    "maximum": lambda g: (symmetric(g, [-1.0, -3.0]), {}, "maximum"),
    "saddle": lambda g: (symmetric(g, [2.0, -0.1, 5.0]), {}, "saddle"),
    "saddle-with-zero": lambda g: (symmetric(g, [3.0, 0.0, -2.0]), {}, "saddle"),
    # a zero eigenvalue at rounding level, of the sign that a comparison with 0 instead of ±tol misreads
    "degenerate-psd": lambda g: (symmetric(g, [4.0, 1.0, -1e-12]), {}, "degenerate"),
    "degenerate-nsd": lambda g: (symmetric(g, [-2.0, 1e-12]), {}, "degenerate"),
    "zero-matrix": lambda g: (np.zeros((3, 3)), {}, "degenerate"),
    # B·Bᵀ of a thin B: numerically rank-deficient, the other λ at rounding level (≈1e-16·λ_max), of either sign
    "thin-product-psd": lambda g: (gram(g.standard_normal((4, 2))), {}, "degenerate"),
    "thin-product-nsd": lambda g: (-gram(g.standard_normal((5, 3))), {}, "degenerate"),
    "tiny-eigenvalue": lambda g: (symmetric(g, [1.0, 1e-12]), {}, "degenerate"),
    "tiny-eigenvalue-tol-1e-13": lambda g: (symmetric(g, [1.0, 1e-12]), {"tol": 1e-13}, "minimum"),
    "tol-0.01": lambda g: (symmetric(g, [5.0, -1e-3, 2.0]), {"tol": 0.01}, "degenerate"),
    "lecture": lambda g: ([[2, 2], [2, 6]], {}, "minimum"),
    "one-by-one": lambda g: ([[-3.0]], {}, "maximum"),
}


def gram(B) -> np.ndarray:
    G = B @ B.T
    return (G + G.T) / 2


def classify(lam, tol, *, semidefinite=False) -> str:
    """SPEC's rule on the eigenvalues λ (``semidefinite``: the near-miss that reads λ ≥ −tol as a minimum)."""
    if np.any(lam > tol) and np.any(lam < -tol):
        return "saddle"
    if np.all(lam >= -tol) if semidefinite else np.all(lam > tol):
        return "minimum"
    if np.all(lam < -tol):
        return "maximum"
    return "degenerate"


SWAPPED = {"minimum": "maximum", "maximum": "minimum"}


@pytest.mark.function("classify_critical_point")
@pytest.mark.parametrize("case", CLASSIFY)
def test_classify_critical_point(learner, seed, case):
    H, options, expected = CLASSIFY[case](cases.rng(seed, "classify_critical_point", case))
    got = learner.classify_critical_point(H, **options)
    if got != expected:
        lam = np.linalg.eigvalsh(np.asarray(H, dtype=float))
        tol = options.get("tol", 1e-10)
        near_misses = [
            ("derivatives.classify_ignores_tol", classify(lam, 0.0)),
            ("derivatives.classify_semidefinite_as_minimum", classify(lam, tol, semidefinite=True)),
            ("derivatives.classify_min_max_swapped", SWAPPED.get(expected, expected)),
        ]
        mistake = next((m for m, label in near_misses if label == got != expected), None)
        raise Wrong("derivatives.classify", answer=got, label=expected, eigenvalues=lam, tol=tol, mistake=mistake)
