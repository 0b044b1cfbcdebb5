"""The instructor's commands, registered on the `grader` group: batch, export, release, gradescope-package."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from grader.reports import formats


class ClusterRefused(click.ClickException):
    exit_code = 2


def _cluster(address: str, timeout: float, cu):
    """Connect, check every worker's grader version and suite hash; the client, the grade hook, tasks in flight."""
    from grader.batch import cluster

    try:
        client = cluster.connect(address)
    except cluster.ClusterError as exc:
        raise ClusterRefused(str(exc)) from None
    try:
        workers = cluster.check_versions(client)
    except cluster.ClusterError as exc:
        client.close()
        raise ClusterRefused(str(exc)) from None
    in_flight = 2 * cluster.threads(client)
    modules = [t.module_file for t in cu.topics]
    click.echo(f"Dask scheduler {address}: {len(workers)} workers, {cluster.threads(client)} threads", err=True)

    def grade(tasks, done):
        cluster.run(client, tasks, modules, timeout, in_flight, done)

    return client, grade, in_flight


def register(main: click.Group, curriculum, new_seed, topic_ids) -> None:
    @main.command()
    @click.argument("submissions", type=click.Path(file_okay=False, path_type=Path))
    @click.option(
        "--out",
        "-o",
        required=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="Output folder: reports/, gradebook.csv, class-report.html, gradebook.sqlite.",
    )
    @click.option("--jobs", "-j", type=click.IntRange(1), help="Learners graded at once [default: one per core].")
    @click.option("--resume", is_flag=True, help="Skip learners whose files are unchanged since their last attempt.")
    @click.option("--seed", type=int, help="Seed for the whole class [default: the gradebook's, else a fresh one].")
    @click.option(
        "--topic", "-t", "topics", multiple=True, callback=topic_ids, help="Grade only this topic (repeatable)."
    )
    @click.option(
        "--timeout",
        type=click.FloatRange(1),
        default=600,
        show_default=True,
        metavar="SECONDS",
        help="Wall-clock limit per learner; past it the learner's row says timeout.",
    )
    @click.option(
        "--format",
        "fmts",
        multiple=True,
        type=click.Choice([f for f in formats.NAMES if f != "json"]),
        help="Also write reports/<learner> in this format (repeatable; JSON is always written).",
    )
    @click.option(
        "--scheduler",
        envvar="DASK_SCHEDULER_ADDRESS",
        metavar="ADDRESS",
        help="Grade on this Dask distributed scheduler (tcp://HOST:PORT) instead of local processes "
        "[env: DASK_SCHEDULER_ADDRESS; needs the cluster extra].",
    )
    def batch(submissions, out, jobs, resume, seed, topics, timeout, fmts, scheduler):
        """Grade every subfolder or .zip of SUBMISSIONS (one learner each) into --out."""
        from grader import runner  # noqa: F401  (pytest loaded once, before the children fork)
        from grader.batch import command
        from grader.batch.learners import LearnerError

        client = grade = None
        if scheduler:
            client, grade, jobs = _cluster(scheduler, timeout, curriculum())
        opts = command.Options(
            submissions, out, jobs or len(os.sched_getaffinity(0)), resume, seed, list(topics), timeout, list(fmts)
        )
        opts.scheduler = scheduler
        try:
            outcome = command.run(opts, curriculum(), new_seed, grade)
        except LearnerError as exc:
            raise click.UsageError(str(exc)) from None
        finally:
            if client is not None:
                client.close()
        click.echo(command.summary(out, curriculum()))
        click.echo(f"\nwrote {out / command.GRADEBOOK_CSV}, {out / command.CLASS_REPORT}, {out / command.REPORTS}/")
        if outcome.interrupted:
            click.echo(
                f"interrupted: {outcome.graded + outcome.failed} learners finished and are saved; "
                f"`grader batch {submissions} --out {out} --resume` goes on.",
                err=True,
            )
            raise SystemExit(130)

    @main.command()
    @click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
    @click.option("--format", "fmt", type=click.Choice(["csv", "canvas"]), default="csv", show_default=True)
    @click.option(
        "--roster",
        type=click.Path(dir_okay=False, path_type=Path),
        help="CSV mapping learners to the LMS: learner,Student,ID,SIS User ID,SIS Login ID,Section.",
    )
    @click.option(
        "--assignment", default="Linear Algebra II", show_default=True, help="The Canvas assignment column's name."
    )
    @click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here [default: stdout].")
    def export(folder, fmt, roster, assignment, output):
        """Export FOLDER's gradebook (from a `grader batch --out FOLDER`) as CSV or a Canvas import file."""
        from grader.batch import tables
        from grader.batch.gradebook import Gradebook, GradebookError

        try:
            book = Gradebook(folder, create=False)
        except GradebookError as exc:
            raise click.UsageError(str(exc)) from None
        try:
            rows = book.latest()
            if fmt == "csv":
                text = tables.to_csv(*tables.gradebook_rows(rows, curriculum()))
            else:
                points = max((r["max"] for r in rows if r["max"] is not None), default=curriculum().points)
                text = tables.canvas_csv(rows, tables.read_roster(roster) if roster else None, assignment, points)
                ungraded = [r["learner"] for r in rows if r["status"] != "graded"]
                if ungraded:
                    click.echo(f"left empty (not graded, see gradebook.csv status): {', '.join(ungraded)}", err=True)
        except tables.RosterError as exc:
            raise click.UsageError(str(exc)) from None
        finally:
            book.close()
        if output:
            output.write_text(text, encoding="utf-8")
            click.echo(f"{fmt} export of {len(rows)} learners written to {output}", err=True)
        else:
            sys.stdout.write(text)

    @main.command()
    @click.argument("out", type=click.Path(file_okay=False, path_type=Path))
    @click.option(
        "--kit",
        type=click.Path(file_okay=False, path_type=Path),
        help="The kit checkout to release [default: the one this grader runs from].",
    )
    def release(out, kit):
        """Write the learner bundle to OUT: stubs, the grader with its hidden suites, a README; no solutions."""
        from grader.bundle import release as bundle
        from grader.bundle.files import BundleError

        try:
            folder = bundle.make(out, kit)
        except BundleError as exc:
            raise click.UsageError(str(exc)) from None
        click.echo(f"learner release written to {folder}: `cd {folder} && python -m pip install . && grader grade`")

    @main.command("gradescope-package")
    @click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
    @click.option(
        "--kit",
        type=click.Path(file_okay=False, path_type=Path),
        help="The kit checkout to package [default: the one this grader runs from].",
    )
    @click.option(
        "--topic",
        "-t",
        "topics",
        multiple=True,
        callback=topic_ids,
        help="The assignment's topics (repeatable) [default: every topic].",
    )
    def gradescope_package(out, kit, topics):
        """Write a Gradescope autograder zip (setup.sh, run_autograder, the grader; no solutions) to OUT."""
        from grader.bundle import gradescope
        from grader.bundle.files import BundleError

        try:
            path = gradescope.make(out, kit, tuple(topics))
        except BundleError as exc:
            raise click.UsageError(str(exc)) from None
        click.echo(f"Gradescope autograder written to {path}; upload it under Configure Autograder → Zip file.")
