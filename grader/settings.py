"""A workspace's saved settings: ``.grader/config.json`` in the folder ``grader init`` made.

It sits beside ``.grader/progress.json`` (see grader.progress), i.e. in the
parent of the submission folder, which is where a learner runs ``grader``.
For now it holds the language the workspace was made in; ``language()`` of
grader.feedback.render falls back to it after an explicit choice and
$GRADER_LANG. A missing or unreadable file is no setting.
"""

from __future__ import annotations

import json
from pathlib import Path

CONFIG = Path(".grader") / "config.json"


def saved_language(workspace: Path | str | None = None) -> str | None:
    """The language saved in ``workspace`` (default: the current folder), or None."""
    try:
        data = json.loads((Path(workspace or ".") / CONFIG).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    lang = data.get("language") if isinstance(data, dict) else None
    return lang if isinstance(lang, str) and lang else None


def save(workspace: Path, **settings) -> Path:
    path = Path(workspace) / CONFIG
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
