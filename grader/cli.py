"""The `grader` command: parse, call, print. Exit 0 ok, 1 run failed or below
--fail-under (or, for `check`, topic not passed yet), 2 usage error."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

# Cache the grader's own compiled modules and suites in __pycache__ (ignored by git and by the integrity
# check) even where PYTHONDONTWRITEBYTECODE is set: compiling them afresh is a third of a check's start-up.
sys.dont_write_bytecode = False

# One BLAS thread for the judge, before numpy loads: its oracles are small, and
# suites that time them against a learner's code need steady numbers.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import click  # noqa: E402

from grader import curriculum as curriculum_file  # noqa: E402
from grader import isolation, replay_cli  # noqa: E402
from grader.progress import Progress  # noqa: E402
from grader.reports import formats, text  # noqa: E402
from grader.reports import json as json_report  # noqa: E402
from grader.sandbox import WorkerPool  # noqa: E402
from grader.submission import Submission, SubmissionError  # noqa: E402

# grader.runner and grader.verify import pytest: they are imported where a
# command grades, after its first worker has started, so the two start-ups overlap.


def _curriculum():
    return curriculum_file.load()


def _topic_ids(ctx, param, values):
    cu = _curriculum()
    single = isinstance(values, str)
    for name in [values] if single else values:
        if name not in cu.ids:
            raise click.BadParameter(f"unknown topic {name!r}; the topics are: {', '.join(cu.ids)}", ctx, param)
    return values


def _submission(path: str) -> Submission:
    try:
        return Submission.from_dir(path, _curriculum())
    except SubmissionError as exc:
        raise click.UsageError(str(exc)) from None


def _new_seed() -> int:
    return secrets.randbelow(90000) + 10000


def _grade(submission: Submission, topics, seed: int | None, jobs: int = 1, cases=None):
    pool = WorkerPool(_curriculum().forbidden_union())
    from grader import runner

    try:
        seed = _new_seed() if seed is None else seed
        return runner.grade(submission, topics, _curriculum(), seed, pool=pool, jobs=jobs, cases=cases)
    except runner.UnknownCase:
        raise
    except (runner.GraderError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        pool.close()


submission_option = click.option(
    "--submission",
    "-s",
    default="exercises",
    show_default=True,
    metavar="DIR",
    help="Folder holding the topic modules.",
)


def _isolation(ctx, param, mode):
    try:
        return isolation.select(mode)
    except isolation.IsolationUnavailable as exc:
        click.echo(f"Error: {exc}", err=True)
        ctx.exit(2)


isolation_option = click.option(
    "--isolation",
    type=click.Choice(isolation.MODES),
    default="auto",
    show_default=True,
    callback=_isolation,
    expose_value=False,
    is_eager=True,
    help="auto: namespace sandbox (bubblewrap) where available, else a plain process with a warning; "
    "require: refuse to grade without the sandbox (exams); off: plain process.",
)
seed_option = click.option(
    "--seed",
    type=int,
    help="Seed for the random inputs (default: a fresh one; the report shows it so you can repeat a run).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="la2-grader")
def main():
    """Auto-graded exercises for Linear Algebra II: SVD, matrix calculus, tensors.

    Your loop: edit a module in exercises/, run `grader check`, read the
    feedback, repeat. `grader list` shows where you are; `grader hint TOPIC`
    helps when you are stuck.
    """


@main.command("list")
@submission_option
def list_topics(submission):
    """Topics in lecture order, with points and your last known status."""
    cu, progress = _curriculum(), Progress(submission)
    click.echo(
        f"  #  {text.say('col_topic'):<18} {text.say('col_section'):<22} {text.say('col_points'):>6}  "
        + text.say("col_status")
    )
    for number, topic in enumerate(cu.topics, 1):
        status = progress.status(topic.id)
        label = click.style(text.label(status), fg=text.COLOR[status]) if status else "—"
        click.echo(f"{number:>3}  {topic.id:<18} {topic.section:<22} {text._points(topic.points):>6}  {label}")
    click.echo(f"\n{'':>5}{text.say('col_total'):<41} {text._points(cu.points):>6}")


@main.command()
@click.argument("topics", nargs=-1, callback=_topic_ids)
@submission_option
@seed_option
@isolation_option
@click.option("--case", "cases", multiple=True, metavar="ID", help="Run only this case of TOPIC, in full (repeatable).")
@click.option("--python", "as_python", is_flag=True, help="With --case: print the case as a Python script instead.")
def check(topics, submission, seed, cases, as_python):
    """Check TOPICS (default: the first topic you have not passed) and explain what fails.

    Exits 0 when every checked topic passes, 1 otherwise.
    """
    if cases or as_python:
        return replay_cli.check_cases(_curriculum(), topics, _submission(submission), seed, cases, as_python, _grade)
    cu, sub, progress = _curriculum(), _submission(submission), Progress(submission)
    if topics:
        report = _grade(sub, cu.select(topics), seed)
        progress.record(report)
    else:
        pending = [t for t in cu.topics if progress.status(t.id) != "passed"]
        if not pending:
            click.echo(text.say("all_passed"))
            return
        for topic in pending:  # move on while topics pass, as far as the first one that does not
            report = _grade(sub, [topic], seed)
            progress.record(report)
            if report.topics[0].status != "passed":
                break
            click.echo(text.topic_line(report.topics[0]))
    hints_left = {t.id: progress.hints_seen(t.id) < len(cu.topic(t.id).hints) for t in report.topics}
    click.echo(text.check_report(report, hints_left))
    if any(t.status != "passed" for t in report.topics):
        raise SystemExit(1)


@main.command()
@submission_option
@click.option("--topic", "-t", "topics", multiple=True, callback=_topic_ids, help="Grade only this topic (repeatable).")
@seed_option
@isolation_option
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Also write the report as JSON here.")
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    metavar="PERCENT",
    help="Exit 1 when the total is below PERCENT of the maximum.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(formats.NAMES),
    default="text",
    show_default=True,
    help="Report format (markdown: for $GITHUB_STEP_SUMMARY; gradescope: results.json).",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report here instead of printing it.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1),
    help="Topics graded at once, each in a process of its own [default: one per core].",
)
def grade(submission, topics, seed, json_path, fail_under, fmt, output, jobs):
    """Grade a submission: the full report, per topic and per test."""
    cu = _curriculum()
    report = _grade(_submission(submission), cu.select(topics), seed, jobs or len(os.sched_getaffinity(0)))
    Progress(submission).record(report)
    numbers = {t.id: i for i, t in enumerate(cu.topics, 1)}
    if fmt != "text" or output:
        rendered = formats.render(fmt, json_report.to_dict(report), click.unstyle(text.grade_report(report, numbers)))
        if output:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            Path(output).write_text(rendered, encoding="utf-8")
            click.echo(text.say("written", format=fmt, path=output))
        else:
            click.echo(rendered, nl=False)
    else:
        click.echo(text.grade_report(report, numbers))
    if json_path:
        json_report.write(report, json_path)
        click.echo(text.say("written", format="JSON", path=json_path))
    if fail_under is not None and report.percent < fail_under:
        click.echo(text.say("below_fail_under", percent=report.percent, fail_under=fail_under), err=True)
        raise SystemExit(1)


@main.command()
@click.argument("topic", callback=_topic_ids)
@click.option("--all", "show_all", is_flag=True, help="Show every hint at once.")
@submission_option
def hint(topic, show_all, submission):
    """The next hint for TOPIC (each call reveals one more)."""
    hints, progress = _curriculum().topic(topic).hints, Progress(submission)
    shown = len(hints) if show_all else min(progress.hints_seen(topic) + 1, len(hints))
    for number, line in enumerate(hints[:shown], 1):
        click.echo(click.wrap_text(line, 88, initial_indent=f"{number}. ", subsequent_indent="   "))
    if shown < len(hints):
        click.echo("\n" + text.say("more_hints", n=len(hints) - shown, topic=topic))
    progress.see_hint(topic, max(shown, progress.hints_seen(topic)))


@main.command()
@click.option("--solutions", default="solutions", show_default=True, metavar="DIR")
@click.option("--exercises", default="exercises", show_default=True, metavar="DIR")
@click.option("--catalogue", default=None, metavar="DIR", help="Mutant catalogue [default: SOLUTIONS/mutants].")
@click.option(
    "--mutants",
    "matrix",
    is_flag=True,
    help="Print the kill matrix: each mutant's score (graded fully: slower), the test and mistake that caught it.",
)
@click.option("--topic", "-t", "topics", multiple=True, callback=_topic_ids, help="Verify only this topic.")
@seed_option
@isolation_option
@click.option("--jobs", "-j", type=click.IntRange(1), help="Gradings run at once [default: one per core].")
@click.option("--no-probes", is_flag=True, help="Skip the degenerate-answer probes (faster; not a full check).")
def verify(solutions, exercises, catalogue, matrix, topics, seed, jobs, no_probes):
    """Instructor self-check: solutions full marks (two seeds), stubs zero, every mutant loses points,
    no answer that ignores its input earns a point."""
    for folder in (solutions, exercises):
        _submission(folder)
    seed = _new_seed() if seed is None else seed
    cu = _curriculum()
    from grader import runner
    from grader.verify import verify as run_verify

    try:
        result = run_verify(
            cu,
            cu.select(topics),
            Path(solutions),
            Path(exercises),
            Path(catalogue) if catalogue else Path(solutions) / "mutants",
            (seed, seed + 1),
            click.echo,
            jobs,
            probes=not no_probes,
            matrix=matrix,
        )
    except (runner.GraderError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    if not result.ok:
        click.echo(
            click.style(f"verify failed: {len(result.problems)} problem(s) (seeds {seed}, {seed + 1}).", fg="red")
        )
        raise SystemExit(1)
    probes = "probes skipped" if no_probes else f"{sum(n for n, _ in result.probed.values())} probes earned nothing"
    click.echo(
        click.style(
            f"verify passed: {len(result.killed)} mutants killed, {probes} (seeds {seed}, {seed + 1}).", fg="green"
        )
    )


from grader.batch import cli as batch_cli  # noqa: E402  (instructor commands: batch, export, release, …)

batch_cli.register(main, _curriculum, _new_seed, _topic_ids)
