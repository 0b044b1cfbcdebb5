"""python -m benchmarks [--runs N] [--copies N] [--skip-verify] [--json FILE]

Every figure of the kit side by side, each the median of --runs runs where it
is cheap enough to repeat, beside its goal. Run it on an idle machine: a
busy one slows everything (the floor too, so the ratios suffer less).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the grader's judge and workers run

from benchmarks import loop, numerics, watch  # noqa: E402

# figure -> (label, goal text, is it met?)
GOALS = {
    "check_over_floor": ("grader check, one topic ÷ floor", "≤ 1.5", lambda v: v <= 1.5),
    "grade_over_floor": ("grader grade, all topics ÷ floor", "≤ 5", lambda v: v <= 5),
    "watch_recheck_ms": ("watch re-check after a save (ms, median)", "≤ 300", lambda v: v <= 300),
    "batch_per_minute": ("grader batch --jobs 2 (submissions/min)", "≥ 120", lambda v: v >= 120),
    "verify_s": ("grader verify, probes and naming (s)", "≤ 20", lambda v: v <= 20),
    "svd2x2_over_lapack": ("svd_2x2 error ÷ LAPACK's", "≤ 2", lambda v: v <= 2),
    "mha_backward_over_forward": ("mha_backward ÷ mha_forward", "≤ 3", lambda v: v <= 3),
}


def _show(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="repetitions of the cheap commands (median)")
    parser.add_argument("--copies", type=int, default=50, help="copies of solutions/ in the batch")
    parser.add_argument("--skip-verify", action="store_true", help="leave out grader verify (a few minutes)")
    parser.add_argument("--json", metavar="FILE", help="also write every figure here")
    opts = parser.parse_args()
    figures: dict = {"machine": f"{platform.node()} ({os.cpu_count()} cores)", "date": time.strftime("%Y-%m-%d %H:%M")}
    for section in (
        lambda: loop.learner(opts.runs),
        lambda: watch.recheck(opts.runs * 4),
        lambda: loop.instructor(opts.copies, not opts.skip_verify),
        numerics.svd_2x2,
        numerics.backward_throughput,
        numerics.mha,
    ):
        figures.update(section())
    print(f"{'figure':<46} {'value':>14}  goal")
    for key, value in figures.items():
        label, goal, met = GOALS.get(key, (key, "", None))
        verdict = "" if met is None or not isinstance(value, (int, float)) else ("  met" if met(value) else "  MISSED")
        print(f"{label:<46} {_show(value):>14}  {goal}{verdict}")
    if opts.json:
        with open(opts.json, "w", encoding="utf-8") as f:
            json.dump(figures, f, indent=2)
        print(f"written to {opts.json}")


if __name__ == "__main__":
    main()
