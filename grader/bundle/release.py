"""`grader release OUT`: the learner bundle, a folder to ``pip install .`` and
grade in: pyproject.toml, the grader with its hidden suites (and the stubs of
every language, for ``grader init``), the stubs in exercises/ and a learner
README. No solutions, no mutants, no kit tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from grader.bundle.files import (
    SKIP,
    TEMPLATES,
    BundleError,
    copy_grader,
    kit_root,
    leaks,
)


def make(out: Path, kit: Path | None = None) -> Path:
    kit = kit_root(kit)
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BundleError(f"{out} exists and is not empty; give a new folder for the release")
    copy_grader(kit, out, (TEMPLATES / "LEARNER_README.md").read_text(encoding="utf-8"))
    shutil.copytree(kit / "exercises", out / "exercises", ignore=SKIP)
    # the English stubs also as package data, for an installed `grader init`
    shutil.copytree(kit / "exercises", out / "grader" / "stubs" / "en", ignore=SKIP, dirs_exist_ok=True)
    found = leaks(out, kit)
    if found:
        shutil.rmtree(out)
        raise BundleError(f"refusing to release: these files would ship solutions or mutants: {', '.join(found)}")
    return out
