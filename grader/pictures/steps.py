"""derivatives · numerical_gradient: the gradient check's error against the step size.

For each step h the suite (``step_sweep`` in grader/suites/derivatives.py) called the
learner's numerical_gradient(f, x, eps=h) on the failing case and measured
max|g_h − ∇f| / max|∇f| against the exact gradient, and the same for right central
differences: params ``steps``, ``step_errors``, ``right_step_errors``, and ``eps``, the
case's own step. On log-log axes right central differences fall like h² until rounding
(≈ ε/h) takes over; forward differences fall only like h, a wrong divisor stays flat.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from grader.scoring import TestResult

FUNCTIONS = {("derivatives", "numerical_gradient")}
NEEDS = ("steps", "step_errors", "right_step_errors", "eps")
FLOOR = 1e-17  # an error of exactly 0 is drawn here (a log axis has no 0)


@dataclasses.dataclass(frozen=True)
class Steps:
    steps: np.ndarray
    errors: np.ndarray  # the learner's, one per step
    right_errors: np.ndarray
    eps: float


def data(test: TestResult) -> Steps | None:
    params = test.feedback.params if test.feedback else {}
    if any(k not in params for k in NEEDS):
        return None
    return Steps(
        np.asarray(params["steps"], dtype=float),
        np.asarray(params["step_errors"], dtype=float),
        np.asarray(params["right_step_errors"], dtype=float),
        float(params["eps"]),
    )


def draw(d: Steps, fig, label) -> None:
    ax = fig.add_subplot()
    ax.loglog(d.steps, np.maximum(d.right_errors, FLOOR), "o-", color="tab:green", lw=2, label=label("right"))
    ax.loglog(d.steps, np.maximum(d.errors, FLOOR), "s--", color="tab:red", lw=1.5, label=label("yours"))
    ax.axvline(d.eps, color="0.5", ls=":", label=label("eps", eps=d.eps))
    ax.invert_xaxis()  # smaller steps to the right, as h → 0
    ax.set_xlabel(label("x"))
    ax.set_ylabel(label("y"))
    ax.grid(True, which="major", color="0.9")
    ax.legend(fontsize=8)
