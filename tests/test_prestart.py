"""The fork server launched before the grader's imports: who may adopt it, and that none is left over."""

import os
import subprocess
import sys
import time

import pytest

from grader import isolation, prestart
from grader.sandbox import Sandbox, WorkerPool


@pytest.mark.parametrize(
    "argv, command",
    [
        (["grader", "check", "svd_basics"], "check"),
        (["grader", "--lang", "ja", "grade", "-j", "2"], "grade"),
        (["grader", "--lang", "check", "list"], "list"),  # "check" is the value of --lang here
        (["grader", "--version"], None),
        (["grader"], None),
    ],
)
def test_the_command_is_found_past_the_group_options(argv, command):
    assert prestart._command(argv)[0] == command


@pytest.mark.parametrize(
    "args, mode",
    [([], "auto"), (["--isolation", "off"], "off"), (["--isolation=require", "x"], "require")],
)
def test_the_isolation_mode_is_read_as_click_will(args, mode):
    assert prestart._isolation_mode(args) == mode


@pytest.fixture
def early():
    prestart.early(["grader", "check", "svd_basics"])
    yield prestart._early
    prestart._discard()


def test_the_first_pool_adopts_the_early_fork_server_and_it_works(early, tmp_path):
    assert early is not None
    pool = WorkerPool(["numpy.linalg.svd"])
    try:
        assert pool._zygote is not None and pool._zygote.proc is early.proc  # no second start-up
        assert prestart._early is None  # taken once
        (tmp_path / "toy.py").write_text("def double(x):\n    return 2 * x\n")
        box = Sandbox({"toy": tmp_path / "toy.py"}, pool)
        answer = box.request("toy", "call", "double", [21])
        box.close()
        assert answer.ok and answer.value == 42
        forbidden = Sandbox({"toy": tmp_path / "toy.py"}, pool)  # the settings sent late still hold
        (tmp_path / "toy.py").write_text("import numpy as np\ndef s(a):\n    return np.linalg.svd(a)[1]\n")
        answer = forbidden.request("toy", "call", "s", [[[1.0]]], forbid=["numpy.linalg.svd"])
        forbidden.close()
        assert not answer.ok and "svd" in answer.message
    finally:
        pool.close()
    assert early.proc.poll() is not None


def test_a_pool_of_another_tier_does_not_adopt_it_and_it_is_killed(early):
    other = isolation.Tier("process", isolation.COMMON_FEATURES, "off") if early.tier.sandboxed else None
    if other is None:
        pytest.skip("the namespaces tier is not available here")
    assert prestart.take(other) is None
    assert early.proc.wait(timeout=5) is not None


def test_a_forked_child_never_takes_its_parents_fork_server(early):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(w, b"1" if prestart.take(early.tier) is None else b"0")
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(r, 1) == b"1"
    assert early.proc.poll() is None  # still there for the parent


def test_commands_that_do_not_grade_launch_nothing():
    for argv in (["grader", "list"], ["grader", "check", "--help"], ["grader", "check", "--python", "x"]):
        prestart.early(argv)
        assert prestart._early is None


def test_an_early_fork_server_nobody_adopts_is_gone_at_exit():
    script = (
        "import sys\nfrom grader import prestart\n"
        "prestart.early(['grader', 'check', 'svd_basics'])\nprint(prestart._early.proc.pid, flush=True)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    pid = int(out.stdout)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail("the early fork server outlived the grader")
