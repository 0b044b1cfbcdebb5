"""Scenarios and function factories for reverse_mode: they drive the learner's Var.

Nothing here knows a right answer: every function builds graphs from the
learner's ``Var``, runs its ``backward()`` and reports what came out (values,
grads, exceptions, how often backward() ran) as plain data. Expressions are
named by the code they run, so the suite can quote them to the learner.

A result of a single attempt is ``{"ok": value}``, ``{"error": "TypeError: …",
"type": nearest built-in class, "frames": [[file, line, function, text], …]}``
(the learner's frames, innermost last) or ``{"not_implemented": [file, line,
method]}``; numbers a learner stored in ``.data`` or ``.grad`` come back as
floats, anything else as the name of its type.
"""

from __future__ import annotations

import linecache
import os
import traceback

import numpy as np

__all__ = ["expressions", "fresh", "backward_twice", "deep_chain", "repeated_use", "scalar_function", "jacobian"]


def _three_parents(x, y):
    u = x * y
    return u + u * 3 + u * u


# name (the code, as the suite quotes it) -> a function of the input Vars
EXPRESSIONS = {
    "x + y": lambda x, y: x + y,
    "x + 1": lambda x: x + 1,
    "1 + x": lambda x: 1 + x,
    "(x + y) * 2.5": lambda x, y: (x + y) * 2.5,
    "x - y": lambda x, y: x - y,
    "x - 1": lambda x: x - 1,
    "1 - x": lambda x: 1 - x,
    "2 - (x - y)": lambda x, y: 2 - (x - y),
    "x * y": lambda x, y: x * y,
    "x * 3": lambda x: x * 3,
    "3 * x": lambda x: 3 * x,
    "x * 2.5": lambda x: x * 2.5,
    "(x * y) * 2.5": lambda x, y: (x * y) * 2.5,
    "x / y": lambda x, y: x / y,
    "x / 3": lambda x: x / 3,
    "2 / x": lambda x: 2 / x,
    "(x / y) / 4": lambda x, y: (x / y) / 4,
    "-x": lambda x: -x,
    "-(-x)": lambda x: -(-x),  # noqa: B002 (double negation on purpose: __neg__ twice)
    "-(x * y)": lambda x, y: -(x * y),
    "x ** 2": lambda x: x**2,
    "x ** 3": lambda x: x**3,
    "x ** -1": lambda x: x**-1,
    "x ** 0.5": lambda x: x**0.5,
    "x ** -1.5": lambda x: x**-1.5,
    "x ** 2.5": lambda x: x**2.5,
    "(x ** 2) ** 3": lambda x: (x**2) ** 3,
    "x.exp()": lambda x: x.exp(),
    "x.exp().exp()": lambda x: x.exp().exp(),
    "x.log()": lambda x: x.log(),
    "x.log().log()": lambda x: x.log().log(),
    "x.sin()": lambda x: x.sin(),
    "x.sin().sin()": lambda x: x.sin().sin(),
    "x.tanh()": lambda x: x.tanh(),
    "x.tanh().tanh()": lambda x: x.tanh().tanh(),
    "x.relu()": lambda x: x.relu(),
    "x.relu() * 3": lambda x: x.relu() * 3,
    "x.sigmoid()": lambda x: x.sigmoid(),
    "x.sigmoid().sigmoid()": lambda x: x.sigmoid().sigmoid(),
    "x * x": lambda x: x * x,
    "x + x": lambda x: x + x,
    "x * x * x": lambda x: x * x * x,
    "x * y + y": lambda x, y: x * y + y,
    "u + u * 3 + u * u  with u = x * y": _three_parents,
}


def _number(value):
    """A float for anything numeric the learner stored; the name of its type otherwise."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        return float(value)
    return type(value).__name__


def _plain(value):
    """A returned array or nested list of numbers as they are; anything else described."""
    if type(value) is np.ndarray and value.dtype.kind in "biuf":
        return value
    if isinstance(value, (list, tuple)):
        items = [_plain(v) for v in value]
        return items if isinstance(value, list) else tuple(items)
    return _number(value)


def _failure(learner, exc: Exception) -> dict:
    """The exception as Python prints it, its nearest built-in class, and the learner's frames it passed through."""
    mine = os.path.abspath(getattr(learner, "__file__", None) or "?")
    frames = [
        [os.path.basename(f.filename), f.lineno, f.name, linecache.getline(f.filename, f.lineno).strip()]
        for f in traceback.extract_tb(exc.__traceback__)
        if os.path.abspath(f.filename) == mine
    ]
    if isinstance(exc, NotImplementedError):
        return {"not_implemented": frames[-1][:3] if frames else None}
    try:
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    except Exception:  # an exception whose __str__ fails
        text = type(exc).__name__
    builtin = next(c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins")
    return {"error": text[:400], "type": builtin, "frames": frames[-4:]}


def _attempt(learner, action):
    try:
        return {"ok": action()}
    except Exception as exc:
        return _failure(learner, exc)


def expressions(learner, items):
    """For each (name, values): build the expression on fresh Vars, read .data, run backward(), read the grads."""
    results = []
    for name, values in items:
        inputs = []

        def build():
            inputs.extend(learner.Var(v) for v in values)
            return EXPRESSIONS[name](*inputs)

        made = _attempt(learner, build)
        if "ok" not in made:
            results.append(dict(made, stage="forward"))
            continue
        out = made["ok"]
        if not isinstance(out, learner.Var):
            results.append({"not_var": _number(out), "stage": "forward"})
            continue
        ran = _attempt(learner, out.backward)
        if "ok" not in ran:
            results.append(dict(ran, stage="backward"))
            continue
        results.append({"data": _number(out.data), "grads": [_number(v.grad) for v in inputs]})
    return results


def fresh(learner, x, y):
    """Attributes before any backward(): leaves, an int leaf, a result."""

    def look():
        a, b, n = learner.Var(x), learner.Var(y), learner.Var(3)
        z = a * b
        return {"data": [_number(v.data) for v in (a, b, n, z)], "grad": [_number(v.grad) for v in (a, b, n, z)]}

    return _attempt(learner, look)


def backward_twice(learner, x, y):
    """z = x * y + y: grads after z.backward(), after it again, then after u.backward() for u = x * y inside z."""

    def run():
        a, b = learner.Var(x), learner.Var(y)
        u = a * b
        z = u + b
        grads = []
        for root in (z, z, u):
            root.backward()
            grads.append([_number(a.grad), _number(b.grad)])
        return grads

    return _attempt(learner, run)


def deep_chain(learner, x, r, c, steps):
    """y = x, then steps × (y = y * r; y = y + c): 2·steps operations deep; y.data and x.grad."""

    def run():
        v = learner.Var(x)
        y = v
        for _ in range(steps):
            y = y * r
            y = y + c
        y.backward()
        return {"data": _number(y.data), "grad": _number(v.grad)}

    return _attempt(learner, run)


def repeated_use(learner, x, a, b, levels):
    """y = x, then levels × (y = y * a + y * b): every node feeds two others; y.data and x.grad."""

    def run():
        v = learner.Var(x)
        y = v
        for _ in range(levels):
            y = y * a + y * b
        y.backward()
        return {"data": _number(y.data), "grad": _number(v.grad)}

    return _attempt(learner, run)


# --- functions handed to grad and jacobian_reverse ------------------------------------

SCALAR_FUNCTIONS = {
    "a * b + b": lambda a, b: a * b + b,
    "x1 * x2 + x1.sin()": lambda x1, x2: x1 * x2 + x1.sin(),
    "x ** 3 - 2 * x": lambda x: x**3 - 2 * x,
    "x * y * z + x / z": lambda x, y, z: x * y * z + x / z,
    "x * z  (y unused)": lambda x, y, z: x * z,
    "(w * x + b).sigmoid()": lambda w, x, b: (w * x + b).sigmoid(),
    "(x * y).exp() + (x * y).log() - y.tanh()": lambda x, y: (x * y).exp() + (x * y).log() - y.tanh(),
}


def scalar_function(learner, name):
    """Factory for grad(f, *xs): f(*Vars) -> Var."""
    return SCALAR_FUNCTIONS[name]


def _shared_inner(v):
    u = v[0] * v[1]
    return [u.sin(), u * v[2], u]


VECTOR_FUNCTIONS = {
    "[v0 * v1, v0.sin(), v2 ** 2, v0 + v1 * v2]": lambda V, v: [v[0] * v[1], v[0].sin(), v[2] ** 2, v[0] + v[1] * v[2]],
    "[v0 * v1 * v2 * v3, v0 + v3]": lambda V, v: [v[0] * v[1] * v[2] * v[3], v[0] + v[3]],
    "[(v0 * v1).exp()]": lambda V, v: [(v[0] * v[1]).exp()],
    "[v0, v0 ** 2, v0.sin()]": lambda V, v: [v[0], v[0] ** 2, v[0].sin()],
    "[v0 * 2, v1 * 3, Var(5.0), v2 * 4]": lambda V, v: [v[0] * 2, v[1] * 3, V(5.0), v[2] * 4],
    "[u.sin(), u * v2, u]  with u = v0 * v1": lambda V, v: _shared_inner(v),
}


def jacobian(learner, f, x):
    """jacobian_reverse(f, x) with Var.backward wrapped (which output each backward() ran on), then each
    row again from a fresh graph with one backward() alone (tells wrong derivatives from left-over grads)."""
    build = VECTOR_FUNCTIONS[f]
    outputs, roots = [], []

    def counted_f(inputs):
        result = build(learner.Var, list(inputs))
        outputs.append(result)
        return result

    def find(root):
        return next(([call, i] for call, outs in enumerate(outputs) for i, o in enumerate(outs) if o is root), None)

    original = learner.Var.backward

    def backward(self, *args, **kwargs):
        roots.append(find(self))
        return original(self, *args, **kwargs)

    learner.Var.backward = backward
    try:
        J = learner.jacobian_reverse(counted_f, x)
    finally:
        learner.Var.backward = original
    return {
        "J": _plain(J),
        "backward_roots": roots,
        "alone": [_row_alone(learner, build, x, i) for i in range(len(outputs[0]) if outputs else 0)],
    }


def _row_alone(learner, build, x, i):
    """Row i from a fresh graph and outputs[i].backward() alone, or None if that fails."""

    def run():
        inputs = [learner.Var(v) for v in x]
        build(learner.Var, inputs)[i].backward()
        return [_number(v.grad) for v in inputs]

    return _attempt(learner, run).get("ok")
