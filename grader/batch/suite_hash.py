"""One hash of everything that judges a submission: the hidden suites (and the
worker's scenarios), the curriculum and the feedback catalogs.

Two gradings with the same grader version, seed and suite hash give the same
points for the same files. (A sandbox-side ``grader/integrity.py`` may come to
hold a hash of its own; this one is the batch's, named for what it covers.)
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

GRADER_DIR = Path(__file__).resolve().parents[1]
COVERED = ("suites/**/*.py", "worker/scenarios/**/*.py", "curriculum.toml", "feedback/*/*.toml")


def covered_files(root: Path = GRADER_DIR) -> list[Path]:
    files = {p for pattern in COVERED for p in root.glob(pattern) if p.is_file() and "__pycache__" not in p.parts}
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


@functools.cache
def suite_hash(root: Path = GRADER_DIR) -> str:
    """sha256 over (relative path, length, bytes) of each covered file, first 16 hex digits."""
    h = hashlib.sha256()
    for path in covered_files(root):
        data = path.read_bytes()
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return h.hexdigest()[:16]
