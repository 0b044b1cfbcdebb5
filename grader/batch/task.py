"""Grade one learner: what a batch runs per learner, locally or on a cluster.

``grade_one`` takes and returns plain data (JSON-able), so a result can cross
a pipe or a network. It runs in a child process of its own (``local.py``),
which may change directory and be killed at its deadline.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time
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


def grade_one(task: dict) -> dict:
    """``task``: learner (Learner.plain()), topics (ids), seed -> the result (status, report dict, text)."""
    from grader import runner  # imports pytest; a forked child has it already

    learner = Learner.from_plain(task["learner"])
    cu = curriculum_file.load()
    topics = cu.select(task["topics"])
    with tempfile.TemporaryDirectory(prefix="grader-batch-") as tmp:
        folder = learner.path
        if learner.kind == "zip":
            folder = Path(tmp) / "submission"
            folder.mkdir()
            try:
                extract(learner.path, folder)
            except BadZip as exc:
                return failure(learner.name, f"bad-zip: {exc}")
        try:
            root = module_root(folder.resolve(), cu)
            submission = dataclasses.replace(Submission.from_dir(root, cu), label=learner.name)
        except SubmissionError as exc:  # name the learner's own folder or zip, not a temporary path
            return failure(learner.name, "malformed: " + str(exc).replace(str(root), learner.path.name))
        except OSError as exc:
            return failure(learner.name, f"unreadable: {exc}")
        os.chdir(root)  # feedback names files relative to the submission folder
        start = time.monotonic()
        try:
            report = runner.grade(submission, topics, cu, task["seed"])
        except (runner.GraderError, RuntimeError) as exc:
            return failure(learner.name, f"grader-error: {str(exc).splitlines()[0][:300]}")
        finally:
            os.chdir("/")
        report.duration = time.monotonic() - start
        numbers = {t.id: i for i, t in enumerate(cu.topics, 1)}
        return {
            "learner": learner.name,
            "status": "graded",
            "report": json_report.to_dict(report),
            "text": click.unstyle(text.grade_report(report, numbers)),
            "grader_version": __version__,
            "suite_hash": suite_hash(),
        }
