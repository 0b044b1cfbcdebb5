"""Run tasks in parallel in forked children, each with a deadline.

The parent forks one child per task (it has pytest and numpy imported
already, so a child starts warm), at most ``jobs`` at a time, and reads each
result as JSON from a pipe. A child that dies without an answer is
``crashed``; one past its deadline gets SIGTERM (it kills its workers and exits),
then SIGKILL, and is ``timeout``. Children ignore Ctrl-C (the parent decides)
and die with the parent (PR_SET_PDEATHSIG), so a ``kill -9`` of the batch
leaves no grading running.
"""

from __future__ import annotations

import collections
import ctypes
import json
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import wait

PR_SET_PDEATHSIG = 1
GRACE = 3.0


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


def _child(conn, fn: Callable[[dict], dict], task: dict, parent: int) -> None:
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        result = fn(task)
    except Exception as exc:  # noqa: BLE001  (a grader bug costs this learner only)
        result = {"learner": task["learner"]["name"], "status": f"crashed: {type(exc).__name__}: {exc}"[:400]}
    conn.send_bytes(json.dumps(result).encode())
    conn.close()


def _stop(proc) -> None:
    if proc.is_alive():
        proc.terminate()
        proc.join(GRACE)
    if proc.is_alive():
        proc.kill()
    proc.join()


def run(
    tasks: list[dict], fn: Callable[[dict], dict], jobs: int, timeout: float, done: Callable[[dict, dict], None]
) -> None:
    """``fn(task)`` for each task in a child; ``done(task, result)`` in the parent as each ends."""
    ctx = multiprocessing.get_context("fork")
    pending: collections.deque[dict] = collections.deque(tasks)
    running: dict = {}
    try:
        while pending or running:
            while pending and len(running) < jobs:
                task = pending.popleft()
                reader, writer = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_child, args=(writer, fn, task, os.getpid()), daemon=True)
                proc.start()
                writer.close()
                running[reader] = (task, proc, time.monotonic() + timeout)
            soonest = min(deadline for _, _, deadline in running.values())
            for conn in wait(list(running), timeout=max(0.0, soonest - time.monotonic())):
                task, proc, _ = running.pop(conn)
                try:
                    result = json.loads(conn.recv_bytes())  # type: ignore[union-attr]
                except (EOFError, OSError, ValueError):
                    proc.join()
                    code = proc.exitcode
                    how = f"killed by signal {-code}" if code and code < 0 else f"exit code {code}"
                    result = {
                        "learner": task["learner"]["name"],
                        "status": f"crashed: the grading process died ({how}) without a report",
                    }
                conn.close()  # type: ignore[union-attr]
                proc.join()
                done(task, result)
            now = time.monotonic()
            for conn, (task, proc, deadline) in list(running.items()):
                if now >= deadline:
                    del running[conn]
                    _stop(proc)
                    conn.close()
                    done(
                        task,
                        {
                            "learner": task["learner"]["name"],
                            "status": f"timeout: grading took longer than {timeout:g} s (--timeout)",
                        },
                    )
    finally:
        for conn, (_, proc, _) in running.items():
            _stop(proc)
            conn.close()
