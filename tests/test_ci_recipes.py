"""The CI recipes in docs/ci/: each parses, has the shape its CI expects, and its ``grader`` commands work.

Each recipe's commands come from its ``run:`` (GitHub) or ``script:`` (GitLab) entries. They run here
with ``bash -e -c``, the same way the runners run them, in a temporary copy: the learner bundle made by
``grader release`` for the learner recipes, and the kit (grader/, exercises/, solutions/,
pyproject.toml) for the instructor recipe. ``$GITHUB_STEP_SUMMARY`` points to a temporary file.

Only ``grader ...`` lines run. Installation lines (``pip install``, ``sudo apt-get``, ``sudo sysctl``)
and ``uses:`` actions are skipped, since this environment already has the kit. Any other command fails
the test until the test learns about it.

For speed and repeatability, the test inserts ``--topic svd_basics --seed 1`` after ``grader grade`` or
``grader verify`` when it runs a line locally. The recipes themselves grade every topic with a fresh
seed. The test doesn't edit the recipe files.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from grader.bundle import release

ROOT = Path(__file__).resolve().parents[1]
CI = ROOT / "docs" / "ci"
TOPIC, SEED = "svd_basics", "1"
SKIPPED = re.compile(r"^(python -m pip install|pip install|sudo apt-get (update|install)|sudo sysctl) ")
COPY_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".grader")


def load(name: str) -> dict:
    return yaml.safe_load((CI / name).read_text(encoding="utf-8"))


def triggers(doc: dict):
    # PyYAML reads YAML 1.1, where the bare key `on` is the boolean True; GitHub reads it as "on".
    return doc.get("on", doc.get(True))


def lines(script) -> list[str]:
    """A `run:` string or a `script:` list as single command lines (continuations joined, comments dropped)."""
    text = "\n".join(script) if isinstance(script, list) else script
    text = text.replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


def grader_lines(scripts) -> list[str]:
    """The `grader ...` lines of these scripts, in order; every other line must be a known installation step."""
    found = []
    for script in scripts:
        for line in lines(script):
            if line.startswith("grader "):
                found.append(line)
            else:
                assert SKIPPED.match(line), f"the test does not know how to run or skip {line!r}"
    return found


def github_job(doc: dict) -> dict:
    assert triggers(doc), "no `on:` triggers"
    assert isinstance(doc.get("jobs"), dict) and len(doc["jobs"]) == 1
    (job,) = doc["jobs"].values()
    assert isinstance(job.get("runs-on"), str) and job["runs-on"].startswith("ubuntu-")
    assert isinstance(job.get("steps"), list) and job["steps"]
    for step in job["steps"]:
        assert ("uses" in step) != ("run" in step), f"a step needs exactly one of uses/run: {step}"
        if "uses" in step:
            assert re.fullmatch(r"actions/[\w-]+@v\d+", step["uses"]), step["uses"]
    return job


def run_scripts(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def local(line: str) -> str:
    """The recipe's line, restricted to one topic and a fixed seed for this run."""
    return re.sub(r"^grader (grade|verify) ", rf"grader \1 --topic {TOPIC} --seed {SEED} ", line)


def option(line: str, name: str) -> str:
    words = shlex.split(line)
    return words[words.index(name) + 1]


@pytest.fixture
def env(tmp_path) -> dict:
    """`grader` on PATH as this interpreter's grader, and a step summary file of our own."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "grader"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m grader "$@"\n')
    shim.chmod(0o755)
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "step_summary.md"),
    }


def run(line: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-e", "-c", local(line)], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def learner_bundle(tmp_path: Path, submission: str) -> Path:
    bundle = release.make(tmp_path / "learner", kit=ROOT)
    if submission == "solutions":
        shutil.copy(ROOT / "solutions" / f"{TOPIC}.py", bundle / "exercises" / f"{TOPIC}.py")
    return bundle


def kit_copy(tmp_path: Path) -> Path:
    kit = tmp_path / "kit"
    for name in ("grader", "exercises", "solutions"):
        shutil.copytree(ROOT / name, kit / name, ignore=COPY_IGNORE)
    shutil.copy(ROOT / "pyproject.toml", kit / "pyproject.toml")
    return kit


def skip_without_sandbox(result: subprocess.CompletedProcess) -> None:
    if result.returncode == 2 and "--isolation require:" in result.stderr:
        pytest.skip(f"no bubblewrap sandbox here: {result.stderr.strip()}")


# --- github-learner.yml ---------------------------------------------------------------------------------------


def test_github_learner_recipe_writes_the_summary_and_keeps_the_json():
    job = github_job(load("github-learner.yml"))
    assert "push" in triggers(load("github-learner.yml"))
    (grade,) = grader_lines(run_scripts(job))
    assert shlex.split(grade)[:2] == ["grader", "grade"]
    assert option(grade, "--format") == "markdown"
    assert option(grade, "--output") == "$GITHUB_STEP_SUMMARY"
    uploads = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert [s["with"]["path"] for s in uploads] == [option(grade, "--json")]
    assert uploads[0].get("if") == "always()"


@pytest.mark.parametrize(("submission", "percent"), [("exercises", 0), ("solutions", 100)])
def test_github_learner_commands_grade_the_bundle(tmp_path, env, submission, percent):
    bundle = learner_bundle(tmp_path, submission)
    job = github_job(load("github-learner.yml"))
    for line in grader_lines(run_scripts(job)):
        result = run(line, bundle, env)
        assert result.returncode == 0, result.stdout + result.stderr
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    total = re.match(r"## Grade: ([\d.]+)/([\d.]+) \((\d+)%\)\n", summary)
    assert total and int(total[3]) == percent, summary[:300]
    assert re.search(rf"^\| \S+ \| {TOPIC} \|", summary, re.M)
    report = json.loads((bundle / "report.json").read_text(encoding="utf-8"))
    assert report["schema"] == "grader-report/2"
    assert [t["id"] for t in report["topics"]] == [TOPIC]
    assert f"{report['score']:g}/{report['max_score']:g}" == f"{float(total[1]):g}/{float(total[2]):g}"


# --- github-instructor.yml ------------------------------------------------------------------------------------


def test_github_instructor_recipe_installs_bubblewrap_and_requires_the_sandbox():
    job = github_job(load("github-instructor.yml"))
    scripts = run_scripts(job)
    installs = [line for script in scripts for line in lines(script)]
    assert "sudo apt-get install -y bubblewrap" in installs
    commands = grader_lines(scripts)
    verify = [line for line in commands if line.startswith("grader verify")]
    assert len(verify) == 1 and option(verify[0], "--isolation") == "require"
    assert verify[0] == commands[-1], "verify runs last, after the install steps"
    (grade,) = [line for line in commands if line.startswith("grader grade")]
    assert option(grade, "--submission") == "solutions" and option(grade, "--fail-under") == "100"


def test_github_instructor_commands_pass_on_the_kit(tmp_path, env):
    kit = kit_copy(tmp_path)
    for line in grader_lines(run_scripts(github_job(load("github-instructor.yml")))):
        result = run(line, kit, env)
        skip_without_sandbox(result)
        assert result.returncode == 0, result.stdout + result.stderr
    assert "verify passed" in result.stdout
    assert Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8").startswith("## Grade: 10/10 (100%)")


def test_github_instructor_commands_fail_when_a_solution_is_wrong(tmp_path, env):
    """A stub in place of the reference solution: both the full-marks grade and verify exit non-zero."""
    kit = kit_copy(tmp_path)
    shutil.copy(kit / "exercises" / f"{TOPIC}.py", kit / "solutions" / f"{TOPIC}.py")
    commands = grader_lines(run_scripts(github_job(load("github-instructor.yml"))))
    assert len(commands) == 2
    for line in commands:
        result = run(line, kit, env)
        skip_without_sandbox(result)
        assert result.returncode == 1, result.stdout + result.stderr
    assert "verify failed" in result.stdout


# --- gitlab-junit.yml -----------------------------------------------------------------------------------------


def gitlab_job() -> dict:
    doc = load("gitlab-junit.yml")
    jobs = [job for job in doc.values() if isinstance(job, dict) and "script" in job]
    assert len(jobs) == 1
    (job,) = jobs
    assert isinstance(job["script"], list) and all(isinstance(line, str) for line in job["script"])
    assert job["artifacts"]["when"] == "always"
    assert isinstance(job["artifacts"]["reports"]["junit"], str)
    return job


def test_gitlab_recipe_publishes_the_junit_file_it_writes():
    job = gitlab_job()
    (grade,) = grader_lines([job["script"]])
    assert option(grade, "--format") == "junit"
    assert option(grade, "--output") == job["artifacts"]["reports"]["junit"]


def test_gitlab_commands_write_junit_xml(tmp_path, env):
    bundle = learner_bundle(tmp_path, "exercises")
    job = gitlab_job()
    for line in grader_lines([job["script"]]):
        result = run(line, bundle, env)
        assert result.returncode == 0, result.stdout + result.stderr
    root = ET.parse(bundle / job["artifacts"]["reports"]["junit"]).getroot()
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == TOPIC
    cases = suite.findall("testcase")
    assert cases and int(root.get("tests", -1)) == len(cases)
    assert all(case.get("classname") == TOPIC for case in cases)
    assert int(root.get("failures", -1)) == len(cases) == len(suite.findall("testcase/failure")), "stubs fail all"
