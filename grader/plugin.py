"""The pytest plugin the grader runs the hidden suites with (trusted process).

It hands each suite the ``learner`` proxy of its topic and the run's ``seed``,
checks that every test is marked with the curriculum function it grades
(``@pytest.mark.function("svd_2x2")``), turns each test's end into a status
and a learner-facing message, and attaches them to the pytest-json-report
output as metadata, from which ``grader.scoring`` builds the report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.curriculum import Curriculum
from grader.learner import Learner, RunState, printed
from grader.outcomes import SubmissionFault, Wrong


def topic_of(item) -> str:
    return Path(str(item.path)).stem


def function_of(item) -> str | None:
    marker = item.get_closest_marker("function")
    return marker.args[0] if marker and marker.args else None


class GraderPlugin:
    def __init__(self, curriculum: Curriculum, state: RunState, seed: int):
        self.curriculum, self.state, self.run_seed = curriculum, state, seed
        self.json_report: dict | None = None

    def pytest_configure(self, config):
        config.addinivalue_line("markers", "function(name): the curriculum function a test grades")

    def pytest_collection_modifyitems(self, items):
        for item in items:
            topic = self.curriculum.topic(topic_of(item))
            name = function_of(item)
            if name not in topic.functions:
                raise pytest.UsageError(f"{item.nodeid}: mark it @pytest.mark.function(<one of "
                                        f"{', '.join(topic.functions)}>), not {name!r}")

    @pytest.fixture
    def learner(self, request):
        topic = self.curriculum.topic(topic_of(request.node))
        return Learner(topic, self.state, function_of(request.node))

    @pytest.fixture
    def seed(self):
        return self.run_seed

    def pytest_runtest_teardown(self, item, nextitem):
        if nextitem is None or topic_of(nextitem) != topic_of(item):
            self.state.sandbox.release(topic_of(item))

    def pytest_json_runtest_metadata(self, item, call):
        if call.when == "call" or (call.when == "setup" and call.excinfo is not None):
            status, message, kind = classify(item, call.excinfo)
            return {"topic": topic_of(item), "function": function_of(item), "status": status,
                    "message": message, "kind": kind}
        return None

    def pytest_json_modifyreport(self, json_report):
        self.json_report = json_report


def classify(item, excinfo) -> tuple[str, str, str]:
    """(status, message, fault kind) of a finished test."""
    if excinfo is None:
        return "passed", "", ""
    exc = excinfo.value
    learner = item.funcargs.get("learner") if hasattr(item, "funcargs") else None
    last = learner.last if isinstance(learner, Learner) else None
    if isinstance(exc, SubmissionFault):
        return exc.status, exc.message, exc.kind
    if isinstance(exc, Wrong):
        parts = [exc.message]
        if exc.context and last is not None:
            parts.append(last.describe())
        if last is not None and last.answer.output.strip():
            parts.append(printed(last.answer.output))
        return "failed", "\n".join(parts), ""
    return "error", (f"The grader's own test failed ({type(exc).__name__}: {exc}). "
                     "This is a bug in the grader, not in your code: please report it."), "grader_bug"
