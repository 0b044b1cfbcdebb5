"""Message catalogs: ``grader/feedback/<lang>/*.toml``, one folder per language.

Each file holds TOML tables whose dotted paths are the codes
(``[check] close = "…"`` is the template of ``check.close``; mistakes live
under ``[mistake.<topic>]``). ``common.toml`` holds the shared checks, the
faults and the blocks every message is built from; each topic has its own
file. A language that lacks a code falls back to English; adding a language
is adding a folder. Besides templates, a catalog may hold lists of them (the
hints of ``[curriculum.<topic>]``).
"""

from __future__ import annotations

import functools
from pathlib import Path

from grader import tomlcache

CATALOG_DIR = Path(__file__).resolve().parent
FALLBACK = "en"


class MissingMessage(KeyError):
    pass


Entry = str | list[str]


def _flatten(table: dict, prefix: str = "") -> dict[str, Entry]:
    out: dict[str, Entry] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, path + "."))
        else:
            out[path] = value
    return out


@functools.cache
def messages(lang: str) -> dict[str, Entry]:
    """Every template of ``lang`` by code ({} for a language with no folder)."""
    out: dict[str, Entry] = {}
    folder = CATALOG_DIR / lang
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
        for code, text in _flatten(tomlcache.load(path)).items():
            if code in out:
                raise ValueError(f"{path}: {code} is defined twice in the {lang} catalog")
            out[code] = text
    return out


def languages() -> list[str]:
    return sorted(p.name for p in CATALOG_DIR.iterdir() if p.is_dir() and any(p.glob("*.toml")))


def template(code: str, lang: str) -> str:
    found = messages(lang).get(code) or messages(FALLBACK).get(code)
    if not isinstance(found, str):
        raise MissingMessage(f"no message for {code!r} in the {lang} catalog (nor in {FALLBACK})")
    return found
