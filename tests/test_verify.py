"""`grader verify`: the kit proves itself, and says what is wrong when it cannot."""

import shutil

import pytest
from click.testing import CliRunner
from conftest import EXERCISES, SOLUTIONS

from grader import mutants
from grader.cli import main
from grader.probes import Probe
from grader.scoring import Report, TopicResult
from grader.scoring import TestResult as Result
from grader.verify import Verification, _Job, _judge_probe


def verify(*args):
    return CliRunner().invoke(main, ["verify", *map(str, args)], catch_exceptions=False)


def test_the_whole_kit_verifies():
    result = verify("--seed", 2024)
    problems = [line for line in result.output.splitlines() if line.startswith("  ✗ ")]
    holes = [line for line in problems if line.startswith("  ✗ probe ") and " earns " in line]
    assert problems == holes, result.output  # everything but the probes' holes verifies
    assert result.output.count("probes of ") == 13
    if holes:  # issue 7: the suites still reward answers that ignore the input; fixed in scoring and the suites
        pytest.xfail(f"{len(holes)} probe holes left, e.g.{holes[0][3:]}")
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


def run(kit, *options):
    return verify("-t", "svd_basics", "--seed", 5, "--solutions", kit / "solutions",
                  "--exercises", kit / "exercises", "--mutants", kit / "mutants", *(options or ["--no-probes"]))


def test_copied_kit_verifies(kit):
    result = run(kit, "--jobs", 2)
    assert result.exit_code == 0, result.output
    assert "✓ probes of svd_basics       8 tried, 0 test(s) earn points" in result.output
    assert "8 probes earned nothing" in result.output


def test_no_probes_skips_them(kit):
    result = run(kit)
    assert result.exit_code == 0 and "probes of" not in result.output and "probes skipped" in result.output


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


def judged(tests, status="failed", message=""):
    probe = Probe("t", "nan", (("f", None),))
    report = Report("probe", 1, [TopicResult("t", "T", "§1", 0.0, 2.0, status, tests, message)])
    result, problems = Verification(), []
    _judge_probe(_Job("probe", 1, None, probe=probe), report, result, problems.append)
    return result, problems


def test_a_passing_test_of_a_probed_function_is_a_problem_and_others_are_not():
    result, problems = judged([Result("f[zero]", "f", "passed", 0.5, 0.5),
                               Result("f[random]", "f", "failed", 0.0, 0.5),
                               Result("g[zero]", "g", "passed", 1.0, 1.0)])
    assert problems == ["probe nan earns 0.5 points on t › f[zero]"]
    assert result.probed == {"t": [1, 1]}


def test_a_probe_that_did_not_run_is_a_problem():
    result, problems = judged([Result("f", "f", "failed", 0.0, 1.0)], status="error",
                              message="SyntaxError: invalid syntax")
    assert problems == ["probe nan of t did not run (so it proves nothing): SyntaxError: invalid syntax"]
