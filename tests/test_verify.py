"""`grader verify`: the kit proves itself, and says what is wrong when it cannot."""

import shutil

import pytest
from click.testing import CliRunner

from conftest import EXERCISES, SOLUTIONS
from grader import mutants
from grader.cli import main
from grader.feedback import Feedback
from grader.probes import Probe
from grader.scoring import Report, TopicResult
from grader.scoring import TestResult as Result
from grader.verify import Verification, _judge_probe


def verify(*args):
    return CliRunner().invoke(main, ["verify", *map(str, args)], catch_exceptions=False)


def test_the_whole_kit_verifies():
    result = verify("--seed", 2024)
    assert result.exit_code == 0, result.output
    assert "verify passed" in result.output and "survived" not in result.output and "  ✗ " not in result.output
    table = result.output[result.output.index("per topic:") :].splitlines()[1:14]
    assert len(table) == 13 and all(line.split()[-2] == "0" for line in table), table  # no probe earns
    assert "naming rate" in result.output


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
    return verify(
        "-t",
        "svd_basics",
        "--seed",
        5,
        "--solutions",
        kit / "solutions",
        "--exercises",
        kit / "exercises",
        "--catalogue",
        kit / "mutants",
        *(options or ["--no-probes"]),
    )


def test_copied_kit_verifies(kit):
    result = run(kit, "--jobs", 2)
    assert result.exit_code == 0, result.output
    assert "svd_basics          11 caught  11 named     8 probes   0 earning" in result.output
    assert "8 probes earned nothing" in result.output


def test_no_probes_skips_them(kit):
    result = run(kit)
    assert result.exit_code == 0 and "  0 probes" in result.output and "probes skipped" in result.output


def test_a_surviving_mutant_fails_verify(kit):
    harmless = (
        '\n[[mutant]]\nname = "comment_only"\nmistake = "changes nothing"\nunnamed = "nothing to name"\n'
        '[[mutant.edit]]\nfind = "def ellipse_axes(A):"\nreplace = "def ellipse_axes(A):  # same"\n'
    )
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
    for fragment in (
        "ellipse_axes should only raise NotImplementedError",
        "svd_via_eig(A, k=2) should be svd_via_eig(A)",
        "stubs import only numpy and math, not scipy",
        "expose different names or signatures",
    ):
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


def judged(tests, status="failed", error=None):
    probe = Probe("t", "nan", (("f", None),))
    report = Report("probe", 1, [TopicResult("t", "T", "§1", 0.0, 2.0, status, tests, error)])
    result, problems = Verification(), []
    _judge_probe(probe, report, result, problems.append)
    return result, problems


def test_a_passing_test_of_a_probed_function_is_a_problem_and_others_are_not():
    result, problems = judged(
        [
            Result("f[zero]", "f", "passed", 0.5, 0.5),
            Result("f[random]", "f", "failed", 0.0, 0.5),
            Result("g[zero]", "g", "passed", 1.0, 1.0),
        ]
    )
    assert problems == ["probe nan earns 0.5 points on t › f[zero]"]
    assert result.probed == {"t": [1, 1]}


def test_a_probe_that_did_not_run_is_a_problem():
    fault = Result(
        "f",
        "f",
        "error",
        0.0,
        1.0,
        Feedback("fault.import_error", {"module": "t.py", "message": "SyntaxError: invalid syntax"}),
    )
    result, problems = judged([fault], status="error", error=fault)
    assert problems == [
        "probe nan of t did not run (so it proves nothing): t.py could not be imported: SyntaxError: invalid syntax"
    ]


def test_a_pass_whose_points_a_scoring_rule_withheld_is_no_hole():
    withheld = Result("f[zero]", "f", "passed", 0.0, 0.5, Feedback("score.gated", {"function": "f"}))
    result, problems = judged([withheld, Result("f[random]", "f", "failed", 0.0, 0.5)])
    assert problems == [] and result.probed == {"t": [1, 0]}


def test_a_mutant_caught_but_not_named_fails_verify(kit):
    path = kit / "mutants" / "svd_basics.toml"
    path.write_text(
        path.read_text().replace(
            'mistake_id = "svd_basics.ellipse_right_vectors"', 'mistake_id = "svd_basics.ascending"'
        )
    )
    result = run(kit)
    assert result.exit_code == 1
    assert (
        "mutant svd_basics/ellipse_right_vectors is caught by ellipse_axes[random] but not named: its feedback "
        "should carry mistake 'svd_basics.ascending', it carries 'svd_basics.ellipse_right_vectors'"
    ) in result.output


def test_a_mutant_must_name_a_mistake_the_catalog_knows(kit):
    path = kit / "mutants" / "svd_basics.toml"
    path.write_text(path.read_text().replace('mistake_id = "svd_basics.ascending"', 'mistake_id = "svd_basics.nope"'))
    result = run(kit)
    assert result.exit_code == 1 and "mistake_id 'svd_basics.nope' has no message" in result.output


def test_the_kill_matrix_shows_each_mutants_score_test_and_mistake(kit):
    result = run(kit, "--no-probes", "--mutants")
    assert result.exit_code == 0, result.output
    matrix = result.output[result.output.index("kill matrix:") :].splitlines()[2:]
    rows = {line.split()[0]: line.split() for line in matrix if line.startswith("  svd_basics/")}
    assert len(rows) == 11
    swapped = rows["svd_basics/u_and_v_swapped"]
    assert swapped[2:] == ["svd_2x2[random]", "svd_basics.u_v_swapped"]
    score, maximum = map(float, swapped[1].split("/"))
    assert 0 < score < maximum == 10  # graded fully: the other two functions keep their points


def test_a_node_listed_once_per_use_is_named_whatever_the_seed():
    """verify draws fresh seeds: a mutant's naming must not hold for some of them only. The
    shared-nodes case of a sort without a visited set gives both partials one factor k, which
    is below 1 (even negative) for about one seed in six."""
    import types

    from grader.suites import cases
    from grader.suites import reverse_mode as suite

    mutant = next(m for m in mutants.load(SOLUTIONS / "mutants", "reverse_mode") if m.name.endswith("without_visited"))
    module = types.ModuleType("mutant")
    exec(mutant.source((SOLUTIONS / "reverse_mode.py").read_text(encoding="utf-8")), module.__dict__)
    names, factors = set(), []
    for seed in range(300):
        values = [suite.DOMAINS["A"](cases.rng(seed, "Var", "shared-nodes", suite.SHARED, "AA", i)) for i in (0, 1)]
        x, y = module.Var(values[0]), module.Var(values[1])
        u = x * y
        out = u + u * 3 + u * u
        out.backward()
        factors.append(x.grad / suite.EXPRS[suite.SHARED].partials(*values)[0])
        names.add(suite._mistake(suite.SHARED, values, out.data, [x.grad, y.grad]))
    assert min(factors) < 1 < max(factors) and names == {mutant.mistake_id}
