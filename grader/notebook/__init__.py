"""Grading from Jupyter: ``from grader.notebook import check``.

``check("svd_basics")`` grades ``exercises/svd_basics.py`` (``submission=`` names
another folder); ``check("svd_basics", namespace=globals())`` grades the
functions the notebook itself defines (see ``grader.notebook.capture``). Either
way the hidden suites run in this process and the learner's code in an
isolated worker, as for ``grader check``: it never runs in the kernel. Progress
is recorded as ``grader check`` records it. The result shows as HTML in a
notebook and as the check report's text anywhere else.
"""

from __future__ import annotations

import atexit
import tempfile
from pathlib import Path

from grader import curriculum as curriculum_file
from grader.curriculum import Curriculum, Topic
from grader.notebook.capture import Captured, capture
from grader.notebook.result import Checked, say
from grader.progress import Progress
from grader.sandbox import WorkerPool
from grader.scoring import Report
from grader.submission import Submission, SubmissionError

__all__ = ["check", "Checked"]

_pool: WorkerPool | None = None


def _warm_pool(cu: Curriculum) -> WorkerPool:
    """One pool for the kernel's life: its warm fork server makes every later check start at once."""
    global _pool
    if _pool is None:
        _pool = WorkerPool(cu.forbidden_union())
        atexit.register(_pool.close)
    return _pool


def _folder(submission, cu: Curriculum, from_notebook: bool) -> Submission:
    """The submission folder; grading from the notebook needs none (its other topics then are missing)."""
    try:
        return Submission.from_dir(submission, cu)
    except SubmissionError:
        if from_notebook:
            return Submission(str(submission), {})
        raise


def _grade_one(
    topic: Topic, base: Submission, cu: Curriculum, seed: int, namespace, lang
) -> tuple[Report, Captured | None]:
    from grader import runner  # imports pytest: only once a grading starts

    if namespace is None:
        return runner.grade(base, [topic], cu, seed, pool=_warm_pool(cu)), None
    captured = capture(topic, namespace)
    with tempfile.TemporaryDirectory(prefix="grader-notebook-") as tmp:
        module = Path(tmp) / topic.module_file
        module.write_text(captured.source, encoding="utf-8")
        # the other topics' modules come from the folder, so that the notebook's code can import them
        report = runner.grade(base.replace(topic.id, module, base.label), [topic], cu, seed, pool=_warm_pool(cu))
    for t in report.topics:
        for test in t.tests + ([t.error] if t.error else []):
            test.frames = tuple(captured.frame(f, topic.module_file, lang) for f in test.frames)
    return report, captured


def _repeat(topic: str, submission, namespace, seed: int) -> str:
    args = [repr(topic)] + ([] if submission == "exercises" else [f"submission={str(submission)!r}"])
    args += ["namespace=globals()"] if namespace is not None else []
    return f"check({', '.join(args + [f'seed={seed}'])})"


def check(
    topic: str | None = None,
    *,
    submission: str | Path = "exercises",
    namespace: dict | None = None,
    seed: int | None = None,
    lang: str | None = None,
) -> Checked:
    """Check ``topic`` (default: the first topic not passed yet, moving on while topics pass, as
    ``grader check`` does) and return the result; a notebook shows it as HTML."""
    from grader.cli import _new_seed

    cu = curriculum_file.load()
    if topic is not None and topic not in cu.ids:
        raise ValueError(say("unknown_topic", lang, topic=topic, topics=cu.ids))
    if namespace is not None and not isinstance(namespace, dict):
        raise TypeError(say("bad_namespace", lang, kind=type(namespace).__name__))
    base, progress = _folder(submission, cu, namespace is not None), Progress(submission)
    seed = _new_seed() if seed is None else seed
    pending = [cu.topic(topic)] if topic else [t for t in cu.topics if progress.status(t.id) != "passed"]
    hints_left = {t.id: progress.hints_seen(t.id) < len(t.hints) for t in cu.topics}
    where = {t.id: str(Path(submission) / t.module_file) for t in cu.topics}
    if namespace is not None:
        where = {t: say("in_notebook", lang) for t in where}
    if not pending:
        return Checked(None, [], hints_left, where, "", lang=lang)
    passed_before = []
    for t in pending:
        report, captured = _grade_one(t, base, cu, seed, namespace, lang)
        progress.record(report)
        if report.topics[0].status != "passed" or t is pending[-1]:
            break
        passed_before.append(report.topics[0])
    notes = captured.notes if captured else []
    return Checked(report, passed_before, hints_left, where, _repeat(t.id, submission, namespace, seed), notes, lang)
