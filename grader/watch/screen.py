"""The watch screen as a pure function: ``render(state, width, height, lang)`` -> lines.

Top: the current topic with its score bar and, right after a topic passed,
what it taught and where to read next. Middle: the first failing test's
feedback (or the hints, or the topic list). Bottom: progress over the
curriculum, when it was checked and how saves are noticed, the keys.
Lines are wrapped to the terminal's width in display cells (a Japanese
character takes two) before they are styled, and the middle is cut to fit.
"""

from __future__ import annotations

import unicodedata

import click

from grader import curriculum
from grader.feedback import catalog
from grader.feedback.render import fill, language
from grader.reports import text
from grader.scoring import TestResult, TopicResult
from grader.watch.session import State

Line = tuple[str, dict, str]  # text, click.style arguments, the indent of its continuation lines


def say(key: str, lang: str, **params) -> str:
    return fill(catalog.template(f"watch.{key}", lang), params)


def _cell(c: str) -> int:
    return 2 if unicodedata.east_asian_width(c) in "WF" else 1


def cells(s: str) -> int:
    return sum(map(_cell, s))


def wrap(s: str, width: int, indent: str = "") -> list[str]:
    """``s`` broken into lines of at most ``width`` cells: at a space where there is one in the second
    half of the line (English), else between any two characters (Japanese); later lines get ``indent``."""
    indent = indent[: width // 2]
    out, line, used = [], "", 0
    for c in s:
        if used + _cell(c) > width and line.strip():
            cut = line.rfind(" ")
            if cut > max(len(indent), width // 2):
                out.append(line[:cut])
                line = indent + line[cut + 1 :]
            else:
                out.append(line)
                line = indent
            used = cells(line)
        line += c
        used += _cell(c)
    return [*out, line]


def clip(s: str, width: int) -> str:
    if cells(s) <= width:
        return s
    out, used = [], 0
    for c in s:
        w = _cell(c)
        if used + w > width - 1:
            break
        out.append(c)
        used += w
    return "".join(out) + "…"


def _raw(s: str, style: dict | None = None) -> list[Line]:
    """Laid-out text (feedback with arrays, table rows): its own lines kept; one too long for the
    terminal continues under its own indentation, two cells further in."""
    lines = s.splitlines() or [""]
    return [(line, style or {}, " " * (len(line) - len(line.lstrip(" ")) + 2)) for line in lines]


def _prose(s: str, style: dict | None = None, indent: str = "") -> list[Line]:
    """A sentence: wrapped to the width, later lines indented by ``indent``."""
    return [(s, style or {}, indent)]


BLANK: list[Line] = [("", {}, "")]


def _head(state: State, lang: str) -> list[Line]:
    topic, result = state.topic, state.result
    lines = _prose(say("header", lang, path=state.path), {"bold": True}) + BLANK
    if state.moved_from:
        learnt = catalog.template(f"watch.learnt.{state.moved_from}", lang)
        lines += _prose(say("passed", lang, topic=state.moved_from, learnt=learnt), {"fg": "green"}, "  ")
        lines += _prose(
            say("next_topic", lang, topic=topic.id, title=curriculum.title(topic, lang), section=topic.section),
            {"fg": "green"},
            "  ",
        )
        lines += BLANK
    heading = say(
        "topic",
        lang,
        number=state.number,
        total=len(state.topics),
        topic=topic.id,
        title=curriculum.title(topic, lang),
        section=topic.section,
    )
    lines += _prose(heading, {"bold": True}, "  ")
    if result is not None:
        score = say(
            "score",
            lang,
            bar=text._bar(result.score, result.max_score),
            score=text._points(result.score),
            max_score=text._points(result.max_score),
            status=text.label(result.status),
        )
        lines += _raw(score, {"fg": text.COLOR[result.status]})
    if state.done:
        lines += BLANK + _prose(say("all_passed", lang), {"fg": "green", "bold": True}, "  ")
    return lines


def _failure(result: TopicResult, path: str, lang: str) -> list[Line]:
    """The first failing test's feedback; for a stub, the function to write first."""
    if result.status == "error":
        return _prose(say("topic_error", lang, topic=result.id), {"fg": "red"}) + _raw(result.message(lang))
    first = first_unmet(result)
    if first is None:
        return []
    if first.status == "not_implemented":
        return _prose(say("write_first", lang, function=first.function, path=path), {"fg": "yellow"}, "  ")
    head = f"{text.MARK.get(first.status, '✗')} " + say("first_failure", lang, test=first.id, status=first.status)
    return _prose(head, {"fg": "red"}, "  ") + _raw(text._indent(first.message(lang), "    "))


def first_unmet(result: TopicResult) -> TestResult | None:
    """The first test whose points are not earned: a real failure first, else the first one not implemented."""
    unmet = [x for x in result.tests if not (x.status == "passed" and x.feedback is None)]
    return next((x for x in unmet if x.status != "not_implemented"), unmet[0] if unmet else None)


def _panel(state: State, lang: str) -> list[Line]:
    if state.panel == "hints":
        hints = curriculum.hints(state.topic, lang)
        if not hints:
            return _prose(say("no_hints", lang, topic=state.topic.id))
        shown = hints[: state.hints_shown]
        lines = _prose(say("hints", lang, topic=state.topic.id, shown=len(shown), total=len(hints)), {"bold": True})
        for n, hint in enumerate(shown, 1):
            lines += _prose(f"  {n}. {hint}", {"fg": "cyan"}, "     ")
        return lines
    if state.panel == "list":
        lines = _prose(say("list", lang), {"bold": True})
        for n, t in enumerate(state.topics, 1):
            status = state.statuses.get(t.id)
            mark = "▶" if t is state.topic else " "
            label = text.label(status) if status else "—"
            row = f" {mark}{n:>3}  {t.id:<18} {t.section:<24} {label}"
            lines += _raw(row, {"fg": text.COLOR[status]} if status else {})
        return lines
    return []


def _foot(state: State, lang: str) -> list[Line]:
    bar = text._bar(state.passed, len(state.topics))
    lines = BLANK + _raw(say("progress", lang, bar=bar, passed=state.passed, total=len(state.topics)))
    if state.checking:
        status = say("checking", lang, path=state.path)
    elif state.checks:
        status = say("checked", lang, time=state.at, ms=state.ms, count=state.checks)
    else:
        status = ""
    if state.polling:
        noticing = say("polling", lang, path=state.path, interval=state.polling)
    else:
        noticing = say("events", lang, path=state.path)
    return (
        lines
        + _prose(status, {"dim": True})
        + _prose(noticing, {"dim": True})
        + _prose(say("keys", lang), {"bold": True})
    )


def _lay(lines: list[Line], width: int) -> list[tuple[str, dict]]:
    return [(piece, style) for line, style, indent in lines for piece in wrap(line, width - 1, indent)]


def render(state: State, width: int = 100, height: int = 40, lang: str | None = None) -> list[str]:
    """The screen for ``state`` in a terminal of ``width`` × ``height`` cells, styled, one string a line."""
    lang = language(lang)
    head, foot = _lay(_head(state, lang), width), _lay(_foot(state, lang), width)
    feedback: list[Line] = []
    if state.error:
        feedback = _raw(say("grader_error", lang, error=state.error), {"fg": "red"})
    elif state.result is not None and not state.done:
        feedback = _failure(state.result, state.path, lang)
    body, panel = _lay(feedback, width), _lay(_panel(state, lang), width)
    room = height - len(head) - len(foot) - 1  # lines left for the middle, below its blank line
    if panel:
        panel = panel[: max(room - 3, 0)]
        room -= len(panel) + 1 if panel else 0
    if len(body) > room:
        cut = say("cut", lang, n=len(body) - room + 1, topic=state.topic.id)
        body = body[: room - 1] + [(clip(cut, width), {"dim": True})] if room >= 2 else []
    middle = [("", {}), *body, *([("", {}), *panel] if panel else [])]
    lines = head + middle + foot
    if len(lines) > height:  # a terminal too small even for the frame: keep its top and the keys
        lines = lines[: max(height - len(foot), 0)] + foot[-height:]
    return [click.style(line, **style) if style else line for line, style in lines]
