"""The data of one test's feedback, before any language is chosen.

``Feedback(code, params, mistake, notes)``:

* ``code`` names the property that failed, stable across releases
  (``check.orthonormal_columns``, ``svd_basics.ellipse_direction``,
  ``fault.timeout``); its template is ``code`` in the catalog;
* ``mistake`` names a recognised near-miss (``svd_basics.u_v_swapped``),
  rendered from ``mistake.<id>`` in the catalog; None when none is recognised;
* ``params`` are the numbers, arrays and names the templates refer to;
* ``notes`` are further sentences, each a Feedback of its own.

``Call`` (the function and its named arguments, the values themselves as
sent, so a case can be replayed exactly) and ``Frame`` (a line of the
learner's file) are context the plugin attaches; they are data too.
"""

from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True)
class Feedback:
    code: str
    params: dict = dataclasses.field(default_factory=dict)
    mistake: str | None = None
    notes: tuple[Feedback, ...] = ()

    def with_mistake(self, mistake: str | None) -> Feedback:
        return dataclasses.replace(self, mistake=mistake) if mistake else self

    def plain(self) -> dict:
        """JSON-ready: arrays as nested lists, numpy scalars as Python numbers."""
        out = {"code": self.code, "mistake": self.mistake, "params": plain(self.params)}
        if self.notes:
            out["notes"] = [n.plain() for n in self.notes]
        return out


@dataclasses.dataclass(frozen=True)
class Frame:
    file: str  # relative to the submission folder: "pseudoinverse.py"
    line: int
    function: str
    text: str = ""


@dataclasses.dataclass(frozen=True)
class Call:
    function: str  # "svd_2x2", or "scenario:reverse_mode.chain"
    args: dict  # parameter name -> value, as sent (full precision: the objects themselves)
    positional: int = 0  # the first `positional` entries of args were passed by position, in this order

    @property
    def scenario(self) -> str | None:
        return self.function[9:] if self.function.startswith("scenario:") else None


def plain(value):
    """Plain JSON data from the values feedback may hold."""
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, float):
        return value if np.isfinite(value) else repr(value)  # JSON has no inf/nan
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return repr(value)
