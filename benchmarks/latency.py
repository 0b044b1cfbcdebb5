"""Grading latency next to the bare interpreter start-up (prints numbers; asserts nothing).

    python benchmarks/latency.py [--runs 7]

Each command runs --runs times; the table shows median, min and max wall time
in seconds. The baseline is `python -c "import numpy, pytest"`, the floor any
pytest-based grader pays before it grades anything.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def commands() -> dict[str, list[str]]:
    grader = shutil.which("grader") or f"{Path(sys.executable).parent}/grader"
    return {
        'python -c "import numpy, pytest"': [sys.executable, "-c", "import numpy, pytest"],
        "grader check svd_basics --submission solutions": [
            grader,
            "check",
            "svd_basics",
            "--submission",
            "solutions",
            "--seed",
            "1",
        ],
        "grader grade --submission solutions": [grader, "grade", "--submission", "solutions", "--seed", "1"],
    }


def measure(argv: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    print(f"{'command':<50} {'median':>8} {'min':>8} {'max':>8}   ({runs} runs)")
    for label, argv in commands().items():
        t = measure(argv, runs)
        print(f"{label:<50} {statistics.median(t):8.3f} {min(t):8.3f} {max(t):8.3f}")


if __name__ == "__main__":
    main()
