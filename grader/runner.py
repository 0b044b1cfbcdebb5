"""Run the hidden suites of some topics against one submission -> a Report.

pytest runs in this (trusted) process with a fixed configuration: the
suites' own directory as rootdir and confcutdir, no ini file, no plugin
autoload, no cache, and none of the caller's PYTEST_* settings, so nothing in
a submission folder or the environment can change how the suites run.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
from collections.abc import Collection

import pytest

from grader import __version__, integrity
from grader.curriculum import SUITES_DIR, Curriculum, Topic
from grader.learner import RunState
from grader.plugin import GraderPlugin
from grader.sandbox import Sandbox, WorkerPool
from grader.scoring import Report, score_run
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


def pytest_args(topics: list[Topic], maxfail: int | None) -> list[str]:
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
    if maxfail:
        args.append(f"--maxfail={maxfail}")
    return args


def grade(
    submission: Submission,
    topics: list[Topic],
    curriculum: Curriculum,
    seed: int,
    *,
    maxfail: int | None = None,
    pool: WorkerPool | None = None,
    cases: Collection[str] | None = None,
) -> Report:
    """Grade ``topics`` of ``submission``; ``maxfail=1`` stops at the first lost point;
    ``cases``: run only the tests with these report ids (``svd_2x2[rank-1]``), else UnknownCase."""
    missing = [t.id for t in topics if not t.suite_file.exists()]
    if missing:
        raise GraderError(f"no hidden suite for {', '.join(missing)} in {SUITES_DIR}")
    own_pool = pool is None
    pool = pool or WorkerPool(curriculum.forbidden_union(), expected=len(topics))
    before = integrity.snapshot(submission)
    sandbox = Sandbox(submission.files, pool)
    plugin = GraderPlugin(curriculum, RunState(sandbox, submission.display()), seed, cases)
    out = io.StringIO()
    start = time.monotonic()
    try:
        with _clean_pytest_env(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = pytest.main(pytest_args(topics, maxfail), plugins=[plugin])
    finally:
        sandbox.close()
        if own_pool:
            pool.close()
    if plugin.unknown:
        raise UnknownCase(plugin.unknown, plugin.known)
    tampered = integrity.changes(before, integrity.snapshot(submission))
    failed = code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or not plugin.collected
    if failed and not tampered:
        raise GraderError(f"the hidden suites could not run (pytest exit code {int(code)}):\n{out.getvalue()[-3000:]}")
    report = score_run(None if failed else plugin.outcomes, topics, submission.label, seed, time.monotonic() - start)
    report.isolation, report.grader_version = pool.tier.to_dict(), __version__
    report.suite_hash = integrity.suite_hash(before)
    if tampered:
        integrity.mark_tampered(report, tampered)
    return report
