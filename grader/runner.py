"""Run the hidden suites of some topics against one submission -> a Report.

pytest runs in this (trusted) process with a fixed configuration: the
suites' own directory as rootdir and confcutdir, no ini file, no plugin
autoload, no cache, and none of the caller's PYTEST_* settings, so nothing in
a submission folder or the environment can change how the suites run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import io
import os
import pickle
import time
from collections.abc import Callable, Collection, Iterable, Sized

import pytest

from grader import __version__, integrity
from grader.curriculum import SUITES_DIR, Curriculum, Topic
from grader.learner import RunState
from grader.plugin import GraderPlugin
from grader.sandbox import Sandbox, WorkerPool
from grader.scoring import Report, TestOutcome, score_run
from grader.submission import Submission


class GraderError(RuntimeError):
    """The run itself failed (not the submission): exit non-zero, show why."""


class UnknownCase(GraderError):
    """``cases`` named a test the suites do not have; ``known`` are the ids they do."""

    def __init__(self, unknown: list[str], known: list[str]):
        super().__init__(f"no case {', '.join(unknown)}")
        self.unknown, self.known = unknown, known


@contextlib.contextmanager
def _clean_pytest_env():
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("PYTEST_")}
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        yield
    finally:
        os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        os.environ.update(saved)


# pytest's built-in plugins that the suites do not use and that cost time on
# every run: unraisableexception alone runs five full gc passes per session.
QUIET_PLUGINS = (
    "unraisableexception",
    "threadexception",
    "logging",
    "faulthandler",
    "doctest",
    "junitxml",
    "pastebin",
    "stepwise",
    "legacypath",
    "setuponly",
    "setupplan",
    "tmpdir",
    "monkeypatch",
    "recwarn",
    "debugging",
    "nose",
    "python_path",
    "cacheprovider",
)


@contextlib.contextmanager
def _collector_tuned():
    """The judge's cyclic collector during a session: rarer passes (the plugin also freezes the
    collected session out of them while its tests run); the caller's thresholds come back after."""
    saved = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*saved)


def pytest_args(topics: list[Topic]) -> list[str]:
    args = [str(t.suite_file) for t in topics]
    args += [
        "-c",
        os.devnull,
        "--rootdir",
        str(SUITES_DIR),
        "--confcutdir",
        str(SUITES_DIR),
        "--import-mode=importlib",
        "-qq",
        "--tb=no",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:warnings",
        "--assert=plain",
        "--capture=no",
    ]
    for name in QUIET_PLUGINS:
        args += ["-p", f"no:{name}"]
    return args


@dataclasses.dataclass
class Run:
    """One submission graded inside a shared pytest session: its sandbox, its outcomes, its integrity."""

    submission: Submission
    seed: int
    sandbox: Sandbox
    state: RunState
    before: dict[str, str]
    outcomes: list[TestOutcome] = dataclasses.field(default_factory=list)
    duration: float = 0.0
    only: frozenset[str] | None = None  # names of the test functions to run (verify's mutants), None: all


def grade(
    submission: Submission,
    topics: list[Topic],
    curriculum: Curriculum,
    seed: int,
    *,
    maxfail: int | None = None,
    pool: WorkerPool | None = None,
    jobs: int = 1,
    cases: Collection[str] | None = None,
) -> Report:
    """Grade ``topics`` of ``submission``; ``maxfail=1`` stops at the first lost point;
    ``cases``: run only the tests with these report ids (``svd_2x2[rank-1]``), else UnknownCase.

    ``jobs`` > 1 grades the topics in that many processes at once (forked from
    this one, each with its own fork server), for a machine with idle cores.
    """
    if jobs > 1 and len(topics) > 1 and maxfail is None and cases is None:
        return _grade_in_parallel(submission, topics, curriculum, seed, pool, jobs)
    return grade_many([(submission, seed)], topics, curriculum, maxfail=maxfail, pool=pool, cases=cases)[0]


def _graded_from(queue: int, submission, curriculum, seed, order: list[Topic], pool: WorkerPool) -> list[Report]:
    """Take topics off ``queue`` (one byte each: an index into ``order``) until it is empty; grade each."""
    reports = []
    while index := os.read(queue, 1):
        reports.append(grade_many([(submission, seed)], [order[index[0]]], curriculum, pool=pool)[0])
    return reports


def _grade_in_parallel(submission, topics, curriculum, seed, pool, jobs) -> Report:
    """``jobs`` judges (this process and forked ones) take the topics one at a time off a shared queue,
    the largest suites first, so a slow topic does not hold up a share. All of them fork their workers
    from one fork server (the forked judges over channels of their own); it is reset once, at the end."""
    own_pool = pool is None
    pool = pool or WorkerPool(curriculum.forbidden_union())
    order = sorted(topics, key=lambda t: t.suite_file.stat().st_size, reverse=True)[:255]
    queue, feed = os.pipe()
    os.write(feed, bytes(range(len(order))))
    os.close(feed)
    children: list[tuple[int, int]] = []
    parts: list = []
    start = time.monotonic()
    pool.held = True
    try:
        for _ in range(min(jobs, len(order)) - 1):
            branch = pool.branch()
            r, w = os.pipe()
            pid = os.fork()
            if pid == 0:  # a judge of its own: pytest is imported already
                os.close(r)
                try:
                    result: object = _graded_from(queue, submission, curriculum, seed, order, branch)
                except BaseException as exc:  # noqa: BLE001  (reported by the parent)
                    result = GraderError(f"{type(exc).__name__}: {exc}")
                with os.fdopen(w, "wb") as f:
                    pickle.dump(result, f)
                os._exit(0)
            os.close(w)
            branch.close()  # the child's now: the fork server drops the channel when the child exits
            children.append((pid, r))
        try:
            parts += _graded_from(queue, submission, curriculum, seed, order, pool)
        finally:
            os.close(queue)
            for pid, r in children:
                with os.fdopen(r, "rb") as f:
                    try:
                        got = pickle.load(f)
                    except (EOFError, pickle.UnpicklingError):
                        got = GraderError("a parallel judge died without a report")
                parts += got if isinstance(got, list) else [got]
                os.waitpid(pid, 0)
    finally:
        pool.held = False
        pool.reset()
        if own_pool:
            pool.close()
    for part in parts:
        if isinstance(part, BaseException):
            raise part
    by_id = {t.id: t for part in parts for t in part.topics}
    missing = [t.id for t in topics if t.id not in by_id]
    if missing:
        raise GraderError(f"no parallel judge graded {', '.join(missing)}")
    report = dataclasses.replace(parts[0], topics=[by_id[t.id] for t in topics], duration=time.monotonic() - start)
    report.tampered = "; ".join(p.tampered for p in parts if p.tampered)
    return report


def grade_many(
    gradings: Iterable[tuple[Submission, int]] | Iterable[tuple[Submission, int, frozenset[str] | None]],
    topics: list[Topic],
    curriculum: Curriculum,
    *,
    maxfail: int | None = None,
    pool: WorkerPool | None = None,
    cases: Collection[str] | None = None,
    functions: Collection[str] | None = None,
    reported: Callable[[Report], None] | None = None,
    pictures: bool = True,
) -> list[Report]:
    """Grade each (submission, seed) on ``topics``, one after the other, in one pytest session.

    The suites are collected once; each grading then runs every test with
    its own sandbox (the pool's fork server is reset between gradings),
    answers and integrity check, so the reports are those of separate runs.
    ``gradings`` may be a generator that waits for the next submission
    (``grader batch``'s judges); with ``reported``, each report is passed to
    it as its grading ends (before the next one is asked for) instead of
    being kept and returned.
    A grading may carry a third element: the names of the test functions to run in it (verify's
    mutants, ``grader.impact``), None for all.
    ``functions``: run only the tests of these curriculum functions (verify's probes);
    ``pictures=False``: skip the learner calls that only gather data for pictures of failures.
    """
    missing = [t.id for t in topics if not t.suite_file.exists()]
    if missing:
        raise GraderError(f"no hidden suite for {', '.join(missing)} in {SUITES_DIR}")
    own_pool = pool is None
    pool = pool or WorkerPool(curriculum.forbidden_union())
    plugin = GraderPlugin(curriculum, maxfail, cases, functions)
    reports: list[Report] = []
    finished: list[bool] = []  # per finished run: was it tampered with?

    def runs():
        grader: dict[str, str] | None = None  # the package as the last run's closing check saw it
        for submission, seed, *only in gradings:
            before = integrity.snapshot(submission, grader)
            sandbox = Sandbox(submission.files, pool)
            state = RunState(sandbox, submission.display(), pictures)
            run = Run(submission, seed, sandbox, state, before, only=only[0] if only else None)
            start = time.monotonic()
            try:
                yield run
            finally:
                sandbox.close()
                run.duration = time.monotonic() - start
            report, after = _report(run, topics, pool.tier)  # reached only when the run went to its end
            grader = integrity.grader_part(after)
            finished.append(bool(report.tampered))
            if reported is None:
                reports.append(report)
            else:  # handed on, not kept: a judge may grade a whole class in one session
                reported(report)

    plugin.runs = runs()
    out = io.StringIO()
    try:
        with _clean_pytest_env(), _collector_tuned(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = pytest.main(pytest_args(topics), plugins=[plugin])
    finally:
        plugin.runs.close()
        if own_pool:
            pool.close()
    if plugin.unknown:
        raise UnknownCase(plugin.unknown, plugin.known)
    ran = code in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) and plugin.collected
    tampered = bool(finished) and all(finished)  # a changed judge may well not run
    incomplete = isinstance(gradings, Sized) and len(finished) != len(gradings)
    if (not ran and not tampered) or incomplete:
        raise GraderError(f"the hidden suites could not run (pytest exit code {int(code)}):\n{out.getvalue()[-3000:]}")
    return reports


def _report(run: Run, topics: list[Topic], tier) -> tuple[Report, dict[str, str]]:
    """A finished run as a Report, with its integrity check (a submission that changed the grader's
    files), and the snapshot that check took."""
    after = integrity.snapshot(run.submission)
    tampered = integrity.changes(run.before, after)
    report = score_run(run.outcomes, topics, run.submission.label, run.seed, run.duration)
    report.isolation, report.grader_version = tier.to_dict(), __version__
    report.suite_hash = integrity.suite_hash(run.before)
    if tampered:
        integrity.mark_tampered(report, tampered)
    return report, after
