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

from grader.scoring import Report, TopicResult

BAR = 20
LABEL = {"passed": "passed", "partial": "partial", "failed": "failed", "not_started": "not started",
         "error": "error"}
COLOR = {"passed": "green", "partial": "yellow", "failed": "red", "not_started": None, "error": "red"}
MARK = {"passed": "✓", "failed": "✗", "not_implemented": "·", "error": "!", "timeout": "⏱", "forbidden": "⛔"}


def _bar(score: float, max_score: float) -> str:
    filled = round(BAR * score / max_score) if max_score else 0
    return "█" * filled + "░" * (BAR - filled)


def _points(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def topic_line(t: TopicResult, number: int | None = None) -> str:
    label = click.style(LABEL[t.status], fg=COLOR[t.status])
    head = f"{number:>3}  " if number is not None else ""
    return f"{head}{t.id:<18} {_bar(t.score, t.max_score)} {_points(t.score):>5}/{_points(t.max_score):<4} {label}"


def _indent(text: str, prefix: str) -> str:
    return textwrap.indent(text, prefix)


def _failure(test, topic_id: str | None = None) -> str:
    where = f"{topic_id} › " if topic_id else ""
    return f"  {MARK.get(test.status, '✗')} {where}{test.id}  [{test.status}]\n{_indent(test.message, '      ')}"


def isolation_lines(report: Report) -> list[str]:
    """A warning when the worker ran without namespace isolation, and the verdict on a tampered run."""
    lines = []
    if report.isolation.get("warning"):
        lines.append(click.style(f"Warning: {report.isolation['warning']}. A submission can read and write "
                                 "whatever your user can; for exams use --isolation require.", fg="yellow"))
    if report.tampered:
        lines.append(click.style(f"TAMPERED, scored 0: {report.tampered}", fg="red"))
    return lines


def grade_report(report: Report, numbers: dict[str, int], max_failures: int = 3) -> str:
    tier = report.isolation.get("tier", "unknown")
    lines = [f"Grading {report.submission}  (seed {report.seed}, isolation: {tier})", *isolation_lines(report), ""]
    lines += [topic_line(t, numbers.get(t.id)) for t in report.topics]
    errors = [t for t in report.topics if t.status == "error"]
    failures = [(t.id, x) for t in report.topics if t.status != "error"
                for x in t.tests if x.status not in ("passed", "not_implemented")]
    if errors or failures:
        lines += ["", "First problems:"]
        lines += [f"  ! {t.id}: {_indent(t.message, '    ').lstrip()}" for t in errors]
        lines += [_failure(x, tid) for tid, x in failures[:max_failures]]
        if len(failures) > max_failures:
            lines.append(f"  … and {len(failures) - max_failures} more; `grader check <topic>` shows them by function.")
    lines += ["", f"Total {_points(report.score)}/{_points(report.max_score)} ({report.percent:.0f}%)"
                  f"   reproduce with: grader grade --seed {report.seed}"]
    if report.score < report.max_score:
        lines.append("Next: `grader check` explains the first topic you have not passed, function by function.")
    return "\n".join(lines)


def check_report(report: Report, hints_left: dict[str, bool]) -> str:
    lines = []
    for t in report.topics:
        lines += [topic_line(t), f"     {t.title} ({t.section})", ""]
        if t.status == "error":
            lines += [_indent(t.message, "  "), ""]
            continue
        by_function = defaultdict(list)
        for x in t.tests:
            by_function[x.function].append(x)
        for function, tests in by_function.items():
            passed = sum(x.status == "passed" for x in tests)
            state = "not started" if all(x.status == "not_implemented" for x in tests) else f"{passed}/{len(tests)} cases"
            first = next((x for x in tests if x.status != "passed"), None)
            mark = MARK["passed"] if first is None else MARK.get(first.status, "✗")
            lines.append(f"  {mark} {function:<22} {state}")
            if first is not None and first.status != "not_implemented":
                lines.append(_indent(f"[{first.id}] {first.message}", "      "))
        lines.append("")
        if t.status == "passed":
            lines.append(click.style(f"{t.id} passed. Well done!", fg="green"))
        else:
            todo = next(f for f, tests in by_function.items() if any(x.status != "passed" for x in tests))
            verb = "write" if all(x.status == "not_implemented" for x in by_function[todo]) else "fix"
            lines.append(f"Next: {verb} {todo} in {os.path.join(report.submission, t.id + '.py')}.")
            if hints_left.get(t.id):
                lines.append(f"Stuck? `grader hint {t.id}` gives the next hint.")
        lines.append("")
    lines.append(f"(seed {report.seed}: `grader check {' '.join(t.id for t in report.topics)} --seed {report.seed}` "
                 "repeats these exact inputs)")
    lines += isolation_lines(report)
    return "\n".join(lines)
