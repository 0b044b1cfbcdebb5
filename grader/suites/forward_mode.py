"""Hidden suite: forward_mode — dual numbers, the module functions, derivative, jacobian_forward.

Dual objects never leave the worker: the scenarios of
grader/worker/scenarios/forward_mode.py evaluate expressions on the learner's Dual
and report each result's val and deriv (or what came back instead). Every
expected value is computed here: the derivative rules in closed form and, for
chains of operators, central differences of the same expression on floats.
Each operator is judged on its own operands, so the feedback names the first
wrong one and lists the right ones.
"""

import dataclasses
import math

import numpy as np
import pytest

from grader import wire
from grader.feedback import Feedback, Frame
from grader.outcomes import SubmissionFault, Wrong
from grader.suites import cases, checks

TOL = 1e-10  # relative to max(1, |expected|): a Dual result is a few roundings away from the exact one


def sign(g) -> int:
    return int(g.choice([-1, 1]))


@dataclasses.dataclass(frozen=True)
class Problem:
    """What is wrong with one reported result: the failure as data, and where the learner's code raised."""

    feedback: Feedback
    frames: tuple = ()

    def raise_(self, notes=()):
        feedback = dataclasses.replace(self.feedback, notes=self.feedback.notes + tuple(notes))
        if self.feedback.code == "forward_mode.raised":
            raise SubmissionFault("error", feedback, "exception", frames=self.frames)
        raise Wrong(feedback.code, mistake=feedback.mistake, notes=feedback.notes, context=False, **feedback.params)


def judge(expr: str, report: dict, val: float, deriv: float, notes=(), mistakes=(), tol: float = TOL):
    """The Problem with one reported Dual result, or None.

    ``notes`` say where (the operands) and which rule applies; ``mistakes`` are
    ``(mistake_id, (val, deriv))``: what each known near-miss returns here, or
    ``(mistake_id, "ExceptionClass")`` for one that raises.
    """
    notes = tuple(notes)
    if "error" in report:
        mistake = next((m for m, v in mistakes if v == report["type"]), None)
        frames = tuple(Frame(*f) for f in report["frames"])
        return Problem(
            Feedback("forward_mode.raised", {"expr": expr, "error": report["error"]}, mistake, notes), frames
        )
    if "number" in report:
        return Problem(Feedback("forward_mode.plain_number", {"expr": expr, "number": report["number"]}, None, notes))
    if "other" in report:
        return Problem(Feedback("forward_mode.not_dual", {"expr": expr, "type": report["other"]}, None, notes))
    for key in ("val", "deriv"):
        if isinstance(report[key], str):
            return Problem(
                Feedback(
                    "forward_mode.attribute_not_number", {"expr": expr, "key": key, "type": report[key]}, None, notes
                )
            )
    got, want = np.array([report["val"], report["deriv"]]), np.array([val, deriv])
    bad = ~(np.abs(got - want) <= tol * np.maximum(1.0, np.abs(want)))  # NaN is bad too
    if not np.any(bad):
        return None
    numbers = [(m, v) for m, v in mistakes if not isinstance(v, str)]
    mistake = checks.near_miss(got, want, numbers, 1e-9 * max(1.0, float(np.max(np.abs(want)))))
    if bad[0]:
        return Problem(Feedback("forward_mode.val", {"expr": expr, "got": got[0], "expected": val}, mistake, notes))
    return Problem(Feedback("forward_mode.deriv", {"expr": expr, "got": got[1], "expected": deriv}, mistake, notes))


def unchanged(expr: str, report: dict, name: str, a, da, method: str):
    """An operator must not modify its operands: ``report[name + "_after"]`` is still Dual(a, da)."""
    after = report[f"{name}_after"]
    if after["val"] == a and after["deriv"] == da:
        return None
    returned = report.get("val"), report.get("deriv")
    mistake = "forward_mode.in_place" if (after["val"], after["deriv"]) == returned else None
    return Problem(
        Feedback(
            "forward_mode.operand_changed",
            {
                "expr": expr,
                "name": name,
                "val": after["val"],
                "deriv": after["deriv"],
                "was_val": a,
                "was_deriv": da,
                "method": method,
            },
            mistake,
        )
    )


def call(function, formula_note: Feedback, *args):
    """function(*args); if the learner's code raises, the failure also says what the f it was given computes."""
    try:
        return function(*args)
    except SubmissionFault as fault:
        if fault.kind == "exception":
            fault.feedback = dataclasses.replace(fault.feedback, notes=fault.feedback.notes + (formula_note,))
        raise


def verdict(problems: dict, shown: dict) -> None:
    """Fail with the first problem, naming the expressions that are wrong and those that are right."""
    wrong = [k for k, p in problems.items() if p]
    if not wrong:
        return
    right = [shown[k] for k, p in problems.items() if not p]
    notes = [Feedback("check.also_wrong", {"names": [shown[k] for k in wrong[1:]]})] if len(wrong) > 1 else []
    notes.append(Feedback("forward_mode.right", {"names": right}) if right else Feedback("forward_mode.right_none"))
    problems[wrong[0]].raise_(notes)


# --- Dual: construction ------------------------------------------------------------------

CONSTRUCT = {
    "val-and-deriv": lambda g: [g.uniform(-3, 3), g.uniform(-3, 3)],
    "default-deriv": lambda g: [g.uniform(-3, 3)],
    "integers": lambda g: [int(g.integers(-5, 6)), int(g.integers(1, 4))],
}


# The right answer echoes the arguments, which a Dual whose operators ignore their operands also does:
# construction counts once the operator tests pass.
@pytest.mark.function("Dual")
@pytest.mark.gated
@pytest.mark.parametrize("case", CONSTRUCT)
def test_dual_construct(learner, seed, case):
    args = CONSTRUCT[case](cases.rng(seed, "Dual", "construct", case))
    got = learner.scenario("forward_mode.construct", args=args)
    want = {"val": float(args[0]), "deriv": float(args[1]) if len(args) > 1 else 0.0}
    full = len(args) > 1
    params = {"a": args[0], "da": args[1]} if full else {"a": args[0]}
    for key in ("val", "deriv"):
        if isinstance(got[key], str):
            raise Wrong(
                "forward_mode.construct_not_number" if full else "forward_mode.construct_val_only_not_number",
                key=key,
                type=got[key],
                expected=want[key],
                context=False,
                **params,
            )
        if got[key] != want[key]:
            default = not full and key == "deriv"
            raise Wrong(
                "forward_mode.construct" if full else "forward_mode.construct_val_only",
                key=key,
                got=got[key],
                expected=want[key],
                context=False,
                **params,
                mistake="forward_mode.default_deriv_one" if default and got[key] == 1.0 else None,
                notes=[Feedback("forward_mode.default_deriv")] if default else [],
            )


# --- Dual: a number on either side -------------------------------------------------------

# label: ((a, da, c) -> (val, deriv), the rule's code, the method, {mistake: (a, da, c) -> (val, deriv)})
NUMBER_OPS = {
    "x + c": (lambda a, da, c: (a + c, da), "forward_mode.rule.add_number", "__add__", {}),
    "c + x": (lambda a, da, c: (c + a, da), "forward_mode.rule.radd", "__radd__", {}),
    "x - c": (lambda a, da, c: (a - c, da), "forward_mode.rule.sub_number", "__sub__", {}),
    "c - x": (
        lambda a, da, c: (c - a, -da),
        "forward_mode.rule.rsub",
        "__rsub__",
        {"forward_mode.rsub_as_sub": lambda a, da, c: (a - c, da)},
    ),
    "x * c": (
        lambda a, da, c: (a * c, c * da),
        "forward_mode.rule.mul_number",
        "__mul__",
        {"forward_mode.product_of_derivs": lambda a, da, c: (a * c, 0.0)},
    ),
    "c * x": (
        lambda a, da, c: (c * a, c * da),
        "forward_mode.rule.rmul",
        "__rmul__",
        {"forward_mode.product_of_derivs": lambda a, da, c: (a * c, 0.0)},
    ),
    "x / c": (lambda a, da, c: (a / c, da / c), "forward_mode.rule.div_number", "__truediv__", {}),
    "c / x": (
        lambda a, da, c: (c / a, -c * da / a**2),
        "forward_mode.rule.rtruediv",
        "__rtruediv__",
        {
            "forward_mode.rtruediv_as_truediv": lambda a, da, c: (a / c, da / c),
            "forward_mode.quotient_rule_sign": lambda a, da, c: (c / a, c * da / a**2),
        },
    ),
}

NUMBER_CASES = {
    "floats": lambda g: (sign(g) * g.uniform(0.5, 3), g.uniform(0.5, 2), round(g.uniform(1.5, 4), 2)),
    "integers": lambda g: (int(g.integers(2, 6)), int(g.integers(2, 4)), int(g.integers(2, 6))),
    "negative-number": lambda g: (g.uniform(0.5, 3), sign(g) * g.uniform(0.5, 2), -round(g.uniform(1.5, 4), 2)),
    "half-and-two": lambda g: (0.5, 1.0, 2),
}


@pytest.mark.function("Dual")
@pytest.mark.parametrize("case", NUMBER_CASES)
def test_dual_with_number(learner, seed, case):
    a, da, c = NUMBER_CASES[case](cases.rng(seed, "Dual", "number", case))
    got = learner.scenario("forward_mode.number_ops", a=a, da=da, c=c)
    at = Feedback("forward_mode.at_x_c", {"a": a, "da": da, "c": c})
    problems = {}
    for label, (expect, rule, method, near) in NUMBER_OPS.items():
        mistakes = [(m, f(a, da, c)) for m, f in near.items()]
        problems[label] = judge(label, got[label], *expect(a, da, c), [at, Feedback(rule)], mistakes) or unchanged(
            label, got[label], "x", a, da, method
        )
    verdict(problems, {label: label for label in NUMBER_OPS})


# --- Dual: Dual with Dual, unary minus ---------------------------------------------------

DUAL_OPS = {
    "x + y": (lambda a, da, b, db: (a + b, da + db), "forward_mode.rule.add", "__add__", {}),
    "x - y": (lambda a, da, b, db: (a - b, da - db), "forward_mode.rule.sub", "__sub__", {}),
    "y - x": (lambda a, da, b, db: (b - a, db - da), "forward_mode.rule.sub", "__sub__", {}),
    "x * y": (
        lambda a, da, b, db: (a * b, da * b + a * db),
        "forward_mode.rule.mul",
        "__mul__",
        {"forward_mode.product_of_derivs": lambda a, da, b, db: (a * b, da * db)},
    ),
    "x / y": (
        lambda a, da, b, db: (a / b, (da * b - a * db) / b**2),
        "forward_mode.rule.div",
        "__truediv__",
        {"forward_mode.quotient_rule_sign": lambda a, da, b, db: (a / b, (da * b + a * db) / b**2)},
    ),
    "y / x": (
        lambda a, da, b, db: (b / a, (db * a - b * da) / a**2),
        "forward_mode.rule.div",
        "__truediv__",
        {"forward_mode.quotient_rule_sign": lambda a, da, b, db: (b / a, (db * a + b * da) / a**2)},
    ),
    "x * x": (
        lambda a, da, b, db: (a * a, 2 * a * da),
        "forward_mode.rule.square",
        "__mul__",
        {"forward_mode.product_of_derivs": lambda a, da, b, db: (a * a, da * da)},
    ),
    "-x": (
        lambda a, da, b, db: (-a, -da),
        "forward_mode.rule.neg",
        "__neg__",
        {"forward_mode.neg_keeps_deriv": lambda a, da, b, db: (-a, da)},
    ),
}

DUAL_CASES = {
    "random": lambda g: (
        sign(g) * g.uniform(0.5, 3),
        sign(g) * g.uniform(0.5, 2),
        sign(g) * g.uniform(0.5, 3),
        sign(g) * g.uniform(0.5, 2),
    ),
    "integers": lambda g: (int(g.integers(2, 5)), int(g.integers(1, 4)), -int(g.integers(2, 5)), int(g.integers(1, 4))),
    "lecture-seeds": lambda g: (2.0, 1.0, 3.0, 0.0),
}


@pytest.mark.function("Dual")
@pytest.mark.parametrize("case", DUAL_CASES)
def test_dual_with_dual(learner, seed, case):
    a, da, b, db = DUAL_CASES[case](cases.rng(seed, "Dual", "dual", case))
    got = learner.scenario("forward_mode.dual_ops", a=a, da=da, b=b, db=db)
    at = Feedback("forward_mode.at_x_y", {"a": a, "da": da, "b": b, "db": db})
    problems = {}
    for label, (expect, rule, method, near) in DUAL_OPS.items():
        mistakes = [(m, f(a, da, b, db)) for m, f in near.items()]
        problems[label] = (
            judge(label, got[label], *expect(a, da, b, db), [at, Feedback(rule)], mistakes)
            or unchanged(label, got[label], "x", a, da, method)
            or unchanged(label, got[label], "y", b, db, method)
        )
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
        mistakes = [("forward_mode.power_divides_by_x", "ZeroDivisionError")] if a == 0 else []
        if p != 0 and a != 0:
            mistakes.append(("forward_mode.power_rule_exponent", (a**p, p * a**p * da)))
        notes = [Feedback("forward_mode.at_x", {"a": a, "da": da}), Feedback("forward_mode.rule.power", {"p": p})]
        problems[i] = judge(shown[i], got[i], a**p, deriv, notes, mistakes)
    verdict(problems, shown)


# --- Dual: chains of operators -----------------------------------------------------------

EXPRESSIONS = {  # the scenario's expressions, evaluated here on floats
    "(x*x - 3*x + 1) / (x + 2)": lambda x: (x * x - 3 * x + 1) / (x + 2),
    "1 / (1 + x**2)": lambda x: 1 / (1 + x**2),
    "(2*x - 1)**3 / x": lambda x: (2 * x - 1) ** 3 / x,
    "x**0.5 * (x - 1/x)": lambda x: x**0.5 * (x - 1 / x),
    "-(x - 2)**2 + 4*x": lambda x: -((x - 2) ** 2) + 4 * x,
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
    notes = [Feedback("forward_mode.at_x", {"a": a, "da": da}), Feedback("forward_mode.rule.chain")]
    problems = {
        label: judge(label, got[label], f(a), da * central_difference(f, a), notes, tol=1e-7)
        for label, f in EXPRESSIONS.items()
    }
    verdict(problems, {label: label for label in EXPRESSIONS})


# --- sin, cos, exp, log, tanh ------------------------------------------------------------

# name: (f, f', the rule's code, the domain of the "random" and "far" cases, {mistake: (a, da) -> deriv})
FUNCTIONS = {
    "sin": (
        math.sin,
        math.cos,
        "forward_mode.rule.sin",
        lambda g: g.uniform(-3, 3),
        lambda g: sign(g) * g.uniform(10, 30),
        {"forward_mode.sin_derivative_sign": lambda a, da: -math.cos(a) * da},
    ),
    "cos": (
        math.cos,
        lambda a: -math.sin(a),
        "forward_mode.rule.cos",
        lambda g: g.uniform(-3, 3),
        lambda g: sign(g) * g.uniform(10, 30),
        {"forward_mode.cos_derivative_sign": lambda a, da: math.sin(a) * da},
    ),
    "exp": (
        math.exp,
        math.exp,
        "forward_mode.rule.exp",
        lambda g: g.uniform(-3, 3),
        lambda g: sign(g) * g.uniform(10, 30),
        {},
    ),
    "log": (
        math.log,
        lambda a: 1 / a,
        "forward_mode.rule.log",
        lambda g: g.uniform(0.2, 5),
        lambda g: 10 ** g.uniform(-4, 4),
        {"forward_mode.log_derivative_squared": lambda a, da: da / a**2},
    ),
    "tanh": (
        math.tanh,
        lambda a: 1 / math.cosh(a) ** 2,
        "forward_mode.rule.tanh",
        lambda g: g.uniform(-3, 3),
        lambda g: sign(g) * g.uniform(5, 15),
        {"forward_mode.tanh_derivative_no_square": lambda a, da: (1 - math.tanh(a)) * da},
    ),
}
FUNCTION_CASES = ("random", "far", "integer-argument")


def check_function(learner, seed, name, case) -> None:
    f, df, rule, near, far, wrong_rules = FUNCTIONS[name]
    g = cases.rng(seed, name, case)
    if case == "integer-argument":
        a, da = int(g.integers(1, 4)), int(g.integers(1, 4))
    else:
        a, da = (near if case == "random" else far)(g), sign(g) * g.uniform(0.5, 2)
    got = learner.scenario("forward_mode.function", func=name, a=a, da=da)
    plain, want = got["number"], f(a)
    if plain.get("type") == "NotImplementedError":
        raise SubmissionFault("not_implemented", Feedback("fault.not_implemented", {"raiser": name}), "not_implemented")
    spec = Feedback("forward_mode.functions_take_both", {"name": name})
    if "error" in plain:
        raise SubmissionFault(
            "error",
            Feedback(
                "forward_mode.function_plain_raised",
                {"name": name, "a": a, "error": plain["error"], "expected": want},
                notes=(spec,),
            ),
            "exception",
            frames=[Frame(*fr) for fr in plain["frames"]],
        )
    if "number" not in plain:
        lifted = isinstance(plain.get("val"), float) and abs(plain["val"] - want) <= TOL * max(1, abs(want))
        raise Wrong(
            "forward_mode.function_plain_dual" if "val" in plain else "forward_mode.function_plain_other",
            name=name,
            a=a,
            type=plain.get("other"),
            expected=want,
            notes=[spec],
            context=False,
            mistake="forward_mode.function_lifts_number" if lifted else None,
        )
    if not abs(plain["number"] - want) <= TOL * max(1.0, abs(want)):
        raise Wrong("forward_mode.function_value", name=name, a=a, got=plain["number"], expected=want, context=False)
    mistakes = [("forward_mode.chain_rule_missing", (want, df(a)))]
    mistakes += [(m, (want, fn(a, da))) for m, fn in wrong_rules.items()]
    problem = judge(
        f"{name}(x)",
        got["dual"],
        want,
        df(a) * da,
        [Feedback("forward_mode.at_x", {"a": a, "da": da}), Feedback(rule)],
        mistakes,
    )
    if problem:
        problem.raise_()


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


# case: (f as the factory knows it, f', f' as a formula, x)
DERIVATIVE = {
    "identity": ("x", lambda x: 1.0, "1", lambda g: g.uniform(-3, 3)),
    "polynomial": ("x**3 - 2*x + 1", lambda x: 3 * x**2 - 2, "3x² − 2", lambda g: g.uniform(-2, 2)),
    "integer-x": ("x**3 - 2*x + 1", lambda x: 3 * x**2 - 2, "3x² − 2", lambda g: int(g.integers(-3, 4))),
    "nested": (
        "sin(exp(x)) * x",
        lambda x: np.cos(np.exp(x)) * np.exp(x) * x + np.sin(np.exp(x)),
        "cos(eˣ)·eˣ·x + sin(eˣ)",
        lambda g: g.uniform(-1, 2),
    ),
    "gaussian": ("exp(-x**2 / 2)", lambda x: -x * np.exp(-(x**2) / 2), "−x·exp(−x²/2)", lambda g: g.uniform(-3, 3)),
    "quotient": (
        "log(1 + x**2) / (1 + x)",
        lambda x: (2 * x / (1 + x**2) * (1 + x) - np.log(1 + x**2)) / (1 + x) ** 2,
        "(2x/(1 + x²)·(1 + x) − log(1 + x²))/(1 + x)²",
        lambda g: g.uniform(0, 3),
    ),
    "product": (
        "tanh(3*x) * cos(x)",
        lambda x: 3 * np.cos(x) / np.cosh(3 * x) ** 2 - np.tanh(3 * x) * np.sin(x),
        "3·cos(x)/cosh²(3x) − tanh(3x)·sin(x)",
        lambda g: g.uniform(-2, 2),
    ),
    "sigmoid": (
        "1 / (1 + exp(-x))",
        lambda x: _sigmoid(x) * (1 - _sigmoid(x)),
        "σ(x)·(1 − σ(x))",
        lambda g: g.uniform(-4, 4),
    ),
    "pythagoras": ("sin(x)**2 + cos(x)**2", lambda x: 0.0, "0", lambda g: g.uniform(-3, 3)),
    "exp-sin-minus-log": (
        "exp(sin(x)) - log(x)",
        lambda x: np.cos(x) * np.exp(np.sin(x)) - 1 / x,
        "cos(x)·exp(sin(x)) − 1/x",
        lambda g: g.uniform(0.3, 3),
    ),
    "large-offset": ("x**2 + 1e8", lambda x: 2 * x, "2x", lambda g: g.uniform(1, 3)),
}
CONSTANT_DERIVATIVE = ("identity", "pythagoras")  # f' is 1 or 0 everywhere: counts once the others pass


@pytest.mark.function("derivative")
@pytest.mark.parametrize(
    "case", [pytest.param(c, marks=pytest.mark.gated) if c in CONSTANT_DERIVATIVE else c for c in DERIVATIVE]
)
def test_derivative(learner, seed, case):
    formula, df, text, draw = DERIVATIVE[case]
    x = draw(cases.rng(seed, "derivative", case))
    where = Feedback("forward_mode.derivative_of", {"formula": formula, "x": x})
    result = call(learner.derivative, where, wire.FnRef("forward_mode.scalar_fn", formula), x)
    try:
        got = checks.scalar(result, "derivative(f, x)")
    except Wrong as exc:
        exc.context = False
        raise
    want = float(df(x))
    if not abs(got - want) <= TOL * max(1.0, abs(want)):
        several = learner.last.answer.fn_calls[0] > 1  # f evaluated at several points: a difference quotient
        mistake = (
            "forward_mode.derivative_not_exact"
            if several
            else checks.near_miss(got, want, [("forward_mode.derivative_unseeded", 0.0)], TOL)
        )
        raise Wrong(
            "forward_mode.derivative",
            formula=formula,
            x=x,
            rule=text,
            got=got,
            expected=want,
            mistake=mistake,
            context=False,
        )


# --- jacobian_forward --------------------------------------------------------------------


def _sech2(x):
    return 1 / np.cosh(x) ** 2


def factory(formula, jacobian, draw):
    """A case: g -> (the f to hand over, f as a note, x, the Jacobian at x)."""

    def build(g):
        x = draw(g)
        J = np.array(jacobian(np.asarray(x, dtype=float)), dtype=float)
        code = "forward_mode.f_is" if formula.startswith("[") else "forward_mode.f_is_one_dual"
        return wire.FnRef("forward_mode.vector_fn", formula), Feedback(code, {"formula": formula, "x": x}), x, J

    return build


def linear(g):
    A = np.round(g.uniform(-3, 3, (3, 5)), 2)
    x = g.uniform(-2, 2, 5)
    return (
        wire.FnRef("forward_mode.vector_fn", "A @ x", A.tolist()),
        Feedback("forward_mode.f_is_linear", {"A": A, "m": 3, "x": x}),
        x,
        A,
    )


def polar(x):
    return [
        [np.cos(x[1]), -x[0] * np.sin(x[1]), 0],
        [np.sin(x[1]), x[0] * np.cos(x[1]), 0],
        [np.exp(x[2]), 0, np.exp(x[2]) * x[0]],
    ]


JACOBIAN = {
    "lecture-one-dual": factory("x0*x1 + sin(x0)", lambda x: [[x[1] + np.cos(x[0]), x[0]]], lambda g: [2.0, 3.0]),
    "n1-m1": factory("[x0 * exp(x0)]", lambda x: [[(1 + x[0]) * np.exp(x[0])]], lambda g: g.uniform(-2, 2, 1)),
    "tall-m4-n2": factory(
        "[x0*x1, sin(x0), x1**2, x0/x1]",
        lambda x: [[x[1], x[0]], [np.cos(x[0]), 0], [0, 2 * x[1]], [1 / x[1], -x[0] / x[1] ** 2]],
        lambda g: np.array([g.uniform(-2, 2), sign(g) * g.uniform(0.5, 2)]),
    ),
    "wide-m2-n4": factory(
        "[x0 + x1*x2 - x3, log(1 + x0*x0) * tanh(x3)]",
        lambda x: [
            [1, x[2], x[1], -1],
            [2 * x[0] / (1 + x[0] ** 2) * np.tanh(x[3]), 0, 0, np.log(1 + x[0] ** 2) * _sech2(x[3])],
        ],
        lambda g: g.uniform(-2, 2, 4),
    ),
    "square-n3": factory("[x0*cos(x1), x0*sin(x1), exp(x2)*x0]", polar, lambda g: g.uniform(-2, 2, 3)),
    "integers": factory(
        "[x0*cos(x1), x0*sin(x1), exp(x2)*x0]", polar, lambda g: [int(v) for v in g.integers(-3, 4, 3)]
    ),
    "linear-m3-n5": linear,
}


def jacobian_mistake(J_got, J, calls: int) -> str | None:
    """Which known mistake the returned Jacobian and the number of calls of f fit."""
    m, n = J.shape
    if J_got is not None and J_got.shape == (n, m) and checks.near_miss(J_got, J, [("transposed", J.T)], 1e-8):
        return "forward_mode.jacobian_transposed"
    if calls in (m * n, m * n + 1) and calls != n:
        return "forward_mode.jacobian_pass_per_entry"
    if calls == 1 and n > 1 and J_got is not None and J_got.shape == (m, n):
        summed = np.repeat(J.sum(axis=1, keepdims=True), n, axis=1)
        return checks.near_miss(J_got, J, [("forward_mode.jacobian_all_seeds_at_once", summed)], 1e-8)
    return None


@pytest.mark.function("jacobian_forward")
@pytest.mark.parametrize("case", JACOBIAN)
def test_jacobian_forward(learner, seed, case):
    f, where, x, J = JACOBIAN[case](cases.rng(seed, "jacobian_forward", case))
    m, n = J.shape
    try:
        result = call(learner.jacobian_forward, where, f, x)
    except SubmissionFault as fault:
        one_dual = where.code == "forward_mode.f_is_one_dual"
        if fault.kind == "exception" and one_dual and learner.last.answer.exception == "TypeError":
            fault.feedback = fault.feedback.with_mistake("forward_mode.single_dual_output")
        raise
    calls = learner.last.answer.fn_calls[0]
    J_got = result if isinstance(result, np.ndarray) else None
    try:
        J_got = checks.array(result, "J", (m, n))
        if calls != n:
            raise Wrong("forward_mode.jacobian_calls", calls=calls, n=n)
        checks.close(J_got, J, "J", tol=TOL, scale=max(1.0, float(np.max(np.abs(J)))), code="forward_mode.jacobian")
    except Wrong as exc:
        exc.feedback = dataclasses.replace(exc.feedback, notes=exc.feedback.notes + (where,))
        exc.context = False
        raise exc.naming(jacobian_mistake(J_got, J, calls))
