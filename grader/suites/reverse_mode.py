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
from typing import Callable

import numpy as np
import pytest

from grader import fmt, wire
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
    return lambda x: x ** p, lambda x: (p * x ** (p - 1),)


def _at(names, values) -> str:
    return ", ".join(f"{n} = {fmt.num(v)}" for n, v in zip(names, values))


def _not_finished(where: str, doing: str) -> SubmissionFault:
    return SubmissionFault("not_implemented", f"Var is not finished: {where} raises NotImplementedError, and "
                                              f"{doing} needs it.", "not_implemented")


def _ask(learner, own: str, call: str, ask: Callable):
    """``ask()``; a NotImplementedError from a Var method that f uses (not from ``own``) is named as such."""
    try:
        return ask()
    except SubmissionFault as fault:
        frames = learner.last.answer.traceback if learner.last and not learner.last.answer.ok else []
        if fault.status != "not_implemented" or not frames or frames[-1][2] == own:
            raise
        file, line, function, _ = frames[-1]
        raise _not_finished(f"{function} ({file}:{line})", call) from None


def _outcome(result: dict, doing: str, hint: str = ""):
    """The value of a scenario attempt, or the learner's exception turned into feedback."""
    if "not_implemented" in result:
        raise _not_finished(result["not_implemented"], doing)
    if "error" in result:
        raise Wrong(f"{doing[0].upper() + doing[1:]} raised {result['error']}." + (f"\n{hint}" if hint else ""),
                    context=False)
    return result["ok"]


def _number(value, what: str) -> float:
    if isinstance(value, str):
        raise Wrong(f"{what} should be a number; it is {value}.", context=False)
    return value


# --- Var: every operator, alone and in a chain ---------------------------------------

@dataclasses.dataclass(frozen=True)
class Expr:
    inputs: str                      # the input names, in order: "x" or "xy"
    value: Callable                  # the value, from floats
    partials: Callable               # the partial derivatives, one per input
    hint: str                        # where to look when it is wrong
    needs: tuple[str, ...] = ()      # simpler expressions it relies on (tested in their own group)


_CHAIN = "multiply the local derivative by out.grad (the gradient that arrives at the node), not by 1"

EXPRS = {
    "x + y": Expr("xy", lambda x, y: x + y, lambda x, y: (1.0, 1.0), "Check __add__: ∂(x + y)/∂x = ∂(x + y)/∂y = 1."),
    "x + 1": Expr("x", lambda x: x + 1, lambda x: (1.0,),
                  "Check __add__ with a number on the right: wrap the number in a Var (or treat it as a constant)."),
    "1 + x": Expr("x", lambda x: 1 + x, lambda x: (1.0,),
                  "Check __radd__: Python runs 1 + x as x.__radd__(1) — the number is on the left."),
    "(x + y) * 2.5": Expr("xy", lambda x, y: (x + y) * 2.5, lambda x, y: (2.5, 2.5),
                          f"The gradient arriving at x + y is 2.5 here: in the backward of +, {_CHAIN}.",
                          ("x * 2.5",)),
    "x - y": Expr("xy", lambda x, y: x - y, lambda x, y: (1.0, -1.0), "Check __sub__: ∂/∂x = 1, ∂/∂y = −1."),
    "x - 1": Expr("x", lambda x: x - 1, lambda x: (1.0,), "Check __sub__ with a number on the right."),
    "1 - x": Expr("x", lambda x: 1 - x, lambda x: (-1.0,),
                  "Check __rsub__: Python runs 1 - x as x.__rsub__(1) — the number is on the left, so the result "
                  "is 1 − x (not x − 1) and ∂/∂x = −1."),
    "2 - (x - y)": Expr("xy", lambda x, y: 2 - (x - y), lambda x, y: (-1.0, 1.0),
                        f"The gradient arriving at x − y is −1 here: in the backward of −, {_CHAIN}."),
    "x * y": Expr("xy", lambda x, y: x * y, lambda x, y: (y, x),
                  "Check __mul__: ∂(x·y)/∂x = y and ∂(x·y)/∂y = x — each operand gets the other one's value."),
    "x * 3": Expr("x", lambda x: x * 3, lambda x: (3.0,), "Check __mul__ with a number on the right."),
    "3 * x": Expr("x", lambda x: 3 * x, lambda x: (3.0,),
                  "Check __rmul__: Python runs 3 * x as x.__rmul__(3) — the number is on the left."),
    "x * 2.5": Expr("x", lambda x: x * 2.5, lambda x: (2.5,), "Check __mul__ with a float on the right."),
    "(x * y) * 2.5": Expr("xy", lambda x, y: (x * y) * 2.5, lambda x, y: (2.5 * y, 2.5 * x),
                          f"The gradient arriving at x·y is 2.5 here: in the backward of *, {_CHAIN}."),
    "x / y": Expr("xy", lambda x, y: x / y, lambda x, y: (1 / y, -x / y ** 2),
                  "Check __truediv__: ∂(x/y)/∂x = 1/y, ∂(x/y)/∂y = −x/y²."),
    "x / 3": Expr("x", lambda x: x / 3, lambda x: (1 / 3,),
                  "Check __truediv__ with a number on the right: ∂(x/3)/∂x = 1/3."),
    "2 / x": Expr("x", lambda x: 2 / x, lambda x: (-2 / x ** 2,),
                  "Check __rtruediv__: Python runs 2 / x as x.__rtruediv__(2) — the number is on the left, so the "
                  "result is 2/x (not x/2) and ∂/∂x = −2/x²."),
    "(x / y) / 4": Expr("xy", lambda x, y: (x / y) / 4, lambda x, y: (1 / (4 * y), -x / (4 * y ** 2)),
                        f"The gradient arriving at x / y is 1/4 here: in the backward of /, {_CHAIN}."),
    "-x": Expr("x", lambda x: -x, lambda x: (-1.0,), "Check __neg__: ∂(−x)/∂x = −1."),
    "-(-x)": Expr("x", lambda x: x, lambda x: (1.0,),
                  f"The gradient arriving at the inner −x is −1 here: in the backward of unary −, {_CHAIN}."),
    "-(x * y)": Expr("xy", lambda x, y: -(x * y), lambda x, y: (-y, -x),
                     "Check __neg__ on a computed Var: ∂(−x·y)/∂x = −y.", ("x * y",)),
    "x ** 2": Expr("x", *_power(2), "Check __pow__: ∂(xᵖ)/∂x = p·x^(p−1), here 2x."),
    "x ** 3": Expr("x", *_power(3), "Check __pow__ at a negative x: ∂(x³)/∂x = 3x², which is positive."),
    "x ** -1": Expr("x", *_power(-1), "Check __pow__ with a negative exponent: ∂(x⁻¹)/∂x = −1·x⁻²."),
    "x ** 0.5": Expr("x", *_power(0.5), "Check __pow__ with a fractional exponent: ∂(x^0.5)/∂x = 0.5·x^−0.5."),
    "x ** -1.5": Expr("x", *_power(-1.5), "Check __pow__: ∂(x^−1.5)/∂x = −1.5·x^−2.5."),
    "x ** 2.5": Expr("x", *_power(2.5), "Check __pow__: ∂(x^2.5)/∂x = 2.5·x^1.5."),
    "(x ** 2) ** 3": Expr("x", lambda x: (x ** 2) ** 3, lambda x: (6 * x ** 5,),
                          f"The gradient arriving at x² is 3x⁴ here: in the backward of **, {_CHAIN}."),
    "x.exp()": Expr("x", math.exp, lambda x: (math.exp(x),), "Check exp(): (eˣ)′ = eˣ."),
    "x.exp().exp()": Expr("x", lambda x: math.exp(math.exp(x)), lambda x: (math.exp(math.exp(x) + x),),
                          f"The gradient arriving at x.exp() is e^(eˣ) here: in exp's backward, {_CHAIN}."),
    "x.log()": Expr("x", math.log, lambda x: (1 / x,), "Check log(): (ln x)′ = 1/x."),
    "x.log().log()": Expr("x", lambda x: math.log(math.log(x)), lambda x: (1 / (x * math.log(x)),),
                          f"The gradient arriving at x.log() is 1/ln x here: in log's backward, {_CHAIN}."),
    "x.sin()": Expr("x", math.sin, lambda x: (math.cos(x),), "Check sin(): (sin x)′ = cos x."),
    "x.sin().sin()": Expr("x", lambda x: math.sin(math.sin(x)), lambda x: (math.cos(math.sin(x)) * math.cos(x),),
                          f"The gradient arriving at x.sin() is cos(sin x) here: in sin's backward, {_CHAIN}."),
    "x.tanh()": Expr("x", math.tanh, lambda x: (_dtanh(x),),
                     "Check tanh(): (tanh x)′ = 1 − tanh²x — the square of the output, not of x."),
    "x.tanh().tanh()": Expr("x", lambda x: math.tanh(math.tanh(x)), lambda x: (_dtanh(math.tanh(x)) * _dtanh(x),),
                            f"The gradient arriving at x.tanh() is not 1 here: in tanh's backward, {_CHAIN}."),
    "x.relu()": Expr("x", lambda x: max(x, 0.0), lambda x: (1.0 if x > 0 else 0.0,),
                     "Check relu(): max(x, 0), with derivative 1 where x > 0 and 0 where x ≤ 0 — SPEC fixes 0 at "
                     "exactly x = 0 (test x > 0, not x >= 0)."),
    "x.relu() * 3": Expr("x", lambda x: max(x, 0.0) * 3, lambda x: (3.0 if x > 0 else 0.0,),
                         f"The gradient arriving at x.relu() is 3 here: in relu's backward, {_CHAIN}.", ("x * 3",)),
    "x.sigmoid()": Expr("x", _sigmoid, lambda x: (_dsigmoid(x),),
                        "Check sigmoid(): σ(x) = 1/(1 + e⁻ˣ) and σ′(x) = σ(x)·(1 − σ(x))."),
    "x.sigmoid().sigmoid()": Expr("x", lambda x: _sigmoid(_sigmoid(x)),
                                  lambda x: (_dsigmoid(_sigmoid(x)) * _dsigmoid(x),),
                                  f"The gradient arriving at x.sigmoid() is not 1 here: in sigmoid's backward, {_CHAIN}."),
    "x * x": Expr("x", lambda x: x * x, lambda x: (2 * x,),
                  "x is used twice: each use adds its contribution to x.grad (+=); overwriting it (=) loses one. "
                  "∂(x·x)/∂x = 2x.", ("x * y",)),
    "x + x": Expr("x", lambda x: x + x, lambda x: (2.0,),
                  "x is used twice: each use adds its contribution to x.grad (+=), so ∂(x + x)/∂x = 2.", ("x + y",)),
    "x * x * x": Expr("x", lambda x: x * x * x, lambda x: (3 * x * x,),
                      "x is used three times: every contribution must add to x.grad (+=); ∂(x³)/∂x = 3x².",
                      ("x * y",)),
    "x * y + y": Expr("xy", lambda x, y: x * y + y, lambda x, y: (y, x + 1),
                      "The lecture's example: y feeds both * and +, so ∂/∂y = x + 1 — the two contributions add up.",
                      ("x * y", "x + y")),
    "u + u * 3 + u * u  with u = x * y": Expr(
        "xy", lambda x, y: x * y + x * y * 3 + (x * y) ** 2,
        lambda x, y: ((4 + 2 * x * y) * y, (4 + 2 * x * y) * x),
        "u = x * y feeds three operations, so u.grad = 1 + 3 + 2u must be complete before u passes it on to x and "
        "y: run each node's backward exactly once, after all of its users (topological order, every node listed "
        "once however often it is used).", ("x * y", "x + y", "x * 3")),
}

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
    "pow": [("x ** 2", "A"), ("x ** 3", "M"), ("x ** -1", "N"), ("x ** 0.5", "P"), ("x ** -1.5", "P"),
            ("x ** 2.5", "P"), ("(x ** 2) ** 3", "N")],
    "exp": [("x.exp()", "A"), ("x.exp().exp()", "A")],
    "log": [("x.log()", "P"), ("x.log().log()", "L")],
    "sin": [("x.sin()", "A"), ("x.sin().sin()", "A")],
    "tanh": [("x.tanh()", "A"), ("x.tanh().tanh()", "A")],
    "relu": [("x.relu()", "P"), ("x.relu()", "M"), ("x.relu()", "Z"), ("x.relu() * 3", "P"), ("x.relu() * 3", "M")],
    "sigmoid": [("x.sigmoid()", "A"), ("x.sigmoid()", "B"), ("x.sigmoid().sigmoid()", "A")],
    "shared-nodes": [("x * x", "A"), ("x + x", "A"), ("x * x * x", "A"), ("x * y + y", "AA"),
                     ("u + u * 3 + u * u  with u = x * y", "AA")],
}


def _problem(name: str, values, result: dict) -> str | None:
    """What is wrong with one expression's result, in one or two sentences; None if it is right."""
    expr = EXPRS[name]
    at = _at(expr.inputs, values)
    if "not_implemented" in result:
        raise _not_finished(result["not_implemented"], f"running {name}")
    if "error" in result:
        where = "while computing it" if result["stage"] == "forward" else "in backward()"
        return f"{name} at {at} raised {result['error']} {where}."
    wrong = []
    data = _number(result["data"], f"In {name} at {at}, the result's .data")
    if not _close(data, expr.value(*values)):
        wrong.append(f"the result's .data is {fmt.num(data)}, but {name} = {fmt.num(expr.value(*values))}")
    for v, got, want in zip(expr.inputs, result["grads"], expr.partials(*values)):
        got = _number(got, f"In {name} at {at}, {v}.grad")
        if not _close(got, want):
            of = f" ({name})" if len(name) <= 20 else ""
            wrong.append(f"{v}.grad is {fmt.num(got)}, but ∂/∂{v}{of} = {fmt.num(want)}")
    return f"In {name} at {at}: " + "; ".join(wrong) + "." if wrong else None


@pytest.mark.function("Var")
@pytest.mark.parametrize("group", GROUPS)
def test_var_operators(learner, seed, group):
    items = [(name, [DOMAINS[d](cases.rng(seed, "Var", group, name, domain, i)) for i, d in enumerate(domain)])
             for name, domain in GROUPS[group]]
    needs = sorted({n for name, _ in GROUPS[group] for n in EXPRS[name].needs})
    needs = [(n, [DOMAINS["N"](cases.rng(seed, "Var", "needs", n, i)) for i in range(len(EXPRS[n].inputs))])
             for n in needs]
    results = learner.scenario("reverse_mode.expressions", [list(item) for item in items + needs])
    problems = [_problem(name, values, r) for (name, values), r in zip(items + needs, results)]
    mine = problems[:len(items)]
    broken_needs = {name for (name, _), p in zip(needs, problems[len(items):]) if p}
    first = next((i for i, p in enumerate(mine) if p), None)
    if first is None:
        return
    name = items[first][0]
    lines = [mine[first], EXPRS[name].hint]
    broken = [n for n in EXPRS[name].needs if n in broken_needs]
    if broken:
        lines.append(f"({', '.join(broken)} {'is' if len(broken) == 1 else 'are'} wrong too, and {name} relies on "
                     f"{'it' if len(broken) == 1 else 'them'}: fix that first.)")
    also = [f"{n} at {_at(EXPRS[n].inputs, v)}" for (n, v), p in zip(items[first + 1:], mine[first + 1:]) if p]
    repeated = {n for n, _ in items if sum(m == n for m, _ in items) > 1}
    right = [n + (f" at {_at(EXPRS[n].inputs, v)}" if n in repeated else "") for (n, v), p in zip(items, mine) if not p]
    if also:
        lines.append("Also wrong: " + "; ".join(also) + ".")
    lines.append("Right: " + (", ".join(right) if right else "none of this group yet") + ".")
    raise Wrong("\n".join(lines), context=False)


# --- Var: the graph as a whole ---------------------------------------------------------

def check_fresh(learner, g):
    x, y = DOMAINS["N"](g), DOMAINS["N"](g)
    seen = _outcome(learner.scenario("reverse_mode.fresh", x, y), "creating Vars")
    names = [f"Var({fmt.num(x)})", f"Var({fmt.num(y)})", "Var(3)", f"Var({fmt.num(x)}) * Var({fmt.num(y)})"]
    for name, got, want in zip(names, seen["data"], [x, y, 3.0, x * y]):
        got = _number(got, f"{name}.data")
        if not _close(got, want):
            raise Wrong(f"{name}.data is {fmt.num(got)}; expected {fmt.num(want)}.", context=False)
    for name, got in zip(names, seen["grad"]):
        got = _number(got, f"{name}.grad")
        if got != 0.0:
            raise Wrong(f"{name}.grad is {fmt.num(got)} before any backward(); SPEC: a Var's grad is 0.0 until a "
                        "backward pass reaches it.", context=False)


def _pair(pair) -> str:
    return f"(x.grad, y.grad) = ({fmt.num(pair[0])}, {fmt.num(pair[1])})"


def _backward_runs(learner, g):
    """x, y and the grads after z.backward(), z.backward() again, u.backward(), for u = x * y, z = u + y."""
    x, y = DOMAINS["N"](g), DOMAINS["N"](g)
    runs = _outcome(learner.scenario("reverse_mode.backward_twice", x, y),
                    f"running backward() on z = x * y + y at x = {fmt.num(x)}, y = {fmt.num(y)}")
    runs = [[_number(v, "a grad after backward()") for v in pair] for pair in runs]
    setup = f"For u = x * y and z = u + y at x = {fmt.num(x)}, y = {fmt.num(y)}"
    if not all(map(_close, runs[0], [y, x + 1])):
        raise Wrong(f"{setup}, z.backward() gives {_pair(runs[0])}; expected {_pair([y, x + 1])} "
                    "(y feeds both * and +: its two contributions add up).", context=False)
    return x, y, runs, setup


def check_backward_twice(learner, g):
    x, y, runs, setup = _backward_runs(learner, g)
    want = [y, x + 1]
    if not all(map(_close, runs[1], want)):
        doubled = all(_close(a, 2 * b) for a, b in zip(runs[1], want))
        raise Wrong(f"{setup}, z.backward() gives {_pair(runs[0])}, but calling z.backward() again gives "
                    f"{_pair(runs[1])}{' — twice the answer' if doubled else ''}. SPEC: backward() first sets the "
                    "grad of every node of its graph to 0.0, then self.grad = 1.0, so a second call gives the same "
                    "grads (the flaw of micrograd's first backward).", context=False)


def check_backward_subgraph(learner, g):
    x, y, runs, setup = _backward_runs(learner, g)
    if not all(map(_close, runs[2], [y, x])):
        raise Wrong(f"{setup}: after z.backward() (twice), u.backward() gives {_pair(runs[2])}; expected "
                    f"(∂u/∂x, ∂u/∂y) = ({fmt.num(y)}, {fmt.num(x)}). x and y still held ∂z/∂x and ∂z/∂y: "
                    "backward() must set the grads of its own graph to 0.0 before the pass.", context=False)


DEEP_STEPS = 50_000  # two operations per step: 100 000 deep


def check_deep_chain(learner, g):
    x, r, c = g.uniform(0.5, 1.5), float(1 + g.choice([-1, 1]) * g.uniform(2e-6, 1e-5)), g.uniform(-1e-4, 1e-4)
    setup = f"y = Var({fmt.num(x)}), then {DEEP_STEPS} × (y = y * r; y = y + c) with r = {r!r}, c = {c!r}"
    try:
        result = learner.scenario("reverse_mode.deep_chain", x=x, r=r, c=c, steps=DEEP_STEPS)
    except SubmissionFault as fault:
        if fault.status == "timeout":
            fault.message += ("\n100 000 operations should take about a second: does backward() visit a node more "
                              "than once, or search a list for every node?")
        raise
    seen = _outcome(result, f"building {setup} and calling y.backward()",
                    "A recursive topological sort dies at Python's recursion limit (about 1 000 calls); build the "
                    "order with a loop and an explicit stack (a list you append to and pop from).")
    data = x
    for _ in range(DEEP_STEPS):
        data = data * r + c
    for what, got, want in (("y.data", seen["data"], data), ("x.grad", seen["grad"], r ** DEEP_STEPS)):
        got = _number(got, what)
        if not _close(got, want):
            raise Wrong(f"For {setup}: {what} is {fmt.num(got)}; expected {fmt.num(want)}"
                        + (" = r^50000." if what == "x.grad" else "."), context=False)


REPEATED_LEVELS = 50


def check_repeated_use(learner, g):
    x, a = g.uniform(0.5, 1.5), g.uniform(0.3, 0.7)
    b = g.uniform(0.95, 1.05) - a
    setup = f"y = Var({fmt.num(x)}), then {REPEATED_LEVELS} × (y = y * a + y * b) with a = {a!r}, b = {b!r}"
    try:
        result = learner.scenario("reverse_mode.repeated_use", x=x, a=a, b=b, levels=REPEATED_LEVELS)
    except SubmissionFault as fault:
        if fault.status == "timeout":
            fault.message += (f"\nEvery y here feeds two operations, so the graph has 2^{REPEATED_LEVELS} paths but "
                              "only a few hundred nodes: the topological sort must remember the nodes it has visited "
                              "and list each one once.")
        raise
    seen = _outcome(result, f"building {setup} and calling y.backward()")
    data = x
    for _ in range(REPEATED_LEVELS):
        data = data * a + data * b
    grad = (a + b) ** REPEATED_LEVELS
    for what, got, want in (("y.data", seen["data"], data), ("x.grad", seen["grad"], grad)):
        got = _number(got, what)
        if not _close(got, want):
            raise Wrong(f"For {setup}: {what} is {fmt.num(got)}; expected {fmt.num(want)}"
                        + (f" = (a + b)^{REPEATED_LEVELS}. Every node feeds two operations: list each node once in "
                           "the topological order and run its backward only after both users have added their "
                           "contributions." if what == "x.grad" else "."), context=False)


GRAPH = {
    "fresh-grad-is-zero": check_fresh,
    "backward-twice": check_backward_twice,
    "backward-on-subgraph": check_backward_subgraph,
    "deep-chain-100000": check_deep_chain,
    "repeated-use": check_repeated_use,
}


@pytest.mark.function("Var")
@pytest.mark.parametrize("case", GRAPH)
def test_var_graph(learner, seed, case):
    GRAPH[case](learner, cases.rng(seed, "Var", case))


# --- grad ------------------------------------------------------------------------------

# f (as the scenario module names it) -> (input names, the partial derivatives)
SCALAR = {
    "a * b + b": (("a", "b"), lambda a, b: (b, a + 1)),
    "x1 * x2 + x1.sin()": (("x1", "x2"), lambda x1, x2: (x2 + math.cos(x1), x1)),
    "x ** 3 - 2 * x": (("x",), lambda x: (3 * x * x - 2,)),
    "x * y * z + x / z": (("x", "y", "z"), lambda x, y, z: (y * z + 1 / z, x * z, x * y - x / z ** 2)),
    "x * z  (y unused)": (("x", "y", "z"), lambda x, y, z: (z, 0.0, x)),
    "(w * x + b).sigmoid()": (("w", "x", "b"), lambda w, x, b: tuple(_dsigmoid(w * x + b) * d for d in (x, w, 1))),
    "(x * y).exp() + (x * y).log() - y.tanh()": (
        ("x", "y"), lambda x, y: (y * math.exp(x * y) + 1 / x, x * math.exp(x * y) + 1 / y - _dtanh(y))),
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
    call = f"grad(f, {', '.join(map(fmt.num, xs))}) with f = lambda {', '.join(names)}: {name}"
    result = _ask(learner, "grad", call, lambda: learner.grad(wire.FnRef("reverse_mode.scalar_function", name), *xs))
    if not isinstance(result, tuple):
        raise Wrong(f"{call} returned a {type(result).__name__} ({fmt.value(result)}); SPEC: a tuple of floats, "
                    "one partial derivative per input.", context=False)
    if len(result) != len(xs):
        raise Wrong(f"{call} returned {len(result)} values {fmt.value(result)}; expected {len(xs)}, one per input.",
                    context=False)
    got = [checks.scalar(v, f"entry {i} of what {call} returned") for i, v in enumerate(result)]
    want = partials(*map(float, xs))
    wrong = [f"∂f/∂{n} is {fmt.num(a)}, expected {fmt.num(b)}" for n, a, b in zip(names, got, want) if not _close(a, b)]
    if wrong:
        raise Wrong(f"{call} returned {fmt.value(tuple(got))}; " + "; ".join(wrong) + ".\ngrad wraps each number "
                    "in a Var, calls f once, runs backward() on the result and reads the inputs' grads: if a Var test "
                    "fails as well, fix that first.", context=False)


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
    call = f"jacobian_reverse(f, x) with f = lambda v: {name} and x = {fmt.value(x)}"
    seen = _ask(learner, "jacobian_reverse", call, lambda: learner.scenario("reverse_mode.jacobian", f=name, x=x))
    if isinstance(seen["J"], str):
        raise Wrong(f"{call} returned {seen['J']}; expected a float ndarray of shape ({m}, {n}).", context=False)
    J = checks.array(seen["J"], "the returned Jacobian", (m, n))
    roots = seen["backward_roots"]
    if None in roots:
        raise Wrong(f"{call}: backward() ran on a Var that is not one of f's outputs. Reverse mode calls "
                    "outputs[i].backward() once for each output i.", context=False)
    if sorted(i for _, i in roots) != list(range(m)):
        counts = [sum(1 for _, i in roots if i == k) for k in range(m)]
        raise Wrong(f"{call}: f has {m} output(s), but backward() ran {len(roots)} time(s) "
                    f"(per output: {counts}). Reverse mode needs exactly one backward() per output: "
                    "row i comes from outputs[i].backward().", context=False)
    alone = seen["alone"]
    for i in range(m):
        bad = [j for j in range(n) if not _close(J[i, j], want[i, j])]
        if not bad:
            continue
        fresh = alone[i] if i < len(alone) and alone[i] is not None else None
        if fresh is None or not all(isinstance(v, float) and _close(v, w) for v, w in zip(fresh, want[i])):
            why = (f" On a fresh graph, outputs[{i}].backward() alone gives {fmt.value(fresh)}, also wrong: the "
                   "derivatives themselves are wrong — see the Var tests." if fresh is not None else "")
        elif any(want[i, j] == 0 for j in bad):
            j = next(j for j in bad if want[i, j] == 0)
            why = (f" Input {j} does not occur in output {i}, so J[{i}, {j}] must be 0: it still holds a grad from "
                   "an earlier output (backward() does not touch Vars outside its graph) — set every input's grad "
                   "to 0.0 before each backward().")
        else:
            why = (f" On a fresh graph, outputs[{i}].backward() alone gives the right row, so row {i} carries grads "
                   "left over from an earlier backward(): does backward() zero the grads of its whole graph, shared "
                   "intermediate nodes included?")
        raise Wrong(f"{call}: row {i} (the derivatives of output {i}) is wrong at column(s) {bad}."
                    f"{why}\n  got      {fmt.array(J, 11)}\n  expected {fmt.array(want, 11)}", context=False)


# --- cheaper_mode ----------------------------------------------------------------------

CHEAPER = {
    "network-loss": lambda g: (int(g.integers(10 ** 5, 10 ** 7)), 1),
    "curve-in-space": lambda g: (1, int(g.integers(2, 10))),
    "square": lambda g: (int(g.integers(2, 50)),) * 2,
    "one-by-one": lambda g: (1, 1),
    "more-inputs": lambda g: (int(g.integers(6, 100)), int(g.integers(2, 6))),
    "more-outputs": lambda g: (int(g.integers(2, 6)), int(g.integers(6, 100))),
    "neighbours": lambda g: (7, 8),
    "neighbours-reversed": lambda g: (8, 7),
}


@pytest.mark.function("cheaper_mode")
@pytest.mark.parametrize("case", CHEAPER)
def test_cheaper_mode(learner, seed, case):
    n_in, n_out = CHEAPER[case](cases.rng(seed, "cheaper_mode", case))
    want = "forward" if n_in < n_out else "reverse" if n_in > n_out else "either"
    got = learner.cheaper_mode(n_in, n_out)
    if got != want:
        raise Wrong(f"cheaper_mode({n_in}, {n_out}) returned {fmt.value(got)}; expected {want!r}. Forward mode "
                    f"needs one pass per input ({n_in}), reverse mode one backward pass per output ({n_out}); "
                    "\"either\" when the counts are equal.", context=False)
