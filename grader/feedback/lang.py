"""Which language a learner reads: ``--lang`` > ``$GRADER_LANG`` > the workspace's > the locale > English.

The locale is POSIX's: the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that
is set decides (``ja_JP.UTF-8`` → ``ja``; ``C`` or a language without a
catalog → English). ``chosen`` makes one choice the process's own for the
length of a command, through ``$GRADER_LANG``, so that everything that renders
text (reports, help, errors, forked children) follows it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping

from grader import settings
from grader.feedback import catalog

DEFAULT_LANG = catalog.FALLBACK
ENV = "GRADER_LANG"
LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")


class UnknownLanguage(ValueError):
    def __init__(self, lang: str):
        super().__init__(lang)
        self.lang = lang


def available() -> list[str]:
    return catalog.languages()


def from_locale(environ: Mapping[str, str] = os.environ) -> str | None:
    """The catalog language the locale names, or None (unset, ``C``/``POSIX``, or no catalog for it)."""
    for var in LOCALE_VARS:
        value = environ.get(var)
        if value:
            code = value.split(".")[0].split("@")[0].split("_")[0].lower()
            return code if code in available() else None
    return None


def language(lang: str | None = None, environ: Mapping[str, str] = os.environ) -> str:
    """The language to render in: ``lang`` if given, else ``$GRADER_LANG``, else the one this workspace was
    made in (``grader init --lang``, grader.settings), else the locale's, else English."""
    return lang or environ.get(ENV) or settings.saved_language() or from_locale(environ) or DEFAULT_LANG


def check(lang: str) -> str:
    """``lang`` itself if it has a catalog; else UnknownLanguage."""
    if lang not in available():
        raise UnknownLanguage(lang)
    return lang


def requested(args: list[str]) -> str | None:
    """The value of ``--lang X`` / ``--lang=X`` anywhere on a command line (before ``--``), the last one winning."""
    found = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith("--lang="):
            found = arg.partition("=")[2]
    return found


@contextlib.contextmanager
def chosen(explicit: str | None) -> Iterator[str]:
    """Within the block, ``$GRADER_LANG`` is the language chosen; afterwards it is as it was. An unknown
    ``explicit`` is passed over and an unknown ``$GRADER_LANG`` kept: the command line's parser reports them."""
    before = os.environ.get(ENV)
    lang = (explicit if explicit in available() else None) or language(None)
    os.environ[ENV] = lang
    try:
        yield lang
    finally:
        if before is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = before
