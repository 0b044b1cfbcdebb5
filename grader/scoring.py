"""pytest-json-report output -> the report model: points, statuses, totals.

Maximum scores come from the curriculum, never from what ran: a topic whose
tests did not run, or a function with no test in the output, loses its points.
A function's points are split evenly over its tests.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

from grader.curriculum import Topic

TOPIC_ERROR_KINDS = {"import_error", "missing", "grader_bug", "grader_error"}


@dataclasses.dataclass
class TestResult:
    id: str
    function: str
    status: str
    points: float
    max_points: float
    message: str = ""


@dataclasses.dataclass
class TopicResult:
    id: str
    title: str
    section: str
    score: float
    max_score: float
    status: str
    tests: list[TestResult]
    message: str = ""


@dataclasses.dataclass
class Report:
    submission: str
    seed: int
    topics: list[TopicResult]
    duration: float = 0.0
    isolation: dict = dataclasses.field(default_factory=dict)  # {"tier": ..., "features": [...]} (grader.isolation)
    grader_version: str = ""
    suite_hash: str = ""            # sha256 of the suites and curriculum that judged this run (grader.integrity)
    tampered: str = ""              # why the run is void (files changed during it), else ""

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.topics), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.topics), 6)

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


def _topic_status(score, max_score, tests, error) -> str:
    if error:
        return "error"
    if tests and all(t.status == "not_implemented" for t in tests):
        return "not_started"
    if max_score and abs(score - max_score) < 1e-9 and all(t.status == "passed" for t in tests):
        return "passed"
    return "failed" if score == 0 else "partial"


def score_topic(topic: Topic, entries: list[dict]) -> TopicResult:
    """One topic's result from its tests' json-report entries."""
    per_function = Counter(e["metadata"]["function"] for e in entries)
    tests, error = [], ""
    for entry in entries:
        meta = entry["metadata"]
        share = topic.functions[meta["function"]].points / per_function[meta["function"]]
        test_id = entry["nodeid"].split("::", 1)[-1].removeprefix("test_")
        tests.append(TestResult(test_id, meta["function"], meta["status"],
                                share if meta["status"] == "passed" else 0.0, share, meta["message"]))
        if meta.get("kind") in TOPIC_ERROR_KINDS and not error:
            error = meta["message"]
    if not entries:
        error = "no test of this topic ran"
    score = round(sum(t.points for t in tests), 6)
    return TopicResult(topic.id, topic.title, topic.section, score, topic.points,
                       _topic_status(score, topic.points, tests, error), tests, error)


def score_run(json_report: dict | None, topics: list[Topic], submission: str, seed: int) -> Report:
    entries: dict[str, list[dict]] = {t.id: [] for t in topics}
    for entry in (json_report or {}).get("tests", []):
        meta = entry.get("metadata")
        if meta and meta.get("topic") in entries:
            entries[meta["topic"]].append(entry)
    duration = (json_report or {}).get("duration", 0.0)
    return Report(submission, seed, [score_topic(t, entries[t.id]) for t in topics], duration)
