"""What a grading run must not change: the grader's files (suites, curriculum) and the submission's.

``snapshot`` hashes them before and after a run; ``changes`` says what
differs; ``mark_tampered`` scores such a report 0 and says why. The suite
hash in every report names the exact suites and curriculum that judged it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from grader.curriculum import CURRICULUM_FILE, SUITES_DIR
from grader.feedback import Feedback
from grader.scoring import Report, TestResult
from grader.submission import Submission

PACKAGE_DIR = Path(__file__).resolve().parent


def _hash(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        return f"unreadable ({exc.strerror})"


def _grader_files() -> list[Path]:
    return sorted(p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def snapshot(submission: Submission) -> dict[str, str]:
    """Path -> sha256 of every file of the grader package and every topic file of the submission."""
    files = _grader_files() + [Path(p) for p in submission.files.values()]
    return {str(p): _hash(Path(p)) for p in files}


def suite_hash(snap: dict[str, str]) -> str:
    """One sha256 over the suites and the curriculum, as ``snapshot`` saw them."""
    judged = [str(CURRICULUM_FILE.resolve())] + [p for p in snap if Path(p).is_relative_to(SUITES_DIR.resolve())]
    h = hashlib.sha256()
    for path in sorted(judged):
        h.update(f"{Path(path).relative_to(PACKAGE_DIR)}\0{snap.get(path, '')}\n".encode())
    return h.hexdigest()


def changes(before: dict[str, str], after: dict[str, str]) -> str:
    """"" when nothing changed, else what did (the first few paths)."""
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    if not changed:
        return ""
    shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    return f"files changed during the run: {shown}"


def mark_tampered(report: Report, reason: str) -> None:
    """Score every topic 0: a run whose judge or submission changed under it judges nothing."""
    report.tampered = reason
    verdict = Feedback("score.tampered", {"reason": reason})
    for topic in report.topics:
        topic.score, topic.status = 0.0, "error"
        topic.error = TestResult("(run)", "", "error", 0.0, 0.0, verdict)
        for test in topic.tests:
            test.points = 0.0
