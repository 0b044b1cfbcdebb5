"""The gradebook as CSV, and as a Canvas import file.

``gradebook.csv``: ``learner,total,max,percent,<topic ids…>,status,seed,
grader_version,suite_hash``; a learner who could not be graded has empty
scores and the reason in ``status``.

Canvas (Grades → Import): ``Student,ID,SIS User ID,SIS Login ID,Section,
<assignment>``, a ``Points Possible`` row first; the roster maps each learner
folder to the LMS's identities.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from grader.curriculum import Curriculum
from grader.feedback.errors import MessageError
from grader.feedback.render import message

FIXED = ["learner", "total", "max", "percent"]
TRAILING = ["status", "seed", "grader_version", "suite_hash"]
CANVAS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
ROSTER_IDS = ["ID", "SIS User ID", "SIS Login ID"]


class RosterError(MessageError, ValueError):
    pass


def _num(x) -> str:
    return "" if x is None else f"{round(x, 6):.12g}"


def gradebook_rows(rows, curriculum: Curriculum) -> tuple[list[str], list[list[str]]]:
    scores = [json.loads(r["topics"]) for r in rows]
    topic_ids = [t.id for t in curriculum.topics if any(t.id in s for s in scores)]
    header = FIXED + topic_ids + TRAILING
    body = [
        [r["learner"], _num(r["total"]), _num(r["max"]), _num(r["percent"])]
        + [_num(s.get(tid)) for tid in topic_ids]
        + [r["status"], str(r["seed"]), r["grader_version"] or "", r["suite_hash"] or ""]
        for r, s in zip(rows, scores)
    ]
    return header, body


def to_csv(header: list[str], body: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue()


def write_gradebook(rows, curriculum: Curriculum, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(to_csv(*gradebook_rows(rows, curriculum)), encoding="utf-8")
    tmp.replace(path)


def read_roster(path: Path) -> dict[str, dict[str, str]]:
    """learner -> {Student, ID, SIS User ID, SIS Login ID, Section}; RosterError says what is wrong."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            columns = [c.strip() for c in reader.fieldnames or []]
            rows = [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in reader]
    except OSError as exc:
        raise RosterError("batch.roster_unreadable", path=path, reason=exc.strerror) from None
    except UnicodeDecodeError:
        raise RosterError("batch.roster_not_utf8", path=path) from None
    expected = "learner,Student," + ",".join(ROSTER_IDS) + ",Section"
    missing = [c for c in ("learner", "Student") if c not in columns]
    if missing or not any(c in columns for c in ROSTER_IDS):
        need = ", ".join(missing) if missing else message("batch.roster_one_of", columns=", ".join(ROSTER_IDS))
        header = ",".join(columns) or message("batch.roster_empty_header")
        raise RosterError("batch.roster_columns", path=path, need=need, header=header, expected=expected)
    roster: dict[str, dict[str, str]] = {}
    for line, row in enumerate(rows, 2):
        name = row.get("learner", "")
        if not name:
            raise RosterError("batch.roster_empty_learner", path=path, line=line)
        if name in roster:
            raise RosterError("batch.roster_twice", path=path, line=line, learner=name)
        roster[name] = {c: row.get(c, "") for c in CANVAS}
    return roster


def canvas_csv(rows, roster: dict[str, dict[str, str]] | None, assignment: str, points: float) -> str:
    """Canvas import: roster order, then learners the roster lacks are an error (RosterError)."""
    by_learner = {r["learner"]: r for r in rows}
    if roster is None:
        roster = {
            name: {"Student": name, "ID": "", "SIS User ID": "", "SIS Login ID": name, "Section": ""}
            for name in by_learner
        }
    unknown = sorted(set(by_learner) - set(roster))
    if unknown:
        raise RosterError("batch.roster_lacks", n=len(unknown), learners=", ".join(unknown))
    body = [
        [
            *(ids[c] for c in CANVAS),
            _num(by_learner[name]["total"]) if name in by_learner else "",
        ]  # empty: Canvas leaves the grade
        for name, ids in roster.items()
    ]
    return to_csv(CANVAS + [assignment], [["Points Possible", "", "", "", "", _num(points)]] + body)
