"""A submission: the learner's topic modules, found in a directory."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from grader.curriculum import Curriculum
from grader.feedback.errors import MessageError


class SubmissionError(MessageError, ValueError):
    """A submission that cannot be graded at all (say what is wrong and what would be right)."""


@dataclasses.dataclass(frozen=True)
class Submission:
    label: str  # as the user named it, for reports
    files: dict[str, Path]  # module id -> file, for the topic files that exist

    @classmethod
    def from_dir(cls, path, curriculum: Curriculum) -> Submission:
        root = Path(path)
        if not root.exists():
            modules = ", ".join(t.module_file for t in curriculum.topics[:3])
            raise SubmissionError("cli.submission.missing", path=str(path), modules=modules)
        if not root.is_dir():
            raise SubmissionError("cli.submission.is_file", path=str(path))
        files = {t.id: root / t.module_file for t in curriculum.topics if (root / t.module_file).is_file()}
        if not files:
            modules = ", ".join(t.module_file for t in curriculum.topics)
            raise SubmissionError("cli.submission.empty", path=str(path), modules=modules)
        return cls(str(path), files)

    def replace(self, module: str, path: Path, label: str) -> Submission:
        """The same submission with one module swapped (a mutant)."""
        return Submission(label, {**self.files, module: Path(path)})

    def display(self) -> dict[str, str]:
        """Module id -> the path a learner recognises, for feedback."""
        out = {}
        for module, path in self.files.items():
            try:
                out[module] = os.path.relpath(path)
            except ValueError:
                out[module] = str(path)
        return out
