"""Test outcomes -> the report model: points, statuses, totals.

Maximum scores come from the curriculum, never from what ran: a topic whose
tests did not run, or a function with no test in the outcomes, loses its
points. A function's points are split evenly over its tests, under two rules
that keep answers which ignore their input at zero:

* a function earns points only once it has given at least two different
  answers in the cases it passed (a constant cannot collect the cases whose
  right answer happens to be that constant);
* a ``gated`` test (an edge case, or a structural test such as "vectorised")
  counts only when every ordinary test of its function passed.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict

from grader.curriculum import Topic
from grader.feedback import Call, Feedback, Frame, render_test

TOPIC_ERROR_KINDS = {"import_error", "missing", "grader_bug", "grader_error"}


@dataclasses.dataclass
class TestOutcome:
    """One finished test, straight from the pytest hooks."""

    __test__ = False  # not a test class, whatever pytest thinks of the name
    nodeid: str
    topic: str
    function: str
    status: str
    kind: str = ""
    feedback: Feedback | None = None
    call: Call | None = None
    frames: tuple[Frame, ...] = ()
    output: str = ""
    answers: tuple[str, ...] = ()  # digests of the answers the test received
    gated: bool = False
    last: Call | None = None  # the last call the test made, shown or not (grader.replay repeats it)


@dataclasses.dataclass
class TestResult:
    __test__ = False
    id: str
    function: str
    status: str
    points: float
    max_points: float
    feedback: Feedback | None = None  # why it failed; for a passed test that earned nothing, the rule
    call: Call | None = None
    frames: tuple[Frame, ...] = ()
    output: str = ""
    last: Call | None = None  # the last call the test made, whether or not its message shows it

    @property
    def code(self) -> str | None:
        return self.feedback.code if self.feedback else None

    @property
    def mistake(self) -> str | None:
        return self.feedback.mistake if self.feedback else None

    def message(self, lang: str | None = None) -> str:
        return render_test(self.feedback, self.call, self.frames, self.output, lang)


@dataclasses.dataclass
class TopicResult:
    id: str
    title: str
    section: str
    score: float
    max_score: float
    status: str
    tests: list[TestResult]
    error: TestResult | None = None  # the test whose fault made the whole topic an error

    def message(self, lang: str | None = None) -> str:
        return self.error.message(lang) if self.error else ""


@dataclasses.dataclass
class Report:
    submission: str
    seed: int
    topics: list[TopicResult]
    duration: float = 0.0
    isolation: dict = dataclasses.field(default_factory=dict)  # {"tier": ..., "features": [...]} (grader.isolation)
    grader_version: str = ""
    suite_hash: str = ""  # sha256 of the suites and curriculum that judged this run (grader.integrity)
    tampered: str = ""  # why the run is void (files changed during it), else ""

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.topics), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.topics), 6)

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


def test_id(nodeid: str) -> str:
    """The id a report shows for a pytest node id: ``svd_basics.py::test_svd_2x2[rank-1]`` -> ``svd_2x2[rank-1]``."""
    return nodeid.split("::", 1)[-1].removeprefix("test_")


def _topic_status(score, max_score, tests, error) -> str:
    if error:
        return "error"
    if tests and all(t.status == "not_implemented" for t in tests):
        return "not_started"
    if max_score and abs(score - max_score) < 1e-9 and all(t.status == "passed" for t in tests):
        return "passed"
    return "failed" if score == 0 else "partial"


def _earned(outcomes: list[TestOutcome]) -> dict[str, Feedback | None]:
    """Per function: None if its passed tests earn their points, else the rule that withholds them."""
    by_function: dict[str, list[TestOutcome]] = defaultdict(list)
    for o in outcomes:
        by_function[o.function].append(o)
    verdict: dict[str, Feedback | None] = {}
    for function, tests in by_function.items():
        passed = [o for o in tests if o.status == "passed"]
        distinct = {a for o in passed for a in o.answers}
        if len(tests) > 1 and passed and len(distinct) < 2:
            verdict[function] = Feedback("score.one_answer", {"function": function})
        else:
            verdict[function] = None
    return verdict


def _gate_open(outcomes: list[TestOutcome]) -> dict[str, bool]:
    ordinary: dict[str, list[bool]] = defaultdict(list)
    for o in outcomes:
        if not o.gated:
            ordinary[o.function].append(o.status == "passed")
    return {f: bool(results) and all(results) for f, results in ordinary.items()}


def score_topic(topic: Topic, outcomes: list[TestOutcome]) -> TopicResult:
    """One topic's result from its tests' outcomes."""
    per_function = Counter(o.function for o in outcomes)
    earned, gate_open = _earned(outcomes), _gate_open(outcomes)
    tests, error = [], None
    for o in outcomes:
        share = topic.functions[o.function].points / per_function[o.function]
        feedback, points = o.feedback, 0.0
        if o.status == "passed":
            withheld = earned[o.function] or (
                Feedback("score.gated", {"function": o.function})
                if o.gated and not gate_open.get(o.function, False)
                else None
            )
            feedback, points = withheld, (0.0 if withheld else share)
        result = TestResult(
            test_id(o.nodeid), o.function, o.status, points, share, feedback, o.call, o.frames, o.output, o.last
        )
        tests.append(result)
        if o.kind in TOPIC_ERROR_KINDS and error is None:
            error = result
    if not outcomes:
        error = TestResult("(none)", "", "error", 0.0, 0.0, Feedback("score.nothing_ran", {"topic": topic.id}))
    score = round(sum(t.points for t in tests), 6)
    return TopicResult(
        topic.id,
        topic.title,
        topic.section,
        score,
        topic.points,
        _topic_status(score, topic.points, tests, error),
        tests,
        error,
    )


def score_run(
    outcomes: list[TestOutcome] | None, topics: list[Topic], submission: str, seed: int, duration: float = 0.0
) -> Report:
    by_topic: dict[str, list[TestOutcome]] = {t.id: [] for t in topics}
    for o in outcomes or []:
        if o.topic in by_topic:
            by_topic[o.topic].append(o)
    return Report(submission, seed, [score_topic(t, by_topic[t.id]) for t in topics], duration)
