"""A font with Japanese glyphs for the labels, if this machine has one.

In order: the font file named by ``$GRADER_PLOT_FONT`` (set but empty or not a
font file: none at all, which is also how to try the English fallback); a
system font matplotlib knows from the families below; the IPAex Gothic that the
``plot`` extra's ``matplotlib-fontja`` ships (found by its path: importing that
package would restyle every figure of the process). None: label in English.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from pathlib import Path

ENV = "GRADER_PLOT_FONT"
FAMILIES = (
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "Source Han Sans JP",
    "IPAexGothic",
    "IPAGothic",
    "Hiragino Sans",
    "Hiragino Kaku Gothic ProN",
    "Yu Gothic",
    "Meiryo",
    "MS Gothic",
    "TakaoGothic",
    "VL Gothic",
)


def japanese_font() -> str | None:
    """The family name of a usable font with Japanese glyphs, or None."""
    return _find(os.environ.get(ENV))


@functools.cache
def _find(override: str | None) -> str | None:
    from matplotlib import font_manager

    if override is not None:
        return _added(Path(override)) if override else None
    known = {f.name for f in font_manager.fontManager.ttflist}
    found = next((family for family in FAMILIES if family in known), None)
    return found or _added(_bundled())


def _bundled() -> Path | None:
    spec = importlib.util.find_spec("matplotlib_fontja")
    folder = next(iter(spec.submodule_search_locations or ()), None) if spec else None
    return Path(folder) / "fonts" / "ipaexg.ttf" if folder else None


def _added(path: Path | None) -> str | None:
    """Register a font file with matplotlib; its family name, or None if it is no font."""
    from matplotlib import font_manager

    if path is None or not path.is_file():
        return None
    try:
        font_manager.fontManager.addfont(str(path))
        return font_manager.FontProperties(fname=str(path)).get_name()
    except (OSError, RuntimeError, ValueError):
        return None


def needs_cjk(text: str) -> bool:
    """Has ``text`` a character of the CJK scripts (kana, kanji, full-width forms)?"""
    return any(0x2E80 <= ord(c) <= 0x9FFF or 0xF900 <= ord(c) <= 0xFFEF for c in text)
