"""A submission: the learner's topic modules, found in a directory."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from grader.curriculum import Curriculum


class SubmissionError(ValueError):
    """A submission that cannot be graded at all (say what is wrong and what would be right)."""


@dataclasses.dataclass(frozen=True)
class Submission:
    label: str  # as the user named it, for reports
    files: dict[str, Path]  # module id -> file, for the topic files that exist

    @classmethod
    def from_dir(cls, path, curriculum: Curriculum) -> Submission:
        root = Path(path)
        if not root.exists():
            raise SubmissionError(
                f"submission directory {str(path)!r} does not exist; pass the folder that "
                f"holds your topic modules ({', '.join(t.module_file for t in curriculum.topics[:3])}, …), "
                "e.g. --submission exercises"
            )
        if not root.is_dir():
            raise SubmissionError(
                f"{str(path)!r} is a file; --submission takes the folder that holds your topic modules"
            )
        files = {t.id: root / t.module_file for t in curriculum.topics if (root / t.module_file).is_file()}
        if not files:
            raise SubmissionError(
                f"{str(path)!r} holds none of the topic modules "
                f"({', '.join(t.module_file for t in curriculum.topics)}); is it the right folder?"
            )
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
