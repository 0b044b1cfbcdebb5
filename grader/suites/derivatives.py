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
"""

import contextlib
import math

import numpy as np
import pytest

from grader import fmt
from grader.outcomes import SubmissionFault, Wrong
from grader.worker.scenarios import derivatives as refs
from grader.suites import cases, checks
from grader.wire import FnRef

DEFAULT_EPS = 1e-6
SMOOTH_FORMULA = "f(x) = ½·(x − m)ᵀ·A·(x − m) + Σ c·sin(x) + Σ d·x³  (A acts on x.ravel())"
FIELD_FORMULA = "f(x) = M·x + c ⊙ sin(B·x)"


IN_PLACE = {
    "numerical": "x[i] += eps … x[i] -= eps does not give x back: (x + eps) − eps rounds to a neighbour of x. "
                 "Work on a copy (np.array(x, dtype=float)), or save x[i] and put it back.",
    "newton": "x -= step on x = x0 moves the caller's x0: start from a copy, x = np.array(x0, dtype=float).",
}


@contextlib.contextmanager
def spelled_out(learner, context):
    """Failures inside show ``context``, which spells out f (grad, hess), instead of the bare call."""
    try:
        yield
    except Wrong as wrong:
        if not wrong.context:
            raise
        hint = next((f"\n{text}" for prefix, text in IN_PLACE.items()
                     if "in place" in wrong.message and learner.last.function.startswith(prefix)), "")
        raise Wrong(f"{wrong.message}{hint}\n{context}", context=False) from None
    except SubmissionFault as fault:
        message = fault.message.replace(learner.last.describe(), context) if learner.last else fault.message
        raise SubmissionFault(fault.status, message, fault.kind) from None


def call_text(function, args: dict, formula: str, params: dict) -> str:
    shown = ", ".join(args)
    values = {k: v for k, v in args.items() if not isinstance(v, FnRef)}
    return (f"Called {function}({shown}) with\n  {formula}, where\n"
            f"{fmt.assignments(params | values, indent=4)}")


def compare(got, expected, name, *, tol, scale, what, suspects=()):
    """max|got − expected| ≤ tol·scale, else the worst entry to 10 digits (the errors are small), the
    arrays, and a diagnosis when ``got`` matches a known wrong result ((values, text) in suspects)."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    err, allowed = np.abs(got - expected), tol * scale
    if np.max(err) <= allowed:
        return
    at = np.unravel_index(np.argmax(err), err.shape)
    why = [text for values, text in suspects if np.max(np.abs(got - values)) <= allowed]
    raise Wrong("\n".join([
        f"{name} is wrong ({what}): the largest error is at {name}[{', '.join(map(str, at))}]: "
        f"got {got[at]:.10g}, expected {expected[at]:.10g}, error {err[at]:.2g} (allowed {allowed:.2g}).",
        f"  got            {fmt.array(got, 17)}", f"  expected       {fmt.array(expected, 17)}",
        f"  got − expected {fmt.array(got - expected, 17)}", *why[:1]]))


def symmetric(g, eigenvalues) -> np.ndarray:
    """Q·diag(λ)·Qᵀ for a random orthogonal Q, symmetrised exactly."""
    Q = cases.orthogonal(g, len(eigenvalues))
    H = (Q * np.asarray(eigenvalues, dtype=float)) @ Q.T
    return (H + H.T) / 2


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
    return ((p["A"] @ r).reshape(x.shape) + p["c"] * np.cos(x) * (math.sin(h) / h)
            + p["d"] * (3 * x ** 2 + h ** 2))


def smooth_size(p, x) -> float:
    """Σ of the magnitudes of f's terms: the size rounding errors in f(x) scale with."""
    x = np.asarray(x, dtype=float)
    r = np.abs(x - p["m"]).ravel()
    return float(0.5 * r @ np.abs(p["A"]) @ r + np.sum(np.abs(p["c"])) + np.sum(np.abs(p["d"] * x ** 3)))


def one_sided(f, x, h) -> np.ndarray:
    """(f(x + h·eᵢ) − f(x))/h for every index i (h < 0: backward differences)."""
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    for i in np.ndindex(x.shape):
        y = x.copy()
        y[i] += h
        out[i] = (f(y) - f(x)) / h
    return out


def away_from_rounding(g, shape, eps) -> np.ndarray:
    """Entries of eps's size for which (x + eps) − eps and ((x + eps) − 2·eps) + eps both differ from x.

    (For |x| ≫ eps the first usually rounds back to x; near eps's size it often does not.)
    """
    x = g.choice([-1, 1], 100 * math.prod(shape)) * eps * 10 ** g.uniform(-1, 1, 100 * math.prod(shape))
    moved = ((x + eps) - eps != x) & (((x + eps) - 2 * eps) + eps != x)
    return x[moved][:math.prod(shape)].reshape(shape)


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


@pytest.mark.function("numerical_gradient")
@pytest.mark.parametrize("case", GRADIENT)
def test_numerical_gradient(learner, seed, case):
    p, x, eps = GRADIENT[case](cases.rng(seed, "numerical_gradient", case))
    ref = FnRef("derivatives.smooth", p["A"], p["m"], p["c"], p["d"])
    options = {"eps": eps} if eps is not None else {}
    xf, h = np.asarray(x, dtype=float), options.get("eps", DEFAULT_EPS)
    expected = smooth_central(p, xf, h)
    f = refs.smooth(None, p["A"], p["m"], p["c"], p["d"])
    suspects = [
        (one_sided(f, xf, h), "These are forward differences (f(x + eps·eᵢ) − f(x))/eps: their error is about "
         "eps/2·∂²f/∂xᵢ², large where f curves strongly. Central differences "
         "(f(x + eps·eᵢ) − f(x − eps·eᵢ))/(2·eps) cancel it."),
        (one_sided(f, xf, -h), "These are backward differences (f(x) − f(x − eps·eᵢ))/eps: use central ones, "
         "(f(x + eps·eᵢ) − f(x − eps·eᵢ))/(2·eps)."),
        (2 * expected, "That is twice the gradient: the central difference divides by 2·eps."),
        (expected / 2, "That is half the gradient: x ± eps are 2·eps apart, so divide by 2·eps."),
    ] + ([(smooth_central(p, xf, DEFAULT_EPS), f"That is the central difference with eps = {DEFAULT_EPS:g}, "
           f"not with the eps = {h:g} you were given.")] if h != DEFAULT_EPS else [])
    with spelled_out(learner, call_text("numerical_gradient", {"f": ref, "x": x} | options, SMOOTH_FORMULA, p)):
        got = checks.array(learner.numerical_gradient(ref, x, **options), "grad", xf.shape)
        compare(got, expected, "grad", tol=1e-7, scale=max(np.max(np.abs(expected)), smooth_size(p, xf)),
                what=f"central differences with eps = {h:g}", suspects=suspects)


# --- numerical_jacobian ------------------------------------------------------------------

def field_case(g, m, n, *, freq=1.0, c=1.0, x=None):
    params = {"M": g.standard_normal((m, n)), "c": c * g.standard_normal(m),
              "B": freq * g.standard_normal((m, n))}
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
        ref, formula, p = FnRef("derivatives.lecture_field"), "f(x) = [x₀² + x₁, x₀·x₁]", {}
        expected = np.array([[2 * xf[0], 1.0], [xf[1], xf[0]]])
        size = xf[0] ** 2 + abs(xf[1]) + abs(xf[0] * xf[1])
    else:
        ref, formula = FnRef("derivatives.field", p["M"], p["c"], p["B"]), FIELD_FORMULA
        expected = field_central(p, xf, h)
        size = np.max(np.abs(p["M"]) @ np.abs(xf) + np.abs(p["c"]))
    context = call_text("numerical_jacobian", {"f": ref, "x": x} | options, formula, p)
    m, n = expected.shape
    with spelled_out(learner, context):
        got = checks.array(learner.numerical_jacobian(ref, x, **options), "J", (m, n))
        suspects = [(expected.T, "That is Jᵀ: row i holds the derivatives of output fᵢ, "
                     "column j those with respect to xⱼ.")] if m == n else []
        compare(got, expected, "J", tol=1e-7, scale=max(np.max(np.abs(expected)), size),
                what=f"J[i, j] = ∂fᵢ/∂xⱼ by central differences with eps = {h:g}", suspects=suspects)


# --- numerical_hessian -------------------------------------------------------------------

def _rosen_hessian(x) -> np.ndarray:
    x0, x1 = x
    return np.array([[2 - 400 * (x1 - x0 ** 2) + 800 * x0 ** 2, -400 * x0], [-400 * x0, 200.0]])


def _rosen_size(x) -> float:
    """The size of the terms of f(x): what its rounding errors scale with (likewise below)."""
    x0, x1 = np.abs(x)
    return (1 + x0) ** 2 + 100 * (x1 + x0 ** 2) ** 2


def _rosen_grad_size(x) -> float:
    x0, x1 = np.abs(x)
    return 2 * (1 + x0) + 400 * (1 + x0) * (x1 + x0 ** 2)


def _rosen_hessian_size(x) -> float:
    x0, x1 = np.abs(x)
    return 202 + 400 * (x0 + x1) + 1200 * x0 ** 2


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
        ref, formula, p = FnRef("derivatives.rosen"), "f(x) = (1 − x₀)² + 100·(x₁ − x₀²)²", {}
        expected, size = _rosen_hessian(xf), _rosen_size(xf)
    else:
        ref, formula = FnRef("derivatives.smooth", p["A"], p["m"], p["c"], p["d"]), SMOOTH_FORMULA
        expected, size = p["A"] + np.diag(-p["c"] * np.sin(xf) + 6 * p["d"] * xf), smooth_size(p, xf)
    n = xf.size
    with spelled_out(learner, call_text("numerical_hessian", {"f": ref, "x": x}, formula, p)):
        H = checks.array(learner.numerical_hessian(ref, x), "H", (n, n))
        if not np.array_equal(H, H.T):
            i, j = np.unravel_index(np.argmax(np.abs(H - H.T)), H.shape)
            raise Wrong(f"H is not symmetric: H[{i}, {j}] = {float(H[i, j])!r} but H[{j}, {i}] = "
                        f"{float(H[j, i])!r} (they differ by {abs(H[i, j] - H[j, i]):.2g}). ∂²f/∂xᵢ∂xⱼ = "
                        "∂²f/∂xⱼ∂xᵢ, and H must say so exactly: compute each pair once, or symmetrise with "
                        "(H + H.T)/2.")
        compare(H, expected, "H", tol=1e-6, scale=max(np.max(np.abs(expected)), size),
                what="H[i, j] = ∂²f/∂xᵢ∂xⱼ by central differences with eps = 1e-4",
                suspects=[(4 * expected, "That is 4·H: x ± eps·eᵢ ± eps·eⱼ are 2·eps apart in each direction, "
                           "so the mixed difference divides by (2·eps)² = 4·eps².")])


# --- rel_error -----------------------------------------------------------------------

REL_ERROR = {
    "equal": lambda g: ((a := g.standard_normal(6)), a.copy()),
    "random": lambda g: (g.standard_normal((3, 4)), g.standard_normal((3, 4))),
    "close": lambda g: ((a := g.standard_normal(5)), a * (1 + 1e-7 * g.standard_normal(5))),
    "mixed-scales": lambda g: (np.array([1e3, 1e-3, 5.0]), np.array([1e3 + 1, 2e-3, 5.0])),
    "opposite": lambda g: ((a := g.standard_normal(4)), -a),
    "zeros": lambda g: (np.zeros(3), np.zeros(3)),
    "zero-and-tiny": lambda g: (np.array([0.0, 1e-12, 1.0]), np.array([1e-12, 0.0, 1.0])),
    "near-the-floor": lambda g: (np.array([3e-9, 5.0]), np.array([1e-9, 5.0])),
    "integers": lambda g: ([[1, 2], [3, 4]], [[1, 2], [3, 5]]),
}


@pytest.mark.function("rel_error")
@pytest.mark.parametrize("case", REL_ERROR)
def test_rel_error(learner, seed, case):
    a, b = REL_ERROR[case](cases.rng(seed, "rel_error", case))
    af, bf = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    ratios = np.abs(af - bf) / np.maximum(1e-8, np.abs(af) + np.abs(bf))
    got = checks.scalar(learner.rel_error(a, b), "rel_error(a, b)")
    expected = float(np.max(ratios))
    if not abs(got - expected) <= 1e-12 * max(expected, 1e-300):
        where = tuple(map(int, np.unravel_index(np.argmax(ratios), ratios.shape)))
        raise Wrong(f"rel_error(a, b) = {got:.12g}, but maxᵢ |aᵢ − bᵢ| / max(1e-8, |aᵢ| + |bᵢ|) = {expected:.12g} "
                    f"(the largest ratio is at index {where}). Take the ratio entry by entry, with the floor "
                    "1e-8 under each denominator, then the maximum of the ratios.")


# --- rosenbrock, its gradient and Hessian --------------------------------------------

POINTS = {
    "lecture-start": lambda g: [-1.0, 1.0],
    "minimum": lambda g: [1.0, 1.0],
    "origin": lambda g: [0.0, 0.0],
    "random": lambda g: g.uniform(-2, 2, 2),
    "random-far": lambda g: g.uniform(-30, 30, 2),
    "integers": lambda g: g.integers(-3, 4, 2).tolist(),
}
DRAWS = {"random": 4, "random-far": 2}


def points(seed, function, case):
    return [POINTS[case](cases.rng(seed, function, case, draw)) for draw in range(DRAWS.get(case, 1))]


def central_2d(f, x, h=1e-5) -> np.ndarray:
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(2)])


def rosen_value(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def rosen_gradient(x):
    return np.array([-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)])


@pytest.mark.function("rosenbrock")
@pytest.mark.parametrize("case", POINTS)
def test_rosenbrock(learner, seed, case):
    for x in points(seed, "rosenbrock", case):
        got = checks.scalar(learner.rosenbrock(x), "rosenbrock(x)")
        xf = np.asarray(x, dtype=float)
        checks.close(got, rosen_value(xf), "rosenbrock(x)", tol=1e-13, scale=_rosen_size(xf),
                     what="(1 − x₀)² + 100·(x₁ − x₀²)²")


@pytest.mark.function("rosenbrock_grad")
@pytest.mark.parametrize("case", POINTS)
def test_rosenbrock_grad(learner, seed, case):
    for x in points(seed, "rosenbrock_grad", case):
        xf = np.asarray(x, dtype=float)
        got = checks.array(learner.rosenbrock_grad(x), "grad", (2,))
        expected = rosen_gradient(xf)
        cd = central_2d(rosen_value, xf)
        checks.close(got, expected, "grad", tol=1e-13, scale=_rosen_grad_size(xf),
                     what="[−2(1 − x₀) − 400·x₀·(x₁ − x₀²), 200·(x₁ − x₀²)]; central differences of "
                          f"rosenbrock give ≈ {fmt.array(cd)}")


@pytest.mark.function("rosenbrock_hessian")
@pytest.mark.parametrize("case", POINTS)
def test_rosenbrock_hessian(learner, seed, case):
    for x in points(seed, "rosenbrock_hessian", case):
        xf = np.asarray(x, dtype=float)
        got = checks.array(learner.rosenbrock_hessian(x), "H", (2, 2))
        cd = np.column_stack([central_2d(lambda y: rosen_gradient(y)[i], xf) for i in range(2)])
        checks.close(got, _rosen_hessian(xf), "H", tol=1e-13, scale=_rosen_hessian_size(xf),
                     what="[[2 − 400·(x₁ − x₀²) + 800·x₀², −400·x₀], [−400·x₀, 200]]; central differences of "
                          f"the gradient give ≈ {fmt.array(cd, 4)}")


# --- newton_minimize -------------------------------------------------------------------

def cycle_grad(x):
    return np.sign(x) * np.sqrt(np.abs(x))


def cycle_hess(x):
    return np.diag(0.5 / np.sqrt(np.abs(x)))


def newton_path(grad, hess, x0, tol, max_iter):
    """The Newton iterates x₀, x₁, … up to the first with ‖grad‖ ≤ tol (or max_iter steps), and their ‖grad‖."""
    path, norms = [np.array(x0, dtype=float)], []
    while True:
        norms.append(float(np.linalg.norm(grad(path[-1]))))
        if norms[-1] <= tol or len(path) > max_iter:
            return path, norms
        path.append(path[-1] - np.linalg.solve(hess(path[-1]), grad(path[-1])))


def quadratic(g, eigenvalues) -> dict:
    """grad(x) = A·(x − m), hess(x) = A, for A with the given eigenvalues and a random m."""
    return {"A": symmetric(g, eigenvalues), "m": g.standard_normal(len(eigenvalues))}


QUADRATIC_TEXT = "grad(x) = A·(x − m) and hess(x) = A: the quadratic ½·(x − m)ᵀ·A·(x − m)"
CYCLE_TEXT = ("grad(x) = sign(x)·√|x| and hess(x) = diag(1/(2·√|x|)) of f(x) = Σ ⅔·|xᵢ|^{3/2} "
              "(each Newton step maps x to −x: ‖grad‖ never shrinks)")
ROSEN_TEXT = "grad and hess of the Rosenbrock function (1 − x₀)² + 100·(x₁ − x₀²)²"


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
    "lecture-quadratic": lambda g: ("quadratic", {"A": np.array([[2.0, 2.0], [2.0, 6.0]]), "m": np.zeros(2)},
                                    [5, 3], {}),
    "quadratic-one-step": lambda g: _quadratic(g, [0.5, 1.5, 4.0, 2.0]),
    "saddle-one-step": lambda g: _quadratic(g, [-2.0, 1.0, 3.0]),
    "already-at-minimum": lambda g: _quadratic(g, [1.0, 3.0], offset=0.0),
    "within-tol": _within_tol,
    "never-converges": lambda g: _cycle(g),
    "max-iter-7": lambda g: _cycle(g, max_iter=7),
    "rosenbrock-lecture": lambda g: ("rosenbrock", {}, [-1, 1], {}),
    "rosenbrock-near-minimum": _near_minimum,
    "rosenbrock-loose-tol": lambda g: ("rosenbrock", {}, [-1.2, 1.0], {"tol": 1e-3}),
    "rosenbrock-max-iter-2": lambda g: ("rosenbrock", {}, [-1.2, 1.0], {"max_iter": 2}),
}


def newton_problem(kind, p):
    """(grad ref, hess ref, grad, hess, description) of a Newton case."""
    if kind == "quadratic":
        return (FnRef("derivatives.shifted_linear", p["A"], p["m"]), FnRef("derivatives.constant", p["A"]),
                lambda x: p["A"] @ (x - p["m"]), lambda x: p["A"], QUADRATIC_TEXT)
    if kind == "cycle":
        return FnRef("derivatives.cycle_grad"), FnRef("derivatives.cycle_hess"), cycle_grad, cycle_hess, CYCLE_TEXT
    return (FnRef("derivatives.rosen_grad"), FnRef("derivatives.rosen_hess"), rosen_gradient, _rosen_hessian,
            ROSEN_TEXT)


def check_newton(result, path, norms, hess_calls, tol, max_iter):
    x, n_iter = checks.values(result, ("x", "n_iter"), "newton_minimize")
    n_iter = checks.integer(n_iter, "n_iter")
    x = checks.array(x, "x", path[0].shape)
    steps = len(path) - 1
    trace = ", ".join(f"‖grad(x_{k})‖ = {v:.3g}" for k, v in enumerate(norms[:8])) + (", …" if len(norms) > 8 else "")
    if n_iter != steps:
        reason = (f"x_{steps} is the first iterate with ‖grad‖ ≤ tol = {tol:g}" if norms[-1] <= tol
                  else f"no iterate reaches ‖grad‖ ≤ tol = {tol:g}, so all max_iter = {max_iter} steps are taken")
        raise Wrong(f"n_iter = {n_iter}, but Newton's method takes {steps} step(s) here: {reason}.\n"
                    f"  Along the iterates: {trace}\n"
                    "n_iter counts the steps x ← x − hess(x)⁻¹·grad(x) taken: 0 when x0 already meets tol.")
    if not steps <= hess_calls <= steps + 1:
        raise Wrong(f"hess was called {hess_calls} times, but n_iter = {n_iter}: each Newton step needs one "
                    "Hessian, so n_iter should match the steps actually taken.")
    compare(x, path[-1], "x", tol=1e-8, scale=max(1.0, np.max(np.abs(path[-1]))),
            what=f"the Newton iterate x_{steps}")


@pytest.mark.function("newton_minimize")
@pytest.mark.parametrize("case", NEWTON)
def test_newton_minimize(learner, seed, case):
    kind, p, x0, options = NEWTON[case](cases.rng(seed, "newton_minimize", case))
    grad_ref, hess_ref, grad, hess, text = newton_problem(kind, p)
    tol, max_iter = options.get("tol", 1e-10), options.get("max_iter", 50)
    path, norms = newton_path(grad, hess, x0, tol, max_iter)
    context = call_text("newton_minimize", {"grad": grad_ref, "hess": hess_ref, "x0": x0} | options, text, p)
    with spelled_out(learner, context):
        result = learner.newton_minimize(grad_ref, hess_ref, x0, **options)
        hess_calls = learner.last.answer.fn_calls[1]
        check_newton(result, path, norms, hess_calls, tol, max_iter)


# --- classify_critical_point -----------------------------------------------------------

CLASSIFY = {
    "minimum": lambda g: (symmetric(g, [0.5, 2.0, 7.0]), {}, "minimum"),
    "maximum": lambda g: (symmetric(g, [-1.0, -3.0]), {}, "maximum"),
    "saddle": lambda g: (symmetric(g, [2.0, -0.1, 5.0]), {}, "saddle"),
    "saddle-with-zero": lambda g: (symmetric(g, [3.0, 0.0, -2.0]), {}, "saddle"),
    "degenerate-psd": lambda g: (symmetric(g, [4.0, 1.0, 0.0]), {}, "degenerate"),
    "degenerate-nsd": lambda g: (symmetric(g, [-2.0, 0.0]), {}, "degenerate"),
    "zero-matrix": lambda g: (np.zeros((3, 3)), {}, "degenerate"),
    "tiny-eigenvalue": lambda g: (symmetric(g, [1.0, 1e-12]), {}, "degenerate"),
    "tiny-eigenvalue-tol-1e-13": lambda g: (symmetric(g, [1.0, 1e-12]), {"tol": 1e-13}, "minimum"),
    "tol-0.01": lambda g: (symmetric(g, [5.0, -1e-3, 2.0]), {"tol": 0.01}, "degenerate"),
    "lecture": lambda g: ([[2, 2], [2, 6]], {}, "minimum"),
    "one-by-one": lambda g: ([[-3.0]], {}, "maximum"),
}


@pytest.mark.function("classify_critical_point")
@pytest.mark.parametrize("case", CLASSIFY)
def test_classify_critical_point(learner, seed, case):
    H, options, expected = CLASSIFY[case](cases.rng(seed, "classify_critical_point", case))
    got = learner.classify_critical_point(H, **options)
    if got != expected:
        lam = np.linalg.eigvalsh(np.asarray(H, dtype=float))
        tol = options.get("tol", 1e-10)
        raise Wrong(f"Returned {fmt.value(got)}, but the answer is {expected!r}: the eigenvalues of H are "
                    f"{fmt.array(lam)} and tol = {tol:g}. Some λ > tol and some λ < −tol: \"saddle\"; else all "
                    "λ > tol: \"minimum\"; all λ < −tol: \"maximum\"; otherwise (some |λ| ≤ tol): \"degenerate\".")
