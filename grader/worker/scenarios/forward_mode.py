"""Scenarios and function factories for forward_mode, run inside the worker.

Scenarios evaluate expressions on the learner's ``Dual`` and report, for each
one, what came back as plain data: ``{"val": v, "deriv": d}`` for a Dual,
``{"number": v}`` for a plain number, ``{"other": type name}`` for anything
else, or ``{"error": "TypeError: …", "type": "TypeError", "frames": [[file,
line, function, text], …]}`` (the learner's frames, innermost last) if it
raised. A val or deriv that is not a real number comes back as its type name.
Every expression gets fresh operands, and a failure is reported rather than
raised, so the suite can name the wrong operator and list the right ones.
The first Dual of each scenario is built outside the guard: the stub's
constructor then ends the scenario as not implemented.

The factories ``scalar_fn`` and ``vector_fn`` build the ``f`` handed to
``derivative`` and ``jacobian_forward`` from the learner's own ``sin``,
``exp``, … so the learner's Duals flow through them. No expected value lives
here: the suite computes those.
"""

import linecache
import os
import traceback

import numpy as np

__all__ = ["construct", "number_ops", "dual_ops", "powers", "expressions", "function", "scalar_fn", "vector_fn"]

NUMBER_OPS = {
    "x + c": lambda x, c: x + c,
    "c + x": lambda x, c: c + x,
    "x - c": lambda x, c: x - c,
    "c - x": lambda x, c: c - x,
    "x * c": lambda x, c: x * c,
    "c * x": lambda x, c: c * x,
    "x / c": lambda x, c: x / c,
    "c / x": lambda x, c: c / x,
}

DUAL_OPS = {
    "x + y": lambda x, y: x + y,
    "x - y": lambda x, y: x - y,
    "y - x": lambda x, y: y - x,
    "x * y": lambda x, y: x * y,
    "x / y": lambda x, y: x / y,
    "y / x": lambda x, y: y / x,
    "x * x": lambda x, y: x * x,
    "-x": lambda x, y: -x,
}

EXPRESSIONS = {
    "(x*x - 3*x + 1) / (x + 2)": lambda x: (x * x - 3 * x + 1) / (x + 2),
    "1 / (1 + x**2)": lambda x: 1 / (1 + x**2),
    "(2*x - 1)**3 / x": lambda x: (2 * x - 1) ** 3 / x,
    "x**0.5 * (x - 1/x)": lambda x: x**0.5 * (x - 1 / x),
    "-(x - 2)**2 + 4*x": lambda x: -((x - 2) ** 2) + 4 * x,
}

SCALAR = {
    "x": lambda m: lambda x: x,
    "x**3 - 2*x + 1": lambda m: lambda x: x**3 - 2 * x + 1,
    "sin(exp(x)) * x": lambda m: lambda x: m.sin(m.exp(x)) * x,
    "exp(-x**2 / 2)": lambda m: lambda x: m.exp(-(x**2) / 2),
    "log(1 + x**2) / (1 + x)": lambda m: lambda x: m.log(1 + x**2) / (1 + x),
    "tanh(3*x) * cos(x)": lambda m: lambda x: m.tanh(3 * x) * m.cos(x),
    "1 / (1 + exp(-x))": lambda m: lambda x: 1 / (1 + m.exp(-x)),
    "sin(x)**2 + cos(x)**2": lambda m: lambda x: m.sin(x) ** 2 + m.cos(x) ** 2,
    "exp(sin(x)) - log(x)": lambda m: lambda x: m.exp(m.sin(x)) - m.log(x),
    "x**2 + 1e8": lambda m: lambda x: x**2 + 1e8,
}

VECTOR = {
    "x0*x1 + sin(x0)": lambda m: lambda v: v[0] * v[1] + m.sin(v[0]),
    "[x0 * exp(x0)]": lambda m: lambda v: [v[0] * m.exp(v[0])],
    "[x0*x1, sin(x0), x1**2, x0/x1]": lambda m: lambda v: [v[0] * v[1], m.sin(v[0]), v[1] ** 2, v[0] / v[1]],
    "[x0 + x1*x2 - x3, log(1 + x0*x0) * tanh(x3)]": lambda m: (
        lambda v: [v[0] + v[1] * v[2] - v[3], m.log(1 + v[0] * v[0]) * m.tanh(v[3])]
    ),
    "[x0*cos(x1), x0*sin(x1), exp(x2)*x0]": lambda m: (
        lambda v: [v[0] * m.cos(v[1]), v[0] * m.sin(v[1]), m.exp(v[2]) * v[0]]
    ),
}


def _number(v):
    """A real number as a float; anything else as the name of its type."""
    if isinstance(v, np.ndarray) and v.ndim == 0 and v.dtype.kind in "iuf":
        v = v.item()
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        return float(v)
    return type(v).__name__


def _error(mod, exc: Exception) -> dict:
    """The exception as Python prints it, its nearest built-in class, and the learner's frames."""
    try:
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    except Exception:  # an exception whose __str__ fails
        text = type(exc).__name__
    mine = os.path.abspath(getattr(mod, "__file__", None) or "?")
    frames = [
        [os.path.basename(f.filename), f.lineno, f.name, linecache.getline(f.filename, f.lineno).strip()]
        for f in traceback.extract_tb(exc.__traceback__)
        if os.path.abspath(f.filename) == mine
    ]
    builtin = next(c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins")
    return {"error": text[:300], "type": builtin, "frames": frames[-4:]}


def _dual(d) -> dict:
    return {"val": _number(getattr(d, "val", None)), "deriv": _number(getattr(d, "deriv", None))}


def _report(mod, thunk) -> dict:
    try:
        out = thunk()
    except Exception as exc:
        return _error(mod, exc)
    if isinstance(out, mod.Dual):
        return _dual(out)
    value = _number(out)
    return {"number": value} if isinstance(value, float) else {"other": type(out).__name__}


def construct(mod, args):
    """``Dual(*args)`` as built (unguarded: the stub raises NotImplementedError)."""
    return _dual(mod.Dual(*args))


def number_ops(mod, a, da, c):
    """Every operator between x = Dual(a, da) and the number c; also x afterwards."""
    results = {}
    for label, op in NUMBER_OPS.items():
        x = mod.Dual(a, da)
        results[label] = _report(mod, lambda: op(x, c)) | {"x_after": _dual(x)}
    return results


def dual_ops(mod, a, da, b, db):
    """Every operator between x = Dual(a, da) and y = Dual(b, db); also x and y afterwards."""
    results = {}
    for label, op in DUAL_OPS.items():
        x, y = mod.Dual(a, da), mod.Dual(b, db)
        results[label] = _report(mod, lambda: op(x, y)) | {"x_after": _dual(x), "y_after": _dual(y)}
    return results


def powers(mod, a, da, ps):
    """``x ** p`` on a fresh x = Dual(a, da) for each p in ps."""
    mod.Dual(a, da)
    return [_report(mod, lambda: mod.Dual(a, da) ** p) for p in ps]


def expressions(mod, a, da):
    """Chains of operators on x = Dual(a, da)."""
    mod.Dual(a, da)
    return {label: _report(mod, lambda: expr(mod.Dual(a, da))) for label, expr in EXPRESSIONS.items()}


def function(mod, func, a, da):
    """The module function named ``func`` on the plain number a and on Dual(a, da)."""
    f = getattr(mod, func)
    return {"number": _report(mod, lambda: f(a)), "dual": _report(mod, lambda: f(mod.Dual(a, da)))}


def scalar_fn(mod, formula):
    """f: R → R written with the learner's module functions."""
    return SCALAR[formula](mod)


def vector_fn(mod, formula, A=None):
    """f: list of n Duals → list of m Duals (or one Dual); ``"A @ x"`` takes A as nested lists."""
    if formula == "A @ x":
        return lambda v: [sum(a * x for a, x in zip(row, v)) for row in A]
    return VECTOR[formula](mod)
