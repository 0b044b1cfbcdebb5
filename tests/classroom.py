"""Build small classes of submissions for the batch tests: real folders and zips,
right answers from solutions/, wrong ones from the mutant catalogue."""

from __future__ import annotations

import zipfile
from pathlib import Path

from conftest import ROOT, SOLUTIONS
from grader import mutants

TOPIC = "svd_basics"


def mutant(name: str, topic: str = TOPIC) -> mutants.Mutant:
    return next(m for m in mutants.load(SOLUTIONS / "mutants", topic) if m.name == name)


def learner(root: Path, name: str, source: str | None = None, topic: str = TOPIC) -> Path:
    """A learner folder holding one topic module (the reference's, unless ``source`` is given)."""
    folder = root / name
    folder.mkdir(parents=True)
    (folder / f"{topic}.py").write_text(source if source is not None else (SOLUTIONS / f"{topic}.py").read_text())
    return folder


def mutated(root: Path, name: str, mutant_name: str, topic: str = TOPIC) -> Path:
    return learner(root, name, mutant(mutant_name, topic).source((SOLUTIONS / f"{topic}.py").read_text()), topic)


def zipped(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
    return path


def reference(topic: str = TOPIC) -> str:
    return (SOLUTIONS / f"{topic}.py").read_text()


__all__ = ["ROOT", "learner", "mutant", "mutated", "reference", "zipped"]
