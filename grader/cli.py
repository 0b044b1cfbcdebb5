"""The `grader` command: parse, call, print. Exit 0 ok, 1 run failed or below
--fail-under (or, for `check`, topic not passed yet), 2 usage error.

Every help text and message is the catalog's (``cli.*``, ``report.*``; see
grader/cli_catalog.py), in the language of ``--lang``, ``$GRADER_LANG`` or the locale."""

from __future__ import annotations

import atexit
import gc
import os
import random
import sys
from pathlib import Path

# Cache the grader's own compiled modules and suites in __pycache__ (ignored by git and by the integrity
# check) even where PYTHONDONTWRITEBYTECODE is set: compiling them afresh is a third of a check's start-up.
sys.dont_write_bytecode = False

# One BLAS thread for the judge, before numpy loads: its oracles are small, and
# suites that time them against a learner's code need steady numbers.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# A command that grades launches its worker's fork server now, before click, numpy and pytest load.
from grader import prestart  # noqa: E402

if os.path.basename(sys.argv[0]) in ("grader", "__main__.py"):
    prestart.early(sys.argv)
    # Registered first, so it runs last: the interpreter's final collections then skip the ~10^6
    # objects of numpy, pytest and the suites, a tenth of a second at every exit. (Files are flushed
    # and closed by then; nothing the grader keeps has a finaliser that must run.)
    atexit.register(gc.freeze)

import click  # noqa: E402

from grader import curriculum as curriculum_file  # noqa: E402
from grader import fmt, isolation, stubs  # noqa: E402
from grader.cli_catalog import Group, say  # noqa: E402
from grader.pictures import cli as pictures_cli  # noqa: E402
from grader.progress import Progress  # noqa: E402
from grader.reports import formats, text  # noqa: E402
from grader.reports import json as json_report  # noqa: E402
from grader.sandbox import WorkerPool  # noqa: E402
from grader.submission import Submission, SubmissionError  # noqa: E402

# grader.runner and grader.verify import pytest: they are imported where a command grades.


def _curriculum():
    return curriculum_file.load()


def _topic_ids(ctx, param, values):
    cu = _curriculum()
    single = isinstance(values, str)
    for name in [values] if single else values:
        if name not in cu.ids:
            raise click.BadParameter(say("unknown_topic", name=name, topics=", ".join(cu.ids)), ctx, param)
    return values


def _submission(path: str) -> Submission:
    try:
        return Submission.from_dir(path, _curriculum())
    except SubmissionError as exc:
        raise click.UsageError(str(exc)) from None


def _new_seed() -> int:
    return random.SystemRandom().randrange(10000, 100000)  # secrets' randbelow, without importing secrets


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
)


def _isolation(ctx, param, mode):
    try:
        return isolation.select(mode)
    except isolation.IsolationUnavailable as exc:
        click.echo(say("error", message=exc), err=True)
        ctx.exit(2)


isolation_option = click.option(
    "--isolation",
    type=click.Choice(isolation.MODES),
    default="auto",
    show_default=True,
    callback=_isolation,
    expose_value=False,
    is_eager=True,
)
seed_option = click.option("--seed", type=int)


# Help texts: cli.<command>.help and cli.<command>.<option> (or cli.option.<option>) in the catalog.
@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="la2-grader")
def main():
    pass


@main.command("list")
@submission_option
def list_topics(submission):
    cu, progress = _curriculum(), Progress(submission)
    statuses = [text.label(s) for s in text.COLOR]
    status_width = max(fmt.width(s) for s in [text.say("col_status"), *statuses])
    row = "{:>3}  {} {} {}  {}  {}"
    click.echo(
        row.format(
            "#",
            fmt.pad(text.say("col_topic"), 18),
            fmt.pad(text.say("col_section"), 23),
            fmt.pad(text.say("col_points"), 6, ">"),
            fmt.pad(text.say("col_status"), status_width),
            text.say("col_title"),
        ).rstrip()
    )
    for number, topic in enumerate(cu.topics, 1):
        status = progress.status(topic.id)
        label = fmt.pad(text.label(status) if status else "—", status_width)
        styled = click.style(label, fg=text.COLOR[status]) if status else label
        click.echo(
            row.format(
                number,
                fmt.pad(topic.id, 18),
                fmt.pad(topic.section, 23),
                fmt.pad(text._points(topic.points), 6, ">"),
                styled,
                curriculum_file.title(topic),
            )
        )
    click.echo(f"\n{'':>5}{fmt.pad(text.say('col_total'), 42)} {fmt.pad(text._points(cu.points), 6, '>')}")


@main.command()
@click.argument("topics", nargs=-1, callback=_topic_ids)
@submission_option
@seed_option
@isolation_option
@pictures_cli.plot_option
@click.option("--case", "cases", multiple=True, metavar="ID")
@click.option("--python", "as_python", is_flag=True)
def check(topics, submission, seed, plot, cases, as_python):
    if cases or as_python:
        from grader import replay_cli

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
    pictures_cli.show(report, submission, plot)
    if any(t.status != "passed" for t in report.topics):
        raise SystemExit(1)


@main.command()
@submission_option
@click.option("--topic", "-t", "topics", multiple=True, callback=_topic_ids)
@seed_option
@isolation_option
@click.option("--json", "json_path", type=click.Path(dir_okay=False))
@click.option("--fail-under", type=click.FloatRange(0, 100), metavar="PERCENT")
@click.option("--format", "fmt", type=click.Choice(formats.NAMES), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False))
@click.option("--jobs", "-j", type=click.IntRange(1))
@pictures_cli.plot_option
def grade(submission, topics, seed, json_path, fail_under, fmt, output, jobs, plot):
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
    pictures_cli.show(report, submission, plot)
    if fail_under is not None and report.percent < fail_under:
        click.echo(text.say("below_fail_under", percent=report.percent, fail_under=fail_under), err=True)
        raise SystemExit(1)


@main.command()
@click.argument("topic", callback=_topic_ids)
@click.option("--all", "show_all", is_flag=True)
@submission_option
def hint(topic, show_all, submission):
    hints, progress = curriculum_file.hints(_curriculum().topic(topic)), Progress(submission)
    shown = len(hints) if show_all else min(progress.hints_seen(topic) + 1, len(hints))
    for number, line in enumerate(hints[:shown], 1):
        click.echo(fmt.wrap(line, 88, initial_indent=f"{number}. ", subsequent_indent="   "))
    if shown < len(hints):
        click.echo("\n" + text.say("more_hints", n=len(hints) - shown, topic=topic))
    progress.see_hint(topic, max(shown, progress.hints_seen(topic)))


@main.command()
@click.option("--solutions", default="solutions", show_default=True, metavar="DIR")
@click.option("--exercises", default="exercises", show_default=True, metavar="DIR")
@click.option("--catalogue", default=None, metavar="DIR")
@click.option(
    "--translations", default=None, metavar="DIR", type=click.Path(file_okay=False, exists=True, path_type=Path)
)
@click.option("--mutants", "matrix", is_flag=True)
@click.option("--topic", "-t", "topics", multiple=True, callback=_topic_ids)
@seed_option
@isolation_option
@click.option("--jobs", "-j", type=click.IntRange(1))
@click.option("--no-probes", is_flag=True)
def verify(solutions, exercises, catalogue, translations, matrix, topics, seed, jobs, no_probes):
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
            translations=stubs.translated(translations) if translations else None,
        )
    except (runner.GraderError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    if not result.ok:
        failed = say("verify_failed", n=len(result.problems), seed=seed, next_seed=seed + 1)
        click.echo(click.style(failed, fg="red"))
        raise SystemExit(1)
    tried = sum(n for n, _ in result.probed.values())
    probes = say("probes_skipped") if no_probes else say("probes_earned_nothing", n=tried)
    passed = say("verify_passed", killed=len(result.killed), probes=probes, seed=seed, next_seed=seed + 1)
    click.echo(click.style(passed, fg="green"))


from grader.batch import cli as batch_cli  # noqa: E402  (instructor commands: batch, export, release, …)

batch_cli.register(main, _curriculum, _new_seed, _topic_ids)

from grader.watch import cli as watch_cli  # noqa: E402  (learner commands: watch, next, reset)

watch_cli.register(main)

from grader import workspace  # noqa: E402  (grader init DIR)

workspace.register(main, _curriculum)
