"""`grader batch`: grade every learner of a folder into an output folder.

Order of writing for each learner, in the parent only: the report files
(atomically), then the attempt in the database (one transaction). A batch
killed between the two regrades that learner on ``--resume``; no state is
ever half written.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from grader import __version__
from grader.batch import local, stats, tables
from grader.batch.gradebook import Gradebook
from grader.batch.learners import Learner, content_hash, discover
from grader.batch.task import judge
from grader.curriculum import Curriculum
from grader.feedback.render import message
from grader.integrity import suite_hash
from grader.reports import formats

REPORTS = "reports"
GRADEBOOK_CSV = "gradebook.csv"
CLASS_REPORT = "class-report.html"


@dataclasses.dataclass
class Options:
    submissions: Path
    out: Path
    jobs: int
    resume: bool
    seed: int | None
    topics: list[str]
    timeout: float
    formats: list[str]
    scheduler: str | None = None  # a Dask scheduler's address: the learners are graded there (cluster.py)


@dataclasses.dataclass
class Outcome:
    graded: int = 0
    failed: int = 0
    skipped: int = 0
    interrupted: bool = False


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_reports(out: Path, result: dict, kinds: list[str]) -> None:
    """reports/<learner>.json (and the other formats asked for); a learner without a report loses stale ones."""
    folder = out / REPORTS
    folder.mkdir(parents=True, exist_ok=True)
    for kind in dict.fromkeys(["json", *kinds]):
        path = folder / f"{result['learner']}{formats.EXTENSION[kind]}"
        if result.get("report"):
            _write_atomic(path, formats.render(kind, result["report"], result.get("text") or ""))
        elif path.exists():
            path.unlink()


def _seed(book: Gradebook, asked: int | None, new_seed: Callable[[], int]) -> int:
    """One seed for the class: --seed, else the one this gradebook already uses, else a fresh one."""
    stored = book.get("seed")
    seed = asked if asked is not None else int(stored) if stored is not None else new_seed()
    book.set("seed", seed)
    return seed


def run(
    opts: Options,
    curriculum: Curriculum,
    new_seed: Callable[[], int],
    grade: Callable[[list[dict], Callable[[dict, dict], None]], None] | None = None,
) -> Outcome:
    """``grade(tasks, done)`` runs the tasks (default: forked children on this machine)."""
    learners, ignored = discover(opts.submissions)
    if ignored:
        click.echo(message("batch.ignored", n=len(ignored), names=", ".join(ignored)), err=True)
    book = Gradebook(opts.out)
    seed = _seed(book, opts.seed, new_seed)
    topics = [t.id for t in curriculum.select(opts.topics)]
    here = suite_hash()
    outcome = Outcome()
    todo: list[tuple[Learner, str | None]] = []
    hashes: dict[str, str | None] = {}
    for learner in learners:
        try:
            hashes[learner.name] = content_hash(learner, curriculum)
        except OSError as exc:
            hashes[learner.name] = None
            todo.append((learner, f"unreadable: {exc}"))
            continue
        if opts.resume and _unchanged(book.latest_of(learner.name), hashes[learner.name], here, topics):
            outcome.skipped += 1
            continue
        todo.append((learner, None))
    resumed = message("batch.resumed", n=outcome.skipped) if outcome.skipped else ""
    cluster = message("batch.on_cluster", address=opts.scheduler) if opts.scheduler else ""
    starting = dict(learners=len(learners), folder=opts.submissions, todo=len(todo), seed=seed, jobs=opts.jobs)
    click.echo(message("batch.starting", resumed=resumed, cluster=cluster, **starting), err=True)
    book.set("class", opts.submissions.resolve().name)
    run_id = book.start_run(seed, topics, opts.jobs)
    tasks = [{"learner": learner.plain(), "topics": topics, "seed": seed} for learner, bad in todo if bad is None]

    def done(task: dict, result: dict) -> None:
        name = task["learner"]["name"]
        result.setdefault("grader_version", __version__)  # a timeout or crash is judged by this grader too
        result.setdefault("suite_hash", here)
        write_reports(opts.out, result, opts.formats)
        book.record(run_id, result, hashes.get(name), seed)
        if result["status"] == "graded":
            outcome.graded += 1
        else:
            outcome.failed += 1
        bar.update(1, name)

    with click.progressbar(
        length=len(todo),
        label=message("batch.progress"),
        file=sys.stderr,
        show_pos=True,
        item_show_func=lambda name: name or "",
    ) as bar:
        try:
            for learner, bad in todo:
                if bad is not None:
                    done({"learner": learner.plain()}, {"learner": learner.name, "status": bad})
            (grade or _local(opts))(tasks, done)
        except KeyboardInterrupt:
            outcome.interrupted = True
    book.end_run(run_id, "interrupted" if outcome.interrupted else "finished")
    finish(opts.out, book, curriculum)
    book.close()
    return outcome


def _unchanged(last, digest: str | None, here: str, topics: list[str]) -> bool:
    """--resume skips a learner whose last attempt graded these files with these suites (and these topics)."""
    if last is None or last["content_hash"] != digest or last["suite_hash"] != here:
        return False
    return not last["report"] or set(topics) <= set(json.loads(last["topics"]))


def _local(opts: Options):
    def grade(tasks, done):
        local.run(tasks, judge, opts.jobs, opts.timeout, done)

    return grade


def finish(out: Path, book: Gradebook, curriculum: Curriculum) -> stats.ClassStats:
    """gradebook.csv and class-report.html from the database; the class statistics."""
    from grader.reports import html

    rows = book.latest()
    tables.write_gradebook(rows, curriculum, out / GRADEBOOK_CSV)
    class_stats = stats.class_stats(rows, book.reports(), curriculum)
    title = f"Class report — {book.get('class') or out.resolve().name}"
    _write_atomic(out / CLASS_REPORT, html.class_report(class_stats, title=title))
    return class_stats


def summary(out: Path, curriculum: Curriculum) -> str:
    book = Gradebook(out, create=False)
    try:
        return stats.summary_text(stats.class_stats(book.latest(), book.reports(), curriculum))
    finally:
        book.close()
