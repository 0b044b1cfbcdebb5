"""The report for people: a per-topic table with score bars, then feedback.

``grade_report`` is the full report (table, first failures, total, seed);
``check_report`` is the learner's loop: for each checked topic, every
function's tally and the first failure of each function, then what to do next.
"""

from __future__ import annotations

import os
import textwrap
from collections import defaultdict

import click

from grader import curriculum, fmt, replay
from grader.feedback.render import message
from grader.scoring import Report, TestResult, TopicResult

BAR = 20
COLOR = {"passed": "green", "partial": "yellow", "failed": "red", "not_started": None, "error": "red"}
MARK = {"passed": "✓", "failed": "✗", "not_implemented": "·", "error": "!", "timeout": "⏱", "forbidden": "⛔"}


def say(key: str, lang: str | None = None, **params) -> str:
    """A report string from the catalog (``report.<key>``) in the learner's language."""
    return message(f"report.{key}", lang, **params)


def label(status: str, lang: str | None = None) -> str:
    return say(f"status.{status}", lang)


def _bar(score: float, max_score: float) -> str:
    filled = round(BAR * score / max_score) if max_score else 0
    return "█" * filled + "░" * (BAR - filled)


def _points(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def topic_line(t: TopicResult, number: int | None = None, lang: str | None = None) -> str:
    styled = click.style(label(t.status, lang), fg=COLOR[t.status])
    head = f"{number:>3}  " if number is not None else ""
    score = f"{fmt.pad(_points(t.score), 5, '>')}/{fmt.pad(_points(t.max_score), 4)}"
    return f"{head}{fmt.pad(t.id, 18)} {_bar(t.score, t.max_score)} {score} {styled}"


def _earned(test) -> bool:
    """Passed, and its points counted (a scoring rule can withhold them)."""
    return test.status == "passed" and test.feedback is None


def _indent(text: str, prefix: str) -> str:
    return textwrap.indent(text, prefix)


def _replay_line(
    report: Report, topic_id: str, test: TestResult, lang: str | None = None, *, python: bool = False
) -> str:
    """The command that re-runs just this case (``--python``: prints it as a script); "" for none."""
    if not replay.replayable(test):
        return ""
    command = replay.command(topic_id, report.seed, test.id, report.submission, python=python)
    return "\n" + replay.say("as_python" if python else "again", lang, command=command)


def _failure(test, topic_id: str, report: Report) -> str:
    shown = test.message() + _replay_line(report, topic_id, test)
    return f"  {MARK.get(test.status, '✗')} {topic_id} › {test.id}  [{test.status}]\n{_indent(shown, '      ')}"


def case_report(report: Report) -> str:
    """The cases of one ``check --case`` run, each in full: no array, output or traceback cut short."""
    lines = []
    for t in report.topics:
        for test in t.tests:
            if test.status == "passed":
                lines.append(f"  {MARK['passed']} {t.id} › {test.id}  [{test.status}]")
                lines.append("      " + replay.say("passes", seed=report.seed))
                continue
            with fmt.in_full():
                shown = test.message() + _replay_line(report, t.id, test, python=test.last is not None)
            lines.append(f"  {MARK.get(test.status, '✗')} {t.id} › {test.id}  [{test.status}]")
            lines.append(_indent(shown, "      "))
    return "\n".join(lines + isolation_lines(report))


def isolation_lines(report: Report, lang: str | None = None) -> list[str]:
    """A warning when the worker ran without namespace isolation, and the verdict on a tampered run."""
    lines = []
    if report.isolation.get("warning"):
        lines.append(click.style(say("weak_isolation", lang, warning=report.isolation["warning"]), fg="yellow"))
    if report.tampered:
        lines.append(click.style(say("tampered", lang, reason=report.tampered), fg="red"))
    return lines


def grade_report(report: Report, numbers: dict[str, int], max_failures: int = 3) -> str:
    tier = report.isolation.get("tier", "unknown")
    lines = [say("grading", submission=report.submission, seed=report.seed, tier=tier), *isolation_lines(report), ""]
    lines += [topic_line(t, numbers.get(t.id)) for t in report.topics]
    errors = [t for t in report.topics if t.status == "error"]
    failures = [
        (t.id, x)
        for t in report.topics
        if t.status != "error"
        for x in t.tests
        if x.status != "not_implemented" and not _earned(x)
    ]
    if errors or failures:
        lines += ["", say("first_problems")]
        lines += [f"  ! {t.id}: {_indent(t.message(), '    ').lstrip()}" for t in errors]
        lines += [_failure(x, tid, report) for tid, x in failures[:max_failures]]
        if len(failures) > max_failures:
            lines.append("  " + say("more_problems", n=len(failures) - max_failures))
    lines += [
        "",
        say(
            "total",
            score=_points(report.score),
            max_score=_points(report.max_score),
            percent=report.percent,
            seed=report.seed,
        ),
    ]
    if report.score < report.max_score:
        lines.append(say("next_check"))
    return "\n".join(lines)


def by_function(t: TopicResult) -> dict[str, list]:
    """A topic's tests grouped by the function they call, in the order they ran."""
    groups: dict[str, list] = defaultdict(list)
    for x in t.tests:
        groups[x.function].append(x)
    return dict(groups)


def first_failure(tests: list):
    """The test to show for one function: a real failure first; a passed case whose points a scoring
    rule withheld only if there is none; None when every case earned its points."""
    return next((x for x in tests if x.status != "passed"), None) or next((x for x in tests if not _earned(x)), None)


def mark(first) -> str:
    """A function's mark from its first failure (None: ✓)."""
    return MARK["passed"] if first is None else MARK.get(first.status, "✗")


def tally(tests: list, lang: str | None = None) -> str:
    """``not started`` or ``3/5 cases``."""
    if all(x.status == "not_implemented" for x in tests):
        return say("not_started", lang)
    return say("cases", lang, passed=sum(_earned(x) for x in tests), total=len(tests))


def next_step(t: TopicResult, groups: dict[str, list]) -> tuple[str, str]:
    """For a topic not passed: (``next_write`` or ``next_fix``, the first function that still loses points)."""
    todo = next(f for f, tests in groups.items() if any(not _earned(x) for x in tests))
    fresh = all(x.status == "not_implemented" for x in groups[todo])
    return ("next_write" if fresh else "next_fix"), todo


def check_report(
    report: Report,
    hints_left: dict[str, bool],
    lang: str | None = None,
    *,
    where: dict[str, str] | None = None,
    repeat: str | None = None,
) -> str:
    """``where``: topic -> where its functions are written (default: the module in the submission);
    ``repeat``: the last line's text (default: the ``grader check`` command that repeats the run)."""
    lines = []
    for t in report.topics:
        lines += [topic_line(t, lang=lang), f"     {curriculum.title(t, lang)} ({t.section})", ""]
        if t.status == "error":
            lines += [_indent(t.message(lang), "  "), ""]
            continue
        groups = by_function(t)
        for function, tests in groups.items():
            first = first_failure(tests)
            lines.append(f"  {mark(first)} {fmt.pad(function, 22)} {tally(tests, lang)}")
            if first is not None and first.status != "not_implemented":
                shown = first.message(lang) + _replay_line(report, t.id, first, lang)
                lines.append(_indent(f"[{first.id}] {shown}", "      "))
        lines.append("")
        if t.status == "passed":
            lines.append(click.style(say("topic_passed", lang, topic=t.id), fg="green"))
        else:
            key, todo = next_step(t, groups)
            path = (where or {}).get(t.id) or os.path.join(report.submission, t.id + ".py")
            lines.append(say(key, lang, function=todo, path=path))
            if hints_left.get(t.id):
                lines.append(say("stuck", lang, topic=t.id))
        lines.append("")
    topics = " ".join(t.id for t in report.topics)
    lines.append(repeat if repeat is not None else say("repeat", lang, seed=report.seed, topics=topics))
    lines += isolation_lines(report, lang)
    return "\n".join(lines)
