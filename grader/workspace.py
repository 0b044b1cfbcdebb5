"""`grader init DIR [--lang LANG]`: a new learner workspace.

DIR gets ``exercises/`` with every topic's stub in LANG (docstrings in that
language, see grader.stubs), a README in LANG saying the loop, and
``.grader/config.json`` remembering LANG for the later commands run in DIR
(grader.settings). DIR must be new or empty: init never writes over a file,
so it never loses a learner's work; a refusal changes nothing and exits 2.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from grader import settings, stubs
from grader.curriculum import Curriculum
from grader.feedback import catalog
from grader.feedback.render import fill, language

SUBMISSION = "exercises"


class Refused(Exception):
    """Why a workspace was not made, as a catalog code and its params."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


def message(code: str, lang: str, **params) -> str:
    """``workspace.<code>`` in ``lang``; paths shown as the learner typed them."""
    shown = {k: str(v) if isinstance(v, Path) else v for k, v in params.items()}
    return fill(catalog.template(f"workspace.{code}", lang), shown)


def make(target: Path, lang: str, curriculum: Curriculum) -> list[Path]:
    """Write the workspace into ``target`` (new or empty); the stubs written, in lecture order."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise Refused("not_a_folder", dir=target)
    try:
        if target.is_dir() and any(target.iterdir()):
            raise Refused("not_empty", dir=target)
    except OSError as exc:  # a folder we may not even list is no place for a workspace
        raise Refused("unreadable", dir=target, reason=exc.strerror or str(exc))
    try:
        source = stubs.folder(lang)
    except stubs.StubsMissing:
        raise Refused("no_stubs", lang=lang, languages=stubs.languages())
    missing = [t.module_file for t in curriculum.topics if not (source / t.module_file).is_file()]
    if missing:
        raise Refused("stubs_incomplete", lang=lang, folder=source, files=missing)
    created: Path | None = None  # the outermost folder this call creates
    if not target.exists():
        created = target
        while not created.parent.exists():
            created = created.parent
    try:
        (target / SUBMISSION).mkdir(parents=True)
        written = []
        for topic in curriculum.topics:
            written.append(Path(shutil.copyfile(source / topic.module_file, target / SUBMISSION / topic.module_file)))
        (target / "README.md").write_text(message("readme", lang), encoding="utf-8")
        settings.save(target, language=lang)
    except OSError as exc:
        _undo(target, created)
        raise Refused("failed", dir=target, reason=exc.strerror or str(exc))
    return written


def _undo(target: Path, created: Path | None) -> None:
    """Remove what a failed init wrote: the folders it created, or the contents of the empty ``target``."""
    if created is not None:
        shutil.rmtree(created, ignore_errors=True)
        return
    for child in list(target.iterdir()) if target.is_dir() else ():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def register(main: click.Group, curriculum) -> None:
    @main.command()
    @click.argument("directory", type=click.Path(path_type=Path))
    def init(directory: Path):
        # --lang (every command's) picks the stubs' language; it is remembered for the commands run in DIR
        lang = language() if language() in stubs.languages() else stubs.DEFAULT
        try:
            written = make(directory, lang, curriculum())
        except Refused as refusal:
            click.echo(message(refusal.code, lang, **refusal.params), err=True)
            raise SystemExit(2)
        name = catalog.template(f"workspace.language.{lang}", lang)
        click.echo(message("made", lang, dir=directory, n=len(written), exercises=directory / SUBMISSION, name=name))
        click.echo(message("next", lang, dir=directory))
