"""`grader next`: the next topic not passed and its first unmet test."""

import shutil
from pathlib import Path

from click.testing import CliRunner

from conftest import ROOT, SOLUTIONS
from grader import mutants
from grader.cli import main


def next_in(folder):
    return CliRunner().invoke(main, ["next", "-s", str(folder), "--seed", "7"], catch_exceptions=False)


def test_next_moves_past_passing_topics_to_the_first_stub(tmp_path):
    folder = Path(shutil.copytree(ROOT / "exercises", tmp_path / "exercises"))
    shutil.copy(SOLUTIONS / "svd_basics.py", folder / "svd_basics.py")
    result = next_in(folder)
    assert result.exit_code == 0, result.output
    assert "svd_basics" in result.output.splitlines()[0] and "passed" in result.output.splitlines()[0]
    assert "Next topic: 2/13 low_rank — Truncated SVD and the Eckart–Young theorem" in result.output
    assert "First unmet test: rank_k_approx[" in result.output and "[not_implemented]" in result.output
    assert f"Write rank_k_approx in {folder / 'low_rank.py'}" in result.output


def test_next_names_the_failing_test_of_a_bug(tmp_path):
    folder = Path(shutil.copytree(ROOT / "exercises", tmp_path / "exercises"))
    [bug] = [m for m in mutants.load(SOLUTIONS / "mutants", "svd_basics") if m.name == "sign_not_moved_into_U"]
    (folder / "svd_basics.py").write_text(bug.source((SOLUTIONS / "svd_basics.py").read_text()))
    result = next_in(folder)
    assert result.exit_code == 0, result.output
    assert "Next topic: 1/13 svd_basics" in result.output
    line = next(x for x in result.output.splitlines() if x.startswith("First unmet test:"))
    assert "svd_2x2[" in line and "[failed]" in line
    assert "U and V are swapped" not in result.output and "sign" in result.output  # the mistake named
    assert "Fix svd_2x2 in" in result.output and "`grader check svd_basics`" in result.output
