"""Worker start-up with and without the namespace sandbox, in one run (prints numbers; asserts nothing).

    python benchmarks/startup.py [--runs 15]

A start is the time from spawning a worker to its first answer (interpreter,
numpy, guard and audit hook installed, limits set): what a topic or a restart
after a crash waits for when no warm spare is ready. The tiers alternate, so
a busy machine slows both alike.
"""

import argparse
import statistics
import time

from grader import isolation
from grader.sandbox import Zygote


def start_once(tier: isolation.Tier) -> float:
    start = time.perf_counter()
    zygote = Zygote({"forbidden": ["numpy.linalg.svd"], "memory_mb": 1024, "file_mb": 16}, tier)
    zygote.spawn().wait_ready()
    elapsed = time.perf_counter() - start
    zygote.kill()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    tiers = [isolation.select("auto"), isolation.select("off")]
    if not tiers[0].sandboxed:
        print(f"namespaces tier unavailable: {tiers[0].warning}")
        tiers = tiers[1:]
    times = {t.name: [] for t in tiers}
    for _ in range(runs):
        for tier in tiers:
            times[tier.name].append(start_once(tier))
    print(f"{'worker start-up (s)':<24} {'median':>8} {'min':>8} {'max':>8}   ({runs} runs each, interleaved)")
    for name, t in times.items():
        print(f"{name:<24} {statistics.median(t):8.3f} {min(t):8.3f} {max(t):8.3f}")


if __name__ == "__main__":
    main()
