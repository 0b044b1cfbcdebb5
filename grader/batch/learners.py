"""The learners of a batch: every subfolder or ``.zip`` of the submissions
folder is one learner, named by the folder or the zip's stem.

A learner's modules may sit in the folder itself or one level down (a zip of
``alice/`` or of ``exercises/``): ``module_root`` looks for them.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from grader.curriculum import Curriculum
from grader.feedback.errors import MessageError

IGNORED = {"__MACOSX", "__pycache__", ".git", ".grader"}


@dataclasses.dataclass(frozen=True)
class Learner:
    name: str
    path: Path  # a folder, or a .zip
    kind: str  # "folder" or "zip"

    def plain(self) -> dict:
        return {"name": self.name, "path": str(self.path), "kind": self.kind}

    @classmethod
    def from_plain(cls, data: dict) -> Learner:
        return cls(data["name"], Path(data["path"]), data["kind"])


class LearnerError(MessageError, ValueError):
    pass


def discover(folder: Path) -> tuple[list[Learner], list[str]]:
    """The learners, sorted by name, and the entries that are neither a folder nor a zip."""
    if not folder.is_dir():
        raise LearnerError("batch.not_a_folder", folder=str(folder))
    learners, skipped = [], []
    seen: dict[str, Path] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.name in IGNORED:
            continue
        if entry.is_dir():
            learner = Learner(entry.name, entry.resolve(), "folder")
        elif entry.is_file() and entry.suffix.lower() == ".zip":
            learner = Learner(entry.stem, entry.resolve(), "zip")
        else:
            skipped.append(entry.name)
            continue
        if learner.name in seen:
            first, second = seen[learner.name].name, entry.name
            raise LearnerError("batch.two_submissions", learner=learner.name, first=first, second=second)
        seen[learner.name] = entry
        learners.append(learner)
    return learners, skipped


def module_root(folder: Path, curriculum: Curriculum) -> Path:
    """The folder holding the topic modules: ``folder`` itself, or its only subfolder that does."""
    names = {t.module_file for t in curriculum.topics}

    def holds(p: Path) -> bool:
        return any((p / n).is_file() for n in names)

    if holds(folder):
        return folder
    subs = [p for p in folder.iterdir() if p.is_dir() and p.name not in IGNORED and holds(p)]
    return subs[0] if len(subs) == 1 else folder


def content_hash(learner: Learner, curriculum: Curriculum) -> str:
    """What --resume compares: a zip's bytes, or a folder's topic modules (name and bytes)."""
    h = hashlib.sha256()
    if learner.kind == "zip":
        with open(learner.path, "rb") as f:
            while chunk := f.read(1 << 16):
                h.update(chunk)
        return "zip:" + h.hexdigest()[:16]
    root = module_root(learner.path, curriculum)
    for topic in curriculum.topics:
        path = root / topic.module_file
        if path.is_file():
            h.update(topic.module_file.encode() + b"\0" + path.read_bytes() + b"\0")
    return "dir:" + h.hexdigest()[:16]
