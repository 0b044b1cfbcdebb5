"""The plain-data codec: what may cross the worker boundary, and what may not."""

import struct

import numpy as np
import pytest

from grader import wire


def roundtrip(value, **kw):
    frame = wire.encode(value, **kw)
    (n,) = struct.unpack_from("<Q", frame)
    assert n == len(frame) - 8
    return wire.decode(frame[8:], **kw)


def test_plain_values_roundtrip():
    value = {
        "a": (1, 2.5, -3),
        "b": [None, True, "text", 1e308, float("inf")],
        "c": 2 + 3j,
        "big": 2**70,
        "nested": {"t": ((1,), [])},
    }
    assert roundtrip(value) == value
    assert type(roundtrip((1, 2))) is tuple and type(roundtrip([1, 2])) is list


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "uint8", "bool", "complex128"])
def test_arrays_roundtrip_with_dtype_and_shape(dtype):
    a = (np.arange(24).reshape(2, 3, 4) % 3).astype(dtype)
    b = roundtrip({"x": a, "y": a.T})  # a non-contiguous view too
    assert b["x"].dtype == a.dtype and b["x"].shape == a.shape and np.array_equal(b["x"], a)
    assert np.array_equal(b["y"], a.T) and b["y"].flags.writeable


def test_nan_and_empty_arrays_survive():
    out = roundtrip((np.array([np.nan, 1.0]), np.zeros((0, 3))))
    assert np.isnan(out[0][0]) and out[1].shape == (0, 3)


def test_numpy_scalars_become_python_scalars():
    out = roundtrip((np.float64(1.5), np.int32(3), np.bool_(True)))
    assert out == (1.5, 3, True) and [type(v) for v in out] == [float, int, bool]


class Liar:
    def __eq__(self, other):
        return True


class SubArray(np.ndarray):
    pass


class SubFloat(float):
    pass


@pytest.mark.parametrize(
    "value, fragment",
    [
        (Liar(), "Liar"),
        (np.zeros(3).view(SubArray), "subclass of numpy.ndarray"),
        (SubFloat(1.0), "SubFloat"),
        (np.array(["a"]), "dtype <U1"),
        (np.array([object()]), "dtype object"),
        ({1: 2}, "keys must be str"),
        ((x for x in []), "generator"),
        ([1, (2, Liar())], "value[1][1]"),
        ({"a": [1.0, {"b": (Liar(),)}]}, "value['a'][1]['b'][0] is a"),
        ([0.5, {"k": {2: 1}}], "value[1]['k'] is a dict with a key of type int"),
    ],
)
def test_refuses_anything_not_plain(value, fragment):
    with pytest.raises(wire.WireError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        wire.encode(value)


def _body(header: bytes, blob: bytes = b"") -> bytes:
    return struct.pack("<I", len(header)) + header + blob


@pytest.mark.parametrize(
    "header, blob",
    [
        (b'{"x": 1}', b""),  # unknown tag
        (b'{"a": [0, 8], "dtype": "|O8", "shape": [1]}', b"\0" * 8),  # object dtype
        (b'{"a": [0, 16], "dtype": "<f8", "shape": [3]}', b"\0" * 16),  # size mismatch
        (b'{"a": [0, 8], "dtype": "<f8", "shape": [1]}', b"\0" * 4),  # truncated data
        (b'{"fn": "x.y", "args": []}', b""),  # a callable, not allowed back
        (b'{"c": ["1", 2]}', b""),  # malformed complex
        (b"not json", b""),
    ],
)
def test_decode_refuses_malformed_frames(header, blob):
    with pytest.raises(wire.WireError):
        wire.decode(_body(header, blob))


def test_function_references_only_towards_the_worker():
    ref = wire.FnRef("derivatives.quadratic", np.eye(2), 3.0)
    out = roundtrip([ref], allow_refs=True)[0]
    assert isinstance(out, wire.FnRef) and out.name == ref.name and out.args[1] == 3.0
    with pytest.raises(wire.WireError):
        wire.encode(ref)
