"""Where ``--plot`` puts the pictures: ``.grader/plots/<submission folder name>/`` beside
the submission folder, next to ``.grader/progress.json``.

Never inside the submission folder: that is the learner's own (the modules they
hand in, zip and commit; the grader never writes there), and a grading run
checks that nothing in it changes. One folder per submission folder name, as
progress keeps one entry each. The folder holds the pictures of the last
``--plot`` run: each run first removes the ones before it, so no picture
outlives the failure it showed.
"""

from __future__ import annotations

import re
from pathlib import Path

from grader.pictures import Figure, figures
from grader.scoring import Report


def folder(submission_dir) -> Path:
    submission = Path(submission_dir).resolve()
    return submission.parent / ".grader" / "plots" / submission.name


def file_name(fig: Figure) -> str:
    """``svd_basics-ellipse_axes-rank-1.png``: the topic and the test id, safe in any shell."""
    return f"{fig.topic}-{re.sub(r'[^A-Za-z0-9_.=-]+', '-', fig.test_id).strip('-')}.png"


def write(report: Report, submission_dir, lang: str | None = None) -> list[tuple[Figure, Path]]:
    """Draw ``report``'s pictures into ``folder(submission_dir)``; each figure with its file."""
    target = folder(submission_dir)
    for old in target.glob("*.png"):
        old.unlink()
    written = []
    for fig in figures(report, lang):
        target.mkdir(parents=True, exist_ok=True)
        path = target / file_name(fig)
        path.write_bytes(fig.png)
        written.append((fig, path))
    return written
