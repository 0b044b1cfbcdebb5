"""Run tasks in parallel in forked children, each with a deadline.

The parent forks ``jobs`` judges (children with pytest and numpy imported
already) and hands each one task at a time over a socket pair, the next when
it answers with its result as JSON. A judge keeps one pytest session and one
warm fork server for all the tasks it grades (``task.judge``), so a learner
costs their tests, not a collection and an interpreter start-up. A judge
that dies without an answer costs its task ``crashed``; one past the task's
deadline gets SIGTERM (it kills its workers and exits), then SIGKILL, and the
task is ``timeout``; either way a fresh judge takes the next task. Children ignore Ctrl-C (the parent decides)
and die with the parent (PR_SET_PDEATHSIG), so a ``kill -9`` of the batch
leaves no grading running.
"""

from __future__ import annotations

import collections
import ctypes
import dataclasses
import json
import multiprocessing
import multiprocessing.process
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait

PR_SET_PDEATHSIG = 1
GRACE = 3.0
TIMEOUT = "timeout: grading took longer than {timeout:g} s (--timeout)"

# A judge: grades the tasks it is handed, as they come, and sends one result (plain data) for each.
Judge = Callable[[Iterator[dict], Callable[[dict], None]], None]


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (Linux /proc): the grading's workers."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _terminate(signum, frame):
    """At the deadline: kill this grading's workers (each leads its own process group), then exit."""
    for pid in _children(os.getpid()) if os.path.isdir("/proc") else ():
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    os._exit(143)


def _child(conn, judge: Judge, parent: int) -> None:
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminate)

    def tasks() -> Iterator[dict]:
        while True:
            try:
                task = json.loads(conn.recv_bytes())
            except (EOFError, OSError):
                return
            if task is None:  # no more work
                return
            yield task

    judge(tasks(), lambda result: conn.send_bytes(json.dumps(result).encode()))
    conn.close()


def _stop(proc) -> None:
    if proc.is_alive():
        proc.terminate()
        proc.join(GRACE)
    if proc.is_alive():
        proc.kill()
    proc.join()


@dataclasses.dataclass
class _Judge:
    proc: multiprocessing.process.BaseProcess
    conn: Connection
    task: dict | None = None  # the one it is grading, None while idle
    deadline: float = 0.0


def _crashed(task: dict, proc) -> dict:
    proc.join()
    code = proc.exitcode
    how = f"killed by signal {-code}" if code and code < 0 else f"exit code {code}"
    return {"learner": task["learner"]["name"], "status": f"crashed: the grading process died ({how}) without a report"}


def run(tasks: list[dict], judge: Judge, jobs: int, timeout: float, done: Callable[[dict, dict], None]) -> None:
    """Grade ``tasks`` in up to ``jobs`` judges (forked children running ``judge``); ``done(task, result)``
    in the parent as each ends. A judge gets one task at a time and the next when it answers, so
    ``timeout`` counts from the moment it got that one; one that dies or overruns is replaced."""
    ctx = multiprocessing.get_context("fork")
    pending: collections.deque[dict] = collections.deque(tasks)
    judges: dict[Connection, _Judge] = {}

    def retire(j: _Judge) -> None:
        del judges[j.conn]
        _stop(j.proc)
        j.conn.close()

    try:
        while pending or any(j.task is not None for j in judges.values()):
            while len(judges) < min(jobs, len(pending) + sum(j.task is not None for j in judges.values())):
                ours, theirs = ctx.Pipe(duplex=True)
                proc = ctx.Process(target=_child, args=(theirs, judge, os.getpid()), daemon=True)
                proc.start()
                theirs.close()
                judges[ours] = _Judge(proc, ours)
            for j in list(judges.values()):
                if j.task is None and pending:
                    j.task, j.deadline = pending.popleft(), time.monotonic() + timeout
                    try:
                        j.conn.send_bytes(json.dumps(j.task).encode())
                    except OSError:  # it died idle: its task goes to the next one
                        pending.appendleft(j.task)
                        j.task = None
                        retire(j)
                elif j.task is None:
                    retire(j)  # nothing left for it: it ends its session and exits
            busy = [j for j in judges.values() if j.task is not None]
            if not busy:
                continue
            soonest = min(j.deadline for j in busy)
            for conn in wait([j.conn for j in busy], timeout=max(0.0, soonest - time.monotonic())):
                j = judges[conn]  # type: ignore[index]
                task, j.task = j.task, None
                assert task is not None
                try:
                    result = json.loads(j.conn.recv_bytes())
                except (EOFError, OSError, ValueError):
                    result = _crashed(task, j.proc)
                    retire(j)
                done(task, result)
            now = time.monotonic()
            for j in [j for j in judges.values() if j.task is not None and now >= j.deadline]:
                task, j.task = j.task, None
                retire(j)
                assert task is not None
                done(task, {"learner": task["learner"]["name"], "status": TIMEOUT.format(timeout=timeout)})
    finally:
        for j in list(judges.values()):
            retire(j)
