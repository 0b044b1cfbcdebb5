"""Helpers: run a command N times, take the median; peak memory of a command's processes."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def grader_command() -> list[str]:
    """The installed ``grader`` entry point of this interpreter (not a shell shim on PATH)."""
    script = Path(sys.executable).parent / "grader"
    return [str(script)] if script.exists() else [sys.executable, "-m", "grader"]


def wall(argv: list[str], runs: int, cwd: Path = ROOT, env: dict | None = None) -> float:
    """Median wall time of ``argv`` over ``runs`` runs, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


_PEAK = """
import json, resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(json.dumps(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
"""


def peak_rss_mb(argv: list[str], cwd: Path = ROOT) -> float:
    """The largest resident set of any process of ``argv`` that was waited for (MB; Linux reports KB)."""
    done = subprocess.run([sys.executable, "-c", _PEAK, *argv], cwd=cwd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1]) / 1024


def env_without_lang() -> dict:
    return {k: v for k, v in os.environ.items() if k != "GRADER_LANG"}
