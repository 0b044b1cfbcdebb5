"""Property checks for the hidden suites: each failure is a ``Wrong`` whose
code names the property (``check.<name>``, templates in
``grader/feedback/en/common.toml``) and whose params hold the quantity and
the numbers. ``near_miss`` recognises known mistakes; ``first_wrong``
reports several quantities in order.

Tolerances are relative to the scale of the data: callers pass ``scale``
(e.g. ‖A‖₂) and a unitless ``tol``; the allowed error is ``tol * scale``.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from grader.feedback import Feedback
from grader.outcomes import Wrong


def values(result, names: tuple[str, ...], function: str) -> tuple:
    """Unpack a returned tuple of ``len(names)`` values."""
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        if isinstance(result, (tuple, list)):
            raise Wrong("check.count", function=function, expected=len(names), names=list(names), got_count=len(result))
        raise Wrong(
            "check.not_a_sequence",
            function=function,
            expected=len(names),
            names=list(names),
            type=type(result).__name__,
        )
    return tuple(result)


def array(x, name: str, shape: tuple | None = None, *, finite: bool = True) -> np.ndarray:
    """A float ndarray of exactly ``shape``."""
    if not isinstance(x, np.ndarray):
        raise Wrong("check.not_array", name=name, type=type(x).__name__, value=x)
    if x.dtype.kind != "f":
        raise Wrong("check.dtype", name=name, dtype=str(x.dtype))
    if shape is not None and x.shape != tuple(shape):
        raise Wrong("check.shape", name=name, shape=x.shape, expected_shape=tuple(shape))
    if finite and not np.all(np.isfinite(x)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(x))[0])
        raise Wrong("check.not_finite", name=name, bad=float(x[bad]), at=bad, value=x)
    return x


def scalar(x, name: str, *, finite: bool = True) -> float:
    """A real number: Python or numpy int/float, or a 0-d array."""
    if isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "iuf":
        x = x.item()
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise Wrong("check.not_number", name=name, type=type(x).__name__, value=x)
    if finite and not np.isfinite(x):
        raise Wrong("check.not_finite_number", name=name, value=x)
    return float(x)


def integer(x, name: str) -> int:
    if isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "iu":
        x = x.item()
    if isinstance(x, bool) or not isinstance(x, int):
        raise Wrong(
            "check.not_int_float" if isinstance(x, float) else "check.not_int",
            name=name,
            type=type(x).__name__,
            value=x,
        )
    return x


def boolean(x, name: str) -> bool:
    if isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind == "b":
        x = x.item()
    if not isinstance(x, bool):
        raise Wrong("check.not_bool", name=name, type=type(x).__name__, value=x)
    return x


def close(
    actual,
    expected,
    name: str,
    *,
    tol: float,
    scale: float = 1.0,
    code: str = "check.close",
    mistake: str | None = None,
    **params,
) -> None:
    """max|actual − expected| ≤ tol·scale, else ``Wrong(code)`` pointing at the worst entry.

    Infinite and NaN expectations are explicit: where the right answer is ±inf
    or NaN the answer must be the same there (an infinite tolerance proves
    nothing); where it is finite the answer must be finite.
    """
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    if actual.shape != expected.shape:
        raise Wrong("check.shape", name=name, shape=actual.shape, expected_shape=expected.shape)
    allowed = tol * scale
    special = ~np.isfinite(expected)
    mismatch = special & ~((actual == expected) | (np.isnan(actual) & np.isnan(expected)))
    if np.any(mismatch):
        at = tuple(int(i) for i in np.argwhere(mismatch)[0])
        raise Wrong(
            "check.finite_expected_infinite",
            name=name,
            at=at,
            got_bad=float(actual[at]),
            expected_bad=float(expected[at]),
            mistake=mistake,
            **params,
        )
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.where(special, 0.0, np.abs(actual - expected))
    err = np.where(np.isnan(err), np.inf, err)
    worst = float(np.max(err)) if err.size else 0.0
    if worst <= allowed:
        return
    data = dict(name=name, got=actual, expected=expected, error=worst, allowed=allowed, **params)
    if actual.ndim:
        at = tuple(int(i) for i in np.unravel_index(int(np.argmax(err)), err.shape))
        data.update(
            at=at,
            got_at=float(actual[at]),
            expected_at=float(expected[at]),
            indexed=f"({name})" if " " in name else name,
        )
    else:
        data.update(got=float(actual), expected=float(expected))
    raise Wrong(code, mistake=mistake, **data)


def orthonormal_columns(q: np.ndarray, name: str, tol: float) -> None:
    """QᵀQ = I."""
    dev = float(np.max(np.abs(q.T @ q - np.eye(q.shape[1])))) if q.size else 0.0
    if not dev <= tol:
        raise Wrong("check.orthonormal_columns", name=name, deviation=dev, allowed=tol, value=q)


def descending_nonnegative(s: np.ndarray, name: str) -> None:
    if np.any(s < 0):
        raise Wrong("check.negative", name=name, value=s)
    if np.any(np.diff(s) > 0):
        raise Wrong("check.not_descending", name=name, value=s)


def mapping(result, keys: tuple[str, ...], function: str) -> dict:
    """A returned dict holding at least ``keys`` (extra keys are fine)."""
    if not isinstance(result, dict):
        raise Wrong("check.not_dict", function=function, keys=list(keys), type=type(result).__name__, value=result)
    missing = [k for k in keys if k not in result]
    if missing:
        raise Wrong("check.missing_keys", function=function, missing=missing, have=list(result), keys=list(keys))
    return result


def no_warnings(learner, name: str, advice: str | None = None, category: str = "RuntimeWarning") -> None:
    """The learner's last call raised no warning of ``category`` — a failure even if its result is right.

    ``advice`` is the code of a note that says how to avoid it (e.g. ``softmax.stable``).
    """
    raised = list(dict.fromkeys(w for w in learner.last.answer.warnings if w.startswith(category)))
    if raised:
        listed = "\n".join(f"  {w}" for w in raised[:5]) + (f"\n  … (+{len(raised) - 5})" if len(raised) > 5 else "")
        raise Wrong(
            "check.warnings",
            name=name,
            count=len(raised),
            listed=listed,
            notes=[Feedback(advice, {})] if advice else (),
        )


def same(a, b, allowed: float) -> bool:
    """Same shape and max|a − b| ≤ allowed."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.max(np.abs(a - b), initial=0.0) <= allowed)


def _values(candidates):
    """(mistake, value) of each candidate, a value given as a function computed as it is reached."""
    for mistake, value in candidates:
        yield mistake, value() if callable(value) else value


def near_miss(got, expected, candidates, allowed: float) -> str | None:
    """Which known mistake is this? The mistake id of the first ``(mistake, value)`` candidate that
    ``got`` matches and the right answer does not, or None. Candidates are what each near-miss
    would have returned on the same input, or a function computing it (called only when the
    candidates before it did not match: a failure pays for them, a pass never does);
    ``Wrong(...).naming(near_miss(...))`` attaches it."""
    try:
        return next(
            (
                mistake
                for mistake, value in _values(candidates)
                if same(got, value, allowed) and not same(expected, value, allowed)
            ),
            None,
        )
    except (TypeError, ValueError):
        return None


def first_wrong(items, *, code: str = "check.first_wrong", mistake: str | None = None, **params) -> None:
    """Several quantities in a fixed order (e.g. gradients in backprop order): report the first
    that is wrong with its numbers, and name the others that are wrong too.

    ``items`` are ``(name, got, expected, allowed)``; shapes must already be checked.
    """
    wrong = [name for name, got, expected, allowed in items if not same(got, expected, allowed)]
    if not wrong:
        return
    name, got, expected, allowed = next(item for item in items if item[0] == wrong[0])
    try:
        close(
            got,
            expected,
            name,
            tol=allowed,
            code=code,
            mistake=mistake,
            first=name,
            order=[item[0] for item in items],
            **params,
        )
    except Wrong as exc:
        if len(wrong) > 1:
            exc.feedback = dataclasses.replace(
                exc.feedback, notes=exc.feedback.notes + (Feedback("check.also_wrong", {"names": wrong[1:]}),)
            )
        raise


# --- near misses whose answers hold inf or NaN (added for softmax and attention) ---------------


def same_special(a, b, allowed: float) -> bool:
    """Like ``same``, but ±inf and NaN count as equal to themselves: an overflowing near miss
    (exp(1000) = inf, inf/inf = NaN) is recognised by where its non-finite entries are."""
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    if a.shape != b.shape:
        return False
    finite = np.isfinite(b)
    if not np.array_equal(np.isfinite(a), finite):
        return False
    special = (a[~finite] == b[~finite]) | (np.isnan(a[~finite]) & np.isnan(b[~finite]))
    return bool(np.all(special)) and bool(np.max(np.abs(a[finite] - b[finite]), initial=0.0) <= allowed)


def near_miss_special(got, expected, candidates, allowed: float) -> str | None:
    """``near_miss`` compared with ``same_special``; a candidate may be None (not applicable here)."""
    return next(
        (
            mistake
            for mistake, value in _values(candidates)
            if value is not None and same_special(got, value, allowed) and not same_special(expected, value, allowed)
        ),
        None,
    )
