"""The instructor's commands, registered on the `grader` group: batch, export, release, gradescope-package.

Their help texts are the catalog's ``cli.<command>.*`` (grader/cli_catalog.py)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from grader.cli_catalog import say
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
    click.echo(say("dask_connected", address=address, workers=len(workers), threads=cluster.threads(client)), err=True)

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
    )
    @click.option("--jobs", "-j", type=click.IntRange(1))
    @click.option("--resume", is_flag=True)
    @click.option("--seed", type=int)
    @click.option("--topic", "-t", "topics", multiple=True, callback=topic_ids)
    @click.option(
        "--timeout",
        type=click.FloatRange(1),
        default=600,
        show_default=True,
        metavar="SECONDS",
    )
    @click.option(
        "--format",
        "fmts",
        multiple=True,
        type=click.Choice([f for f in formats.NAMES if f != "json"]),
    )
    @click.option(
        "--scheduler",
        envvar="DASK_SCHEDULER_ADDRESS",
        metavar="ADDRESS",
    )
    def batch(submissions, out, jobs, resume, seed, topics, timeout, fmts, scheduler):
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
        csv, report, reports = out / command.GRADEBOOK_CSV, out / command.CLASS_REPORT, out / command.REPORTS
        click.echo("\n" + say("batch_written", csv=csv, report=report, reports=reports))
        if outcome.interrupted:
            n = outcome.graded + outcome.failed
            click.echo(say("batch_interrupted", n=n, submissions=submissions, out=out), err=True)
            raise SystemExit(130)

    @main.command()
    @click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
    @click.option("--format", "fmt", type=click.Choice(["csv", "canvas"]), default="csv", show_default=True)
    @click.option(
        "--roster",
        type=click.Path(dir_okay=False, path_type=Path),
    )
    @click.option("--assignment", default="Linear Algebra II", show_default=True)
    @click.option("--output", type=click.Path(dir_okay=False, path_type=Path))
    def export(folder, fmt, roster, assignment, output):
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
                    click.echo(say("export_left_empty", learners=", ".join(ungraded)), err=True)
        except tables.RosterError as exc:
            raise click.UsageError(str(exc)) from None
        finally:
            book.close()
        if output:
            output.write_text(text, encoding="utf-8")
            click.echo(say("export_written", format=fmt, n=len(rows), path=output), err=True)
        else:
            sys.stdout.write(text)

    @main.command()
    @click.argument("out", type=click.Path(file_okay=False, path_type=Path))
    @click.option(
        "--kit",
        type=click.Path(file_okay=False, path_type=Path),
    )
    def release(out, kit):
        from grader.bundle import release as bundle
        from grader.bundle.files import BundleError

        try:
            folder = bundle.make(out, kit)
        except BundleError as exc:
            raise click.UsageError(str(exc)) from None
        click.echo(say("release_written", folder=folder))

    @main.command("gradescope-package")
    @click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
    @click.option(
        "--kit",
        type=click.Path(file_okay=False, path_type=Path),
    )
    @click.option(
        "--topic",
        "-t",
        "topics",
        multiple=True,
        callback=topic_ids,
    )
    def gradescope_package(out, kit, topics):
        from grader.bundle import gradescope
        from grader.bundle.files import BundleError

        try:
            path = gradescope.make(out, kit, tuple(topics))
        except BundleError as exc:
            raise click.UsageError(str(exc)) from None
        click.echo(say("gradescope_written", path=path))
