"""Putting a stub back: ``grader reset`` keeps the learner's file first.

A stub is the topic's module in ``grader.stubs.folder(lang)``: the kit's
``exercises/`` for English, ``grader/stubs/<lang>/`` for a translation; a
language without stubs gets the English ones.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from grader import stubs
from grader.curriculum import Topic


def stub_file(topic: Topic, lang: str | None = None) -> Path:
    """The stub of ``topic`` with its docstrings in ``lang`` where this grader has them, else in English."""
    try:
        return stubs.folder(lang or stubs.DEFAULT) / topic.module_file
    except stubs.StubsMissing:
        return stubs.folder(stubs.DEFAULT) / topic.module_file


def backup_dir(submission_dir) -> Path:
    """``.grader/backups`` beside the submission folder (where progress lives too), never inside it."""
    return Path(submission_dir).resolve().parent / ".grader" / "backups"


def backup(path: Path, topic: Topic, submission_dir) -> Path:
    """Copy ``path`` to ``.grader/backups/<topic>-<timestamp>.py`` (a new name, never overwritten) and check it."""
    folder = backup_dir(submission_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target, n = folder / f"{topic.id}-{stamp}.py", 1
    while target.exists():
        target, n = folder / f"{topic.id}-{stamp}-{n}.py", n + 1
    shutil.copy2(path, target)
    if target.read_bytes() != path.read_bytes():
        raise OSError(f"the copy at {target} differs from {path}")
    return target


def restore(stub: Path, path: Path) -> None:
    """Write the stub over ``path`` atomically: the file is either the old one or the whole stub."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(stub.read_bytes())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
