"""svd_basics · ellipse_axes: the learner's ellipse and semi-axes over the right ones.

The right ellipse is A applied to the unit circle (A from the failing call), with
semi-axes σᵢ·uᵢ; the learner's is the ellipse their answer describes,
directions · diag(lengths) · (cos t, sin t), with semi-axes lengths[i]·directions[:, i].
The suite adds ``lengths``, ``directions``, ``right_lengths`` and ``right_directions``
to the failure's params.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from grader.scoring import TestResult

FUNCTIONS = {("svd_basics", "ellipse_axes")}
NEEDS = ("lengths", "directions", "right_lengths", "right_directions")
POINTS = 241


@dataclasses.dataclass(frozen=True)
class Ellipse:
    right_curve: np.ndarray  # (2, POINTS): A · (cos t, sin t)
    right_axes: np.ndarray  # (2, 2): column i is σᵢ·uᵢ
    curve: np.ndarray  # (2, POINTS): the learner's directions · diag(lengths) · (cos t, sin t)
    axes: np.ndarray  # (2, 2): column i is lengths[i]·directions[:, i]


def data(test: TestResult) -> Ellipse | None:
    """What the picture draws, from the failure's params and call; None when they lack it."""
    params = test.feedback.params if test.feedback else {}
    if test.call is None or "A" not in test.call.args or any(k not in params for k in NEEDS):
        return None
    A = np.asarray(test.call.args["A"], dtype=float)
    t = np.linspace(0.0, 2 * np.pi, POINTS)
    circle = np.stack([np.cos(t), np.sin(t)])
    axes = np.asarray(params["directions"], dtype=float) * np.asarray(params["lengths"], dtype=float)
    right = np.asarray(params["right_directions"], dtype=float) * np.asarray(params["right_lengths"], dtype=float)
    return Ellipse(A @ circle, right, axes @ circle, axes)


def draw(d: Ellipse, fig, label) -> None:
    ax = fig.add_subplot()
    ax.plot(*d.right_curve, color="tab:green", lw=2.5, alpha=0.7, label=label("right"))
    ax.plot(*d.curve, color="tab:red", lw=1.5, ls="--", label=label("yours"))
    for axes, color, width in ((d.right_axes, "tab:green", 2.5), (d.axes, "tab:red", 1.5)):
        for i in range(2):
            arrow = {"arrowstyle": "->", "color": color, "lw": width}
            ax.annotate("", xy=tuple(axes[:, i]), xytext=(0, 0), arrowprops=arrow)
            ax.annotate(str(i), xy=tuple(axes[:, i]), color=color, fontsize=9)
    reach = max(float(np.max(np.abs(d.right_curve))), float(np.max(np.abs(d.curve))), 1e-300) * 1.15
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-reach, reach)
    ax.set_aspect("equal")
    ax.axhline(0, color="0.8", lw=0.8)
    ax.axvline(0, color="0.8", lw=0.8)
    ax.set_xlabel(label("x"))
    ax.set_ylabel(label("y"))
    ax.legend(loc="upper left", fontsize=8)
