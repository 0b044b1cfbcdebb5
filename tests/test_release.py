"""`grader release` and `grader gradescope-package`: what ships holds no solution
or mutant, installs with pip into a fresh environment, and grades.

The fresh environments are real venvs and the grader is really installed
into them by pip (--no-deps, --no-build-isolation); numpy, pytest, click and
Jinja2 come from this test environment through a .pth line, so no network
and no minute of ensurepip is needed.
"""

import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from classroom import TOPIC, learner, mutant, reference
from conftest import ROOT, SOLUTIONS
from grader.cli import main

BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)


def cli(*args):
    return CliRunner().invoke(main, list(map(str, args)), catch_exceptions=False)


def fresh_venv(path: Path) -> Path:
    """A new venv whose only borrowed packages are this environment's dependencies."""
    subprocess.run([BASE_PYTHON, "-m", "venv", "--without-pip", str(path)], check=True)
    site_dir = next((path / "lib").glob("python3*/site-packages"))
    (site_dir / "borrowed-deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return path


def pip_into(venv: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pip",
        "--python",
        str(venv / "bin" / "python"),
        "install",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
    ]


def shipped_leaks(folder: Path) -> list[str]:
    """Files that must never ship, checked independently of the bundler's own check."""
    references = {p.read_bytes(): p.name for p in SOLUTIONS.rglob("*") if p.is_file()}
    mutant_names = {p.name for p in (SOLUTIONS / "mutants").glob("*.toml")}
    bad = []
    for path in (p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder)
        if (
            "solutions" in rel.parts
            or "tests" in rel.parts
            or path.read_bytes() in references
            or (rel.parts[-2:-1] == ("mutants",) and path.name in mutant_names)
        ):
            bad.append(str(rel))
    return bad


def test_release_ships_stubs_and_suites_and_no_solution(tmp_path):
    out = tmp_path / "release"
    result = cli("release", out)
    assert result.exit_code == 0, result.output
    assert shipped_leaks(out) == []
    assert sorted(p.name for p in (out / "exercises").glob("*.py")) == sorted(
        p.name for p in (ROOT / "exercises").glob("*.py")
    )
    assert all((out / "exercises" / p.name).read_bytes() == p.read_bytes() for p in (ROOT / "exercises").glob("*.py"))
    assert (out / "grader" / "suites" / f"{TOPIC}.py").is_file() and (out / "grader" / "curriculum.toml").is_file()
    assert "pip install ." in (out / "README.md").read_text()
    assert not (out / "solutions").exists() and not list(out.rglob("mutants/*.toml"))
    again = cli("release", out)
    assert again.exit_code == 2 and "exists and is not empty" in again.output


def test_release_installs_in_a_fresh_venv_and_grades(tmp_path):
    out = tmp_path / "release"
    assert cli("release", out).exit_code == 0
    venv = fresh_venv(tmp_path / "venv")
    subprocess.run([*pip_into(venv), str(out)], check=True)
    shutil.rmtree(out / "grader")  # the installed copy must be what runs, not the folder's
    where = subprocess.run(
        [venv / "bin" / "python", "-c", "import grader; print(grader.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    ).stdout
    assert where.startswith(str(venv))
    stubs = subprocess.run(
        [venv / "bin" / "grader", "grade", "-t", TOPIC, "--seed", "1", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=out,
        check=False,
    )
    assert stubs.returncode == 0, stubs.stderr
    report = json.loads(stubs.stdout)
    assert report["score"] == 0 and {x["status"] for x in report["topics"][0]["tests"]} == {"not_implemented"}
    (out / "exercises" / f"{TOPIC}.py").write_text(reference())  # the learner solves the topic
    solved = subprocess.run(
        [venv / "bin" / "grader", "grade", "-t", TOPIC, "--seed", "1", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=out,
        check=False,
    )
    assert json.loads(solved.stdout)["score"] == report["max_score"] > 0
    for lang, stubs in (("en", ROOT / "exercises"), ("ja", ROOT / "grader" / "stubs" / "ja")):  # package data
        made = subprocess.run(
            [venv / "bin" / "grader", "init", f"ws-{lang}", "--lang", lang],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            check=False,
        )
        assert made.returncode == 0, made.stderr
        assert (tmp_path / f"ws-{lang}" / "exercises" / f"{TOPIC}.py").read_bytes() == (
            stubs / f"{TOPIC}.py"
        ).read_bytes()


def test_gradescope_package_runs_setup_and_run_autograder_on_a_local_root(tmp_path):
    package = tmp_path / "autograder.zip"
    result = cli("gradescope-package", package, "--topic", TOPIC)
    assert result.exit_code == 0, result.output
    root = tmp_path / "autograder"
    with zipfile.ZipFile(package) as z:
        names = z.namelist()
        assert {"setup.sh", "run_autograder"} <= set(names)  # at the zip's root
        assert all((z.getinfo(n).external_attr >> 16) & 0o111 for n in ("setup.sh", "run_autograder"))
        z.extractall(root / "source")
    assert shipped_leaks(root / "source") == []
    for name in ("setup.sh", "run_autograder"):
        os.chmod(root / "source" / name, 0o755)
    fresh_venv(root / "venv")  # setup.sh reuses it: no ensurepip here
    env = {
        **os.environ,
        "AUTOGRADER_ROOT": str(root),
        "GRADER_PIP_ARGS": "--no-deps --no-build-isolation --no-index",
        "GRADER_PIP": f"{sys.executable} -m pip --python {root / 'venv' / 'bin' / 'python'}",
    }
    subprocess.run(["bash", root / "source" / "setup.sh"], check=True, env=env)
    learner(root, "submission", mutant("u_and_v_swapped").source(reference()))
    run = subprocess.run([root / "source" / "run_autograder"], env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert {"score", "execution_time", "output", "visibility", "stdout_visibility", "tests"} <= set(results)
    by_topic = {}
    for t in results["tests"]:
        by_topic.setdefault(t["number"].split(".")[0], []).append(t)
    assert list(by_topic) == [TOPIC]  # the assignment's topic only
    assert 0 < sum(t["score"] for t in by_topic[TOPIC]) < sum(t["max_score"] for t in by_topic[TOPIC])
    assert any(t["status"] == "failed" and "U and V" in t["output"] for t in by_topic[TOPIC])
    # an upload the grader cannot grade at all still gets a results.json that says why
    shutil.rmtree(root / "submission")
    (root / "submission").mkdir()
    (root / "submission" / "answers.txt").write_text("?")
    run = subprocess.run([root / "source" / "run_autograder"], env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0
    failed = json.loads((root / "results" / "results.json").read_text())
    assert failed["score"] == 0 and "holds none of the topic modules" in failed["output"]


@pytest.mark.parametrize("command", ["release", "gradescope-package"])
def test_bundles_need_the_kit(tmp_path, command):
    target = tmp_path / ("x.zip" if command == "gradescope-package" else "x")
    result = cli(command, target, "--kit", tmp_path)
    assert (
        result.exit_code == 2
        and "is not the kit's checkout (it lacks pyproject.toml, exercises, grader)" in result.output
    )
