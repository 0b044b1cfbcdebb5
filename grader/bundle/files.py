"""The kit's files that may leave the instructor's hands, and the check that
nothing else does."""

from __future__ import annotations

import shutil
from pathlib import Path

import grader

GRADER_PACKAGE = Path(grader.__file__).resolve().parent
TEMPLATES = Path(__file__).resolve().parent / "templates"
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".grader")


class BundleError(ValueError):
    pass


def kit_root(given: Path | None) -> Path:
    """The kit checkout holding pyproject.toml, exercises/ and the grader package."""
    root = Path(given) if given else GRADER_PACKAGE.parent
    missing = [name for name in ("pyproject.toml", "exercises", "grader") if not (root / name).exists()]
    if missing:
        raise BundleError(
            f"{root} is not the kit's checkout (it lacks {', '.join(missing)}); "
            "pass --kit DIR, the folder holding pyproject.toml, exercises/ and grader/"
        )
    return root


def copy_grader(kit: Path, dest: Path, readme: str) -> None:
    """pyproject.toml, the grader package (suites included) and a README.md into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(kit / "pyproject.toml", dest / "pyproject.toml")
    shutil.copytree(kit / "grader", dest / "grader", ignore=SKIP)
    (dest / "README.md").write_text(readme, encoding="utf-8")


def leaks(folder: Path, kit: Path) -> list[str]:
    """Files in ``folder`` that must not ship: anything under solutions/, a mutant catalogue,
    or a copy of a reference module (same bytes as a file of the kit's solutions/)."""
    solutions = kit / "solutions"
    reference = {p.read_bytes() for p in solutions.rglob("*") if p.is_file()} if solutions.is_dir() else set()
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        data = path.read_bytes()
        if (
            "solutions" in path.relative_to(folder).parts
            or data in reference
            or b"[[mutant]]" in data
            and path.suffix == ".toml"
        ):
            found.append(rel)
    return found
