"""The grader's own TOML files (curriculum, message catalogs), parsed once and kept in ``__pycache__``.

Parsing all of them costs a check about 40 ms; ``marshal`` reads the same
tables back in about 1 ms. A cached table is used only while the file has
the size and modification time it was parsed at, so an edit is seen at once;
where ``__pycache__`` cannot be written the file is simply parsed each time,
as bytecode would be.
"""

from __future__ import annotations

import marshal
import os
import tomllib
from pathlib import Path


def _cache_file(path: Path) -> Path:
    return path.parent / "__pycache__" / f"{path.name}.marshal"


def load(path: Path) -> dict:
    """``tomllib.load`` of ``path``, from the cache when the file has not changed since it was made."""
    stat = os.stat(path)
    key = (stat.st_size, stat.st_mtime_ns)
    cache = _cache_file(path)
    try:
        with open(cache, "rb") as f:
            stored_key, table = marshal.load(f)
        if tuple(stored_key) == key and isinstance(table, dict):
            return table
    except (OSError, EOFError, ValueError, TypeError):
        pass
    with open(path, "rb") as f:
        table = tomllib.load(f)
    _store(cache, key, table)
    return table


def _store(cache: Path, key: tuple, table: dict) -> None:
    try:
        data = marshal.dumps((key, table))
    except ValueError:  # a value marshal cannot hold (a TOML date): parse this file every time
        return
    try:
        cache.parent.mkdir(exist_ok=True)
        part = cache.with_name(f"{cache.name}.{os.getpid()}")
        part.write_bytes(data)
        os.replace(part, cache)  # atomic: a reader sees the old cache or the new one
    except OSError:
        pass
