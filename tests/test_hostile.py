"""The hostile corpus (tests/hostile/): cheating and careless submissions gain nothing and harm nothing.

The corpus runs as three gradings (one per ``gN_`` prefix, every topic but
one replaced by an attack). Per grading: the run completes with a valid
report, the honest topic keeps full marks, no file of the project or the
report folder changes, the run is not marked tampered, and no process the
submission started is left. Per case: its cheating functions score 0.
"""

import hashlib
import json
import os
import re
import time
from pathlib import Path

import pytest

from conftest import EXERCISES, ROOT, SOLUTIONS, processes_with, reference, submission
from grader import runner
from grader.outcomes import STATUSES
from grader.reports import json as json_report
from grader.runner import grade
from grader.sandbox import Sandbox, WorkerPool
from grader.scoring import Report

CORPUS = Path(__file__).with_name("hostile")
GRADINGS = sorted({p.name.split("_", 1)[0] for p in CORPUS.glob("g*_*.py")})
HONEST = {"g1": "low_rank", "g2": "pca", "g3": "derivatives"}
TOPIC_STATUSES = {"passed", "partial", "failed", "not_started", "error"}


class Case:
    def __init__(self, path: Path):
        self.name, self.path = path.stem, path
        self.grading, self.topic = path.stem.split("_", 1)
        text = path.read_text()
        header = dict(re.findall(r"^# (attack|cheats|base|needs|collateral): (.*)$", text, re.M))
        self.attack, self.cheats = header["attack"], header["cheats"].split()
        self.collateral = header.get("collateral", "").split(" (")[0].split()
        self.on_reference = header.get("base") == "reference"
        self.needs = header.get("needs", "").split()
        self.text = text

    def source(self, values: dict[str, str]) -> str:
        text = self.text
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", value)
        return (reference(self.topic) + "\n\n" + text) if self.on_reference else text


CASES = [Case(p) for p in sorted(CORPUS.glob("g*_*.py"))]


def _tree_hashes(*folders: Path) -> dict[str, str]:
    out = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


class TimedSandbox(Sandbox):
    """A Sandbox that adds up the wall time spent on each topic's requests."""

    seconds: dict[str, float] = {}

    def send(self, module, *args, **kwargs):
        start = time.monotonic()
        try:
            return super().send(module, *args, **kwargs)
        finally:
            self.seconds[module] = self.seconds.get(module, 0.0) + time.monotonic() - start


class Grading:
    """One grading of a corpus submission, with what the run left behind."""

    def __init__(self, gid: str, curriculum, base: Path, features):
        self.cases = [c for c in CASES if c.grading == gid]
        self.skipped = {c.name: [f for f in c.needs if f not in features] for c in self.cases}
        self.skipped = {k: v for k, v in self.skipped.items() if v}
        folder, report_dir = base / "submission", base / "reports"
        report_dir.mkdir()
        self.report_path = report_dir / "report.json"
        self.marker = f"hostile-{gid}-{os.getpid()}-{time.monotonic_ns()}"
        values = {"ROOT": str(ROOT), "SUBMISSION": str(folder), "REPORT": str(self.report_path), "MARKER": self.marker}
        folder.mkdir()
        for topic in curriculum.topics:
            (folder / topic.module_file).write_text(reference(topic.id))
        for case in self.cases:
            if case.name not in self.skipped:
                (folder / f"{case.topic}.py").write_text(case.source(values))
        (folder / "conftest.py").write_text("raise SystemExit('a conftest.py in a submission is never run')\n")
        (folder / "pytest.ini").write_text("[pytest]\naddopts = -p no:python\n")
        watched = (ROOT / "grader", SOLUTIONS, EXERCISES, folder, report_dir)
        before = _tree_hashes(*watched)
        pool = WorkerPool(curriculum.forbidden_union())
        start, TimedSandbox.seconds = time.monotonic(), {}
        try:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(runner, "Sandbox", TimedSandbox)
                self.report: Report = grade(
                    submission(folder, curriculum), curriculum.topics, curriculum, 11, pool=pool
                )
        finally:
            pool.close()
        self.seconds, self.topic_seconds = time.monotonic() - start, dict(TimedSandbox.seconds)
        json_report.write(self.report, self.report_path)
        self.changed = sorted(
            p
            for p in before.keys() | _tree_hashes(*watched).keys()
            if before.get(p) != _tree_hashes(*watched).get(p) and p != str(self.report_path)
        )
        self.survivors = processes_with(self.marker)
        deadline = time.monotonic() + 5
        while self.survivors and time.monotonic() < deadline:
            time.sleep(0.1)
            self.survivors = processes_with(self.marker)

    def topic(self, topic_id: str):
        return next(t for t in self.report.topics if t.id == topic_id)


@pytest.fixture(scope="module")
def gradings(curriculum, tmp_path_factory, pool):
    cache = {}

    def get(gid: str) -> Grading:
        if gid not in cache:
            cache[gid] = Grading(gid, curriculum, tmp_path_factory.mktemp(gid), pool.tier.features)
        return cache[gid]

    return get


@pytest.mark.parametrize("gid", GRADINGS)
def test_the_run_completes_with_a_valid_report(gradings, gid):
    g = gradings(gid)
    data = json.loads(g.report_path.read_text())
    assert data["schema"] == json_report.SCHEMA and data["isolation"]["tier"] == g.report.isolation["tier"]
    assert len(data["topics"]) == 13 and data["suite_hash"] and data["grader_version"]
    assert {t["status"] for t in data["topics"]} <= TOPIC_STATUSES
    assert {x["status"] for t in data["topics"] for x in t["tests"]} <= set(STATUSES)
    ran = sorted((c for c in g.cases if c.name not in g.skipped), key=lambda c: -g.topic_seconds.get(c.topic, 0))
    print(
        f"\n{gid}: {len(ran)} attack topics graded in {g.seconds:.1f} s; slowest (seconds in worker requests): "
        + ", ".join(f"{c.name} {g.topic_seconds.get(c.topic, 0):.1f}" for c in ran[:3])
    )


@pytest.mark.parametrize("gid", GRADINGS)
def test_the_honest_topic_keeps_full_marks(gradings, gid):
    honest = gradings(gid).topic(HONEST[gid])
    assert honest.status == "passed" and honest.score == honest.max_score


@pytest.mark.parametrize("gid", GRADINGS)
def test_nothing_outside_the_sandbox_changes_and_nothing_survives(gradings, gid):
    g = gradings(gid)
    assert g.changed == []
    assert not g.report_path.with_suffix(".tmp").exists()
    assert g.report.tampered == ""
    assert g.survivors == []


@pytest.mark.parametrize("gid", GRADINGS)
def test_nothing_leaks(gradings, gid):
    messages = [x.message() for t in gradings(gid).report.topics for x in t.tests] + [
        t.message() for t in gradings(gid).report.topics
    ]
    assert not [m for m in messages if "LEAKED" in m]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_an_attack_gains_no_point(gradings, curriculum, case):
    g = gradings(case.grading)
    if case.name in g.skipped:
        pytest.skip(
            f"the {g.report.isolation['tier']} tier lacks {', '.join(g.skipped[case.name])}: "
            f"this attack ({case.attack}) would do real harm here"
        )
    topic = g.topic(case.topic)
    if case.cheats == ["*"]:
        assert topic.score == 0, [(x.id, x.status, x.points) for x in topic.tests if x.points]
        return
    spec = curriculum.topic(case.topic)
    cheating = [x for x in topic.tests if x.function in case.cheats]
    assert {x.function for x in cheating} == set(case.cheats)
    assert {x.status for x in cheating} == {"forbidden"}, [(x.id, x.status, x.message()[:200]) for x in cheating]
    assert all(x.points == 0 for x in cheating)
    losing = set(case.cheats) | set(case.collateral)
    honest_points = sum(f.points for name, f in spec.functions.items() if name not in losing)
    assert topic.score == pytest.approx(honest_points)  # the reference functions beside the cheats keep theirs
