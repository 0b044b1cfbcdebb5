"""low_rank and pca: the spectrum as bars and the cumulative energy as a curve, with k.

From the failure's params and call (no suite change except pca's ``variances``):

* ``rank_for_energy`` (low_rank.not_a_count / keeps_too_little / not_smallest): σ from
  the call's ``s``; the energy, the learner's ``k``, the right ``answer`` and the
  ``threshold`` from params;
* ``cumulative_energy`` (low_rank.energy): σ from the call, the right energy
  (``expected``) and the learner's (``got``);
* ``explained_variance_ratio`` (pca.ratio): the right shares and the learner's;
* ``pca``'s explained variance (pca.explained_variance): the whole spectrum of
  variances σᵢ²/(n − 1) (``variances``), the learner's first ``k`` and the given k.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from grader.scoring import TestResult

FUNCTIONS = {("low_rank", "rank_for_energy"), ("low_rank", "cumulative_energy"), ("pca", "pca")}
FUNCTIONS |= {("pca", "explained_variance_ratio")}
RANK_FOR_ENERGY = ("low_rank.not_a_count", "low_rank.keeps_too_little", "low_rank.not_smallest")


@dataclasses.dataclass(frozen=True)
class Spectrum:
    kind: str  # what the bars are: "sigma", "variance" or "share" (their label)
    values: np.ndarray  # the right spectrum, largest first
    energy: np.ndarray  # the right cumulative energy: energy[k − 1] is held by the first k
    yours: np.ndarray | None = None  # the learner's values (pca: the first k only)
    your_energy: np.ndarray | None = None
    k: int | None = None  # the learner's k (their answer, or the k their function was given)
    k_is_answer: bool = True  # False: k was given (pca), not chosen
    right_k: int | None = None
    threshold: float | None = None


def cumulative(squares) -> np.ndarray:
    squares = np.asarray(squares, dtype=float)
    total = float(np.sum(squares))
    return np.cumsum(squares) / total if total > 0 else np.zeros_like(squares)


def _floats(value) -> np.ndarray:
    return np.asarray(value, dtype=float).ravel()


def data(test: TestResult) -> Spectrum | None:
    """What the picture draws, from the failure's params and call; None when they lack it."""
    if test.feedback is None:
        return None
    code, p = test.feedback.code, test.feedback.params
    args = test.call.args if test.call is not None else {}
    try:
        if code in RANK_FOR_ENERGY and "s" in args:
            s = _floats(args["s"])
            return Spectrum(
                "sigma", s, _floats(p["energy"]), k=int(p["k"]), right_k=int(p["answer"]), threshold=p["threshold"]
            )
        if code == "low_rank.energy" and "s" in args:
            return Spectrum("sigma", _floats(args["s"]), _floats(p["expected"]), your_energy=_floats(p["got"]))
        if code == "pca.ratio":
            right, yours = _floats(p["expected"]), _floats(p["got"])
            return Spectrum("share", right, np.cumsum(right), yours=yours, your_energy=np.cumsum(yours))
        if code == "pca.explained_variance" and "variances" in p:
            variances = _floats(p["variances"])
            return Spectrum(
                "variance", variances, cumulative(variances), yours=_floats(p["got"]), k=int(p["k"]), k_is_answer=False
            )
    except (KeyError, TypeError, ValueError):
        return None
    return None


def draw(d: Spectrum, fig, label) -> None:
    bars, curve = fig.subplots(1, 2)
    index = np.arange(1, len(d.values) + 1)
    kept = index <= d.k if d.k is not None else np.zeros(len(index), dtype=bool)
    if np.any(kept):
        key = "kept" if d.k_is_answer else "first_k"
        bars.bar(index[kept], d.values[kept], color="tab:blue", label=label(key, k=d.k))
    bars.bar(index[~kept], d.values[~kept], color="lightsteelblue", label=label(d.kind))
    if d.yours is not None:
        shown = min(len(d.yours), len(index) + 2)
        bars.plot(np.arange(1, shown + 1), d.yours[:shown], "D", color="tab:red", label=label("yours"))
    bars.set_xlabel(label("index"))
    bars.set_ylabel(label(d.kind))
    bars.set_xticks(index)
    bars.legend(fontsize=8)

    counts = np.arange(1, len(d.energy) + 1)
    curve.plot(counts, d.energy, "o-", color="tab:green", lw=2, label=label("right"))
    if d.your_energy is not None:
        curve.plot(np.arange(1, len(d.your_energy) + 1), d.your_energy, "s--", color="tab:red", label=label("yours"))
    if d.threshold is not None:
        curve.axhline(d.threshold, color="0.4", ls=":", label=label("threshold", threshold=d.threshold))
    if d.right_k is not None:
        curve.axvline(d.right_k, color="tab:green", ls="-", lw=1, label=label("right_k", k=d.right_k))
    if d.k is not None:
        key = "your_k" if d.k_is_answer else "given_k"
        curve.axvline(d.k, color="tab:red" if d.k_is_answer else "tab:blue", ls="--", label=label(key, k=d.k))
    curve.set_xlabel(label("count"))
    curve.set_ylabel(label("energy"))
    curve.set_xticks(counts)
    curve.set_ylim(-0.02, max(1.05, float(np.max(d.your_energy)) * 1.05 if d.your_energy is not None else 1.05))
    curve.legend(fontsize=8, loc="lower right")
