"""Fairness: independent correct implementations (tests/alternatives/) get full marks, under two seeds."""

import shutil
from pathlib import Path

import pytest

from conftest import SOLUTIONS, submission
from grader.runner import grade

ALTERNATIVES = Path(__file__).resolve().parent / "alternatives"
TOPICS = sorted(p.stem for p in ALTERNATIVES.glob("*.py"))


@pytest.mark.skipif(not TOPICS, reason="no alternative implementations yet")
@pytest.mark.parametrize("seed", [11, 12])
def test_alternative_correct_answers_get_full_marks(tmp_path, curriculum, pool, seed):
    folder = Path(shutil.copytree(SOLUTIONS, tmp_path / "alt", ignore=shutil.ignore_patterns("mutants")))
    for topic in TOPICS:
        shutil.copy(ALTERNATIVES / f"{topic}.py", folder / f"{topic}.py")
    report = grade(submission(folder, curriculum), curriculum.select(TOPICS), curriculum, seed, pool=pool)
    lost = [f"{t.id} › {x.id}: {x.message()}" for t in report.topics for x in t.tests if x.points < x.max_points]
    assert not lost, "\n\n".join(lost)
    assert report.score == report.max_score
