"""`grader verify`: the kit proves itself, and says what is wrong when it cannot."""

import shutil

import pytest
from click.testing import CliRunner
from conftest import EXERCISES, SOLUTIONS

from grader import mutants
from grader.cli import main


def verify(*args):
    return CliRunner().invoke(main, ["verify", *map(str, args)], catch_exceptions=False)


def test_the_whole_kit_verifies():
    result = verify("--seed", 2024)
    assert result.exit_code == 0, result.output
    assert "verify passed" in result.output and "survived" not in result.output


@pytest.fixture
def kit(tmp_path):
    """A copy of the svd_basics parts of the kit that a test may break."""
    for name in ("solutions", "exercises"):
        (tmp_path / name).mkdir()
        shutil.copy((SOLUTIONS if name == "solutions" else EXERCISES) / "svd_basics.py", tmp_path / name)
    (tmp_path / "mutants").mkdir()
    shutil.copy(SOLUTIONS / "mutants" / "svd_basics.toml", tmp_path / "mutants")
    return tmp_path


def run(kit):
    return verify("-t", "svd_basics", "--seed", 5, "--solutions", kit / "solutions",
                  "--exercises", kit / "exercises", "--mutants", kit / "mutants")


def test_copied_kit_verifies(kit):
    assert run(kit).exit_code == 0


def test_a_surviving_mutant_fails_verify(kit):
    harmless = ('\n[[mutant]]\nname = "comment_only"\nmistake = "changes nothing"\n'
                '[[mutant.edit]]\nfind = "def ellipse_axes(A):"\nreplace = "def ellipse_axes(A):  # same"\n')
    with open(kit / "mutants" / "svd_basics.toml", "a") as f:
        f.write(harmless)
    result = run(kit)
    assert result.exit_code == 1 and "mutant svd_basics/comment_only survived" in result.output


def test_a_mutant_that_no_longer_applies_is_reported(kit):
    path = kit / "mutants" / "svd_basics.toml"
    path.write_text(path.read_text().replace('find = "    return s, U"', 'find = "    return s, U  # gone"'))
    result = run(kit)
    assert result.exit_code == 1 and "occurs 0 times" in result.output


def test_stub_rules_and_signatures_are_checked(kit):
    stub = kit / "exercises" / "svd_basics.py"
    text = stub.read_text().replace('raise NotImplementedError("ellipse_axes is not written yet")', "return None")
    stub.write_text(text.replace("def svd_via_eig(A):", "def svd_via_eig(A, k=2):") + "\nimport scipy\n")
    result = run(kit)
    assert result.exit_code == 1
    for fragment in ("ellipse_axes should only raise NotImplementedError", "svd_via_eig(A, k=2) should be svd_via_eig(A)",
                     "stubs import only numpy and math, not scipy", "expose different names or signatures"):
        assert fragment in result.output


def test_a_solution_that_loses_points_fails_verify(kit):
    sol = kit / "solutions" / "svd_basics.py"
    sol.write_text(sol.read_text().replace("return s, U", "return s, U.T"))
    result = run(kit)
    assert result.exit_code == 1 and "solutions lose points on svd_basics › ellipse_axes" in result.output


def test_mutant_edits_must_match_exactly_once():
    mutant = mutants.Mutant("t", "m", "x", (("a", "b"),))
    assert mutant.source("xay") == "xby"
    with pytest.raises(mutants.MutantError, match="occurs 2 times"):
        mutant.source("aa")
