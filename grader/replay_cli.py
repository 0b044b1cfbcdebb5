"""``grader check TOPIC --case ID [--python]``: one case, run on its own and shown in full, or printed as a script.

A case run records no progress: it is a look at one failure, not a check of the topic.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import click

from grader import replay
from grader.curriculum import Curriculum
from grader.reports import text
from grader.submission import Submission


def _unknown(exc, topic: str) -> str:
    lines = []
    for case in exc.unknown:
        lines.append(replay.say("unknown", topic=topic, case=case))
        close = difflib.get_close_matches(case, exc.known, n=5, cutoff=0.5)
        lines.append(replay.say("close", names=close) if close else replay.say("known", names=exc.known))
    return "\n".join(lines)


def check_cases(cu: Curriculum, topics, submission: Submission, seed, cases, as_python: bool, grade) -> None:
    """Exit 0 when every case passes (``--python``: when every script is printed), 1 when one fails
    (has no call to print), 2 for a usage error or an unknown case."""
    from grader import runner

    if not cases:
        raise click.UsageError(replay.say("needs_case"))
    if len(topics) != 1:
        raise click.UsageError(replay.say("one_topic"))
    topic = cu.topic(topics[0])
    try:
        report = grade(submission, [topic], seed, cases=cases)
    except runner.UnknownCase as exc:
        click.echo(_unknown(exc, topic.id), err=True)
        raise SystemExit(2) from None
    tests = report.topics[0].tests
    if not as_python:
        click.echo(text.case_report(report))
        if any(t.status != "passed" for t in tests):
            raise SystemExit(1)
        return
    module = submission.files.get(topic.id, Path(topic.module_file))
    for test in tests:
        script = replay.snippet(test, topic.id, module, report.seed)
        if script is not None:
            click.echo(script)
        elif test.status == "passed":
            click.echo(replay.say("nothing_to_replay", seed=report.seed), err=True)
        else:
            click.echo(text.case_report(report) + "\n" + replay.say("no_call"), err=True)
            raise SystemExit(1)
