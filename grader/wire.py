"""The plain-data codec both sides of the worker boundary share. No pickle.

Only these cross the boundary: None, bool, int, float, complex, str, and
lists, tuples and str-keyed dicts of them, and numpy arrays of a numeric
dtype (bool, int, uint, float, complex). numpy scalars travel as the Python
scalar they hold. Anything else - an ndarray subclass, an object with its own
``__eq__``, a generator - is refused by ``encode`` with the path where it sits,
and whatever ``decode`` gets that is not of this form is refused too: the
trusted side never builds an object a submission chose.

A message is one frame: 8-byte length, 4-byte header length, a JSON header,
then the raw bytes of every array in order. The JSON tags are
``{"t": [...]}`` tuple, ``{"d": {...}}`` dict, ``{"c": [re, im]}`` complex,
``{"a": [offset, nbytes], "dtype": "<f8", "shape": [...]}`` array and, in
requests to the worker only, ``{"fn": name, "args": [...]}`` a reference to a
grader-owned callable (see ``grader.worker.scenarios``).
"""

from __future__ import annotations

import json
import math
import os
import re
import struct

import numpy as np

MAX_FRAME = 256 * 1024 * 1024
_DTYPE = re.compile(r"^[<>|=]?[biufc][0-9]{1,2}$")
_SCALARS = {bool, int, float, str, type(None)}
_NUMPY_SCALARS = {t for t in np.sctypeDict.values() if np.dtype(t).kind in "biufc"}


class WireError(ValueError):
    """A value that cannot cross the boundary, or a malformed frame."""


class FnRef:
    """A request to hand the learner a grader-owned callable, built in the worker.

    ``label`` says in the learner's terms what the function computes (shown in
    feedback, e.g. "f(x) = sin(x)·x"); it stays on the trusted side.
    """

    __slots__ = ("name", "args", "label")

    def __init__(self, name: str, *args, label: str = ""):
        self.name, self.args, self.label = name, args, label

    def __repr__(self):
        return self.label or f"a function ({self.name})"


def describe_type(value) -> str:
    t = type(value)
    if isinstance(value, np.ndarray):
        if t is not np.ndarray:
            return f"{t.__module__}.{t.__qualname__} (a subclass of numpy.ndarray)"
        return f"numpy array of dtype {value.dtype}"
    return t.__qualname__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


class _Refused(Exception):
    """Inside ``_tree``: what is wrong, and the steps (innermost first) from the top to where it sits."""

    def __init__(self, what: str):
        self.what, self.steps = what, list[str]()


def _tree(value, buffers, allow_refs):
    """The JSON tree of ``value``; arrays' bytes go to ``buffers``. The path to a refused part is
    built only on the way out of a refusal, so plain data pays nothing for it."""
    t = type(value)
    if t in _SCALARS:
        return value
    if t in _NUMPY_SCALARS:
        return _tree(value.item(), buffers, allow_refs)
    if t is complex:
        return {"c": [value.real, value.imag]}
    if t is list or t is tuple:
        items = []
        for i, v in enumerate(value):
            try:
                items.append(v if type(v) in _SCALARS else _tree(v, buffers, allow_refs))
            except _Refused as refused:
                refused.steps.append(f"[{i}]")
                raise
        return items if t is list else {"t": items}
    if t is dict:
        out = {}
        for k, v in value.items():
            if type(k) is not str:
                raise _Refused(f" is a dict with a key of type {describe_type(k)}; keys must be str")
            try:
                out[k] = _tree(v, buffers, allow_refs)
            except _Refused as refused:
                refused.steps.append(f"[{k!r}]")
                raise
        return {"d": out}
    if t is np.ndarray:
        if value.dtype.kind not in "biufc" or value.dtype.fields is not None:
            raise _Refused(f" is a numpy array of dtype {value.dtype}; expected a numeric dtype")
        data = np.ascontiguousarray(value).tobytes()
        offset = sum(len(b) for b in buffers)
        buffers.append(data)
        return {"a": [offset, len(data)], "dtype": value.dtype.str, "shape": list(value.shape)}
    if t is FnRef and allow_refs:
        args = []
        for i, v in enumerate(value.args):
            try:
                args.append(_tree(v, buffers, False))
            except _Refused as refused:
                refused.steps.append(f".args[{i}]")
                raise
        return {"fn": value.name, "args": args}
    raise _Refused(f" is a {describe_type(value)}")


def encode(value, *, allow_refs=False, path="value") -> bytes:
    """Serialise plain data to one frame; WireError names the first part that is not plain."""
    buffers: list[bytes] = []
    try:
        tree = _tree(value, buffers, allow_refs)
    except _Refused as refused:
        raise WireError(path + "".join(reversed(refused.steps)) + refused.what) from None
    header = json.dumps(tree, allow_nan=True).encode()
    body = struct.pack("<I", len(header)) + header + b"".join(buffers)
    return struct.pack("<Q", len(body)) + body


def copy(value):
    """A deep copy of plain data (what ``decode`` builds): arrays, lists, tuples and dicts are new,
    scalars and strings are shared (they cannot change); anything else is kept as it is."""
    kind = type(value)
    if kind is np.ndarray:
        return value.copy()
    if kind is list or kind is tuple:
        return kind([copy(v) for v in value])
    if kind is dict:
        return {k: copy(v) for k, v in value.items()}
    return value


def _check_number(x):
    if type(x) not in (int, float):
        raise WireError("malformed number in frame")
    return x


def _untree(node, blob, allow_refs):
    t = type(node)
    if t in _SCALARS:
        return node
    if t is list:
        return [_untree(v, blob, allow_refs) for v in node]
    if t is not dict or len(node) == 0:
        raise WireError("malformed frame")
    keys = set(node)
    if keys == {"t"} and type(node["t"]) is list:
        return tuple(_untree(v, blob, allow_refs) for v in node["t"])
    if keys == {"d"} and type(node["d"]) is dict:
        return {k: _untree(v, blob, allow_refs) for k, v in node["d"].items()}
    if keys == {"c"} and type(node["c"]) is list and len(node["c"]) == 2:
        return complex(_check_number(node["c"][0]), _check_number(node["c"][1]))
    if keys == {"a", "dtype", "shape"}:
        return _array(node, blob)
    if keys == {"fn", "args"} and allow_refs and type(node["fn"]) is str:
        return FnRef(node["fn"], *[_untree(v, blob, False) for v in node["args"]])
    raise WireError("malformed frame")


def _array(node, blob):
    span, dtype, shape = node["a"], node["dtype"], node["shape"]
    if (
        type(span) is not list
        or len(span) != 2
        or any(type(v) is not int or v < 0 for v in span)
        or type(dtype) is not str
        or not _DTYPE.match(dtype)
        or type(shape) is not list
        or any(type(v) is not int or v < 0 for v in shape)
    ):
        raise WireError("malformed array in frame")
    dt = np.dtype(dtype)
    offset, nbytes = span
    if nbytes != math.prod(shape) * dt.itemsize or offset + nbytes > len(blob):
        raise WireError("array size does not match its shape")
    return np.frombuffer(blob, dtype=dt, count=nbytes // dt.itemsize, offset=offset).reshape(shape).copy()


def decode(body: bytes, *, allow_refs=False):
    """Rebuild plain data from a frame body (without its 8-byte length)."""
    if len(body) < 4:
        raise WireError("truncated frame")
    (hlen,) = struct.unpack_from("<I", body)
    try:
        tree = json.loads(body[4 : 4 + hlen])
    except (ValueError, UnicodeDecodeError) as exc:
        raise WireError(f"malformed frame header: {exc}") from None
    return _untree(tree, memoryview(body)[4 + hlen :], allow_refs)


def read_exact(fd: int, n: int) -> bytes:
    """Blocking read of exactly n bytes; EOFError if the other side closed."""
    chunks, got = [], 0
    while got < n:
        chunk = os.read(fd, min(n - got, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def read_frame(fd: int) -> bytes:
    (n,) = struct.unpack("<Q", read_exact(fd, 8))
    if n > MAX_FRAME:
        raise WireError(f"frame of {n} bytes exceeds the {MAX_FRAME}-byte limit")
    return read_exact(fd, n)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
