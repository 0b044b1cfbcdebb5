"""The batch's state: ``gradebook.sqlite`` in the output folder.

* ``runs``: one row per ``grader batch`` (seed, topics, when, how it ended);
* ``attempts``: one row per graded learner per run, never updated or deleted,
  so a regraded learner keeps the history of earlier attempts;
* ``latest``: a view, each learner's newest attempt (what the gradebook shows);
* ``meta``: the class seed.

WAL journal, one transaction per learner: a batch killed at any moment
keeps every learner that finished before it.
"""

from __future__ import annotations

import datetime
import json
import sqlite3
from pathlib import Path

from grader.feedback.errors import MessageError

DB_NAME = "gradebook.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT NOT NULL, finished TEXT,
    seed INTEGER NOT NULL, topics TEXT NOT NULL, jobs INTEGER, outcome TEXT);
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run INTEGER NOT NULL REFERENCES runs(id),
    learner TEXT NOT NULL, content_hash TEXT, status TEXT NOT NULL,
    total REAL, max REAL, percent REAL, topics TEXT NOT NULL,
    seed INTEGER NOT NULL, grader_version TEXT, suite_hash TEXT,
    duration REAL, graded_at TEXT NOT NULL, report TEXT);
CREATE INDEX IF NOT EXISTS attempts_by_learner ON attempts (learner, id);
CREATE VIEW IF NOT EXISTS latest AS
    SELECT * FROM attempts a WHERE a.id = (SELECT max(b.id) FROM attempts b WHERE b.learner = a.learner);
"""


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


class GradebookError(MessageError, RuntimeError):
    pass


class Gradebook:
    def __init__(self, folder: Path, create: bool = True):
        path = Path(folder) / DB_NAME
        if not create and not path.is_file():
            raise GradebookError("batch.no_gradebook", folder=folder, db=DB_NAME)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    # --- meta and runs
    def get(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else None

    def set(self, key: str, value) -> None:
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, str(value)),
        )

    def start_run(self, seed: int, topics: list[str], jobs: int) -> int:
        cur = self.db.execute(
            "INSERT INTO runs (started, seed, topics, jobs) VALUES (?, ?, ?, ?)",
            (_now(), seed, json.dumps(topics), jobs),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def end_run(self, run: int, outcome: str) -> None:
        self.db.execute("UPDATE runs SET finished = ?, outcome = ? WHERE id = ?", (_now(), outcome, run))

    # --- attempts
    def record(self, run: int, result: dict, content_hash: str | None, seed: int) -> None:
        """One learner's attempt, in its own transaction."""
        report = result.get("report")
        total = report["score"] if report else None
        max_score = report["max_score"] if report else None
        percent = round(100 * total / max_score, 2) if total is not None and max_score else None
        topics = {t["id"]: t["score"] for t in report["topics"]} if report else {}
        with self.db:  # BEGIN … COMMIT
            self.db.execute("BEGIN")
            self.db.execute(
                "INSERT INTO attempts (run, learner, content_hash, status, total, max, percent, topics, seed, "
                "grader_version, suite_hash, duration, graded_at, report) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    run,
                    result["learner"],
                    content_hash,
                    result["status"],
                    total,
                    max_score,
                    percent,
                    json.dumps(topics),
                    seed,
                    result.get("grader_version"),
                    result.get("suite_hash"),
                    report["duration"] if report else None,
                    _now(),
                    json.dumps(report) if report else None,
                ),
            )

    def latest(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM latest ORDER BY learner").fetchall()

    def latest_of(self, learner: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM latest WHERE learner = ?", (learner,)).fetchone()

    def history(self, learner: str) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM attempts WHERE learner = ? ORDER BY id", (learner,)).fetchall()

    def reports(self) -> list[dict]:
        """The latest report of each learner that was graded."""
        return [json.loads(r["report"]) | {"learner": r["learner"]} for r in self.latest() if r["report"]]
