"""The machine-readable report (`grader grade --json FILE`), schema grader-report/2.

Every test carries its feedback as data (``code``, ``mistake``, ``params``,
null when it passed and earned its points) beside ``message``, the same
feedback rendered in the report's language, and for a failure ``replay``, the
command that re-runs just that case (null otherwise).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from grader import __version__, replay
from grader.feedback.render import language
from grader.scoring import Report, TestResult

SCHEMA = "grader-report/2"


def _test(x: TestResult, topic: str, report: Report, lang: str | None) -> dict:
    data = x.feedback.plain() if x.feedback else {"code": None, "mistake": None, "params": {}}
    again = replay.command(topic, report.seed, x.id, report.submission) if replay.replayable(x) else None
    return {
        "id": x.id,
        "function": x.function,
        "status": x.status,
        "points": round(x.points, 6),
        "max_points": round(x.max_points, 6),
        **data,
        "message": x.message(lang),
        "replay": again,
    }


def to_dict(report: Report, lang: str | None = None) -> dict:
    return {
        "schema": SCHEMA,
        "language": language(lang),
        "grader_version": __version__,
        "submission": report.submission,
        "seed": report.seed,
        "score": report.score,
        "max_score": report.max_score,
        "duration": round(report.duration, 3),
        "isolation": report.isolation,
        "suite_hash": report.suite_hash,
        "tampered": report.tampered,
        "topics": [
            {
                "id": t.id,
                "title": t.title,
                "section": t.section,
                "score": t.score,
                "max_score": t.max_score,
                "status": t.status,
                "message": t.message(lang),
                "tests": [_test(x, t.id, report, lang) for x in t.tests],
            }
            for t in report.topics
        ],
    }


def write(report: Report, path, lang: str | None = None) -> None:
    """Write atomically: a reader never sees half a report."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(to_dict(report, lang), f, indent=2, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, path)
