"""One case replayed: the command every failure ends with, `check --case`, and `--python` scripts that run."""

import json
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from conftest import SOLUTIONS, submission
from grader import fmt, mutants, replay, runner
from grader.feedback import catalog, render
from grader.reports import json as json_report
from grader.reports import text

SEED = 1234
PINV = "pinv[square]"
GRADER = f"{shlex.quote(sys.executable)} -m grader"


def mutant_source(topic: str, name: str) -> str:
    mutant = next(m for m in mutants.load(SOLUTIONS / "mutants", topic) if m.name == name)
    return mutant.source((SOLUTIONS / f"{topic}.py").read_text())


def shell(command: str, cwd: Path) -> subprocess.CompletedProcess:
    """A command as a learner pastes it into bash, with `grader` meaning this checkout's."""
    assert command.startswith("grader ")
    return subprocess.run(
        ["bash", "-c", GRADER + command[len("grader") :]], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def replay_commands(output: str) -> list[str]:
    """The replay commands in a report, found by the catalog's own sentence around them."""
    before, after = catalog.template("replay.again", "en").split("{command}")
    return [line.strip()[len(before) :].removesuffix(after) for line in output.splitlines() if before in line]


def run_script(script: str, tmp_path: Path, dump: bool = False):
    """Run a --python script in a fresh interpreter; with ``dump``, also save its ``result`` to compare exactly."""
    path = tmp_path / "replay_case.py"
    out = tmp_path / "result.npy"
    path.write_text(script + (f"\nnp.save({str(out)!r}, np.asarray(result))\n" if dump else ""), encoding="utf-8")
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return done, (np.load(out) if dump else None)


@pytest.fixture
def no_transpose(make_submission):
    """The reference with the pseudoinverse built as U Σ⁺ Vᵀ (mutant pseudoinverse/no_transpose)."""
    return make_submission({"pseudoinverse": mutant_source("pseudoinverse", "no_transpose")}, name="mine")


def test_a_mutant_failure_ends_with_a_replay_command_that_shows_only_that_case(no_transpose):
    kit = no_transpose.parent
    full = shell(f"grader check pseudoinverse --seed {SEED} --submission mine", kit)
    assert full.returncode == 1
    commands = replay_commands(full.stdout)
    assert commands[0] == f'grader check pseudoinverse --seed {SEED} --submission mine --case "{PINV}"'
    shown = full.stdout.split(f"[{PINV}] ", 1)[1].split("\n")[0]  # the failure's first line in the report

    progress = (kit / ".grader" / "progress.json").read_text()
    alone = shell(commands[0], kit)
    assert alone.returncode == 1, alone.stderr
    headers = [line for line in alone.stdout.splitlines() if " › " in line]
    assert headers == [f"  ✗ pseudoinverse › {PINV}  [failed]"]
    assert shown in alone.stdout
    assert replay.command("pseudoinverse", SEED, PINV, "mine", python=True) in alone.stdout
    assert (kit / ".grader" / "progress.json").read_text() == progress  # one case is no check of the topic


def test_a_case_is_shown_in_full_where_the_report_cuts_it_short(make_submission, curriculum, pool):
    """The report keeps 12 printed lines and the corners of a big array; the replayed case keeps everything."""
    chatty = mutant_source("pseudoinverse", "no_transpose").replace(
        "def pinv(A, rcond=1e-15):\n", "def pinv(A, rcond=1e-15):\n    for i in range(30):\n        print('step', i)\n"
    )
    mine = submission(make_submission({"pseudoinverse": chatty}), curriculum)
    report = runner.grade(mine, curriculum.select(["pseudoinverse"]), curriculum, SEED, pool=pool, cases=[PINV])
    [test] = report.topics[0].tests
    assert test.id == PINV and test.status == "failed"
    assert "step 29" not in test.message() and "step 29" in text.case_report(report)
    big = np.arange(100.0).reshape(10, 10)
    with fmt.in_full():
        whole = fmt.array(big)
    assert "..." in fmt.array(big) and "..." not in whole and "99." in whole


def test_python_script_reproduces_the_learners_answer_and_the_solutions(no_transpose, curriculum, pool, tmp_path):
    done = shell(f"grader check pseudoinverse --seed {SEED} -s {no_transpose} --case '{PINV}' --python", tmp_path)
    assert done.returncode == 0, done.stderr
    script = done.stdout
    assert "import numpy as np" in script and "from pseudoinverse import pinv" in script
    assert "result = pinv(A)" in script

    report = runner.grade(
        submission(no_transpose, curriculum), curriculum.select(["pseudoinverse"]), curriculum, SEED, pool=pool
    )
    seen = next(t for t in report.topics[0].tests if t.id == PINV)
    assert "# " + render(seen.feedback).splitlines()[0] in script  # what the grader found, as comments
    _, learners = run_script(script, tmp_path, dump=True)
    assert np.array_equal(learners, seen.feedback.params["got"])  # bit for bit what the grader got

    against_solution = script.replace(repr(str(no_transpose)), repr(str(SOLUTIONS)))
    assert against_solution != script
    _, right = run_script(against_solution, tmp_path, dump=True)
    np.testing.assert_allclose(right, seen.feedback.params["expected"], rtol=0, atol=1e-12)


def test_a_scenario_replays_through_its_steps(make_submission, tmp_path):
    mine = make_submission({"reverse_mode": mutant_source("reverse_mode", "backward_without_zeroing")})
    case = "var_graph[backward-twice]"
    done = shell(f"grader check reverse_mode --seed 7 -s {mine} --case '{case}' --python", tmp_path)
    assert done.returncode == 0, done.stderr
    script = done.stdout
    intro = catalog.template("replay.scenario", "en").split("{file}")[0]
    assert intro in script and "#     def backward_twice(learner, x, y):" in script
    assert "grader_reverse_mode.backward_twice(LEARNER_MODULE, x, y)" in script
    output, _ = run_script(script, tmp_path)
    runs = eval(output.stdout, {})["ok"]
    alone = shell(f"grader check reverse_mode --seed 7 -s {mine} --case '{case}'", tmp_path)
    assert f"{runs[1][0]:.5g}, {runs[1][1]:.5g}" in alone.stdout  # the second backward() the grader saw


def test_a_grader_owned_function_argument_is_rebuilt_from_its_factory(make_submission, curriculum, pool, tmp_path):
    """numerical_gradient(f, x): f is the grader's f(x) = ½(x − m)ᵀA(x − m) + …, rebuilt from its exact A, m, c, d."""
    mine = make_submission({"derivatives": mutant_source("derivatives", "forward_differences")})
    case = "numerical_gradient[vector]"
    done = shell(f"grader check derivatives --seed 7 -s {mine} --case '{case}' --python", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "f = grader_derivatives.smooth(\n    LEARNER_MODULE,\n    A=np.array([" in done.stdout
    report = runner.grade(submission(mine, curriculum), curriculum.select(["derivatives"]), curriculum, 7, pool=pool)
    seen = next(t for t in report.topics[0].tests if t.id == case)
    _, learners = run_script(done.stdout, tmp_path, dump=True)
    assert np.array_equal(learners, seen.feedback.params["got"])


def test_an_unknown_case_exits_2_and_names_the_close_ones(no_transpose, tmp_path):
    done = shell(f"grader check pseudoinverse -s {no_transpose} --seed 1 --case 'pinv[squar]'", tmp_path)
    assert done.returncode == 2
    assert "pseudoinverse has no case pinv[squar]." in done.stderr and PINV in done.stderr


@pytest.mark.parametrize(
    "args, key",
    [
        (["check", "pseudoinverse", "--python"], "needs_case"),
        (["check", "pseudoinverse", "svd_basics", "--case", PINV], "one_topic"),
        (["check", "--case", PINV], "one_topic"),
    ],
)
def test_case_usage_errors_exit_2(no_transpose, tmp_path, args, key):
    done = shell("grader " + shlex.join([*args, "-s", str(no_transpose)]), tmp_path)
    assert done.returncode == 2 and replay.say(key, "en") in done.stderr


def test_json_and_grade_report_carry_the_replay_command(no_transpose, curriculum, pool):
    report = runner.grade(
        submission(no_transpose, curriculum), curriculum.select(["pseudoinverse"]), curriculum, SEED, pool=pool
    )
    tests = json_report.to_dict(report)["topics"][0]["tests"]
    failed = [t for t in tests if t["status"] == "failed"]
    commands = [replay.command("pseudoinverse", SEED, t["id"], str(no_transpose)) for t in failed]
    assert failed and [t["replay"] for t in failed] == commands
    assert all(t["replay"] is None for t in tests if t["status"] == "passed")
    assert replay.say("again", command=failed[0]["replay"]) in text.grade_report(report, {})
    json.dumps(tests)


@pytest.mark.parametrize(
    "value",
    [
        np.array([[np.nan, -np.nan, np.inf], [-np.inf, -0.0, 0.0], [5e-324, 1.7976931348623157e308, 0.1]]),
        np.array([1.0, -0.0, np.nan], dtype=np.float32),
        np.array([1.5, np.nan], dtype=">f8"),
        np.array([[-128, 127]], dtype=np.int8),
        np.array([2**64 - 1, 0], dtype=np.uint64),
        np.arange(24, dtype=np.int64).reshape(2, 3, 4),
        np.array([complex(np.nan, -0.0), 1j], dtype=np.complex128),
        np.array([True, False]),
        np.zeros((0, 3)),
        np.array(-0.0),
        [[1, 2], [3, 4]],
        (0.1, [np.inf, -0.0], {"k": (np.nan,), "n": None, "b": True}),
        2**80,
        "Var",
    ],
    ids=repr,
)
def test_literals_round_trip_exactly(value):
    back = eval(replay.literal(value), {"np": np})
    assert same(back, value)


def test_numpy_scalars_arrive_as_python_numbers_as_over_the_wire():
    assert type(eval(replay.literal(np.float64(-0.0)), {"np": np})) is float
    assert replay.literal(np.float64(-0.0)) == "-0.0" and replay.literal(np.int32(7)) == "7"


def same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    if isinstance(a, float):
        return np.float64(a).tobytes() == np.float64(b).tobytes()
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def test_the_replay_strings_exist_in_english_and_japanese_with_the_same_fields():
    tables = {}
    for lang in ("en", "ja"):
        with open(catalog.CATALOG_DIR / lang / "replay.toml", "rb") as f:
            tables[lang] = tomllib.load(f)["replay"]
    assert tables["en"].keys() == tables["ja"].keys()
    fields = {lang: {k: set(re.findall(r"\{(\w+)", v)) for k, v in t.items()} for lang, t in tables.items()}
    assert fields["en"] == fields["ja"]
    assert all(tables["ja"][k] != v for k, v in tables["en"].items())  # translated, not copied
