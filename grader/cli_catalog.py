"""Click commands whose help and messages come from the catalog, in the reader's language.

A command's help is ``cli.<command>.help`` (``cli.main.help`` for the group),
an option's ``cli.<command>.<option>`` or, shared by every command that has
it, ``cli.option.<option>`` (option = the parameter's name); the headings and
the ``[default: …]`` notes are ``cli.heading.*`` and ``cli.extra.*``. They are
looked up when help is shown, so ``--lang`` (anywhere on the command line),
``$GRADER_LANG`` and the locale all apply to ``--help`` as well. Every command
takes ``--lang``: the group's ``main`` reads it before click parses anything.
"""

from __future__ import annotations

import sys

import click

from grader import fmt
from grader.feedback import lang
from grader.feedback.catalog import MissingMessage
from grader.feedback.render import message


def say(key: str, **params) -> str:
    """A CLI string from the catalog (``cli.<key>``) in the reader's language."""
    return message(f"cli.{key}", **params)


def _help(key: str) -> str | None:
    try:
        return say(key)
    except MissingMessage:
        return None


def _check_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None and value not in lang.available():
        raise click.BadParameter(say("unknown_language", lang=value, languages=", ".join(lang.available())), ctx, param)


def lang_option() -> click.Option:
    return click.Option(["--lang"], metavar="LANG", expose_value=False, is_eager=True, callback=_check_lang)


def _wide(text: str) -> bool:
    """Holds characters two columns wide (Japanese), which click's wrapping miscounts."""
    return any(fmt.width(c) > 1 for c in text)


class Formatter(click.HelpFormatter):
    """Click's help layout, with Japanese text wrapped by display width (it has no spaces to break at)."""

    def _wrap(self, text: str, columns: int, indent: str = "") -> list[str]:
        lines: list[str] = []
        for paragraph in text.split("\n\n"):
            lines += [*fmt.wrap(" ".join(paragraph.split("\n")), columns, indent, indent).split("\n"), ""]
        return lines[:-1]

    def write_text(self, text: str) -> None:
        if not _wide(text):
            return super().write_text(text)
        indent = " " * self.current_indent
        self.write("\n".join(self._wrap(text, max(self.width - self.current_indent, 11), indent)) + "\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        if not any(_wide(second) for _, second in rows):
            return super().write_dl(rows, col_max, col_spacing)
        first_col = min(max(fmt.width(first) for first, _ in rows), col_max) + col_spacing
        for first, second in rows:
            self.write(" " * self.current_indent + first)
            if not second:
                self.write("\n")
                continue
            if fmt.width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - fmt.width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = self._wrap(second, max(self.width - first_col - 2, 10))
            self.write(("\n" + " " * (first_col + self.current_indent)).join(lines) + "\n")


class Context(click.Context):
    formatter_class = Formatter


class Command(click.Command):
    """A command whose help texts are the catalog's, looked up each time help is shown."""

    context_class = Context

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.params.append(lang_option())

    @property
    def key(self) -> str:
        return (self.name or "main").replace("-", "_")

    def _localize(self, ctx: click.Context | None = None) -> None:
        self.help = _help(f"{self.key}.help")
        if ctx is None:
            return
        help_option = self.get_help_option(ctx)
        for param in self.get_params(ctx):
            if isinstance(param, click.Option):
                if param is help_option or param.name == "help":
                    param.help = _help("option.help")  # cli.<command>.help is the command's own
                else:
                    param.help = _help(f"{self.key}.{param.name}") or _help(f"option.{param.name}")

    def get_short_help_str(self, limit: int = 45) -> str:
        self._localize()
        text = (self.help or "").split("\n\n")[0].replace("\n", " ")
        if not _wide(text):
            return super().get_short_help_str(limit)
        sentence = text.split("。")[0] + "。" if "。" in text else text
        return sentence if fmt.width(sentence) <= limit else fmt.clip(sentence, limit - 1) + "…"

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._localize(ctx)
        super().format_help(ctx, formatter)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=say("heading.usage") + " ")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [_help_record(p, ctx) for p in self.get_params(ctx) if isinstance(p, click.Option) and not p.hidden]
        if rows:
            with formatter.section(say("heading.options")):
                formatter.write_dl(rows)


def _help_record(option: click.Option, ctx: click.Context) -> tuple[str, str]:
    """An option's row: its flags, its help and the notes click adds (default, env var, range, required)."""
    extra = option.get_help_extra(ctx)
    notes = []
    if "envvars" in extra:
        notes.append(say("extra.envvar", var=", ".join(extra["envvars"])))
    if "default" in extra:
        notes.append(say("extra.default", default=extra["default"]))
    if "range" in extra:
        notes.append(extra["range"])
    if "required" in extra:
        notes.append(say("extra.required"))
    help = option.help or ""
    if notes:
        help = f"{help}  [{'; '.join(notes)}]" if help else f"[{'; '.join(notes)}]"
    return option.get_help_spec(ctx), help


class Group(Command, click.Group):
    """The ``grader`` group: chooses the language for the whole run, then is a click group of Commands."""

    command_class = Command

    def main(self, args=None, *rest, **kwargs):
        argv = list(sys.argv[1:] if args is None else args)
        with lang.chosen(lang.requested(argv)):
            return super().main(argv, *rest, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        chosen = lang.language()
        if chosen not in lang.available():
            raise click.UsageError(
                say("unknown_language_env", var=lang.ENV, lang=chosen, languages=", ".join(lang.available())), ctx
            )
        return super().parse_args(ctx, args)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_options(ctx, formatter)
        commands = [
            (name, c) for name in self.list_commands(ctx) if (c := self.get_command(ctx, name)) and not c.hidden
        ]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section(say("heading.commands")):
                formatter.write_dl([(name, c.get_short_help_str(limit)) for name, c in commands])
