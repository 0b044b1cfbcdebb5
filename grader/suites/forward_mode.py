"""Hidden suite: forward_mode — dual numbers, the module functions, derivative, jacobian_forward.

Dual objects never leave the worker: the scenarios of
grader/worker/scenarios/forward_mode.py evaluate expressions on the learner's Dual
and report each result's val and deriv (or what came back instead). Every
expected value is computed here: the derivative rules in closed form and, for
chains of operators, central differences of the same expression on floats.
Each operator is judged on its own operands, so the feedback names the first
wrong one and lists the right ones.
"""

import re

import numpy as np
import pytest

from grader import fmt, wire
from grader.outcomes import SubmissionFault, Wrong
from grader.suites import cases, checks

TOL = 1e-10  # relative to max(1, |expected|): a Dual result is a few roundings away from the exact one


def dual(a, da) -> str:
    return f"Dual({fmt.num(a)}, {fmt.num(da)})"


def sign(g) -> int:
    return int(g.choice([-1, 1]))


def judge(expr: str, report: dict, val: float, deriv: float, rule: str, fix: str = "", tol: float = TOL):
    """What is wrong with one reported Dual result, or None: the expression, the numbers, the rule."""
    hint = f" — check {fix}" if fix else ""
    if "error" in report:
        return f"{expr} raised {report['error']}{hint}."
    if "number" in report:
        return f"{expr} returned the plain number {fmt.num(report['number'])}, not a Dual{hint}."
    if "other" in report:
        return f"{expr} returned a {report['other']}, not a Dual{hint}."
    for key, want in (("val", val), ("deriv", deriv)):
        got = report[key]
        if isinstance(got, str):
            return f"{expr} returned a Dual whose {key} is {got}, not a number{hint}."
        if not abs(got - want) <= tol * max(1.0, abs(want)):
            should = f"should be {fmt.num(want)}" if key == "val" else f"{rule} = {fmt.num(want)}"
            return f"{expr}: {key} is {fmt.num(got)} but {should}{hint}."
    return None


def unchanged(expr: str, report: dict, name: str, a, da, fix: str):
    """An operator must not modify its operands: ``report[name + "_after"]`` is still Dual(a, da)."""
    after = report[f"{name}_after"]
    if after["val"] == a and after["deriv"] == da:
        return None
    now = dual(after["val"], after["deriv"]) if not any(isinstance(v, str) for v in after.values()) else "changed"
    return (f"{expr} changed {name} itself: {name} is now {now}, was {dual(a, da)} — {fix} must return a new "
            "Dual and leave its operands as they were.")


def call(function, formula: str, *args):
    """function(*args); if the learner's code raises, also say what the f it was given computes."""
    try:
        return function(*args)
    except SubmissionFault as fault:
        if fault.kind != "exception":
            raise
        raise SubmissionFault(fault.status, f"{fault.message}\nThe f passed in computes {formula}.",
                              fault.kind) from None


def verdict(problems: dict, shown: dict) -> None:
    """Fail with the first problem, naming the expressions that are wrong and those that are right."""
    wrong = [k for k, p in problems.items() if p]
    if not wrong:
        return
    right = [shown[k] for k, p in problems.items() if not p]
    lines = [problems[wrong[0]]]
    if len(wrong) > 1:
        lines.append("Also wrong: " + ", ".join(shown[k] for k in wrong[1:]) + ".")
    lines.append("Right: " + (", ".join(right) if right else "none of them yet") + ".")
    raise Wrong("\n".join(lines), context=False)


# --- Dual: construction ------------------------------------------------------------------

CONSTRUCT = {
    "val-and-deriv": lambda g: [g.uniform(-3, 3), g.uniform(-3, 3)],
    "default-deriv": lambda g: [g.uniform(-3, 3)],
    "integers": lambda g: [int(g.integers(-5, 6)), int(g.integers(1, 4))],
}


@pytest.mark.function("Dual")
@pytest.mark.parametrize("case", CONSTRUCT)
def test_dual_construct(learner, seed, case):
    args = CONSTRUCT[case](cases.rng(seed, "Dual", "construct", case))
    got = learner.scenario("forward_mode.construct", args=args)
    want = {"val": float(args[0]), "deriv": float(args[1]) if len(args) > 1 else 0.0}
    built = f"Dual({', '.join(fmt.num(v) for v in args)})"
    for key in ("val", "deriv"):
        if isinstance(got[key], str):
            raise Wrong(f"{built}.{key} is {got[key]}; it should be the number {fmt.num(want[key])}.", context=False)
        if got[key] != want[key]:
            note = " (deriv defaults to 0.0: a Dual without a seed is a constant)" if len(args) == 1 else ""
            raise Wrong(f"{built}.{key} is {fmt.num(got[key])}; expected {fmt.num(want[key])}{note}.", context=False)


# --- Dual: a number on either side -------------------------------------------------------

# label: ((a, da, c) -> (val, deriv), the rule, the method to check); c is the plain number
NUMBER_OPS = {
    "x + c": (lambda a, da, c: (a + c, da), "d(x + c) = x.deriv", "__add__"),
    "c + x": (lambda a, da, c: (c + a, da), "d(c + x) = x.deriv", "__radd__ (the number is on the left)"),
    "x - c": (lambda a, da, c: (a - c, da), "d(x − c) = x.deriv", "__sub__"),
    "c - x": (lambda a, da, c: (c - a, -da), "d(c − x) = −x.deriv",
              "__rsub__ (the number is on the left: c − x, not x − c)"),
    "x * c": (lambda a, da, c: (a * c, c * da), "d(x·c) = c·x.deriv", "__mul__"),
    "c * x": (lambda a, da, c: (c * a, c * da), "d(c·x) = c·x.deriv", "__rmul__ (the number is on the left)"),
    "x / c": (lambda a, da, c: (a / c, da / c), "d(x/c) = x.deriv/c", "__truediv__"),
    "c / x": (lambda a, da, c: (c / a, -c * da / a ** 2), "d(c/x) = −c·x.deriv/x.val²",
              "__rtruediv__ (the number is on the left: c / x, not x / c)"),
}

NUMBER_CASES = {
    "floats": lambda g: (sign(g) * g.uniform(0.5, 3), g.uniform(0.5, 2), round(g.uniform(1.5, 4), 2)),
    "integers": lambda g: (int(g.integers(2, 6)), int(g.integers(2, 4)), int(g.integers(2, 6))),
    "negative-number": lambda g: (g.uniform(0.5, 3), sign(g) * g.uniform(0.5, 2), -round(g.uniform(1.5, 4), 2)),
    "half-and-two": lambda g: (0.5, 1.0, 2),
}


def with_number(text: str, c) -> str:
    number = fmt.num(c) if c >= 0 else f"({fmt.num(c)})"
    return re.sub(r"\bc\b", number, text)


@pytest.mark.function("Dual")
@pytest.mark.parametrize("case", NUMBER_CASES)
def test_dual_with_number(learner, seed, case):
    a, da, c = NUMBER_CASES[case](cases.rng(seed, "Dual", "number", case))
    got = learner.scenario("forward_mode.number_ops", a=a, da=da, c=c)
    problems, shown = {}, {}
    for label, (expect, rule, fix) in NUMBER_OPS.items():
        val, deriv = expect(a, da, c)
        shown[label] = with_number(label, c)
        expr = f"{shown[label]} with x = {dual(a, da)}"
        problems[label] = (judge(expr, got[label], val, deriv, with_number(rule, c), with_number(fix, c))
                           or unchanged(shown[label], got[label], "x", a, da, fix.split()[0]))
    verdict(problems, shown)


# --- Dual: Dual with Dual, unary minus ---------------------------------------------------

DUAL_OPS = {
    "x + y": (lambda a, da, b, db: (a + b, da + db), "d(x + y) = x.deriv + y.deriv", "__add__"),
    "x - y": (lambda a, da, b, db: (a - b, da - db), "d(x − y) = x.deriv − y.deriv", "__sub__"),
    "y - x": (lambda a, da, b, db: (b - a, db - da), "d(y − x) = y.deriv − x.deriv", "__sub__"),
    "x * y": (lambda a, da, b, db: (a * b, da * b + a * db),
              "the product rule x.deriv·y.val + x.val·y.deriv", "__mul__"),
    "x / y": (lambda a, da, b, db: (a / b, (da * b - a * db) / b ** 2),
              "the quotient rule (x.deriv·y.val − x.val·y.deriv)/y.val²", "__truediv__"),
    "y / x": (lambda a, da, b, db: (b / a, (db * a - b * da) / a ** 2),
              "the quotient rule (y.deriv·x.val − y.val·x.deriv)/x.val²", "__truediv__"),
    "x * x": (lambda a, da, b, db: (a * a, 2 * a * da), "the product rule 2·x.val·x.deriv", "__mul__"),
    "-x": (lambda a, da, b, db: (-a, -da), "d(−x) = −x.deriv", "__neg__"),
}

DUAL_CASES = {
    "random": lambda g: (sign(g) * g.uniform(0.5, 3), sign(g) * g.uniform(0.5, 2),
                         sign(g) * g.uniform(0.5, 3), sign(g) * g.uniform(0.5, 2)),
    "integers": lambda g: (int(g.integers(2, 5)), int(g.integers(1, 4)), -int(g.integers(2, 5)), int(g.integers(1, 4))),
    "lecture-seeds": lambda g: (2.0, 1.0, 3.0, 0.0),
}


@pytest.mark.function("Dual")
@pytest.mark.parametrize("case", DUAL_CASES)
def test_dual_with_dual(learner, seed, case):
    a, da, b, db = DUAL_CASES[case](cases.rng(seed, "Dual", "dual", case))
    got = learner.scenario("forward_mode.dual_ops", a=a, da=da, b=b, db=db)
    problems = {}
    for label, (expect, rule, fix) in DUAL_OPS.items():
        val, deriv = expect(a, da, b, db)
        expr = f"{label} with x = {dual(a, da)}, y = {dual(b, db)}"
        problems[label] = (judge(expr, got[label], val, deriv, rule, fix)
                           or unchanged(label, got[label], "x", a, da, fix)
                           or unchanged(label, got[label], "y", b, db, fix))
    verdict(problems, {label: label for label in DUAL_OPS})


# --- Dual: powers x ** p ---------------------------------------------------------------

POWER_CASES = {
    "whole-p": lambda g: (g.uniform(0.5, 2.5), g.uniform(0.5, 2), [2, 3, -1, -2]),
    "fractional-p": lambda g: (g.uniform(0.5, 3), sign(g) * g.uniform(0.5, 2), [0.5, -0.5, 1.5, 2.5, 0.25]),
    "p-0-and-1": lambda g: (sign(g) * g.uniform(0.5, 3), g.uniform(0.5, 2), [0, 1, 0.0, 1.0]),
    "negative-base": lambda g: (-g.uniform(0.5, 2.5), g.uniform(0.5, 2), [2, 3, -1, -3, 2.0]),
    "zero-base": lambda g: (0.0, g.uniform(0.5, 2), [1, 2, 3]),
    "integers": lambda g: (int(g.integers(2, 5)), int(g.integers(1, 4)), [2, -1, 0.5]),
}


@pytest.mark.function("Dual")
@pytest.mark.parametrize("case", POWER_CASES)
def test_dual_power(learner, seed, case):
    a, da, ps = POWER_CASES[case](cases.rng(seed, "Dual", "power", case))
    got = learner.scenario("forward_mode.powers", a=a, da=da, ps=ps)
    problems, shown = {}, {}
    for i, p in enumerate(ps):
        shown[i] = f"x ** {p!r}"
        deriv = 0.0 if p == 0 else p * a ** (p - 1) * da
        problems[i] = judge(f"{shown[i]} with x = {dual(a, da)}", got[i], a ** p, deriv,
                            f"d(x ** {p!r}) = {p!r}·x.val^({p - 1!r})·x.deriv", "__pow__")
    verdict(problems, shown)


# --- Dual: chains of operators -----------------------------------------------------------

EXPRESSIONS = {  # the scenario's expressions, evaluated here on floats
    "(x*x - 3*x + 1) / (x + 2)": lambda x: (x * x - 3 * x + 1) / (x + 2),
    "1 / (1 + x**2)": lambda x: 1 / (1 + x ** 2),
    "(2*x - 1)**3 / x": lambda x: (2 * x - 1) ** 3 / x,
    "x**0.5 * (x - 1/x)": lambda x: x ** 0.5 * (x - 1 / x),
    "-(x - 2)**2 + 4*x": lambda x: -(x - 2) ** 2 + 4 * x,
}


def central_difference(f, a: float) -> float:
    """f'(a) by the five-point stencil (error ~ h⁴), h relative to |a|."""
    h = 1e-3 * max(1.0, abs(a))
    return (f(a - 2 * h) - 8 * f(a - h) + 8 * f(a + h) - f(a + 2 * h)) / (12 * h)


@pytest.mark.function("Dual")
@pytest.mark.parametrize("draw", [0, 1])
def test_dual_expressions(learner, seed, draw):
    g = cases.rng(seed, "Dual", "expressions", draw)
    a, da = g.uniform(0.5, 3), sign(g) * g.uniform(0.5, 2)
    got = learner.scenario("forward_mode.expressions", a=a, da=da)
    problems = {label: judge(f"{label} with x = {dual(a, da)}", got[label], f(a), da * central_difference(f, a),
                             "f'(x.val)·x.deriv (by central differences)", tol=1e-7)
                for label, f in EXPRESSIONS.items()}
    verdict(problems, {label: label for label in EXPRESSIONS})


# --- sin, cos, exp, log, tanh ------------------------------------------------------------

# name: (f, f', the rule, the domain of the "random" and "far" cases)
FUNCTIONS = {
    "sin": (np.sin, np.cos, "cos(x.val)·x.deriv", lambda g: g.uniform(-3, 3), lambda g: sign(g) * g.uniform(10, 30)),
    "cos": (np.cos, lambda a: -np.sin(a), "−sin(x.val)·x.deriv",
            lambda g: g.uniform(-3, 3), lambda g: sign(g) * g.uniform(10, 30)),
    "exp": (np.exp, np.exp, "exp(x.val)·x.deriv", lambda g: g.uniform(-3, 3), lambda g: sign(g) * g.uniform(10, 30)),
    "log": (np.log, lambda a: 1 / a, "x.deriv/x.val", lambda g: g.uniform(0.2, 5), lambda g: 10 ** g.uniform(-4, 4)),
    "tanh": (np.tanh, lambda a: 1 / np.cosh(a) ** 2, "(1 − tanh²(x.val))·x.deriv",
             lambda g: g.uniform(-3, 3), lambda g: sign(g) * g.uniform(5, 15)),
}
FUNCTION_CASES = ("random", "far", "integer-argument")


def check_function(learner, seed, name, case) -> None:
    f, df, rule, near, far = FUNCTIONS[name]
    g = cases.rng(seed, name, case)
    if case == "integer-argument":
        a, da = int(g.integers(1, 4)), int(g.integers(1, 4))
    else:
        a, da = (near if case == "random" else far)(g), sign(g) * g.uniform(0.5, 2)
    got = learner.scenario("forward_mode.function", func=name, a=a, da=da)
    plain, want = got["number"], float(f(a))
    expr = f"{name}({fmt.num(a)})"
    if plain.get("error", "").startswith("NotImplementedError"):
        raise SubmissionFault("not_implemented", f"{name} is not implemented yet (it raises NotImplementedError).",
                              "not_implemented")
    if "number" not in plain:
        what = f"raised {plain['error']}" if "error" in plain else (
            "returned a Dual" if "val" in plain else f"returned a {plain['other']}")
        raise Wrong(f"{expr} {what}; for a plain number the module functions return a plain float "
                    f"({expr} = {fmt.num(want)}): SPEC says they accept a Dual or a float.", context=False)
    if not abs(plain["number"] - want) <= TOL * max(1.0, abs(want)):
        raise Wrong(f"{expr} returned {fmt.num(plain['number'])}; expected {fmt.num(want)}.", context=False)
    problem = judge(f"{name}(x) with x = {dual(a, da)}", got["dual"], want, float(df(a)) * da,
                    f"d {name}(x) = {rule}")
    if problem:
        raise Wrong(problem, context=False)


@pytest.mark.function("sin")
@pytest.mark.parametrize("case", FUNCTION_CASES)
def test_sin(learner, seed, case):
    check_function(learner, seed, "sin", case)


@pytest.mark.function("cos")
@pytest.mark.parametrize("case", FUNCTION_CASES)
def test_cos(learner, seed, case):
    check_function(learner, seed, "cos", case)


@pytest.mark.function("exp")
@pytest.mark.parametrize("case", FUNCTION_CASES)
def test_exp(learner, seed, case):
    check_function(learner, seed, "exp", case)


@pytest.mark.function("log")
@pytest.mark.parametrize("case", FUNCTION_CASES)
def test_log(learner, seed, case):
    check_function(learner, seed, "log", case)


@pytest.mark.function("tanh")
@pytest.mark.parametrize("case", FUNCTION_CASES)
def test_tanh(learner, seed, case):
    check_function(learner, seed, "tanh", case)


# --- derivative --------------------------------------------------------------------------

def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


# case: (f as the factory knows it, f', f' in words, x)
DERIVATIVE = {
    "identity": ("x", lambda x: 1.0, "1", lambda g: g.uniform(-3, 3)),
    "polynomial": ("x**3 - 2*x + 1", lambda x: 3 * x ** 2 - 2, "3x² − 2", lambda g: g.uniform(-2, 2)),
    "integer-x": ("x**3 - 2*x + 1", lambda x: 3 * x ** 2 - 2, "3x² − 2", lambda g: int(g.integers(-3, 4))),
    "nested": ("sin(exp(x)) * x", lambda x: np.cos(np.exp(x)) * np.exp(x) * x + np.sin(np.exp(x)),
               "cos(eˣ)·eˣ·x + sin(eˣ)", lambda g: g.uniform(-1, 2)),
    "gaussian": ("exp(-x**2 / 2)", lambda x: -x * np.exp(-x ** 2 / 2), "−x·exp(−x²/2)", lambda g: g.uniform(-3, 3)),
    "quotient": ("log(1 + x**2) / (1 + x)",
                 lambda x: (2 * x / (1 + x ** 2) * (1 + x) - np.log(1 + x ** 2)) / (1 + x) ** 2,
                 "(2x/(1 + x²)·(1 + x) − log(1 + x²))/(1 + x)²", lambda g: g.uniform(0, 3)),
    "product": ("tanh(3*x) * cos(x)", lambda x: 3 * np.cos(x) / np.cosh(3 * x) ** 2 - np.tanh(3 * x) * np.sin(x),
                "3·cos(x)/cosh²(3x) − tanh(3x)·sin(x)", lambda g: g.uniform(-2, 2)),
    "sigmoid": ("1 / (1 + exp(-x))", lambda x: _sigmoid(x) * (1 - _sigmoid(x)), "σ(x)·(1 − σ(x))",
                lambda g: g.uniform(-4, 4)),
    "pythagoras": ("sin(x)**2 + cos(x)**2", lambda x: 0.0, "0 (f is the constant 1)", lambda g: g.uniform(-3, 3)),
    "exp-sin-minus-log": ("exp(sin(x)) - log(x)", lambda x: np.cos(x) * np.exp(np.sin(x)) - 1 / x,
                          "cos(x)·exp(sin(x)) − 1/x", lambda g: g.uniform(0.3, 3)),
    "large-offset": ("x**2 + 1e8", lambda x: 2 * x, "2x", lambda g: g.uniform(1, 3)),
}


@pytest.mark.function("derivative")
@pytest.mark.parametrize("case", DERIVATIVE)
def test_derivative(learner, seed, case):
    formula, df, text, draw = DERIVATIVE[case]
    x = draw(cases.rng(seed, "derivative", case))
    where = f"derivative(f, x) with f(x) = {formula} at x = {fmt.num(x)}"
    result = call(learner.derivative, f"f(x) = {formula}", wire.FnRef("forward_mode.scalar_fn", formula), x)
    try:
        got = checks.scalar(result, where)
    except Wrong as exc:
        raise Wrong(exc.message, context=False) from None
    want = float(df(x))
    if not abs(got - want) <= TOL * max(1.0, abs(want)):
        raise Wrong(f"{where} returned {fmt.num(got)}, but f'(x) = {text} = {fmt.num(want)}. "
                    "f(Dual(x, 1.0)).deriv is f'(x) exactly, with no step size; if that is what derivative "
                    "returns, an operator or function that f uses is wrong (the Dual and sin … tanh tests "
                    "name it).", context=False)


# --- jacobian_forward --------------------------------------------------------------------

def _sech2(x):
    return 1 / np.cosh(x) ** 2


def factory(formula, jacobian, draw):
    """A case: g -> (the f to hand over, f in words, x, the Jacobian at x)."""
    def build(g):
        x = draw(g)
        J = np.array(jacobian(np.asarray(x, dtype=float)), dtype=float)
        single = "" if formula.startswith("[") else " (one Dual, not a list: m = 1)"
        return wire.FnRef("forward_mode.vector_fn", formula), f"f(x) = {formula}{single}", x, J
    return build


def linear(g):
    A = np.round(g.uniform(-3, 3, (3, 5)), 2)
    return (wire.FnRef("forward_mode.vector_fn", "A @ x", A.tolist()),
            f"f(x) = A @ x (a list of 3 sums) with\n  A = {fmt.array(A, 6)}", g.uniform(-2, 2, 5), A)


def polar(x):
    return [[np.cos(x[1]), -x[0] * np.sin(x[1]), 0],
            [np.sin(x[1]), x[0] * np.cos(x[1]), 0],
            [np.exp(x[2]), 0, np.exp(x[2]) * x[0]]]


JACOBIAN = {
    "lecture-one-dual": factory("x0*x1 + sin(x0)", lambda x: [[x[1] + np.cos(x[0]), x[0]]], lambda g: [2.0, 3.0]),
    "n1-m1": factory("[x0 * exp(x0)]", lambda x: [[(1 + x[0]) * np.exp(x[0])]], lambda g: g.uniform(-2, 2, 1)),
    "tall-m4-n2": factory("[x0*x1, sin(x0), x1**2, x0/x1]",
                          lambda x: [[x[1], x[0]], [np.cos(x[0]), 0], [0, 2 * x[1]], [1 / x[1], -x[0] / x[1] ** 2]],
                          lambda g: np.array([g.uniform(-2, 2), sign(g) * g.uniform(0.5, 2)])),
    "wide-m2-n4": factory("[x0 + x1*x2 - x3, log(1 + x0*x0) * tanh(x3)]",
                          lambda x: [[1, x[2], x[1], -1], [2 * x[0] / (1 + x[0] ** 2) * np.tanh(x[3]), 0, 0,
                                                          np.log(1 + x[0] ** 2) * _sech2(x[3])]],
                          lambda g: g.uniform(-2, 2, 4)),
    "square-n3": factory("[x0*cos(x1), x0*sin(x1), exp(x2)*x0]", polar, lambda g: g.uniform(-2, 2, 3)),
    "integers": factory("[x0*cos(x1), x0*sin(x1), exp(x2)*x0]", polar,
                        lambda g: [int(v) for v in g.integers(-3, 4, 3)]),
    "linear-m3-n5": linear,
}


@pytest.mark.function("jacobian_forward")
@pytest.mark.parametrize("case", JACOBIAN)
def test_jacobian_forward(learner, seed, case):
    f, formula, x, J = JACOBIAN[case](cases.rng(seed, "jacobian_forward", case))
    (m, n), shown_x = J.shape, fmt.value(x)
    where = f"Called jacobian_forward(f, x) with {formula}\n  x = {shown_x}"
    result = call(learner.jacobian_forward, formula, f, x)
    calls = learner.last.answer.fn_calls[0]
    try:
        if isinstance(result, np.ndarray) and result.shape == (n, m) != (m, n):
            raise Wrong(f"J has shape {(n, m)}; expected {(m, n)}: one row per output (m = {m}), one column per "
                        f"input (n = {n}), J[i, j] = ∂fᵢ/∂xⱼ.")
        J_got = checks.array(result, "J", (m, n))
        if calls != n:
            raise Wrong(f"jacobian_forward called f {calls} time{'' if calls == 1 else 's'} for n = {n} inputs; "
                        "forward mode needs exactly n passes: for each input j, seed x[j] with deriv 1 and every "
                        "other input with deriv 0, and the outputs' derivs are column j.")
        checks.close(J_got, J, "J", tol=TOL, scale=max(1.0, float(np.max(np.abs(J)))),
                     what="J[i, j] = ∂fᵢ/∂xⱼ: row i is output i, column j is input j")
    except Wrong as exc:
        raise Wrong(f"{exc.message}\n{where}", context=False) from None
