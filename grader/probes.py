"""Degenerate-answer probes: answers that ignore their input must earn nothing.

A probe is a submission module generated from the reference solution and the
curriculum, never written per topic: the reference module's source with code
appended that rebinds public functions of the curriculum to a wrapper. The
wrapper calls the reference and then replaces what it returned, keeping the
structure (tuples, lists, dicts, array shapes) and changing the values:

    zeros      float arrays -> zeros_like, floats -> 0.0, ints -> 0
    ones       the same with 1
    odd        floats -> 0.7312956..., ints -> 7 (fixed values that are not 0 or 1)
    nan, inf, -inf
               every number and every array entry -> that float
    noise      random normal floats (ints: random ints) of the same shapes, from a
               fresh RandomState(7312) on every call: the same for every input
    lead_axis  the right values with an extra leading axis: a[None] for an array,
               numpy.array([x]) for a number
    label      the whole answer -> one constant label (a bool or a word)

Booleans, strings and None are left alone by the numeric kinds; an instance of
another class (a ``Dual`` returned by ``sin``) is copied with its numeric
attributes transformed. When the reference raises (an invalid input), the
probe answers the kind's transform of 0.0 instead: an answer that ignores its
input never raises. Only the outermost call is transformed: the reference's
calls of its own functions (``verify_eckart_young`` calls ``rank_k_approx``,
``derivative`` calls the learner's ``sin`` through ``f``) get the true values.

Which functions a probe transforms:

* a numeric probe (every kind but ``label``) transforms every plain function
  of the topic that has no ``labels`` in the curriculum, all at once: one
  grading per (topic, kind);
* label probe i sets each function that has ``labels`` to its i-th label
  (cycling), so a topic gets as many label probes as its longest label list;
* classes (forward_mode's ``Dual``, reverse_mode's ``Var``) are skipped: the
  probe module keeps the reference classes unchanged and their tests are not
  counted. What the plain functions return is probed, instances included:
  ``sin(Dual(a, 1))`` answers a ``Dual`` whose ``val`` and ``deriv`` are
  transformed. (Probing the classes themselves would take a subclass whose
  operators and methods answer constants; not done.)
* a function that answers strings or bools must list its ``labels``: the
  numeric kinds leave such answers as they are, so its tests would pass and
  be counted.

A probe *earns points* when a test of a function it transforms passes.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect

from grader.curriculum import Topic

NUMERIC_KINDS = ("zeros", "ones", "odd", "nan", "inf", "-inf", "noise", "lead_axis")


# --- the code that runs in the worker ------------------------------------------------
# These two functions are appended, as source text, to the probe module, so they
# may use only numpy and the standard library, and no name of this module.


def _probe_transform(value, kind, label=None):
    """``value`` with every number replaced as ``kind`` says; tuples, lists, dicts and shapes kept."""
    import copy

    import numpy

    odd_float, odd_int = 0.7312956017349816, 7
    rng = numpy.random.RandomState(7312) if kind == "noise" else None
    constants = {
        "zeros": (0.0, 0),
        "ones": (1.0, 1),
        "odd": (odd_float, odd_int),
        "nan": (float("nan"),) * 2,
        "inf": (float("inf"),) * 2,
        "-inf": (float("-inf"),) * 2,
    }

    def number(x):
        is_int = isinstance(x, (int, numpy.integer))
        if kind == "noise":
            return int(rng.randint(-9, 10)) if is_int else float(rng.standard_normal())
        if kind == "lead_axis":
            return numpy.array([x])
        return constants[kind][1 if is_int else 0]

    def array(a):
        if kind == "lead_axis":
            return a[None]
        if kind == "noise":
            if a.dtype.kind in "iu":
                return rng.randint(-9, 10, size=a.shape).astype(a.dtype)
            return rng.standard_normal(a.shape).astype(a.dtype if a.dtype.kind in "fc" else float)
        fill = constants[kind][1 if a.dtype.kind in "iu" else 0]
        dtype = a.dtype if a.dtype.kind in "fc" or isinstance(fill, int) else float
        return numpy.full(a.shape, fill, dtype=dtype)

    def walk(x):
        if isinstance(x, (bool, numpy.bool_, str, bytes)) or x is None:
            return x
        if isinstance(x, numpy.ndarray):
            return x if x.dtype.kind not in "iufc" else array(x)
        if isinstance(x, (int, float, numpy.integer, numpy.floating)):
            return number(x)
        if type(x) in (tuple, list):
            return type(x)(walk(v) for v in x)
        if type(x) is dict:
            return {k: walk(v) for k, v in x.items()}
        if hasattr(x, "__dict__") and not callable(x):
            out = copy.copy(x)
            for name, v in vars(x).items():
                setattr(out, name, walk(v))
            return out
        return x

    if kind == "label":
        return label
    return walk(value)


def _probe_wrap(function, kind, label=None):
    """``function`` whose answers (outermost calls only) go through _probe_transform."""
    import functools

    @functools.wraps(function)
    def probe(*args, **kwargs):
        if _probe_depth[0]:  # noqa: F821 (defined beside it in the probe module)  # a call from inside another probed call: the true value
            return function(*args, **kwargs)
        _probe_depth[0] += 1  # noqa: F821
        try:
            value = function(*args, **kwargs)
        except Exception:  # an answer that ignores its input does not raise on a bad one
            value = 0.0
        finally:
            _probe_depth[0] -= 1  # noqa: F821
        return _probe_transform(value, kind, label)

    return probe


_RUNTIME = inspect.getsource(_probe_transform) + "\n\n" + inspect.getsource(_probe_wrap)


# --- the generator, trusted side -------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Probe:
    """One probe of one topic: a kind, and the functions it transforms (with their label)."""

    topic: str
    kind: str  # one of NUMERIC_KINDS, or "label"
    targets: tuple[tuple[str, object], ...]  # (function, its label or None), in curriculum order
    number: int = 0  # which label probe of the topic (label probes only)

    @property
    def name(self) -> str:
        return self.kind if self.kind != "label" else f"label #{self.number + 1}"

    @property
    def functions(self) -> frozenset[str]:
        return frozenset(name for name, _ in self.targets)

    def name_for(self, function: str) -> str:
        """The probe as it acted on ``function``: ``nan``, ``label:True``, ``label:'saddle'``."""
        if self.kind != "label":
            return self.kind
        return f"label:{dict(self.targets)[function]!r}"

    def source(self, reference: str) -> str:
        """The reference module's text with this probe's wrappers appended."""
        lines = [f"{name} = _probe_wrap({name}, {self.kind!r}, {label!r})" for name, label in self.targets]
        return (
            f"{reference.rstrip()}\n\n\n# --- grader probe {self.name!r}, generated by grader/probes.py: "
            f"answers that ignore the input ---\n\n{_RUNTIME}\n\n_probe_depth = [0]\n" + "\n".join(lines) + "\n"
        )


def classes(reference: str) -> set[str]:
    """Names of the classes the module defines at top level."""
    return {node.name for node in ast.parse(reference).body if isinstance(node, ast.ClassDef)}


def probes(topic: Topic, reference: str) -> list[Probe]:
    """Every probe of ``topic``: one per numeric kind, then its label probes."""
    plain = [f for name, f in topic.functions.items() if name not in classes(reference)]
    numeric = tuple((f.name, None) for f in plain if not f.labels)
    labelled = [f for f in plain if f.labels]
    out = [Probe(topic.id, kind, numeric) for kind in NUMERIC_KINDS] if numeric else []
    for i in range(max((len(f.labels) for f in labelled), default=0)):
        out.append(Probe(topic.id, "label", tuple((f.name, f.labels[i % len(f.labels)]) for f in labelled), i))
    return out
