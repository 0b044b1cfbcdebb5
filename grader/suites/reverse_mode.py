"""Hidden suite: reverse_mode — Var, grad, jacobian_reverse, cheaper_mode.

The learner's Var is driven inside the worker by grader.worker.scenarios.reverse_mode,
which reports values, grads and exceptions as plain data. Every expected value
is computed here from closed-form derivatives (checked against central
differences when this suite was written). Each operator is tested with Vars
and with numbers on either side, alone and inside a chain (so the gradient
arriving at it is not 1); a failing group names the expression, the point,
the wrong numbers, the method to look at, and the expressions that are right.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np
import pytest

from grader import wire
from grader.feedback import Feedback, Frame
from grader.outcomes import SubmissionFault, Wrong
from grader.suites import cases, checks

TOL = 1e-9  # relative to 1 + |expected|: rounding differs between correct formulas, bugs do not hide in 1e-9


def _close(got: float, expected: float) -> bool:
    return abs(got - expected) <= TOL * (1.0 + abs(expected))


def _sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def _dsigmoid(x):
    s = _sigmoid(x)
    return s * (1.0 - s)


def _dtanh(x):
    return 1.0 - math.tanh(x) ** 2


def _power(p):
    return lambda x: x**p, lambda x: (p * x ** (p - 1),)


def _at(names: str, values) -> Feedback:
    if len(names) == 1:
        return Feedback("reverse_mode.at_x", {"x": values[0]})
    return Feedback("reverse_mode.at_xy", {"x": values[0], "y": values[1]})


def _not_finished(where) -> SubmissionFault:
    """A Var method the test needs raises NotImplementedError; ``where`` is [file, line, method] or None."""
    params = dict(zip(("file", "line", "method"), where)) if where else {}
    return SubmissionFault(
        "not_implemented",
        Feedback("reverse_mode.not_finished" if where else "reverse_mode.not_finished_somewhere", params),
        "not_implemented",
    )


def _raised(code: str, result: dict, notes=(), mistake=None, **params) -> SubmissionFault:
    """The learner's exception inside a scenario, as a failure with the learner's frames."""
    return SubmissionFault(
        "error",
        Feedback(code, {"error": result["error"], **params}, mistake, tuple(notes)),
        "exception",
        frames=[Frame(*f) for f in result["frames"]],
    )


def _ask(learner, own: str, ask: Callable):
    """``ask()``; a NotImplementedError from a Var method that f uses (not from ``own``) is named as such."""
    try:
        return ask()
    except SubmissionFault as fault:
        frames = learner.last.answer.traceback if learner.last and not learner.last.answer.ok else []
        if fault.status != "not_implemented" or not frames or frames[-1][2] == own:
            raise
        file, line, function, _ = frames[-1]
        raise _not_finished([file, line, function]) from None


def _outcome(result: dict, code: str, notes=(), mistakes=(), **params):
    """The value of a scenario attempt; the learner's exception as ``code`` (``mistakes``: exception class -> id)."""
    if "not_implemented" in result:
        raise _not_finished(result["not_implemented"])
    if "error" in result:
        raise _raised(code, result, notes, dict(mistakes).get(result["type"]), **params)
    return result["ok"]


def _number(value, what: str, code: str = "reverse_mode.not_number", **params) -> float:
    if isinstance(value, str):
        raise Wrong(code, what=what, type=value, context=False, **params)
    return value


# --- Var: every operator, alone and in a chain ---------------------------------------


@dataclasses.dataclass(frozen=True)
class Expr:
    inputs: str  # the input names, in order: "x" or "xy"
    value: Callable  # the value, from floats
    partials: Callable  # the partial derivatives, one per input
    hint: str  # the code of the note that says where to look when it is wrong
    needs: tuple[str, ...] = ()  # simpler expressions it relies on (tested in their own group)


EXPRS = {
    "x + y": Expr("xy", lambda x, y: x + y, lambda x, y: (1.0, 1.0), "reverse_mode.hint.add"),
    "x + 1": Expr("x", lambda x: x + 1, lambda x: (1.0,), "reverse_mode.hint.add_number"),
    "1 + x": Expr("x", lambda x: 1 + x, lambda x: (1.0,), "reverse_mode.hint.radd"),
    "(x + y) * 2.5": Expr(
        "xy", lambda x, y: (x + y) * 2.5, lambda x, y: (2.5, 2.5), "reverse_mode.hint.add_chain", ("x * 2.5",)
    ),
    "x - y": Expr("xy", lambda x, y: x - y, lambda x, y: (1.0, -1.0), "reverse_mode.hint.sub"),
    "x - 1": Expr("x", lambda x: x - 1, lambda x: (1.0,), "reverse_mode.hint.sub_number"),
    "1 - x": Expr("x", lambda x: 1 - x, lambda x: (-1.0,), "reverse_mode.hint.rsub"),
    "2 - (x - y)": Expr("xy", lambda x, y: 2 - (x - y), lambda x, y: (-1.0, 1.0), "reverse_mode.hint.sub_chain"),
    "x * y": Expr("xy", lambda x, y: x * y, lambda x, y: (y, x), "reverse_mode.hint.mul"),
    "x * 3": Expr("x", lambda x: x * 3, lambda x: (3.0,), "reverse_mode.hint.mul_number"),
    "3 * x": Expr("x", lambda x: 3 * x, lambda x: (3.0,), "reverse_mode.hint.rmul"),
    "x * 2.5": Expr("x", lambda x: x * 2.5, lambda x: (2.5,), "reverse_mode.hint.mul_float"),
    "(x * y) * 2.5": Expr(
        "xy", lambda x, y: (x * y) * 2.5, lambda x, y: (2.5 * y, 2.5 * x), "reverse_mode.hint.mul_chain"
    ),
    "x / y": Expr("xy", lambda x, y: x / y, lambda x, y: (1 / y, -x / y**2), "reverse_mode.hint.div"),
    "x / 3": Expr("x", lambda x: x / 3, lambda x: (1 / 3,), "reverse_mode.hint.div_number"),
    "2 / x": Expr("x", lambda x: 2 / x, lambda x: (-2 / x**2,), "reverse_mode.hint.rtruediv"),
    "(x / y) / 4": Expr(
        "xy", lambda x, y: (x / y) / 4, lambda x, y: (1 / (4 * y), -x / (4 * y**2)), "reverse_mode.hint.div_chain"
    ),
    "-x": Expr("x", lambda x: -x, lambda x: (-1.0,), "reverse_mode.hint.neg"),
    "-(-x)": Expr("x", lambda x: x, lambda x: (1.0,), "reverse_mode.hint.neg_chain"),
    "-(x * y)": Expr("xy", lambda x, y: -(x * y), lambda x, y: (-y, -x), "reverse_mode.hint.neg_product", ("x * y",)),
    "x ** 2": Expr("x", *_power(2), "reverse_mode.hint.pow_square"),
    "x ** 3": Expr("x", *_power(3), "reverse_mode.hint.pow_cube"),
    "x ** -1": Expr("x", *_power(-1), "reverse_mode.hint.pow_inverse"),
    "x ** 0.5": Expr("x", *_power(0.5), "reverse_mode.hint.pow_root"),
    "x ** -1.5": Expr("x", *_power(-1.5), "reverse_mode.hint.pow_negative_fraction"),
    "x ** 2.5": Expr("x", *_power(2.5), "reverse_mode.hint.pow_fraction"),
    "(x ** 2) ** 3": Expr("x", lambda x: (x**2) ** 3, lambda x: (6 * x**5,), "reverse_mode.hint.pow_chain"),
    "x.exp()": Expr("x", math.exp, lambda x: (math.exp(x),), "reverse_mode.hint.exp"),
    "x.exp().exp()": Expr(
        "x", lambda x: math.exp(math.exp(x)), lambda x: (math.exp(math.exp(x) + x),), "reverse_mode.hint.exp_chain"
    ),
    "x.log()": Expr("x", math.log, lambda x: (1 / x,), "reverse_mode.hint.log"),
    "x.log().log()": Expr(
        "x", lambda x: math.log(math.log(x)), lambda x: (1 / (x * math.log(x)),), "reverse_mode.hint.log_chain"
    ),
    "x.sin()": Expr("x", math.sin, lambda x: (math.cos(x),), "reverse_mode.hint.sin"),
    "x.sin().sin()": Expr(
        "x",
        lambda x: math.sin(math.sin(x)),
        lambda x: (math.cos(math.sin(x)) * math.cos(x),),
        "reverse_mode.hint.sin_chain",
    ),
    "x.tanh()": Expr("x", math.tanh, lambda x: (_dtanh(x),), "reverse_mode.hint.tanh"),
    "x.tanh().tanh()": Expr(
        "x",
        lambda x: math.tanh(math.tanh(x)),
        lambda x: (_dtanh(math.tanh(x)) * _dtanh(x),),
        "reverse_mode.hint.tanh_chain",
    ),
    "x.relu()": Expr("x", lambda x: max(x, 0.0), lambda x: (1.0 if x > 0 else 0.0,), "reverse_mode.hint.relu"),
    "x.relu() * 3": Expr(
        "x", lambda x: max(x, 0.0) * 3, lambda x: (3.0 if x > 0 else 0.0,), "reverse_mode.hint.relu_chain", ("x * 3",)
    ),
    "x.sigmoid()": Expr("x", _sigmoid, lambda x: (_dsigmoid(x),), "reverse_mode.hint.sigmoid"),
    "x.sigmoid().sigmoid()": Expr(
        "x",
        lambda x: _sigmoid(_sigmoid(x)),
        lambda x: (_dsigmoid(_sigmoid(x)) * _dsigmoid(x),),
        "reverse_mode.hint.sigmoid_chain",
    ),
    "x * x": Expr("x", lambda x: x * x, lambda x: (2 * x,), "reverse_mode.hint.square", ("x * y",)),
    "x + x": Expr("x", lambda x: x + x, lambda x: (2.0,), "reverse_mode.hint.double", ("x + y",)),
    "x * x * x": Expr("x", lambda x: x * x * x, lambda x: (3 * x * x,), "reverse_mode.hint.cube", ("x * y",)),
    "x * y + y": Expr(
        "xy", lambda x, y: x * y + y, lambda x, y: (y, x + 1), "reverse_mode.hint.lecture", ("x * y", "x + y")
    ),
    "u + u * 3 + u * u  with u = x * y": Expr(
        "xy",
        lambda x, y: x * y + x * y * 3 + (x * y) ** 2,
        lambda x, y: ((4 + 2 * x * y) * y, (4 + 2 * x * y) * x),
        "reverse_mode.hint.three_users",
        ("x * y", "x + y", "x * 3"),
    ),
}

_WITHOUT_OUT_GRAD = "reverse_mode.chain_rule_without_out_grad"

# what known near-misses return: expression -> {mistake: (value, partials)}, from floats
NEAR = {
    "(x + y) * 2.5": {
        _WITHOUT_OUT_GRAD: (lambda x, y: (x + y) * 2.5, lambda x, y: (1.0, 1.0)),
        "reverse_mode.mul_own_value": (lambda x, y: (x + y) * 2.5, lambda x, y: (x + y, x + y)),
    },
    "x * y": {"reverse_mode.mul_own_value": (lambda x, y: x * y, lambda x, y: (x, y))},
    "1 - x": {"reverse_mode.rsub_reversed": (lambda x: x - 1, lambda x: (1.0,))},
    "2 - (x - y)": {_WITHOUT_OUT_GRAD: (lambda x, y: 2 - (x - y), lambda x, y: (1.0, -1.0))},
    "(x * y) * 2.5": {_WITHOUT_OUT_GRAD: (lambda x, y: x * y * 2.5, lambda x, y: (y, x))},
    "2 / x": {"reverse_mode.rtruediv_reversed": (lambda x: x / 2, lambda x: (0.5,))},
    "(x / y) / 4": {_WITHOUT_OUT_GRAD: (lambda x, y: x / y / 4, lambda x, y: (1 / y, -x / y**2))},
    "-(-x)": {_WITHOUT_OUT_GRAD: (lambda x: x, lambda x: (-1.0,))},
    **{
        f"x ** {p}": {"reverse_mode.power_rule_exponent": (lambda x, p=p: x**p, lambda x, p=p: (p * x**p,))}
        for p in (2, 3, -1, 0.5, -1.5, 2.5)
    },
    "(x ** 2) ** 3": {_WITHOUT_OUT_GRAD: (lambda x: x**6, lambda x: (2 * x,))},
    "x.exp().exp()": {_WITHOUT_OUT_GRAD: (lambda x: math.exp(math.exp(x)), lambda x: (math.exp(x),))},
    "x.log().log()": {_WITHOUT_OUT_GRAD: (lambda x: math.log(math.log(x)), lambda x: (1 / x,))},
    "x.sin().sin()": {_WITHOUT_OUT_GRAD: (lambda x: math.sin(math.sin(x)), lambda x: (math.cos(x),))},
    "x.tanh()": {"reverse_mode.tanh_derivative_of_input": (math.tanh, lambda x: (1 - x * x,))},
    "x.tanh().tanh()": {_WITHOUT_OUT_GRAD: (lambda x: math.tanh(math.tanh(x)), lambda x: (_dtanh(x),))},
    "x.relu()": {"reverse_mode.relu_derivative_at_zero": (lambda x: max(x, 0.0), lambda x: (1.0 if x >= 0 else 0.0,))},
    "x.relu() * 3": {_WITHOUT_OUT_GRAD: (lambda x: max(x, 0.0) * 3, lambda x: (1.0 if x > 0 else 0.0,))},
    "x.sigmoid()": {"reverse_mode.sigmoid_derivative_squared": (_sigmoid, lambda x: (_sigmoid(x) ** 2,))},
    "x.sigmoid().sigmoid()": {_WITHOUT_OUT_GRAD: (lambda x: _sigmoid(_sigmoid(x)), lambda x: (_dsigmoid(x),))},
    "x * x": {"reverse_mode.grad_overwritten": (lambda x: x * x, lambda x: (x,))},
    "x + x": {"reverse_mode.grad_overwritten": (lambda x: 2 * x, lambda x: (1.0,))},
    "x * y + y": {"reverse_mode.grad_overwritten": (lambda x, y: x * y + y, lambda x, y: (y, 1.0))},
}
NUMBER_LEFT = ("1 + x", "1 - x", "3 * x", "2 / x")  # Python runs these through __radd__, __rsub__, …
SHARED = "u + u * 3 + u * u  with u = x * y"

# where the inputs are drawn from, one letter per input
DOMAINS = {
    "A": lambda g: g.uniform(-2, 2),
    "N": lambda g: g.choice([-1, 1]) * g.uniform(0.5, 2),
    "P": lambda g: g.uniform(0.3, 2.5),
    "M": lambda g: g.uniform(-2, -0.5),
    "L": lambda g: g.uniform(1.5, 4),
    "B": lambda g: g.choice([-1, 1]) * g.uniform(8, 30),
    "Z": lambda g: 0.0,
}

GROUPS = {
    "add": [("x + y", "AA"), ("x + 1", "A"), ("1 + x", "A"), ("(x + y) * 2.5", "AA")],
    "sub": [("x - y", "AA"), ("x - 1", "A"), ("1 - x", "A"), ("2 - (x - y)", "AA")],
    "mul": [("x * y", "AA"), ("x * 3", "A"), ("3 * x", "A"), ("x * 2.5", "A"), ("(x * y) * 2.5", "AA")],
    "div": [("x / y", "AN"), ("x / 3", "A"), ("2 / x", "N"), ("(x / y) / 4", "AN")],
    "neg": [("-x", "A"), ("-(-x)", "A"), ("-(x * y)", "AA")],
    "pow": [
        ("x ** 2", "A"),
        ("x ** 3", "M"),
        ("x ** -1", "N"),
        ("x ** 0.5", "P"),
        ("x ** -1.5", "P"),
        ("x ** 2.5", "P"),
        ("(x ** 2) ** 3", "N"),
    ],
    "exp": [("x.exp()", "A"), ("x.exp().exp()", "A")],
    "log": [("x.log()", "P"), ("x.log().log()", "L")],
    "sin": [("x.sin()", "A"), ("x.sin().sin()", "A")],
    "tanh": [("x.tanh()", "A"), ("x.tanh().tanh()", "A")],
    "relu": [("x.relu()", "P"), ("x.relu()", "M"), ("x.relu()", "Z"), ("x.relu() * 3", "P"), ("x.relu() * 3", "M")],
    "sigmoid": [("x.sigmoid()", "A"), ("x.sigmoid()", "B"), ("x.sigmoid().sigmoid()", "A")],
    "shared-nodes": [
        ("x * x", "A"),
        ("x + x", "A"),
        ("x * x * x", "A"),
        ("x * y + y", "AA"),
        ("u + u * 3 + u * u  with u = x * y", "AA"),
    ],
}


def _mistake(name: str, values, data: float, grads: list) -> str | None:
    """Which known mistake do the value and grads of ``name`` fit (what each near-miss returns here)?"""
    expr = EXPRS[name]
    got = [data, *grads]
    want = [expr.value(*values), *expr.partials(*values)]
    candidates = [(m, [value(*values), *partials(*values)]) for m, (value, partials) in NEAR.get(name, {}).items()]
    if name == SHARED and want[1] != 0 and grads[0] != 0:
        # u passed its gradient on more than once: both partials k times the right ones. Not always
        # k > 1: a copy of u met early in the order passes on a part of its grad (1 + 3 + 2u with u < 0)
        k = grads[0] / want[1]
        candidates.append(("reverse_mode.node_visited_twice", [want[0], *(k * w for w in want[1:])]))
    allowed = 1e-9 * max(1.0, max(abs(w) for w in want))
    return checks.near_miss(got, want, candidates, allowed) or None


def _problem(name: str, values, result: dict):
    """The failure of one expression's result (a Wrong or SubmissionFault, not raised), or None if it is right."""
    expr = EXPRS[name]
    notes = [_at(expr.inputs, values), Feedback(expr.hint)]
    if "not_implemented" in result:
        raise _not_finished(result["not_implemented"])
    if "error" in result:
        code = "reverse_mode.raised_forward" if result["stage"] == "forward" else "reverse_mode.raised_backward"
        left = result["stage"] == "forward" and result["type"] == "TypeError" and name in NUMBER_LEFT
        return _raised(code, result, notes, "reverse_mode.no_reflected_operator" if left else None, expr=name)
    if "not_var" in result:
        return Wrong("reverse_mode.not_var", expr=name, type=result["not_var"], notes=notes, context=False)
    data = _number(result["data"], ".data", expr=name)
    grads = [_number(g, f"{v}.grad", expr=name) for v, g in zip(expr.inputs, result["grads"])]
    mistake = _mistake(name, values, data, grads)
    want = expr.value(*values)
    if not _close(data, want):
        return Wrong(
            "reverse_mode.data", expr=name, got=data, expected=want, notes=notes, mistake=mistake, context=False
        )
    for v, got, want in zip(expr.inputs, grads, expr.partials(*values)):
        if not _close(got, want):
            return Wrong(
                "reverse_mode.partial",
                expr=name,
                input=v,
                got=got,
                expected=want,
                notes=notes,
                mistake=mistake,
                context=False,
            )
    return None


@pytest.mark.function("Var")
@pytest.mark.parametrize("group", GROUPS)
def test_var_operators(learner, seed, group):
    items = [
        (name, [DOMAINS[d](cases.rng(seed, "Var", group, name, domain, i)) for i, d in enumerate(domain)])
        for name, domain in GROUPS[group]
    ]
    needs = sorted({n for name, _ in GROUPS[group] for n in EXPRS[name].needs})
    needs = [
        (n, [DOMAINS["N"](cases.rng(seed, "Var", "needs", n, i)) for i in range(len(EXPRS[n].inputs))]) for n in needs
    ]
    results = learner.scenario("reverse_mode.expressions", [list(item) for item in items + needs])
    problems = [_problem(name, values, r) for (name, values), r in zip(items + needs, results)]
    mine = problems[: len(items)]
    broken_needs = {name for (name, _), p in zip(needs, problems[len(items) :]) if p}
    first = next((i for i, p in enumerate(mine) if p), None)
    if first is None:
        return
    name, failure = items[first][0], mine[first]
    wrong = list(dict.fromkeys(n for (n, _), p in zip(items, mine) if p))
    right = [n for n in dict.fromkeys(n for n, _ in items) if n not in wrong]
    notes = []
    broken = [n for n in EXPRS[name].needs if n in broken_needs]
    if broken:
        notes.append(Feedback("reverse_mode.needs_broken", {"names": broken, "count": len(broken), "expr": name}))
    if len(wrong) > 1:
        notes.append(Feedback("check.also_wrong", {"names": wrong[1:]}))
    notes.append(Feedback("reverse_mode.right", {"names": right}) if right else Feedback("reverse_mode.right_none"))
    failure.feedback = dataclasses.replace(failure.feedback, notes=failure.feedback.notes + tuple(notes))
    raise failure


# --- Var: the graph as a whole ---------------------------------------------------------


def check_fresh(learner, g):
    x, y = DOMAINS["N"](g), DOMAINS["N"](g)
    seen = _outcome(learner.scenario("reverse_mode.fresh", x, y), "reverse_mode.fresh_raised")
    at = Feedback("reverse_mode.at_xy", {"x": x, "y": y})
    names = ["Var(x)", "Var(y)", "Var(3)", "Var(x) * Var(y)"]
    for name, got, want in zip(names, seen["data"], [x, y, 3.0, x * y]):
        got = _number(got, f"{name}.data")
        if not _close(got, want):
            raise Wrong("reverse_mode.fresh_data", name=name, got=got, expected=want, notes=[at], context=False)
    for name, got in zip(names, seen["grad"]):
        got = _number(got, f"{name}.grad")
        if got != 0.0:
            raise Wrong("reverse_mode.fresh_grad", name=name, value=got, notes=[at], context=False)


def _pairs(**pairs) -> dict:
    """``gx=…, gy=…`` params from ``g=(x.grad, y.grad)`` pairs."""
    return {f"{k}{v}": float(p[i]) for k, p in pairs.items() for i, v in enumerate("xy")}


def _backward_runs(learner, g):
    """x, y and the grads after z.backward(), z.backward() again, u.backward(), for u = x * y, z = u + y."""
    x, y = DOMAINS["N"](g), DOMAINS["N"](g)
    runs = _outcome(learner.scenario("reverse_mode.backward_twice", x, y), "reverse_mode.backward_raised", x=x, y=y)
    runs = [np.array([_number(v, "x.grad, y.grad") for v in pair]) for pair in runs]
    if not checks.same(runs[0], [y, x + 1], TOL * (1 + abs(x) + abs(y))):
        raise Wrong("reverse_mode.backward_first", x=x, y=y, **_pairs(g=runs[0], e=[y, x + 1]), context=False)
    return x, y, runs


def check_backward_twice(learner, g):
    x, y, runs = _backward_runs(learner, g)
    want = np.array([y, x + 1])
    allowed = TOL * (1 + abs(x) + abs(y))
    if not checks.same(runs[1], want, allowed):
        # without zeroing, the second pass adds to what the first left: in the nodes too (u.grad = 2), or only in x, y
        mistake = checks.near_miss(
            runs[1],
            want,
            [("reverse_mode.backward_not_zeroed", [3 * y, 3 * x + 2]), ("reverse_mode.backward_not_zeroed", 2 * want)],
            allowed,
        )
        raise Wrong(
            "reverse_mode.backward_twice",
            x=x,
            y=y,
            **_pairs(f=runs[0], g=runs[1], e=want),
            mistake=mistake,
            context=False,
        )


def check_backward_subgraph(learner, g):
    x, y, runs = _backward_runs(learner, g)
    want = np.array([y, x])
    if not checks.same(runs[2], want, TOL * (1 + abs(x) + abs(y))):
        raise Wrong("reverse_mode.backward_subgraph", x=x, y=y, **_pairs(g=runs[2], e=want), context=False)


DEEP_STEPS = 50_000  # two operations per step: 100 000 deep


def _with_note(fault: SubmissionFault, note: Feedback) -> SubmissionFault:
    fault.feedback = dataclasses.replace(fault.feedback, notes=fault.feedback.notes + (note,))
    return fault


def check_deep_chain(learner, g):
    x, r, c = g.uniform(0.5, 1.5), float(1 + g.choice([-1, 1]) * g.uniform(2e-6, 1e-5)), g.uniform(-1e-4, 1e-4)
    setup = {"x": x, "r": r, "c": c, "steps": DEEP_STEPS}
    try:
        result = learner.scenario("reverse_mode.deep_chain", x=x, r=r, c=c, steps=DEEP_STEPS)
    except SubmissionFault as fault:
        raise _with_note(fault, Feedback("reverse_mode.deep_chain_slow")) if fault.status == "timeout" else fault
    seen = _outcome(
        result,
        "reverse_mode.deep_chain_raised",
        [Feedback("reverse_mode.deep_chain_stack")],
        {"RecursionError": "reverse_mode.recursive_sort"},
        **setup,
    )
    data = x
    for _ in range(DEEP_STEPS):
        data = data * r + c
    got = _number(seen["data"], "y.data")
    if not _close(got, data):
        raise Wrong("reverse_mode.deep_chain_data", got=got, expected=data, context=False, **setup)
    got = _number(seen["grad"], "x.grad")
    if not _close(got, r**DEEP_STEPS):
        raise Wrong("reverse_mode.deep_chain_grad", got=got, expected=r**DEEP_STEPS, context=False, **setup)


REPEATED_LEVELS = 50


def check_repeated_use(learner, g):
    x, a = g.uniform(0.5, 1.5), g.uniform(0.3, 0.7)
    b = g.uniform(0.95, 1.05) - a
    setup = {"x": x, "a": a, "b": b, "levels": REPEATED_LEVELS}
    try:
        result = learner.scenario("reverse_mode.repeated_use", x=x, a=a, b=b, levels=REPEATED_LEVELS)
    except SubmissionFault as fault:
        if fault.status == "timeout":
            raise _with_note(fault, Feedback("reverse_mode.repeated_use_slow", {"levels": REPEATED_LEVELS}))
        raise
    seen = _outcome(result, "reverse_mode.repeated_use_raised", **setup)
    data = x
    for _ in range(REPEATED_LEVELS):
        data = data * a + data * b
    got = _number(seen["data"], "y.data")
    if not _close(got, data):
        raise Wrong("reverse_mode.repeated_use_data", got=got, expected=data, context=False, **setup)
    got = _number(seen["grad"], "x.grad")
    if not _close(got, (a + b) ** REPEATED_LEVELS):
        raise Wrong(
            "reverse_mode.repeated_use_grad", got=got, expected=(a + b) ** REPEATED_LEVELS, context=False, **setup
        )


GRAPH = {
    "fresh-grad-is-zero": check_fresh,
    "backward-twice": check_backward_twice,
    "backward-on-subgraph": check_backward_subgraph,
    "repeated-use": check_repeated_use,
}
GATED_GRAPH = ("fresh-grad-is-zero",)  # every grad's right answer is 0.0: counts once the other Var tests pass


@pytest.mark.function("Var")
@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.gated) if c in GATED_GRAPH else c for c in GRAPH])
def test_var_graph(learner, seed, case):
    GRAPH[case](learner, cases.rng(seed, "Var", case))


# --- grad ------------------------------------------------------------------------------

# f (as the scenario module names it) -> (input names, the partial derivatives)
SCALAR = {
    "a * b + b": (("a", "b"), lambda a, b: (b, a + 1)),
    "x1 * x2 + x1.sin()": (("x1", "x2"), lambda x1, x2: (x2 + math.cos(x1), x1)),
    "x ** 3 - 2 * x": (("x",), lambda x: (3 * x * x - 2,)),
    "x * y * z + x / z": (("x", "y", "z"), lambda x, y, z: (y * z + 1 / z, x * z, x * y - x / z**2)),
    "x * z  (y unused)": (("x", "y", "z"), lambda x, y, z: (z, 0.0, x)),
    "(w * x + b).sigmoid()": (("w", "x", "b"), lambda w, x, b: tuple(_dsigmoid(w * x + b) * d for d in (x, w, 1))),
    "(x * y).exp() + (x * y).log() - y.tanh()": (
        ("x", "y"),
        lambda x, y: (y * math.exp(x * y) + 1 / x, x * math.exp(x * y) + 1 / y - _dtanh(y)),
    ),
}

GRAD = {
    "lecture-1.5": ("a * b + b", lambda g: (2.0, 3.0)),
    "lecture-3.10": ("x1 * x2 + x1.sin()", lambda g: (2.0, 3.0)),
    "one-input": ("x ** 3 - 2 * x", lambda g: (g.uniform(-2, 2),)),
    "three-inputs": ("x * y * z + x / z", lambda g: tuple(DOMAINS["N"](g) for _ in range(3))),
    "unused-input": ("x * z  (y unused)", lambda g: tuple(g.uniform(-2, 2, 3))),
    "neuron": ("(w * x + b).sigmoid()", lambda g: tuple(g.uniform(-2, 2, 3))),
    "shared-subexpression": ("(x * y).exp() + (x * y).log() - y.tanh()", lambda g: tuple(g.uniform(0.3, 1.5, 2))),
    "integer-inputs": ("x1 * x2 + x1.sin()", lambda g: tuple(int(v) for v in g.integers(-4, 5, 2))),
}


@pytest.mark.function("grad")
@pytest.mark.parametrize("case", GRAD)
def test_grad(learner, seed, case):
    name, point = GRAD[case]
    xs = point(cases.rng(seed, "grad", case))
    names, partials = SCALAR[name]
    call = {"f": name, "names": list(names), "xs": list(xs)}
    result = _ask(learner, "grad", lambda: learner.grad(wire.FnRef("reverse_mode.scalar_function", name), *xs))
    want = partials(*map(float, xs))
    if not isinstance(result, tuple):
        values = result if isinstance(result, list) and len(result) == len(want) else None
        listed = values is not None and all(isinstance(v, (int, float)) and _close(v, w) for v, w in zip(values, want))
        raise Wrong(
            "reverse_mode.grad_not_tuple",
            type=type(result).__name__,
            value=result,
            context=False,
            mistake="reverse_mode.grad_returns_list" if listed else None,
            **call,
        )
    if len(result) != len(xs):
        raise Wrong("reverse_mode.grad_count", count=len(result), value=result, n=len(xs), context=False, **call)
    got = np.array([checks.scalar(v, f"grad(f, *xs)[{i}]") for i, v in enumerate(result)])
    wrong = [n for n, a, b in zip(names, got, want) if not _close(a, b)]
    if wrong:
        raise Wrong("reverse_mode.grad", got=got, expected=np.array(want), wrong=wrong, context=False, **call)


# --- jacobian_reverse ------------------------------------------------------------------


def _mixed(v0, v1, v2):
    return [[v1, v0, 0], [math.cos(v0), 0, 0], [0, 0, 2 * v2], [1, v2, v1]]


def _shared(v0, v1, v2):
    u = v0 * v1
    return [[math.cos(u) * v1, math.cos(u) * v0, 0], [v1 * v2, v0 * v2, u], [v1, v0, 0]]


# f (as the scenario module names it) -> the Jacobian at v
VECTOR = {
    "[v0 * v1, v0.sin(), v2 ** 2, v0 + v1 * v2]": _mixed,
    "[v0 * v1 * v2 * v3, v0 + v3]": lambda a, b, c, d: [[b * c * d, a * c * d, a * b * d, a * b * c], [1, 0, 0, 1]],
    "[(v0 * v1).exp()]": lambda a, b: [[b * math.exp(a * b), a * math.exp(a * b)]],
    "[v0, v0 ** 2, v0.sin()]": lambda a: [[1], [2 * a], [math.cos(a)]],
    "[v0 * 2, v1 * 3, Var(5.0), v2 * 4]": lambda a, b, c: [[2, 0, 0], [0, 3, 0], [0, 0, 0], [0, 0, 4]],
    "[u.sin(), u * v2, u]  with u = v0 * v1": _shared,
}

JACOBIAN = {
    "4-outputs-3-inputs": ("[v0 * v1, v0.sin(), v2 ** 2, v0 + v1 * v2]", lambda g: list(g.uniform(-2, 2, 3))),
    "2-outputs-4-inputs": ("[v0 * v1 * v2 * v3, v0 + v3]", lambda g: list(g.uniform(-2, 2, 4))),
    "single-output": ("[(v0 * v1).exp()]", lambda g: list(g.uniform(-1, 1, 2))),
    "single-input-and-identity": ("[v0, v0 ** 2, v0.sin()]", lambda g: [g.uniform(-2, 2)]),
    "inputs-absent-from-outputs": ("[v0 * 2, v1 * 3, Var(5.0), v2 * 4]", lambda g: list(g.uniform(-2, 2, 3))),
    "shared-intermediate": ("[u.sin(), u * v2, u]  with u = v0 * v1", lambda g: list(g.uniform(-2, 2, 3))),
    "integer-x": ("[v0 * v1, v0.sin(), v2 ** 2, v0 + v1 * v2]", lambda g: [int(v) for v in g.integers(-3, 4, 3)]),
    "ndarray-x": ("[v0 * v1 * v2 * v3, v0 + v3]", lambda g: g.uniform(-2, 2, 4)),
}


@pytest.mark.function("jacobian_reverse")
@pytest.mark.parametrize("case", JACOBIAN)
def test_jacobian_reverse(learner, seed, case):
    name, point = JACOBIAN[case]
    x = point(cases.rng(seed, "jacobian_reverse", case))
    want = np.array(VECTOR[name](*map(float, x)), dtype=float)
    m, n = want.shape
    call = {"f": name, "x": x}
    seen = _ask(learner, "jacobian_reverse", lambda: learner.scenario("reverse_mode.jacobian", f=name, x=x))
    if isinstance(seen["J"], str):
        raise Wrong("reverse_mode.jacobian_not_array", type=seen["J"], m=m, n=n, context=False, **call)
    J = checks.array(seen["J"], "J", (m, n))
    roots = seen["backward_roots"]
    if None in roots:
        raise Wrong("reverse_mode.backward_not_on_output", context=False, **call)
    if sorted(i for _, i in roots) != list(range(m)):
        counts = [sum(1 for _, i in roots if i == k) for k in range(m)]
        mistake = "reverse_mode.jacobian_backward_per_entry" if n > 1 and counts == [n] * m else None
        raise Wrong(
            "reverse_mode.backward_count", m=m, runs=len(roots), counts=counts, mistake=mistake, context=False, **call
        )
    alone = seen["alone"]
    for i in range(m):
        bad = [j for j in range(n) if not _close(J[i, j], want[i, j])]
        if not bad:
            continue
        fresh = alone[i] if i < len(alone) and alone[i] is not None else None
        rows = dict(i=i, bad=bad, got=J, expected=want, context=False, **call)
        if fresh is None or not all(isinstance(v, float) and _close(v, w) for v, w in zip(fresh, want[i])):
            raise Wrong(
                "reverse_mode.jacobian_row" if fresh is None else "reverse_mode.jacobian_row_derivatives",
                alone=fresh,
                **rows,
            )
        absent = [j for j in bad if want[i, j] == 0]
        if absent:
            raise Wrong(
                "reverse_mode.jacobian_row_not_reset", j=absent[0], mistake="reverse_mode.jacobian_not_reset", **rows
            )
        raise Wrong("reverse_mode.jacobian_row_left_over", **rows)


# --- cheaper_mode ----------------------------------------------------------------------

CHEAPER = {
    "network-loss": lambda g: (int(g.integers(10**5, 10**7)), 1),
    "curve-in-space": lambda g: (1, int(g.integers(2, 10))),
    "square": lambda g: (int(g.integers(2, 50)),) * 2,
    "one-by-one": lambda g: (1, 1),
    "more-inputs": lambda g: (int(g.integers(6, 100)), int(g.integers(2, 6))),
    "more-outputs": lambda g: (int(g.integers(2, 6)), int(g.integers(6, 100))),
    "neighbours": lambda g: (7, 8),
    "neighbours-reversed": lambda g: (8, 7),
}
SWAPPED = {"forward": "reverse", "reverse": "forward", "either": "either"}


@pytest.mark.function("cheaper_mode")
@pytest.mark.parametrize("case", CHEAPER)
def test_cheaper_mode(learner, seed, case):
    n_in, n_out = CHEAPER[case](cases.rng(seed, "cheaper_mode", case))
    want = "forward" if n_in < n_out else "reverse" if n_in > n_out else "either"
    got = learner.cheaper_mode(n_in, n_out)
    if got != want:
        mistake = "reverse_mode.modes_swapped" if want != "either" and got == SWAPPED[want] else None
        raise Wrong(
            "reverse_mode.cheaper_mode",
            n_inputs=n_in,
            n_outputs=n_out,
            got=got,
            expected=want,
            mistake=mistake,
            context=False,
        )


# --- the 100 000-deep chain, last: the slowest case (a second or more of the learner's code) -----------------


@pytest.mark.function("Var")
@pytest.mark.parametrize("case", ["deep-chain-100000"])
def test_var_graph_deep(learner, seed, case):
    """Last in the suite, so that a run stopping at its first failure (verify's mutants) rarely pays for it."""
    check_deep_chain(learner, cases.rng(seed, "Var", case))
