"""Property checks for the hidden suites: each failure names the property,
the quantity and the numbers, in the learner's terms (``Wrong``).

Tolerances are relative to the scale of the data: callers pass ``scale``
(e.g. ‖A‖₂) and a unitless ``tol``; the allowed error is ``tol * scale``.
"""

from __future__ import annotations

import numpy as np

from grader import fmt
from grader.outcomes import Wrong


def values(result, names: tuple[str, ...], function: str) -> tuple:
    """Unpack a returned tuple of ``len(names)`` values."""
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        got = f"{len(result)} values" if isinstance(result, (tuple, list)) else f"a {type(result).__name__}"
        raise Wrong(f"{function} should return {len(names)} values ({', '.join(names)}); it returned {got}.")
    return tuple(result)


def array(x, name: str, shape: tuple | None = None, *, finite: bool = True) -> np.ndarray:
    """A float ndarray of exactly ``shape``."""
    if not isinstance(x, np.ndarray):
        raise Wrong(f"{name} should be a numpy array; it is a {type(x).__name__} ({fmt.value(x)}).")
    if x.dtype.kind != "f":
        raise Wrong(f"{name} has dtype {x.dtype}; expected a float dtype "
                    "(integer input must still give float output: convert with np.asarray(A, dtype=float)).")
    if shape is not None and x.shape != tuple(shape):
        raise Wrong(f"{name} has shape {x.shape}; expected {tuple(shape)}.")
    if finite and not np.all(np.isfinite(x)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(x))[0])
        raise Wrong(f"{name} contains {x[bad]} at index {bad}; every entry should be finite.\n  {name} = "
                    + fmt.array(x, len(name) + 5))
    return x


def scalar(x, name: str, *, finite: bool = True) -> float:
    """A real number: Python or numpy int/float, or a 0-d array."""
    if isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "iuf":
        x = x.item()
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise Wrong(f"{name} should be a number (float); it is a {type(x).__name__}: {fmt.value(x)}.")
    if finite and not np.isfinite(x):
        raise Wrong(f"{name} is {x}; expected a finite number.")
    return float(x)


def integer(x, name: str) -> int:
    if isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "iu":
        x = x.item()
    if isinstance(x, bool) or not isinstance(x, int):
        hint = " (a whole number, not a float)" if isinstance(x, float) else ""
        raise Wrong(f"{name} should be an int{hint}; it is a {type(x).__name__}: {fmt.value(x)}.")
    return x


def boolean(x, name: str) -> bool:
    if isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind == "b":
        x = x.item()
    if not isinstance(x, bool):
        raise Wrong(f"{name} should be True or False; it is a {type(x).__name__}: {fmt.value(x)}.")
    return x


def close(actual, expected, name: str, *, tol: float, scale: float = 1.0, what: str = "") -> None:
    """max|actual − expected| ≤ tol·scale, else a message pointing at the worst entry."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    allowed = tol * scale
    both_inf = np.isinf(actual) & np.isinf(expected) & (np.sign(actual) == np.sign(expected))
    err = np.where(both_inf, 0.0, np.abs(actual - expected))
    err = np.where(np.isnan(err), np.inf, err)
    worst = float(np.max(err)) if err.size else 0.0
    if worst <= allowed:
        return
    lead = f"{name} is wrong" + (f" ({what})" if what else "")
    if actual.ndim == 0:
        raise Wrong(f"{lead}: got {fmt.num(actual.item())}, expected {fmt.num(expected.item())} "
                    f"(error {worst:.2g}, allowed {allowed:.2g}).")
    at = tuple(int(i) for i in np.unravel_index(int(np.argmax(err)), err.shape))
    index = ", ".join(map(str, at))
    indexed = f"({name})" if " " in name else name
    raise Wrong(f"{lead}: largest error {worst:.2g} at {indexed}[{index}] (got {fmt.num(actual[at])}, "
                f"expected {fmt.num(expected[at])}; allowed {allowed:.2g}).\n"
                f"  got      {fmt.array(actual, 11)}\n  expected {fmt.array(expected, 11)}")


def orthonormal_columns(q: np.ndarray, name: str, tol: float) -> None:
    """QᵀQ = I."""
    dev = float(np.max(np.abs(q.T @ q - np.eye(q.shape[1])))) if q.size else 0.0
    if not dev <= tol:
        raise Wrong(f"the columns of {name} are not orthonormal: max|{name}ᵀ{name} − I| = {dev:.2g} "
                    f"(allowed {tol:.2g}).\n  {name} = {fmt.array(q, len(name) + 5)}")


def descending_nonnegative(s: np.ndarray, name: str) -> None:
    if np.any(s < 0):
        raise Wrong(f"{name} has a negative entry: {name} = {fmt.array(s)}; singular values are ≥ 0.")
    if np.any(np.diff(s) > 0):
        raise Wrong(f"{name} is not in descending order: {name} = {fmt.array(s)}.")


def mapping(result, keys: tuple[str, ...], function: str) -> dict:
    """A returned dict holding at least ``keys`` (extra keys are fine)."""
    if not isinstance(result, dict):
        raise Wrong(f"{function} should return a dict with the keys {', '.join(map(repr, keys))}; "
                    f"it returned a {type(result).__name__}: {fmt.value(result)}.")
    missing = [k for k in keys if k not in result]
    if missing:
        have = ", ".join(map(repr, result)) or "none"
        raise Wrong(f"{function}'s dict lacks the key(s) {', '.join(map(repr, missing))} "
                    f"(keys it has: {have}); SPEC fixes the names {', '.join(map(repr, keys))}.")
    return result


def no_warnings(learner, name: str, advice: str = "", category: str = "RuntimeWarning") -> None:
    """The learner's last call raised no warning of ``category`` — a failure even if its result is right."""
    raised = list(dict.fromkeys(w for w in learner.last.answer.warnings if w.startswith(category)))
    if raised:
        listed = "\n".join(f"  {w}" for w in raised[:5])
        listed += f"\n  … and {len(raised) - 5} more" if len(raised) > 5 else ""
        raise Wrong(f"{name} raised {'a warning' if len(raised) == 1 else f'{len(raised)} warnings'} while it ran "
                    f"(a failure even when the result looks right):\n{listed}\n"
                    "numpy warns when an intermediate value overflows to inf, is 0/0 or the log of 0."
                    + (f" {advice}" if advice else ""))


def same(a, b, allowed: float) -> bool:
    """Same shape and max|a − b| ≤ allowed."""
    return np.shape(a) == np.shape(b) and bool(np.max(np.abs(a - b), initial=0.0) <= allowed)


def near_miss(got, expected, candidates, allowed: float):
    """The label of the first (label, value) candidate that ``got`` matches and the right answer does not:
    feedback can then name the mistake ("the mean was not added back") instead of only "wrong"."""
    return next((label for label, value in candidates
                 if same(got, value, allowed) and not same(expected, value, allowed)), None)
