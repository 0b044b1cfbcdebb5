"""Where the learner's stubs live, per language of their docstrings.

English is the kit's default submission, ``exercises/`` at the kit's root (a
release also carries a copy in ``grader/stubs/en/``, so that an installed
grader has it). Every other language is a folder of this package,
``grader/stubs/<lang>/``: the same modules — names, signatures, imports and
``raise NotImplementedError`` bodies — with docstrings in that language. They
are package data, not a package, so ``grader init`` finds them wherever the
grader is installed; ``grader verify`` holds them to the English stubs' API.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT = "en"
HERE = Path(__file__).resolve().parent
KIT_EXERCISES = HERE.parent.parent / "exercises"


class StubsMissing(LookupError):
    pass


def translated(root: Path = HERE) -> dict[str, Path]:
    """``{lang: folder}`` of the translations under ``root`` (English excluded)."""
    return {p.name: p for p in sorted(root.iterdir()) if p.is_dir() and p.name != DEFAULT and any(p.glob("*.py"))}


def languages() -> list[str]:
    return sorted({DEFAULT, *translated()})


def folder(lang: str) -> Path:
    """The folder of ``lang``'s stubs; StubsMissing when this installation has none."""
    if lang != DEFAULT:
        found = translated().get(lang)
    else:
        found = next((p for p in (HERE / DEFAULT, KIT_EXERCISES) if p.is_dir()), None)
    if found is None:
        raise StubsMissing(f"this grader has no {lang} stubs (it has: {', '.join(languages())})")
    return found
