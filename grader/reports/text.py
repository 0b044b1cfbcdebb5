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

from grader import fmt, replay
from grader.feedback import catalog
from grader.feedback.render import fill, language
from grader.scoring import Report, TestResult, TopicResult

BAR = 20
COLOR = {"passed": "green", "partial": "yellow", "failed": "red", "not_started": None, "error": "red"}
MARK = {"passed": "✓", "failed": "✗", "not_implemented": "·", "error": "!", "timeout": "⏱", "forbidden": "⛔"}


def say(key: str, lang: str | None = None, **params) -> str:
    """A report string from the catalog (``report.<key>``) in the learner's language."""
    return fill(catalog.template(f"report.{key}", language(lang)), params)


def label(status: str) -> str:
    return say(f"status.{status}")


def _bar(score: float, max_score: float) -> str:
    filled = round(BAR * score / max_score) if max_score else 0
    return "█" * filled + "░" * (BAR - filled)


def _points(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def topic_line(t: TopicResult, number: int | None = None) -> str:
    styled = click.style(label(t.status), fg=COLOR[t.status])
    head = f"{number:>3}  " if number is not None else ""
    return f"{head}{t.id:<18} {_bar(t.score, t.max_score)} {_points(t.score):>5}/{_points(t.max_score):<4} {styled}"


def _earned(test) -> bool:
    """Passed, and its points counted (a scoring rule can withhold them)."""
    return test.status == "passed" and test.feedback is None


def _indent(text: str, prefix: str) -> str:
    return textwrap.indent(text, prefix)


def _replay_line(report: Report, topic_id: str, test: TestResult, *, python: bool = False) -> str:
    """The command that re-runs just this case (``--python``: prints it as a script); "" for none."""
    if not replay.replayable(test):
        return ""
    command = replay.command(topic_id, report.seed, test.id, report.submission, python=python)
    return "\n" + replay.say("as_python" if python else "again", command=command)


def _failure(test, topic_id: str, report: Report) -> str:
    message = test.message() + _replay_line(report, topic_id, test)
    return f"  {MARK.get(test.status, '✗')} {topic_id} › {test.id}  [{test.status}]\n{_indent(message, '      ')}"


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
                message = test.message() + _replay_line(report, t.id, test, python=test.last is not None)
            lines.append(f"  {MARK.get(test.status, '✗')} {t.id} › {test.id}  [{test.status}]")
            lines.append(_indent(message, "      "))
    return "\n".join(lines + isolation_lines(report))


def isolation_lines(report: Report) -> list[str]:
    """A warning when the worker ran without namespace isolation, and the verdict on a tampered run."""
    lines = []
    if report.isolation.get("warning"):
        lines.append(click.style(say("weak_isolation", warning=report.isolation["warning"]), fg="yellow"))
    if report.tampered:
        lines.append(click.style(say("tampered", reason=report.tampered), fg="red"))
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


def check_report(report: Report, hints_left: dict[str, bool]) -> str:
    lines = []
    for t in report.topics:
        lines += [topic_line(t), f"     {t.title} ({t.section})", ""]
        if t.status == "error":
            lines += [_indent(t.message(), "  "), ""]
            continue
        by_function = defaultdict(list)
        for x in t.tests:
            by_function[x.function].append(x)
        for function, tests in by_function.items():
            passed = sum(_earned(x) for x in tests)
            state = (
                say("not_started")
                if all(x.status == "not_implemented" for x in tests)
                else say("cases", passed=passed, total=len(tests))
            )
            # a real failure first; a passed case whose points a scoring rule withheld only if there is none
            first = next((x for x in tests if x.status != "passed"), None) or next(
                (x for x in tests if not _earned(x)), None
            )
            mark = MARK["passed"] if first is None else MARK.get(first.status, "✗")
            lines.append(f"  {mark} {function:<22} {state}")
            if first is not None and first.status != "not_implemented":
                message = first.message() + _replay_line(report, t.id, first)
                lines.append(_indent(f"[{first.id}] {message}", "      "))
        lines.append("")
        if t.status == "passed":
            lines.append(click.style(say("topic_passed", topic=t.id), fg="green"))
        else:
            todo = next(f for f, tests in by_function.items() if any(not _earned(x) for x in tests))
            fresh = all(x.status == "not_implemented" for x in by_function[todo])
            lines.append(
                say(
                    "next_write" if fresh else "next_fix",
                    function=todo,
                    path=os.path.join(report.submission, t.id + ".py"),
                )
            )
            if hints_left.get(t.id):
                lines.append(say("stuck", topic=t.id))
        lines.append("")
    lines.append(say("repeat", seed=report.seed, topics=" ".join(t.id for t in report.topics)))
    lines += isolation_lines(report)
    return "\n".join(lines)
