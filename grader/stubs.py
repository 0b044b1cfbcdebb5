"""The kit's stubs and putting one back: ``grader reset`` keeps the learner's file first.

A stub is ``exercises/<topic>.py`` of the installed kit (the checkout the
grader package lives in, as ``grader.bundle.files.kit_root`` finds it).
``stub_file`` takes a language: a kit with translated stubs in
``exercises/<lang>/`` serves those, any other language the English ones.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from grader.bundle.files import GRADER_PACKAGE
from grader.curriculum import Topic

KIT_EXERCISES = GRADER_PACKAGE.parent / "exercises"


def stub_file(topic: Topic, lang: str | None = None, exercises: Path = KIT_EXERCISES) -> Path:
    """The stub of ``topic``: ``exercises/<lang>/<topic>.py`` when the kit has it, else ``exercises/<topic>.py``."""
    translated = exercises / lang / topic.module_file if lang else None
    return translated if translated is not None and translated.is_file() else exercises / topic.module_file


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
