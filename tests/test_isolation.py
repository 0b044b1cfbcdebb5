"""Properties of the worker's sandbox, observed from inside a real worker, and the tier selection.

Each property test skips, saying why, where the tier in use lacks the feature.
"""

import os
import shutil
import time

import pytest

from conftest import ROOT, processes_with
from grader import isolation
from grader.sandbox import Sandbox, WorkerPool

PROBES = '''
import os, socket, subprocess, sys, time

def connect(host, port):
    try:
        socket.create_connection((host, port), timeout=2).close()
        return "connected"
    except OSError as exc:
        return type(exc).__name__

def interfaces():
    with open("/proc/net/dev") as f:
        return sorted(line.split(":")[0].strip() for line in f.readlines()[2:])

def write(path):
    try:
        with open(path, "w") as f:
            f.write("x")
        return "written"
    except OSError as exc:
        return type(exc).__name__

def exists(path):
    return os.path.exists(path)

def mkdir(path):
    try:
        os.mkdir(path)
        return "made"
    except OSError as exc:
        return type(exc).__name__

def names_outside_usr(bound):
    """Every path in the sandbox's root, not descending into /usr, /proc, /dev or the bound trees."""
    found = []
    for top in sorted(set(os.listdir("/")) - {"usr", "proc", "dev", "sys"}):
        if os.path.islink("/" + top):  # /lib -> usr/lib on a merged-/usr system
            continue
        for folder, dirs, files in os.walk("/" + top):
            found += [os.path.join(folder, n) for n in dirs + files]
            dirs[:] = [d for d in dirs if os.path.join(folder, d) not in bound]
    return found

def status():
    with open("/proc/self/status") as f:
        return dict(line.rstrip("\\n").split(":\\t", 1) for line in f if ":\\t" in line)

def fork_until_refused(limit):
    children, error = [], ""
    for _ in range(limit):
        try:
            pid = os.fork()
        except OSError as exc:
            error = type(exc).__name__
            break
        if pid == 0:
            time.sleep(30)
            os._exit(0)
        children.append(pid)
    for pid in children:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    return len(children), error

def allocate(mb):
    try:
        return len(bytearray(mb << 20))
    except MemoryError:
        return "MemoryError"

def run(*argv):
    done = subprocess.run(list(argv), capture_output=True, text=True)
    return done.returncode, done.stderr.strip()[-200:]

def mounts():
    with open("/proc/self/mountinfo") as f:
        return [line.split()[4] for line in f]

def signal_pid(pid):
    try:
        os.kill(pid, 0)
        return "reachable"
    except OSError as exc:
        return type(exc).__name__

def outlive(marker):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(120)", marker])
        os._exit(0)
    time.sleep(0.5)
    return os.readlink("/proc/self/ns/pid")
'''


@pytest.fixture(scope="module")
def pool():
    pool = WorkerPool([])
    yield pool
    pool.close()


@pytest.fixture
def probe(tmp_path, pool):
    (tmp_path / "probes.py").write_text(PROBES)
    box = Sandbox({"probes": tmp_path / "probes.py"}, pool)

    def call(name, *args, timeout=10.0):
        answer = box.request("probes", "call", name, list(args), {}, (), timeout)
        assert answer.ok, answer
        return answer.value

    call.box = box
    yield call
    box.close()


def needs(pool, *features):
    missing = [f for f in features if f not in pool.tier.features]
    if missing:
        pytest.skip(
            f"isolation tier {pool.tier.name!r} lacks {', '.join(missing)}"
            + (f" ({pool.tier.warning})" if pool.tier.warning else "")
        )


def test_no_network(pool, probe):
    needs(pool, "net_ns")
    assert probe("interfaces") == ["lo"]
    assert probe("connect", "1.1.1.1", 53) != "connected"
    assert probe("connect", "127.0.0.1", 22) != "connected"


def test_read_only_except_scratch(pool, probe):
    needs(pool, "read_only_root", "scratch_tmpfs")
    for path in ("/x", "/usr/x", "/tmp/x", f"{isolation.LIB}/grader/x.py", isolation.layout().python + "x"):
        assert probe("write", path) in ("OSError", "PermissionError"), path
    for path in ("/x", f"{isolation.LIB}/numpy/x", f"{isolation.LIB}/grader/worker/x", *isolation.layout().hidden):
        assert probe("mkdir", path + "/x" if path in isolation.layout().hidden else path) in (
            "OSError",
            "PermissionError",
        ), path
    assert probe("write", f"{isolation.WORK}/scratch.txt") == "written"


def test_suites_solutions_and_the_project_are_invisible(pool, probe):
    needs(pool, "fresh_root")
    for path in (ROOT, ROOT / "solutions", ROOT / "grader" / "suites", os.path.expanduser("~/.bashrc"), "/work"):
        assert not probe("exists", str(path)), path
    bound = [dst for src, dst in isolation.layout().binds if os.path.isdir(src) and "/grader/" not in dst]
    names = probe("names_outside_usr", bound)
    assert not [n for n in names if "solutions" in n or "/suites" in n or n.endswith(".pth")]
    grader_files = sorted(
        n.removeprefix(f"{isolation.LIB}/grader/")
        for n in names
        if n.startswith(f"{isolation.LIB}/grader/") and "__pycache__" not in n
    )
    assert {f.split("/")[0] for f in grader_files} == {"__init__.py", "wire.py", "worker"}


def test_process_count_is_capped(pool, probe):
    needs(pool, "nproc_cap")
    forked, error = probe("fork_until_refused", 4 * isolation.NPROC, timeout=30)
    assert forked < isolation.NPROC and error == "BlockingIOError"


def test_memory_is_capped(pool, probe):
    needs(pool, "memory_cap")
    assert probe("allocate", 64) == 64 << 20
    assert probe("allocate", 4096) == "MemoryError"


def test_no_privilege(pool, probe):
    needs(pool, "no_caps", "no_new_privs")
    status = probe("status")
    assert {k: int(status[k], 16) for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")} == dict.fromkeys(
        ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"), 0
    )
    assert status["NoNewPrivs"].strip() == "1"
    if "own_uid" in pool.tier.features:
        assert int(status["Uid"].split()[0]) >= isolation.UID_BASE


def test_mounts_cannot_be_undone(pool, probe):
    needs(pool, "no_caps", "no_nested_userns")
    hidden = [m for m in probe("mounts") if m in isolation.layout().hidden]
    assert hidden, "the site-packages directories are covered"
    code, err = probe("run", "umount", hidden[0])
    assert code != 0
    code, err = probe("run", "unshare", "--user", "--map-root-user", "--mount", "umount", hidden[0])
    assert code != 0 and ("No space left" in err or "Operation not permitted" in err or "ermission" in err), err


def test_nothing_is_left_for_the_next_submission(tmp_path, pool, probe):
    """Workers of one pool share a fork server: closing a run empties its scratch folder and kills its processes."""
    assert probe("write", "../left-behind.txt") == "written"
    marker = f"left-{os.getpid()}-{time.monotonic_ns()}"
    probe("outlive", marker)
    probe.box.close()
    box = Sandbox({"probes": tmp_path / "probes.py"}, pool)
    try:
        answer = box.request("probes", "call", "exists", ["../left-behind.txt"], {}, (), 10.0)
        assert answer.ok and answer.value is False
        if "pid_ns" in pool.tier.features:
            assert not processes_with(marker)
    finally:
        box.close()


def test_the_grader_cannot_be_signalled(pool, probe):
    needs(pool, "pid_ns")
    assert probe("signal_pid", os.getpid()) == "ProcessLookupError"


def test_no_descendant_outlives_its_worker(pool, probe):
    needs(pool, "pid_ns")
    marker = f"outlive-{os.getpid()}-{time.monotonic_ns()}"
    probe("outlive", marker)
    probe.box.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and processes_with(marker):
        time.sleep(0.05)
    assert not processes_with(marker)


def test_require_refuses_without_bubblewrap(monkeypatch):
    monkeypatch.setattr(isolation, "_chosen", None)
    isolation._probe.cache_clear()
    real_which = shutil.which
    monkeypatch.setattr(isolation.shutil, "which", lambda name: None if name == "bwrap" else real_which(name))
    try:
        with pytest.raises(isolation.IsolationUnavailable, match="apt-get install bubblewrap"):
            isolation.select("require")
        tier = isolation.select("auto")
        assert tier.name == "process" and "bubblewrap" in tier.warning
    finally:
        isolation._probe.cache_clear()


def test_cli_require_exits_2_and_says_what_is_missing(monkeypatch):
    from click.testing import CliRunner

    from grader.cli import main

    monkeypatch.setattr(isolation, "_chosen", None)
    monkeypatch.setattr(
        isolation,
        "_probe",
        lambda: isolation.Tier("process", (), "no namespace isolation: bubblewrap (bwrap) is not installed: x"),
    )
    result = CliRunner().invoke(main, ["grade", "--isolation", "require", "--submission", str(ROOT / "solutions")])
    assert result.exit_code == 2 and "bubblewrap (bwrap) is not installed" in result.output
