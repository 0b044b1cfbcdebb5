"""What a grading run must not change: the grader's files (suites, curriculum) and the submission's.

``snapshot`` hashes them before and after a run; ``changes`` says what
differs; ``mark_tampered`` scores such a report 0 and says why. The suite
hash in every report names the exact suites and curriculum that judged it.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from grader.feedback import Feedback
from grader.scoring import Report, TestResult
from grader.submission import Submission

PACKAGE_DIR = Path(__file__).resolve().parent


_known: dict[str, tuple[tuple, str]] = {}  # path -> (its stat key, its digest)


def _hash(path: Path | str) -> str:
    """sha256 of a file, read again only when its inode, size, mtime or ctime changed.

    The ctime is set by the kernel on every write or metadata change (``os.utime``
    included) and cannot be set back by a process, so a file whose four stay the same
    holds the bytes it was hashed with.
    """
    try:
        st = os.stat(path)
        key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        known = _known.get(str(path))
        if known is not None and known[0] == key:
            return known[1]
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    _known[str(path)] = (key, digest)
    return digest


def _grader_files() -> list[str]:
    """Every file of the grader package but compiled caches (os.walk: a run takes two snapshots)."""
    found = []
    for folder, dirs, files in os.walk(PACKAGE_DIR):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        found += [os.path.join(folder, name) for name in files]
    return sorted(found)


def snapshot(submission: Submission, grader: dict[str, str] | None = None) -> dict[str, str]:
    """Path -> sha256 of every file of the grader package and every topic file of the submission.

    ``grader``: the grader's part of a snapshot taken just before (``grader_part``), when nothing
    ran in between: the package is then not listed and hashed again (one grading after another)."""
    found = dict(grader) if grader is not None else {p: _hash(p) for p in _grader_files()}
    return found | {str(p): _hash(p) for p in submission.files.values()}


def grader_part(snap: dict[str, str]) -> dict[str, str]:
    """The grader package's files of a snapshot."""
    inside = str(PACKAGE_DIR) + os.sep
    return {p: h for p, h in snap.items() if p.startswith(inside)}


JUDGING = ("suites/**/*.py", "worker/scenarios/**/*.py", "curriculum.toml", "feedback/*/*.toml")


@functools.cache
def _judging(listing: tuple[str, ...]) -> tuple[Path, ...]:
    files = {
        p for pattern in JUDGING for p in PACKAGE_DIR.glob(pattern) if p.is_file() and "__pycache__" not in p.parts
    }
    return tuple(sorted(files, key=lambda p: p.relative_to(PACKAGE_DIR).as_posix()))


def judging_files() -> list[Path]:
    """What decides a grade: the hidden suites, the worker's scenarios, the curriculum, the catalogs
    (globbed again whenever the package's listing changes)."""
    return list(_judging(tuple(_grader_files())))


def suite_hash(snap: dict[str, str] | None = None) -> str:
    """One sha256 (16 hex digits) over the judging files, as ``snapshot`` saw them (or as they are now).

    Two gradings with the same grader version, seed and suite hash give the same points for the same files.
    """
    if snap is None:
        return _suite_hash({str(p): _hash(p) for p in judging_files()})
    part = frozenset(grader_part(snap).items())
    if part not in _suite_hashes:  # one grading after another: the same package, the same hash
        _suite_hashes.clear()
        _suite_hashes[part] = _suite_hash(dict(part))
    return _suite_hashes[part]


_suite_hashes: dict[frozenset, str] = {}


def _suite_hash(digests: dict[str, str]) -> str:
    h = hashlib.sha256()
    for path in _judging(tuple(sorted(digests))):
        digest = digests.get(str(path)) or _hash(path)
        h.update(f"{path.relative_to(PACKAGE_DIR).as_posix()}\0{digest}\n".encode())
    return h.hexdigest()[:16]


def changes(before: dict[str, str], after: dict[str, str]) -> str:
    """ "" when nothing changed, else what did (the first few paths)."""
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
