"""Learner commands around the loop: ``watch``, ``next`` and ``reset`` (registered on the main group)."""

from __future__ import annotations

from pathlib import Path

import click

from grader import curriculum, restore
from grader.feedback.render import language
from grader.progress import Progress
from grader.reports import text
from grader.watch.screen import first_unmet, say


def register(main: click.Group) -> None:
    from grader import cli as core  # the shared options and helpers, defined before this is called

    def one_topic(ctx, param, value):
        return value if value is None else core._topic_ids(ctx, param, value)

    @main.command()
    @click.argument("topic", required=False, callback=one_topic)
    @core.submission_option
    @core.seed_option
    @core.isolation_option
    @click.option("--poll", is_flag=True)
    def watch(topic, submission, seed, poll):
        from grader.watch.terminal import interactive

        lang, cu = language(), core._curriculum()
        core._submission(submission)
        if not interactive():
            click.echo(say("not_tty", lang), err=True)
            raise SystemExit(2)
        from grader.watch.loop import watch as run_watch

        passed, interrupted = run_watch(
            cu,
            Path(submission),
            cu.topic(topic) if topic else None,
            core._new_seed() if seed is None else seed,
            poll,
            lang,
        )
        click.echo(say("bye", lang, passed=passed, total=len(cu.topics)))
        if interrupted:
            raise SystemExit(130)

    @main.command("next")
    @core.submission_option
    @core.seed_option
    @core.isolation_option
    def next_topic(submission, seed):
        """Name the next topic to work on and its first unmet test (checks the topics you have not passed)."""
        lang, cu, sub, progress = language(), core._curriculum(), core._submission(submission), Progress(submission)
        report = None
        for topic in [t for t in cu.topics if progress.status(t.id) != "passed"]:
            report = core._grade(sub, [topic], seed)
            progress.record(report)
            if report.topics[0].status != "passed":
                break
            click.echo(text.topic_line(report.topics[0]))
        else:
            click.echo(text.say("all_passed"))
            return
        result, topic = report.topics[0], cu.topic(report.topics[0].id)
        number = cu.topics.index(topic) + 1
        click.echo(
            say(
                "next.topic",
                lang,
                number=number,
                total=len(cu.topics),
                topic=topic.id,
                title=curriculum.title(topic, lang),
                section=topic.section,
            )
        )
        click.echo(text.topic_line(result))
        path = str(Path(submission) / topic.module_file)
        if result.status == "error":
            click.echo(say("topic_error", lang, topic=topic.id) + "\n" + result.message(lang))
            return
        test = first_unmet(result)
        if test is None:
            return
        click.echo(say("next.first_unmet", lang, test=test.id, status=test.status))
        if test.status != "not_implemented":
            click.echo(text._indent(test.message(lang), "    "))
        fresh = test.status == "not_implemented"
        click.echo(say("next.write" if fresh else "next.fix", lang, function=test.function, path=path, topic=topic.id))

    @main.command()
    @click.argument("topic", callback=core._topic_ids)
    @core.submission_option
    @click.option("--yes", "-y", is_flag=True)
    def reset(topic, submission, yes):
        lang, cu = language(), core._curriculum()
        folder, t = Path(submission), cu.topic(topic)
        if not folder.is_dir():
            core._submission(submission)  # says what is wrong with the folder
        stub, path = restore.stub_file(t, lang), folder / t.module_file
        if not stub.is_file():
            raise click.ClickException(say("reset.no_stub", lang, topic=topic, path=str(stub)))
        if path.is_file() and path.read_bytes() == stub.read_bytes():
            click.echo(say("reset.unchanged", lang, path=str(path), topic=topic))
            return
        if not yes:
            try:
                confirmed = click.confirm(say("reset.confirm", lang, path=str(path), topic=topic), default=False)
            except click.Abort:
                confirmed = False
            if not confirmed:
                click.echo(say("reset.aborted", lang), err=True)
                raise SystemExit(1)
        if path.exists():
            try:
                saved = restore.backup(path, t, folder)
            except OSError as exc:
                raise click.ClickException(say("reset.backup_failed", lang, path=str(path), error=exc))
            click.echo(say("reset.backed_up", lang, backup=str(saved)))
        restore.restore(stub, path)
        Progress(folder).forget(topic)
        click.echo(say("reset.restored", lang, path=str(path), topic=topic))
