"""`grader batch --scheduler ADDRESS`: grade the learners as tasks on a Dask distributed cluster.

The client (the `grader batch` process) connects, checks that every worker
runs this grader version with these suites (``check_versions``), then keeps
a bounded number of tasks in flight (``run``): one per learner, ``pure=False``
(the same learner graded twice is two gradings), with ``retries``. A task
carries the learner's files, not a path, so workers need no shared
filesystem: a zip's bytes, or a folder's topic modules (in the folder or one
level down, all that ``module_root`` and ``Submission.from_dir`` read).

On the worker (``grade_remote``) the files are laid out again in a temporary
folder of the learner's name and graded by ``python -m grader.batch.cluster``:
a fresh interpreter that runs the local runner (``local.run``) for this one
learner, so a cluster task gets the same forked child, deadline (``--timeout``)
and crash handling as a local batch, and the worker's own process (threads,
daemon flag, working directory) is left alone. Each task returns the result
as a plain dict; only the client writes reports and the gradebook, learner
by learner as results arrive, so an interrupted batch loses no finished
learner.

Dask is an optional extra (``pip install -e ".[cluster]"``), imported here only.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grader.batch.learners import IGNORED, Learner
from grader.feedback.errors import MessageError
from grader.feedback.render import message

INSTALL = 'pip install -e ".[cluster]"'
RETRIES = 2  # a task whose worker died (or that raised) runs again elsewhere, up to this many times
BACKSTOP = 60.0  # seconds past --timeout after which the worker gives up on its grading subprocess


class ClusterError(MessageError, RuntimeError):
    """The cluster cannot be used: dask missing, scheduler unreachable, no workers, or a version mismatch."""


def _distributed():
    try:
        import distributed
    except ImportError:
        raise ClusterError("batch.no_dask", install=INSTALL) from None
    return distributed


def connect(address: str, timeout: float = 10.0):
    """A client of the scheduler at ``address``, with at least one worker."""
    distributed = _distributed()
    try:
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError("batch.unreachable", address=address, reason=str(exc)) from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (OSError, TimeoutError):
        client.close()
        raise ClusterError("batch.no_workers_yet", address=address) from None
    return client


def identity() -> dict[str, str]:
    """What a worker must share with the client: the grader version and the suite hash."""
    from grader import __version__
    from grader.integrity import suite_hash

    return {"grader_version": __version__, "suite_hash": suite_hash()}


def check_versions(client, expected: dict[str, str] | None = None) -> dict[str, dict[str, str]]:
    """Run ``identity`` on every worker; refuse (ClusterError) if any differs from ``expected`` (the client's)."""
    expected = expected or identity()
    seen: dict[str, dict[str, str]] = client.run(identity)
    wrong = {worker: got for worker, got in seen.items() if got != expected}
    if not seen:
        raise ClusterError("batch.no_workers")
    if wrong:
        lines = [
            message(
                "batch.worker_version", worker=worker, version=got.get("grader_version"), hash=got.get("suite_hash")
            )
            for worker, got in sorted(wrong.items())
        ]
        raise ClusterError(
            "batch.worker_versions",
            wrong=len(wrong),
            seen=len(seen),
            version=expected["grader_version"],
            hash=expected["suite_hash"],
            workers="\n".join(lines),
        )
    return seen


def threads(client) -> int:
    return sum(client.nthreads().values())


def pack(learner: Learner, module_files: list[str]) -> dict[str, Any]:
    """The learner's files as data: a zip's bytes, or the topic modules of a folder and of its subfolders."""
    if learner.kind == "zip":
        return {"zip": learner.path.read_bytes()}
    files: dict[str, bytes] = {}
    for name in module_files:
        if (learner.path / name).is_file():
            files[name] = (learner.path / name).read_bytes()
    for sub in sorted(learner.path.iterdir()):
        if sub.is_dir() and sub.name not in IGNORED:
            for name in module_files:
                if (sub / name).is_file():
                    files[f"{sub.name}/{name}"] = (sub / name).read_bytes()
    return {"files": files}


def _unpack(learner: dict, files: dict[str, Any], tmp: Path) -> dict:
    """Lay the files out under ``tmp`` as they were on the client; the learner (plain) pointing there."""
    name = Path(learner["path"]).name  # messages name the learner's own folder or zip
    if "zip" in files:
        path = tmp / name
        path.write_bytes(files["zip"])
    else:
        path = tmp / name
        for rel, data in files["files"].items():
            (path / rel).parent.mkdir(parents=True, exist_ok=True)
            (path / rel).write_bytes(data)
        path.mkdir(exist_ok=True)
    return {**learner, "path": str(path)}


def grade_remote(task: dict, files: dict[str, Any], timeout: float) -> dict:
    """Runs on a Dask worker: one learner, graded in a fresh interpreter; the result as a plain dict."""
    from grader.batch.task import failure

    name = task["learner"]["name"]
    with tempfile.TemporaryDirectory(prefix="grader-dask-") as tmp:
        here = {**task, "learner": _unpack(task["learner"], files, Path(tmp))}
        proc = subprocess.Popen(
            [sys.executable, "-m", "grader.batch.cluster", str(timeout)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=tmp,
            start_new_session=True,
        )
        try:
            out, err = proc.communicate(json.dumps(here).encode(), timeout=timeout + BACKSTOP)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return failure(name, f"timeout: grading took longer than {timeout:g} s (--timeout)")
    try:
        return json.loads(out)
    except ValueError:
        tail = err.decode(errors="replace").strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
        return failure(name, f"crashed: the grading process on the worker died without a report ({tail[0][:300]})")


def run(
    client,
    tasks: list[dict],
    module_files: list[str],
    timeout: float,
    in_flight: int,
    done: Callable[[dict, dict], None],
) -> None:
    """Grade ``tasks`` on the cluster, at most ``in_flight`` at once; ``done(task, result)`` here as each ends."""
    from grader.batch.task import failure

    distributed = _distributed()
    pending = list(reversed(tasks))
    futures: dict = {}

    def submit() -> None:
        task = pending.pop()
        name = task["learner"]["name"]
        try:
            files = pack(Learner.from_plain(task["learner"]), module_files)
        except OSError as exc:
            done(task, failure(name, f"unreadable: {exc}"))
            return
        future = client.submit(
            grade_remote, task, files, timeout, pure=False, retries=RETRIES, key=f"grade-{name}-{os.urandom(4).hex()}"
        )
        futures[future] = task
        queue.add(future)

    queue = distributed.as_completed(loop=client.loop)
    try:
        while pending and len(futures) < in_flight:
            submit()
        for future in queue:
            task = futures.pop(future)
            name = task["learner"]["name"]
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001  (KilledWorker, a lost connection: this learner only)
                result = failure(name, f"crashed: the cluster could not grade it ({type(exc).__name__}: {exc})"[:400])
            done(task, result)
            while pending and len(futures) < in_flight:
                submit()
    finally:
        if futures:
            client.cancel(list(futures))


def main() -> None:
    """``python -m grader.batch.cluster TIMEOUT``: one task (JSON) on stdin, graded as a local batch would."""
    from grader import runner  # noqa: F401  (pytest loaded before the child forks, as in a local batch)
    from grader.batch import local
    from grader.batch.local import _die_with_parent
    from grader.batch.task import judge

    _die_with_parent(os.getppid())
    task = json.loads(sys.stdin.buffer.read())
    results: list[dict] = []
    local.run([task], judge, 1, float(sys.argv[1]), lambda _task, result: results.append(result))
    sys.stdout.write(json.dumps(results[0]))


if __name__ == "__main__":
    main()
