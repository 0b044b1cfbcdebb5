"""The pytest plugin the grader runs the hidden suites with (trusted process).

It hands each suite the ``learner`` proxy of its topic and the run's ``seed``,
checks that every test is marked with the curriculum function it grades
(``@pytest.mark.function("svd_2x2")``), and turns each test's end straight
into a ``TestOutcome`` (status, feedback data, call, answers), from which
``grader.scoring`` builds the report. ``@pytest.mark.gated`` marks edge-case
and structural tests, which count only once the function's ordinary cases pass.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Collection, Iterator
from pathlib import Path

import pytest

from grader.curriculum import Curriculum
from grader.feedback import Feedback
from grader.learner import NO_CONTEXT, Learner
from grader.outcomes import SubmissionFault, Wrong
from grader.scoring import TestOutcome, test_id


def topic_of(item) -> str:
    return _stem(str(item.path))


@functools.cache
def _stem(path: str) -> str:  # asked several times per test: a Path each time cost 5% of the judge
    return Path(path).stem


_MARKS = pytest.StashKey[tuple]()


def _marks(item) -> tuple[str | None, bool]:
    """The item's curriculum function and whether it is gated, read from its markers once per item."""
    marks = item.stash.get(_MARKS, None)
    if marks is None:
        marker = item.get_closest_marker("function")
        function = marker.args[0] if marker and marker.args else None
        marks = item.stash[_MARKS] = (function, item.get_closest_marker("gated") is not None)
    return marks


def function_of(item) -> str | None:
    return _marks(item)[0]


class GraderPlugin:
    """``runs`` yields the gradings of the session (``grader.runner.Run``: sandbox, state, seed, outcomes)."""

    def __init__(
        self,
        curriculum: Curriculum,
        maxfail: int | None = None,
        cases: Collection[str] | None = None,
        functions: Collection[str] | None = None,
    ):
        self.curriculum, self.maxfail = curriculum, maxfail
        self.cases = frozenset(cases) if cases else None  # run only the tests with these report ids
        self.functions = frozenset(functions) if functions else None  # ... or of these curriculum functions
        self.runs: Iterator = iter(())
        self.run = None
        self.collected = False
        self._item = None  # the test now set up or run
        self._directs: dict = {}  # item -> its parametrize values when it runs without pytest's fixtures
        self.known: list[str] = []  # with cases: the report id of every test collected ...
        self.unknown: list[str] = []  # ... and the cases asked for that none of them has

    def pytest_configure(self, config):
        config.addinivalue_line("markers", "function(name): the curriculum function a test grades")
        config.addinivalue_line(
            "markers", "gated: an edge-case or structural test; it counts only once the function's ordinary cases pass"
        )

    def pytest_collection_modifyitems(self, config, items):
        for item in items:
            topic = self.curriculum.topic(topic_of(item))
            name = function_of(item)
            if name not in topic.functions:
                raise pytest.UsageError(
                    f"{item.nodeid}: mark it @pytest.mark.function(<one of {', '.join(topic.functions)}>), not {name!r}"
                )
        if self.cases is not None:
            self._select(config, items)
        if self.functions is not None:
            config.hook.pytest_deselected(items=[item for item in items if function_of(item) not in self.functions])
            items[:] = [item for item in items if function_of(item) in self.functions]
        self.collected = True

    def _select(self, config, items) -> None:
        """Keep the asked-for cases; an id that names no test keeps none (the run reports it instead)."""
        self.known = [test_id(item.nodeid) for item in items]
        self.unknown = sorted(self.cases - set(self.known))
        kept = [] if self.unknown else [item for item in items if test_id(item.nodeid) in self.cases]
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept

    @pytest.fixture
    def learner(self):
        # the test being set up, from _run_test: asking pytest for ``request`` instead builds a
        # fixture definition (and inspects a signature) on every test
        return self._learner(self._item)

    def _learner(self, item) -> Learner:
        return Learner(self.curriculum.topic(topic_of(item)), self.run.state, function_of(item))

    @pytest.fixture
    def seed(self):
        return self.run.seed

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        """Every collected test, once per grading, without pytest's per-phase reports and logging.

        A test is its fixtures' set-up, its call and its tear-down (pytest's
        own ``SetupState``); how it ended goes straight into an outcome. One
        collection serves all the session's gradings.
        """
        if session.testsfailed:  # collection errors
            raise session.Interrupted(f"{session.testsfailed} error(s) during collection")
        # What is alive now (pytest, the suites, the collected items) is not rescanned by the collector
        # on every test; left alone when the caller (a notebook, say) froze objects of its own.
        freeze = gc.get_freeze_count() == 0
        if freeze:
            gc.freeze()
        try:
            self._run_all(session)
        finally:
            if freeze:
                gc.unfreeze()
        return True

    def _run_all(self, session) -> None:
        """Each run's tests in collection order (only those it names, if it does), to maxfail."""
        for run in self.runs:
            self.run, failures = run, 0
            items = session.items if run.only is None else [i for i in session.items if i.originalname in run.only]
            for index, item in enumerate(items):
                nextitem = items[index + 1] if index + 1 < len(items) else None
                failures += self._run_test(item)
                if self.maxfail is not None and failures >= self.maxfail:
                    nextitem = None
                self._tear_down(item, nextitem)
                if nextitem is None:
                    break

    def _run_test(self, item) -> bool:
        """Set up and run one test, record its outcome; True when it did not pass."""
        failure = None
        self._item = item
        if item not in self._directs:
            self._directs[item] = _direct(item)
        direct = self._directs[item]
        if direct is None and not item._request:  # as pytest's runtestprotocol: a fresh request every run
            item._initrequest()
        try:
            if direct is None:
                item.session._setupstate.setup(item)
                item.runtest()
            else:
                item.funcargs = self._arguments(item, direct)
                item.obj(**item.funcargs)
        except (KeyboardInterrupt, SystemExit, pytest.exit.Exception):  # Exit: the run itself failed
            raise
        except BaseException as exc:
            failure = exc
        self.run.outcomes.append(outcome(item, failure))
        return failure is not None

    def _arguments(self, item, params: dict) -> dict:
        """A direct test's arguments: a fresh Learner, the run's seed, its parametrize values."""
        own = {"learner": lambda: self._learner(item), "seed": lambda: self.run.seed}
        return {name: own[name]() if name in own else params[name] for name in item._fixtureinfo.argnames}

    def _tear_down(self, item, nextitem) -> None:
        item.session._setupstate.teardown_exact(nextitem)
        item._request, item.funcargs = False, None  # no fixture value outlives its run
        if nextitem is None or topic_of(nextitem) != topic_of(item):
            self.run.sandbox.release(topic_of(item))


OWN_FIXTURES = {"learner", "seed"}


def _direct(item) -> dict | None:
    """A test that needs nothing but this plugin's fixtures and its own parametrize values runs
    without pytest's fixture machinery (a set-up and a tear-down per test cost ~15% of the judge):
    its parametrize values, else None (it goes through pytest's SetupState)."""
    params = item.callspec.params if hasattr(item, "callspec") else {}
    defs = item._fixtureinfo.name2fixturedefs
    for name in item.fixturenames:
        closest = defs.get(name, ())[-1:]
        if name in OWN_FIXTURES:
            if not closest or not isinstance(getattr(closest[0].func, "__self__", None), GraderPlugin):
                return None  # a suite's own fixture of that name
        elif name not in params or not closest or closest[0].func.__name__ != "get_direct_param_fixture_func":
            return None
    return dict(params)


def outcome(item, exc: BaseException | None) -> TestOutcome:
    """A finished test as data; ``exc``: what it raised, None when it passed."""
    learner = item.funcargs.get("learner") if hasattr(item, "funcargs") else None
    learner = learner if isinstance(learner, Learner) else None
    last = learner.last if learner else None
    base = dict(
        nodeid=item.nodeid,
        topic=topic_of(item),
        function=function_of(item),
        gated=_marks(item)[1],
        answers=tuple(learner.answers) if learner else (),
        last=last.call if last is not None else None,
    )
    if exc is None:
        return TestOutcome(status="passed", **base)
    if isinstance(exc, SubmissionFault):
        context = last.call if last is not None and exc.kind not in NO_CONTEXT else None
        return TestOutcome(
            status=exc.status,
            kind=exc.kind,
            feedback=exc.feedback,
            call=context,
            frames=exc.frames,
            output=exc.output,
            **base,
        )
    if isinstance(exc, Wrong):
        return TestOutcome(
            status="failed",
            feedback=exc.feedback,
            call=last.call if exc.context and last is not None else None,
            output=last.answer.output if last is not None else "",
            **base,
        )
    return TestOutcome(
        status="error",
        kind="grader_bug",
        **base,
        feedback=Feedback("fault.grader_bug", {"detail": f"{type(exc).__name__}: {exc}"}),
    )
