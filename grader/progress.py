"""Saved progress: the last known status of every topic and the hints seen.

Kept in ``.grader/progress.json`` beside the submission folder (never inside
it, and never in a learner's module), one entry per submission folder. A
missing or unreadable file is an empty progress; failing to save it is not
an error worth stopping a learner for.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from grader.scoring import Report


class Progress:
    def __init__(self, submission_dir):
        self._dir = Path(submission_dir).resolve()
        self.path = self._dir.parent / ".grader" / "progress.json"
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self._all = data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            self._all = {}
        entry = self._all.get(self._dir.name)
        self._entry = entry if isinstance(entry, dict) else {}

    def status(self, topic: str) -> str | None:
        return self._entry.get("topics", {}).get(topic, {}).get("status")

    def hints_seen(self, topic: str) -> int:
        return int(self._entry.get("hints", {}).get(topic, 0))

    def record(self, report: Report) -> None:
        topics = self._entry.setdefault("topics", {})
        for t in report.topics:
            topics[t.id] = {"status": t.status, "score": t.score, "max_score": t.max_score, "at": int(time.time())}
        self._save()

    def see_hint(self, topic: str, count: int) -> None:
        self._entry.setdefault("hints", {})[topic] = count
        self._save()

    def _save(self) -> None:
        self._all[self._dir.name] = self._entry
        try:
            self.path.parent.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(self._all, f, indent=1, ensure_ascii=False)
            os.replace(tmp, self.path)
        except OSError:
            pass

    def forget(self, topic: str) -> None:
        """Drop the topic's status (its file was reset to the stub); the hints seen stay seen."""
        if self._entry.get("topics", {}).pop(topic, None) is not None:
            self._save()
