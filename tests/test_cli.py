"""The `grader` command as a user meets it: output, files and exit codes."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, reference
from grader.cli import main
from grader.outcomes import STATUSES


@pytest.fixture
def solutions(tmp_path):
    """A copy of the reference solutions: progress is saved beside the folder graded, never in the repository."""
    return Path(
        shutil.copytree(ROOT / "solutions", tmp_path / "kit" / "solutions", ignore=shutil.ignore_patterns("mutants"))
    )


@pytest.fixture
def exercises(tmp_path):
    return Path(shutil.copytree(ROOT / "exercises", tmp_path / "kit" / "exercises"))


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def invoke(*args):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def test_json_report_follows_the_spec_schema(solutions, cli, tmp_path):
    out = tmp_path / "r.json"
    result = cli("grade", "--submission", solutions, "--topic", "svd_basics", "--seed", 3, "--json", out)
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert report["schema"] == "grader-report/2" and report["seed"] == 3
    assert report["score"] == report["max_score"] == 10.0
    assert [t["id"] for t in report["topics"]] == ["svd_basics"]
    topic = report["topics"][0]
    assert {"id", "title", "score", "max_score", "status", "tests"} <= set(topic) and topic["status"] == "passed"
    test = topic["tests"][0]
    assert {"id", "status", "points", "max_points", "code", "mistake", "params", "message"} <= set(test)
    assert test["code"] is None and test["mistake"] is None  # passed, points earned
    assert {t["status"] for t in topic["tests"]} <= set(STATUSES)
    assert sum(t["max_points"] for t in topic["tests"]) == pytest.approx(10.0)


def test_grade_text_report_shows_table_failures_and_seed(cli, tmp_path):
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "svd_basics.py").write_text(reference("svd_basics").replace("return s, U", "return s, U.T"))
    result = cli("grade", "-s", folder, "--seed", 12)
    assert result.exit_code == 0
    assert "svd_basics" in result.output and "partial" in result.output and "seed 12" in result.output
    assert "ellipse_axes[" in result.output and "low_rank.py is missing" in result.output
    assert "grader grade --seed 12" in result.output


def test_fail_under(exercises, solutions, cli):
    assert cli("grade", "-s", exercises, "-t", "svd_basics", "--fail-under", 50).exit_code == 1
    assert cli("grade", "-s", solutions, "-t", "svd_basics", "--fail-under", 100).exit_code == 0


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["grade", "--topic", "nope"], "unknown topic 'nope'; the topics are: svd_basics, low_rank"),
        (["check", "svd_basic"], "unknown topic 'svd_basic'"),
        (["hint", "nope"], "the topics are"),
        (["grade", "--submission", "no/such/dir"], "does not exist"),
        (["grade", "--fail-under", "150"], "150"),
    ],
)
def test_usage_errors_exit_2_and_say_what_is_right(cli, args, fragment):
    result = cli(*args)
    assert result.exit_code == 2 and fragment in result.output


def test_a_folder_without_topic_modules_is_a_usage_error(cli, tmp_path):
    result = cli("grade", "-s", tmp_path)
    assert result.exit_code == 2 and "holds none of the topic modules" in result.output


def test_check_starts_with_the_first_topic_and_explains(exercises, cli):
    result = cli("check", "-s", exercises, "--seed", 1)
    assert result.exit_code == 1
    assert result.output.startswith("svd_basics") and "not started" in result.output
    assert "grader hint svd_basics" in result.output


def test_check_moves_on_past_passed_topics_and_list_remembers(exercises, cli, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "svd_basics.py").write_text(reference("svd_basics"))
    (folder / "low_rank.py").write_text((exercises / "low_rank.py").read_text())
    result = cli("check", "-s", folder, "--seed", 1)
    assert result.exit_code == 1
    assert "svd_basics" in result.output.splitlines()[0] and "passed" in result.output.splitlines()[0]
    assert "low_rank" in result.output and "not started" in result.output
    listing = cli("list", "-s", folder).output
    rows = listing.splitlines()[1:3]  # the status column, then the topic's title
    assert " passed " in rows[0] and " not started " in rows[1] and "by hand" in rows[0]


def test_hints_come_one_at_a_time(cli, curriculum):
    hints = curriculum.topic("low_rank").hints
    first = cli("hint", "low_rank").output
    assert first.startswith("1. ") and "2. " not in first and "more" in first
    second = cli("hint", "low_rank").output
    assert "2. " in second
    everything = cli("hint", "low_rank", "--all").output
    assert f"{len(hints)}. " in everything and "more" not in everything


def test_python_dash_m_grader_works():
    result = subprocess.run([sys.executable, "-m", "grader", "list"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and "svd_basics" in result.stdout


def test_json_report_carries_feedback_as_data(cli, tmp_path):
    """A failure's code, mistake and params are in the JSON next to the rendered message."""
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "svd_basics.py").write_text(reference("svd_basics").replace("return s, U", "return s, U.T"))
    out = tmp_path / "r.json"
    cli("grade", "-s", folder, "-t", "svd_basics", "--seed", 4, "--json", out)
    tests = json.loads(out.read_text())["topics"][0]["tests"]
    failed = [t for t in tests if t["status"] == "failed"]
    assert failed and all(t["code"] and t["message"] for t in failed)
    assert all(isinstance(t["params"], dict) for t in failed)
    json.dumps(tests)  # plain data all the way down
