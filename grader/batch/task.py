"""Grade one learner: what a batch runs per learner, locally or on a cluster.

``judge`` takes tasks and sends results as plain data (JSON-able), so they can
cross a pipe or a network. It runs in a child process of its own
(``local.py``), which may change directory and be killed at a deadline.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from grader import __version__
from grader import curriculum as curriculum_file
from grader.batch.learners import Learner, module_root
from grader.batch.zips import BadZip, extract
from grader.integrity import suite_hash
from grader.reports import json as json_report
from grader.reports import text
from grader.submission import Submission, SubmissionError


def failure(learner: str, status: str) -> dict:
    return {
        "learner": learner,
        "status": status,
        "report": None,
        "text": None,
        "grader_version": __version__,
        "suite_hash": suite_hash(),
    }


def judge(tasks: Iterator[dict], send: Callable[[dict], None]) -> None:
    """Grade ``tasks`` as they come, sending one result for each (``local.run``'s judges).

    One pytest session and one warm fork server serve every task with the same
    topics (all of a batch's); each learner still gets a sandbox, a seed and an
    integrity check of their own (``runner.grade_many``).
    """
    from grader import runner  # imports pytest; a forked judge has it already

    cu = curriculum_file.load()
    queue = _Peekable(tasks)
    while (first := queue.peek()) is not None:
        topics = cu.select(first["topics"])
        graded: list[Learner] = []  # the learner being graded now (at most one)

        def reported(report, graded=graded) -> None:
            send(_result(graded.pop(), report, cu))

        try:
            runner.grade_many(_gradings(queue, cu, send, graded, first["topics"]), topics, cu, reported=reported)
        except (runner.GraderError, RuntimeError) as exc:
            if graded:
                send(failure(graded[0].name, f"grader-error: {str(exc).splitlines()[0][:300]}"))
            return  # this judge ends; a fresh one takes the next task


class _Peekable:
    def __init__(self, items: Iterator[dict]):
        self._items = items
        self._next: dict | None = None

    def peek(self) -> dict | None:
        if self._next is None:
            self._next = next(self._items, None)
        return self._next

    def take(self) -> dict | None:
        item, self._next = self.peek(), None
        return item


def _gradings(queue: _Peekable, cu, send, graded: list, topics: list[str]):
    """(submission, seed) for each task with these topics; a task that cannot be graded gets its result here."""
    while (task := queue.peek()) is not None and task["topics"] == topics:
        queue.take()
        learner = Learner.from_plain(task["learner"])
        with tempfile.TemporaryDirectory(prefix="grader-batch-") as tmp:
            try:
                prepared = _prepare(learner, Path(tmp), cu)
            except Exception as exc:  # noqa: BLE001  (a grader bug costs this learner only)
                prepared = {"learner": learner.name, "status": f"crashed: {type(exc).__name__}: {exc}"[:400]}
            if isinstance(prepared, dict):
                send(prepared)
                continue
            submission, root = prepared
            here = os.getcwd()
            os.chdir(root)  # feedback names files relative to the submission folder
            graded.append(learner)
            try:
                yield submission, task["seed"]
            finally:
                os.chdir(here)


def _prepare(learner: Learner, tmp: Path, cu) -> tuple[Submission, Path] | dict:
    """The learner's submission (a zip extracted into ``tmp``) and its folder, or their failed result."""
    folder = learner.path
    if learner.kind == "zip":
        folder = tmp / "submission"
        folder.mkdir()
        try:
            extract(learner.path, folder)
        except BadZip as exc:
            return failure(learner.name, f"bad-zip: {exc}")
    root = folder
    try:
        root = module_root(folder.resolve(), cu)
        return dataclasses.replace(Submission.from_dir(root, cu), label=learner.name), root
    except SubmissionError as exc:  # name the learner's own folder or zip, not a temporary path
        return failure(learner.name, "malformed: " + str(exc).replace(str(root), learner.path.name))
    except OSError as exc:
        return failure(learner.name, f"unreadable: {exc}")


def _result(learner: Learner, report, cu) -> dict:
    numbers = {t.id: i for i, t in enumerate(cu.topics, 1)}
    return {
        "learner": learner.name,
        "status": "graded",
        "report": json_report.to_dict(report),
        "text": click.unstyle(text.grade_report(report, numbers)),
        "grader_version": __version__,
        "suite_hash": report.suite_hash,  # the suites that judged it
    }
