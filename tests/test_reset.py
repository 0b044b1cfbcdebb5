"""`grader reset TOPIC`: the stub back, the learner's file kept in .grader/backups, never without consent."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import EXERCISES, reference
from grader.cli import main

LEARNER = "import numpy as np\n\n\ndef svd_2x2(A):\n    return 'my own work'\n"


@pytest.fixture
def folder(tmp_path):
    """A learner's exercises: a copy of the stubs with work in svd_basics.py and progress recorded for it."""
    work = Path(shutil.copytree(EXERCISES, tmp_path / "exercises"))
    (work / "svd_basics.py").write_text(LEARNER)
    (tmp_path / ".grader").mkdir()
    progress = {"exercises": {"topics": {"svd_basics": {"status": "partial"}}, "hints": {"svd_basics": 2}}}
    (tmp_path / ".grader" / "progress.json").write_text(json.dumps(progress))
    return work


def reset(folder, *args, input=None):
    return CliRunner().invoke(main, ["reset", *args, "-s", str(folder)], input=input, catch_exceptions=False)


def backups(folder) -> list[Path]:
    return sorted((folder.parent / ".grader" / "backups").glob("*.py"))


def test_reset_yes_backs_up_then_restores_the_stub(folder):
    result = reset(folder, "svd_basics", "--yes")
    assert result.exit_code == 0, result.output
    assert (folder / "svd_basics.py").read_bytes() == (EXERCISES / "svd_basics.py").read_bytes()
    [saved] = backups(folder)
    assert saved.name.startswith("svd_basics-") and saved.read_text() == LEARNER
    assert str(saved) in result.output and "is the stub of svd_basics again" in result.output
    progress = json.loads((folder.parent / ".grader" / "progress.json").read_text())["exercises"]
    assert "svd_basics" not in progress["topics"] and progress["hints"] == {"svd_basics": 2}


def test_reset_asks_and_a_no_changes_nothing(folder):
    result = reset(folder, "svd_basics", input="n\n")
    assert result.exit_code == 1
    assert "Replace" in result.output and "Nothing was changed." in result.output
    assert (folder / "svd_basics.py").read_text() == LEARNER and backups(folder) == []


def test_reset_without_an_answer_refuses(folder):
    result = reset(folder, "svd_basics", input="")  # stdin closed: no confirmation
    assert result.exit_code == 1 and (folder / "svd_basics.py").read_text() == LEARNER and backups(folder) == []


def test_reset_after_a_yes_and_twice_keeps_every_version(folder):
    assert reset(folder, "svd_basics", input="y\n").exit_code == 0
    (folder / "svd_basics.py").write_text(reference("svd_basics"))
    assert reset(folder, "svd_basics", "--yes").exit_code == 0  # the same second: a second name, not an overwrite
    assert sorted(p.read_text() for p in backups(folder)) == sorted([LEARNER, reference("svd_basics")])


def test_reset_of_a_stub_or_a_missing_file(folder):
    result = reset(folder, "low_rank", "--yes")
    assert result.exit_code == 0 and "already the stub" in result.output and backups(folder) == []
    (folder / "pca.py").unlink()
    assert reset(folder, "pca", "--yes").exit_code == 0
    assert (folder / "pca.py").read_bytes() == (EXERCISES / "pca.py").read_bytes() and backups(folder) == []


def test_reset_bad_input_exits_non_zero(folder, tmp_path):
    assert reset(folder, "no_such_topic", "--yes").exit_code == 2
    assert reset(tmp_path / "missing", "svd_basics", "--yes").exit_code == 2
    assert (folder / "svd_basics.py").read_text() == LEARNER
