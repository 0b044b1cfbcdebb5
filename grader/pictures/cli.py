"""``--plot`` for ``grader check`` and ``grader grade``: the option, and what the command
calls after grading (``show``).

Without matplotlib ``--plot`` stops before grading, exit 2, saying what to
install: the learner asked for pictures explicitly, the check is instant, and a
warning after a long report (or in a CI log whose artifacts are then missing)
is easy to miss; grading without the flag never needs matplotlib.
"""

from __future__ import annotations

import os

import click

from grader import pictures
from grader.feedback.render import language
from grader.pictures import files


def _needs_matplotlib(ctx, param, value):
    if value and not pictures.available():
        click.echo(pictures.say("no_matplotlib", language(None)), err=True)
        ctx.exit(2)
    return value


plot_option = click.option(
    "--plot",
    is_flag=True,
    callback=_needs_matplotlib,
)  # its help is cli.option.plot in the catalog


def show(report, submission_dir, plot: bool, lang: str | None = None) -> None:
    """With ``plot``: write the pictures and print where each went (and, once, the font note)."""
    if not plot:
        return
    lang = language(lang)
    written = files.write(report, submission_dir, lang)
    for fig, path in written:
        click.echo(pictures.say("written", lang, test=f"{fig.topic} · {fig.test_id}", path=_shown(path)))
    if not written and any(t.status == "failed" for topic in report.topics for t in topic.tests):
        click.echo(pictures.say("none", lang))
    elif written and (note := pictures.note(lang)):
        click.echo(note, err=True)


def _shown(path) -> str:
    """The path relative to the working folder when it is below it, else absolute."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative
