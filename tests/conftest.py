"""Shared fixtures: the repository's folders and submissions built from the reference."""

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from grader import curriculum as curriculum_file
from grader.curriculum import Curriculum
from grader.sandbox import WorkerPool
from grader.submission import Submission

# The kit's tests read English whatever the machine's locale or the developer's GRADER_LANG
# (tests/test_languages.py chooses other languages explicitly).
os.environ["GRADER_LANG"] = "en"

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS, EXERCISES = ROOT / "solutions", ROOT / "exercises"


@pytest.fixture(scope="session")
def curriculum() -> Curriculum:
    return curriculum_file.load()


@pytest.fixture(scope="session")
def fast_curriculum() -> Curriculum:
    """The real curriculum with a 1-second call timeout, for tests that wait on timeouts."""
    with open(curriculum_file.CURRICULUM_FILE, "rb") as f:
        data = tomllib.load(f)
    data["defaults"]["timeout"] = 1.0
    for topic in data["topic"]:
        for spec in topic["functions"].values():
            spec.pop("timeout", None)
    return Curriculum(data)


@pytest.fixture(scope="session")
def pool(curriculum):
    pool = WorkerPool(curriculum.forbidden_union())
    yield pool
    pool.close()


@pytest.fixture
def make_submission(tmp_path, curriculum):
    """A copy of the reference solutions, with some modules replaced (source text) or removed (None)."""

    def make(overrides=None, name="submission"):
        folder = tmp_path / name
        folder.mkdir()
        for topic in curriculum.topics:
            if (SOLUTIONS / topic.module_file).exists():
                shutil.copy(SOLUTIONS / topic.module_file, folder / topic.module_file)
        for module, source in (overrides or {}).items():
            target = folder / f"{module}.py"
            if source is None:
                target.unlink()
            else:
                target.write_text(source)
        return folder

    return make


def reference(module: str) -> str:
    return (SOLUTIONS / f"{module}.py").read_text()


def submission(folder, curriculum) -> Submission:
    return Submission.from_dir(folder, curriculum)


def _repository_state() -> tuple[bool, str]:
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    return (ROOT / ".grader").exists(), status


@pytest.fixture(scope="session", autouse=True)
def repository_is_left_alone():
    """The kit's own tests write nothing into the repository (progress, reports, copies)."""
    before = _repository_state()
    yield
    assert _repository_state() == before, "a test wrote into the repository: " + _repository_state()[1]


def processes_with(marker: str) -> list[int]:
    """Pids of live processes whose command line holds ``marker`` (to prove none outlived its sandbox)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if marker.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found
