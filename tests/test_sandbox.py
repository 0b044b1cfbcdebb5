"""The worker boundary against hostile or broken submission code."""

import os
import time

import numpy as np
import pytest

from grader import sandbox as sandbox_module
from grader.sandbox import Sandbox, WorkerPool

TOY = """
import os, sys, numpy as np
from numpy.linalg import svd as aliased_svd

def add(a, b):
    return a + b
def loop():
    while True:
        pass
def swallow_everything():
    while True:
        try:
            time_waster = sum(range(10 ** 6))
        except BaseException:
            pass
def burn(seconds):
    import time
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return seconds
def nap(seconds):
    import time
    time.sleep(seconds)
    return seconds
def hard_exit():
    os._exit(0)
def soft_exit():
    sys.exit(3)
def crash():
    import signal
    os.kill(os.getpid(), signal.SIGSEGV)
def use_ctypes():
    import ctypes
    return ctypes.string_at(id(1), 8)
def aliased(A):
    return aliased_svd(A)[1]
def caught(A):
    try:
        return np.linalg.svd(A)[1]
    except Exception:
        return np.zeros(2)
def via_numpy_internals(A):
    return np.linalg.norm(A, 2)
def mutate(A):
    A[0, 0] = 99.0
    return 1.0
def touch_cache(cache, change):
    if change:
        cache[1]["b"][0] += 1.0
    return len(cache)
class OwnError(ValueError):
    pass
def own_error():
    raise OwnError("bad name")
def not_yet(x):
    raise NotImplementedError("not_yet")
def divide(x):
    return helper(x)
def helper(x):
    return 1 / x
def hog():
    return np.ones(1 << 31)
def flood():
    while True:
        print("x" * 1000)
def chatty():
    print("hello from the learner")
    return 2
def warn():
    return np.exp(1000.0)
class Liar:
    def __eq__(self, other):
        return True
def liar():
    return Liar()
class Sub(np.ndarray):
    pass
def subclass():
    return np.zeros(2).view(Sub)
def look_around():
    import importlib.util
    return sorted(os.listdir(".")), importlib.util.find_spec("solutions") is None, os.environ.get("PYTEST_ADDOPTS")
def borrow_the_oracle(A):
    from grader.suites.svd_basics import singular_values
    return singular_values(A)
"""


@pytest.fixture(scope="module")
def pool():
    pool = WorkerPool(["numpy.linalg.svd", "numpy.linalg.norm"])
    yield pool
    pool.close()


@pytest.fixture
def sandbox(tmp_path, pool):
    (tmp_path / "toy.py").write_text(TOY)
    (tmp_path / "conftest.py").write_text("raise SystemExit('never copied')\n")
    box = Sandbox({"toy": tmp_path / "toy.py"}, pool)
    yield box
    box.close()


def call(box, name, *args, forbid=(), timeout=5.0):
    return box.request("toy", "call", name, list(args), {}, forbid, timeout)


def test_plain_call(sandbox):
    answer = call(sandbox, "add", 1, 2.5)
    assert answer.ok and answer.value == 3.5


@pytest.mark.parametrize("name", ["loop", "swallow_everything"])
def test_timeout_is_enforced_from_the_parent_and_the_worker_restarts(sandbox, name):
    start = time.monotonic()
    answer = call(sandbox, name, timeout=1.0)
    assert (answer.ok, answer.kind) == (False, "timeout")
    assert time.monotonic() - start < sandbox_module.WALL_FACTOR * 1.0 + 3.0  # CPU budget, wall backstop
    assert call(sandbox, "add", 1, 1).value == 2  # a fresh worker took over


def test_the_budget_is_cpu_time_with_a_wall_clock_backstop(sandbox):
    """Waiting (a loaded machine, a sleep) does not use up a call's budget; waiting for ever does."""
    assert call(sandbox, "nap", 1.5, timeout=1.0).value == 1.5
    start = time.monotonic()
    answer = call(sandbox, "nap", 60, timeout=1.0)
    assert (answer.ok, answer.kind) == (False, "timeout")
    assert sandbox_module.WALL_FACTOR * 1.0 <= time.monotonic() - start < sandbox_module.WALL_FACTOR * 1.0 + 3.0


def test_the_parent_reads_the_worker_s_cpu_clock(sandbox):
    """What the budget is measured with: the child's own CPU time, read from here by its pid."""
    call(sandbox, "add", 0, 0)
    worker = sandbox._workers["toy"]
    before = worker._cpu_seconds()
    assert call(sandbox, "burn", 0.3).value == 0.3
    burnt = worker._cpu_seconds()
    assert 0.3 <= burnt - before < 5.0
    assert call(sandbox, "nap", 0.3).value == 0.3
    assert worker._cpu_seconds() - burnt < 0.2  # sleeping costs (almost) nothing


@pytest.mark.parametrize(
    "name, kind, fragment",
    [
        ("hard_exit", "exited", "status 0"),
        ("crash", "crashed", "SIGSEGV"),
        ("soft_exit", "exception", "SystemExit: 3"),
    ],
)
def test_a_dying_worker_is_a_missing_answer(sandbox, name, kind, fragment):
    answer = call(sandbox, name)
    assert (answer.ok, answer.kind) == (False, kind) and fragment in answer.message
    assert call(sandbox, "add", 2, 2).value == 4


def test_forbidden_call_through_an_alias_captured_at_import(sandbox):
    A = np.eye(2)
    answer = call(sandbox, "aliased", A, forbid=["numpy.linalg.svd"])
    assert (answer.kind, answer.message) == ("forbidden", "numpy.linalg.svd")
    assert call(sandbox, "aliased", A).ok  # allowed where the function does not forbid it


def test_ctypes_is_forbidden_in_learner_code(sandbox):
    answer = call(sandbox, "use_ctypes")
    assert (answer.kind, answer.message) == ("forbidden", "ctypes.string_at")


def test_forbidden_call_counts_even_when_the_learner_catches_it(sandbox):
    assert call(sandbox, "caught", np.eye(2), forbid=["numpy.linalg.svd"]).kind == "forbidden"


def test_numpy_may_use_a_forbidden_function_internally(sandbox):
    # norm(A, 2) calls svd inside numpy.linalg: only the learner's own call is judged
    answer = call(sandbox, "via_numpy_internals", np.eye(2), forbid=["numpy.linalg.svd"])
    assert answer.ok and answer.value == pytest.approx(1.0)


def test_not_implemented_and_exceptions_with_learner_frames_only(sandbox):
    assert call(sandbox, "not_yet", 1).kind == "not_implemented"
    answer = call(sandbox, "divide", 0)
    assert answer.kind == "exception" and answer.message.startswith("ZeroDivisionError")
    assert [frame[2] for frame in answer.traceback] == ["divide", "helper"]
    assert all(frame[0] == "toy.py" for frame in answer.traceback)
    own = call(sandbox, "own_error")
    assert own.message == "OwnError: bad name" and own.exception == "ValueError"


@pytest.mark.parametrize("name, fragment", [("liar", "toy.Liar"), ("subclass", "subclass of numpy.ndarray")])
def test_objects_that_are_not_plain_data_are_wrong_types(sandbox, name, fragment):
    answer = call(sandbox, name)
    assert answer.kind == "wrong_type" and fragment in answer.message


def test_memory_cap(sandbox):
    answer = call(sandbox, "hog")
    assert not answer.ok and "MemoryError" in answer.message
    assert call(sandbox, "add", 1, 1).ok


def test_output_is_captured_and_capped(sandbox):
    answer = call(sandbox, "chatty")
    assert answer.value == 2 and "hello from the learner" in answer.output
    flooded = call(sandbox, "flood")
    assert flooded.kind == "output_limit" and len(flooded.output) <= 4000


def test_input_mutation_and_warnings_are_reported(sandbox):
    assert call(sandbox, "mutate", np.zeros((2, 2))).mutated == ["A"]
    cache = [np.zeros((2, 3)), {"b": np.ones(4)}, (np.eye(2), 1.5)]  # arrays of mixed shapes, nested
    assert call(sandbox, "touch_cache", cache, False).mutated == []
    assert call(sandbox, "touch_cache", cache, True).mutated == ["cache"]
    line = TOY.splitlines().index("    return np.exp(1000.0)") + 1
    assert call(sandbox, "warn").warnings == [f"RuntimeWarning: overflow encountered in exp (toy.py:{line})"]


def test_the_grader_s_trusted_modules_are_not_importable_by_submissions(sandbox):
    answer = call(sandbox, "borrow_the_oracle", np.eye(2), forbid=["numpy.linalg.svd"])
    assert answer.kind == "exception" and "not available to submissions" in answer.message


def test_missing_function_names_what_exists(sandbox):
    answer = call(sandbox, "nope")
    assert answer.kind == "no_function" and "add" in answer.message


def test_worker_sees_only_topic_files_and_a_clean_environment(sandbox, monkeypatch):
    monkeypatch.setenv("PYTEST_ADDOPTS", "-p evil")
    files, no_solutions, addopts = call(sandbox, "look_around").value
    assert files == ["toy.py"]  # no conftest.py, nothing else from the submission folder
    assert no_solutions  # the reference solutions are not importable
    assert addopts is None


@pytest.mark.parametrize(
    "source, kind, fragment, line",
    [
        ("def f(:\n", "import_error", "SyntaxError", 1),
        ("x = 1\nraise RuntimeError('at import')\n", "import_error", "RuntimeError: at import", 2),
        ("import os\nos._exit(1)\n", "import_error", "exited", None),
    ],
)
def test_broken_modules_fail_every_call_with_file_and_line(tmp_path, pool, source, kind, fragment, line):
    (tmp_path / "toy.py").write_text(source)
    box = Sandbox({"toy": tmp_path / "toy.py"}, pool)
    try:
        for _ in range(2):
            answer = call(box, "anything")
            assert answer.kind == kind and fragment in answer.message
            if line:
                assert answer.traceback[-1][:2] == ["toy.py", line]
    finally:
        box.close()


def test_missing_module(pool):
    box = Sandbox({}, pool)
    assert call(box, "anything").kind == "missing"


def test_no_worker_outlives_its_sandbox(tmp_path, pool):
    (tmp_path / "toy.py").write_text(TOY)
    box = Sandbox({"toy": tmp_path / "toy.py"}, pool)
    pid = call(box, "look_around") and box._workers["toy"].pid
    box.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_workers_die_with_the_grader(tmp_path):
    """A grader killed mid-call (say, ^C twice) leaves no learner loop spinning."""
    import subprocess
    import sys

    (tmp_path / "toy.py").write_text(TOY)
    script = (
        f"from pathlib import Path\nfrom grader.sandbox import Sandbox, WorkerPool\n"
        f"box = Sandbox({{'toy': Path({str(tmp_path / 'toy.py')!r})}}, WorkerPool([]))\n"
        f"box._worker('toy')\nprint(box._workers['toy'].pid, flush=True)\n"
        f"box.request('toy', 'call', 'loop', timeout=60)\n"
    )
    grader = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    pid = int(grader.stdout.readline())
    os.kill(pid, 0)  # the worker runs the endless loop now
    grader.kill()
    grader.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":  # dead, waiting to be reaped
                    return
        except FileNotFoundError:
            return
        time.sleep(0.05)
    pytest.fail("the worker outlived the grader")


def test_a_branch_serves_a_forked_judge_from_the_same_fork_server_and_cannot_reset_it(tmp_path):
    """grade --jobs: a forked judge spawns over its own channel; its sandbox closing leaves the parent's alone."""
    (tmp_path / "toy.py").write_text(TOY)
    files = {"toy": tmp_path / "toy.py"}
    pool = WorkerPool([])
    try:
        mine = Sandbox(files, pool)
        assert call(mine, "add", 1, 2).value == 3
        worker_pid = mine._workers["toy"].pid
        branch = pool.branch()
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            theirs = Sandbox(files, branch)
            ok = call(theirs, "add", 2, 3).value == 5 and isinstance(branch._zygote, sandbox_module.Channel)
            theirs.close()  # a reset from here would kill the parent's worker
            os.write(w, b"1" if ok else b"0")
            os._exit(0)
        branch.close()
        os.waitpid(pid, 0)
        assert os.read(r, 1) == b"1"
        assert call(mine, "add", 4, 5).value == 9 and mine._workers["toy"].pid == worker_pid
        mine.close()
    finally:
        pool.close()
