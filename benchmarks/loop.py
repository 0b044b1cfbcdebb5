"""The learner's loop and the instructor's commands, timed as a person runs them."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.timing import ROOT, grader_command, peak_rss_mb, wall

FLOOR = [sys.executable, "-c", "import numpy, pytest"]


def _copy_of_solutions(root: Path, name: str = "solutions") -> Path:
    target = root / name
    shutil.copytree(ROOT / "solutions", target, ignore=shutil.ignore_patterns("mutants", "__pycache__"))
    return target


def learner(runs: int) -> dict:
    """Floor, ``grader check`` of one topic and ``grader grade`` of all, on a copy of the solutions."""
    grader = grader_command()
    with tempfile.TemporaryDirectory(prefix="bench-loop-") as tmp:
        sub = _copy_of_solutions(Path(tmp))
        floor = wall(FLOOR, runs)
        check = wall([*grader, "check", "svd_basics", "-s", str(sub), "--seed", "1"], runs)
        grade = wall([*grader, "grade", "-s", str(sub), "--seed", "1"], runs)
        memory = peak_rss_mb([*grader, "grade", "-s", str(sub), "--seed", "1", "--jobs", "1"])
    return {
        "floor_s": floor,
        "check_s": check,
        "check_over_floor": check / floor,
        "grade_s": grade,
        "grade_over_floor": grade / floor,
        "grade_peak_rss_mb": memory,
    }


def instructor(copies: int, verify: bool) -> dict:
    """``grader batch`` on ``copies`` copies of the solutions at --jobs 2, and ``grader verify``."""
    grader = grader_command()
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        root = Path(tmp) / "submissions"
        root.mkdir()
        first = _copy_of_solutions(root, "learner-000")
        for n in range(1, copies):
            shutil.copytree(first, root / f"learner-{n:03d}")
        argv = [*grader, "batch", str(root), "--out", str(Path(tmp) / "class"), "--jobs", "2", "--seed", "1"]
        seconds = wall(argv, 1)
        out["batch_copies"] = copies
        out["batch_per_minute"] = 60 * copies / seconds
        shutil.rmtree(Path(tmp) / "class")
        small = Path(tmp) / "one"
        small.mkdir()
        shutil.copytree(first, small / "learner")
        out["batch_job_peak_rss_mb"] = peak_rss_mb(
            [*grader, "batch", str(small), "--out", str(Path(tmp) / "class1"), "--jobs", "1", "--seed", "1"]
        )
    if verify:
        out["verify_s"] = wall([*grader, "verify", "--seed", "4242"], 1)
    return out
