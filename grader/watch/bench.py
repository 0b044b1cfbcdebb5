"""Save → screen latency of ``grader watch``, measured end to end (prints numbers; asserts nothing).

``measure`` copies the kit's solutions to a temporary folder, puts a mutant
of one topic in (a plausible bug: every test runs, some fail), starts the
real ``grader watch`` on a pseudo-terminal, then saves the module ``saves``
times and times each save until the screen shows the check that followed it
(its number in the footer; the footer's "in N ms" is the grading part).
``python -m grader.watch.bench`` prints the figures; ``python -m benchmarks``
reports ``median_recheck_ms`` beside its goal.
"""

from __future__ import annotations

import argparse
import dataclasses
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

from grader import curriculum as curriculum_file
from grader import mutants
from grader.stubs import KIT_EXERCISES

SOLUTIONS = KIT_EXERCISES.parent / "solutions"


@dataclasses.dataclass
class Latency:
    seconds: list[float]
    polling: bool
    source: str
    load: tuple[float, float]  # the machine's 1-minute load average before and after
    checks: list[float]  # of each latency, the seconds the check itself took (as the screen reports it)

    @property
    def median_ms(self) -> float:
        return 1000 * statistics.median(self.seconds)

    def summary(self) -> str:
        ms = sorted(1000 * s for s in self.seconds)
        how = "polling" if self.polling else "file events"
        return (
            f"grader watch, save -> screen ({self.source}, {how}, {len(ms)} saves): "
            f"median {self.median_ms:.0f} ms, min {ms[0]:.0f} ms, max {ms[-1]:.0f} ms; "
            f"of which grading: median {1000 * statistics.median(self.checks):.0f} ms "
            f"(load average {self.load[0]:.1f} -> {self.load[1]:.1f} on {os.cpu_count()} cores)"
        )


class PseudoTerminal:
    """A program on a pty of a given size; ``wait_for`` reads its output until a marker appears."""

    def __init__(self, argv: list[str], cwd: Path, env: dict, columns: int = 120, lines: int = 40):
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env, start_new_session=True
        )
        os.close(slave)
        self.output = b""

    def wait_for(self, marker: bytes, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while marker not in self.output:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.master, 1 << 16)
                except OSError:  # the program exited and closed the pty
                    return marker in self.output
                if not chunk:
                    return marker in self.output
                self.output += chunk
        return True

    def send(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def close(self, timeout: float = 30) -> int:
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            code = self.proc.wait()
        os.close(self.master)
        return code


def _source(topic: str, mutant: str | None) -> tuple[str, str]:
    if mutant and (SOLUTIONS / f"{topic}.py").is_file():
        found = {m.name: m for m in mutants.load(SOLUTIONS / "mutants", topic)}
        reference = (SOLUTIONS / f"{topic}.py").read_text(encoding="utf-8")
        return found[mutant].source(reference), f"mutant {topic}/{mutant}"
    return (KIT_EXERCISES / f"{topic}.py").read_text(encoding="utf-8"), f"stub {topic}"


def measure(
    saves: int = 10,
    topic: str = "svd_basics",
    mutant: str | None = "sign_not_moved_into_U",
    poll: bool = False,
    pause: float = 2.0,
) -> Latency:
    """Start ``grader watch TOPIC`` on a copy of the solutions with ``mutant`` (or the stub) in TOPIC's file,
    save it ``saves`` times, ``pause`` seconds apart, and time each save until its check is on screen."""
    cu, load = curriculum_file.load(), os.getloadavg()[0]
    source, label = _source(topic, mutant)
    with tempfile.TemporaryDirectory(prefix="grader-watch-bench-") as tmp:
        folder = Path(tmp) / "submission"
        folder.mkdir()
        kit = SOLUTIONS if SOLUTIONS.is_dir() else KIT_EXERCISES
        for t in cu.topics:
            shutil.copy(kit / t.module_file, folder / t.module_file)
        module = folder / f"{topic}.py"
        module.write_text(source, encoding="utf-8")
        argv = [sys.executable, "-m", "grader", "watch", topic, "-s", str(folder), "--seed", "1"]
        env = {**os.environ, "GRADER_LANG": "en", "TERM": os.environ.get("TERM", "xterm")}
        term = PseudoTerminal(argv + (["--poll"] if poll else []), Path(tmp), env)
        seconds, checks = [], []
        try:
            if not term.wait_for(b"(#1).", 180):
                raise RuntimeError(f"grader watch showed no first check:\n{term.output.decode(errors='replace')}")
            polling = b"polling every" in term.output
            for n in range(saves):
                time.sleep(pause)
                term.output = b""
                module.write_text(source + f"\n# save {n + 1}\n", encoding="utf-8")
                start = time.perf_counter()
                if not term.wait_for(f"(#{n + 2}).".encode(), 60):
                    raise RuntimeError(f"save {n + 1} was not re-checked within 60 s")
                seconds.append(time.perf_counter() - start)
                checks.append(int(re.findall(rb"in (\d+) ms \(#%d\)" % (n + 2), term.output)[-1]) / 1000)
        finally:
            term.send(b"q")
            term.close()
    return Latency(seconds, polling, label, (load, os.getloadavg()[0]), checks)


def median_recheck_ms(saves: int) -> float:
    """The figure ``python -m benchmarks`` reports: median save -> screen milliseconds over ``saves`` saves."""
    return round(measure(saves).median_ms, 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--topic", default="svd_basics")
    parser.add_argument("--mutant", default="sign_not_moved_into_U", help="'' for the stub")
    parser.add_argument("--poll", action="store_true", help="measure the polling fallback")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between saves")
    args = parser.parse_args(argv)
    print(measure(args.saves, args.topic, args.mutant or None, args.poll, args.pause).summary())


if __name__ == "__main__":
    main()
