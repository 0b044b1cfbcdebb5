"""Oracles the hidden suites share, computed in the trusted process.

Each keeps the dtype it is given: pass ``numpy.longdouble`` data for extra
precision where a suite needs it.
"""

from __future__ import annotations

import collections
import functools

import numpy as np

from grader import wire

KEPT = 2048  # answers kept per remembered oracle
KEPT_BYTES = 1 << 18  # inputs larger than this are computed each time, not kept
KEPT_TOTAL = 64 << 20  # the arrays of inputs and answers one remembered oracle holds at most


def central_differences(f, x, step, *, order: int = 2) -> np.ndarray:
    """∂f/∂x entry by entry, of shape f(x).shape + x.shape (x.shape for a scalar f).

    order 2: (f(x + h) − f(x − h)) / (x₊ − x₋), over the step actually taken;
    order 4: (8(f(x + h) − f(x − h)) − (f(x + 2h) − f(x − 2h))) / 12h.
    ``step`` is a number, or an array like x for a step per entry.
    """
    x = np.asarray(x)
    steps = np.broadcast_to(np.asarray(step, dtype=x.dtype), x.shape)

    def moved(i, t):
        y = x.copy()
        y[i] += t
        return y

    columns = []
    for i in np.ndindex(x.shape):
        h = steps[i]
        up, down = moved(i, h), moved(i, -h)
        central = np.asarray(f(up)) - np.asarray(f(down))
        if order == 2:
            columns.append(central / (up[i] - down[i]))
        else:
            wide = np.asarray(f(moved(i, 2 * h))) - np.asarray(f(moved(i, -2 * h)))
            columns.append((8 * central - wide) / (12 * h))
    return np.stack(columns, axis=-1).reshape(columns[0].shape + x.shape)


def relative_error(a, b, floor: float) -> float:
    """‖a − b‖ / max(‖a‖, ‖b‖, floor): one number for a whole array, safe near zero."""
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), floor))


def multiple(got, expected, tol: float) -> float | None:
    """λ when got = λ·expected to ``tol`` (relative) and λ is clearly not 1, else None.

    Feedback uses it to say "2 times the right value" instead of just "wrong".
    """
    norm = float(np.dot(expected.ravel(), expected.ravel()))
    if norm == 0.0 or not np.any(got):
        return None
    lam = float(np.dot(got.ravel(), expected.ravel())) / norm
    close = np.linalg.norm(got - lam * expected) <= tol * np.linalg.norm(got)
    return lam if close and abs(lam - 1) > 1e3 * tol else None


def sigmoid(x):
    """1 / (1 + e^(−x)) from e^(−|x|) ≤ 1: nothing overflows."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def softmax(z, axis: int = -1):
    """exp(z − max z) / Σ exp(z − max z) along ``axis``."""
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def remembered(oracle):
    """``oracle``, a pure function of plain data (arrays, numbers, strings, and lists, tuples and
    dicts of them), computed once per distinct input: a class's gradings, or verify's mutants,
    share a seed and so ask for the same values again. Inputs are told apart by their exact bits
    (dtype, shape, bytes; -0.0 is not 0.0); every call gets its own copy of the answer."""
    table: collections.OrderedDict = collections.OrderedDict()  # key -> (answer, bytes held)
    held = [0]

    @functools.wraps(oracle)
    def kept(*args, **kwargs):
        size = [0]
        try:
            key = _key((args, kwargs), size)
        except TypeError:  # not plain data, or too large to keep
            return oracle(*args, **kwargs)
        if key in table:
            table.move_to_end(key)
        else:
            answer = oracle(*args, **kwargs)
            table[key] = answer, size[0] + _array_bytes(answer)
            held[0] += table[key][1]
            while len(table) > KEPT or held[0] > KEPT_TOTAL:
                held[0] -= table.popitem(last=False)[1][1]
        return wire.copy(table[key][0])

    kept.table = table  # type: ignore[attr-defined]
    return kept


def _array_bytes(value) -> int:
    kind = type(value)
    if kind is np.ndarray:
        return value.nbytes
    if kind in (list, tuple):
        return sum(_array_bytes(v) for v in value)
    if kind is dict:
        return sum(_array_bytes(v) for v in value.values())
    return 0


def _key(value, size: list):
    kind = type(value)
    if kind is np.ndarray:
        size[0] += value.nbytes
        if size[0] > KEPT_BYTES or value.dtype.kind not in "biufc":
            raise TypeError("not kept")
        return (value.dtype.str, value.shape, value.tobytes())
    if kind is float:
        return float.hex(value)
    if kind is complex:
        return ("c", float.hex(value.real), float.hex(value.imag))
    if kind in (int, str, bool, type(None)):
        return (kind.__name__, value)
    if kind in (list, tuple):
        return (kind.__name__, *(_key(v, size) for v in value))
    if kind is dict:
        return ("dict", *((k, _key(v, size)) for k, v in sorted(value.items())))
    if isinstance(value, np.generic) and value.dtype.kind in "biufc":
        return (value.dtype.str, value.tobytes())
    raise TypeError("not kept")
