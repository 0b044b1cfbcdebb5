"""Launch the worker's fork server first thing, so its start-up overlaps the grader's own.

A ``grader check`` spends about 0.4 s importing click, numpy, pytest and
collecting a suite; the fork server spends about 0.3 s starting an
interpreter in the sandbox and importing numpy. ``cli.py`` calls
``early(sys.argv)`` before any of those imports: for a command that grades,
it probes the isolation tier and launches the fork server at once. The
first ``sandbox.Zygote`` this process makes for that tier adopts it and only
then sends its settings (forbidden calls, limits), which the fork server
reads after numpy is imported. Nothing here imports numpy.

An early fork server nobody adopts (a usage error, ``--help``, a tier that
``--isolation`` changed) is killed at exit; it dies with this process anyway.
"""

from __future__ import annotations

import atexit
import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO

from grader import isolation

GRADING_COMMANDS = {"check", "grade", "verify"}
_GROUP_OPTIONS_WITH_VALUE = {"--lang"}


@dataclasses.dataclass
class Launched:
    """A started fork server that has not been sent its settings yet."""

    tier: isolation.Tier
    proc: subprocess.Popen
    ctl: socket.socket
    lease: isolation.UidLease | None
    dir: Path | None  # the process tier's working directory (the sandbox has its own tmpfs)
    errors: IO[bytes]  # a temporary file with the server's stdout and stderr
    owner: int = dataclasses.field(default_factory=os.getpid)

    def kill(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        self.ctl.close()
        if self.lease is not None:
            self.lease.release()
            self.lease = None
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)


def launch(tier: isolation.Tier) -> Launched:
    """Start the fork server (``grader.worker.zygote``) in ``tier``."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    lease = isolation.UidLease() if tier.sandboxed and os.geteuid() == 0 else None
    ctl = theirs.fileno()
    folder: Path | None
    if tier.sandboxed:
        folder, home = None, isolation.WORK
        argv = isolation.sandbox_command(isolation.worker_argv(ctl), lease.uid if lease else None)
    else:
        folder = Path(tempfile.mkdtemp(prefix="grader-worker-"))
        home = str(folder)
        argv = [sys.executable, "-I", "-B", "-m", "grader.worker", "--ctl", str(ctl)]
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": home,
        "LANG": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    errors = tempfile.TemporaryFile()
    try:
        proc = subprocess.Popen(
            argv,
            pass_fds=(ctl,),
            cwd=folder or "/",
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=errors,
            stderr=errors,
            start_new_session=True,
        )
    except BaseException:
        ours.close()
        if lease is not None:
            lease.release()
        raise
    finally:
        theirs.close()
    return Launched(tier, proc, ours, lease, folder, errors)


_early: Launched | None = None


def _command(argv: list[str]) -> tuple[str | None, list[str]]:
    """The subcommand of ``grader [group options] COMMAND args`` and its arguments."""
    rest = argv[1:]
    while rest:
        token = rest.pop(0)
        if token in _GROUP_OPTIONS_WITH_VALUE:
            rest = rest[1:]
        elif not token.startswith("-"):
            return token, rest
    return None, []


def _isolation_mode(args: list[str]) -> str:
    for i, token in enumerate(args):
        if token == "--isolation" and i + 1 < len(args):
            return args[i + 1]
        if token.startswith("--isolation="):
            return token.split("=", 1)[1]
    return "auto"


def early(argv: list[str]) -> None:
    """For ``grader check`` and ``grader grade``: fix the tier and launch its fork server now."""
    global _early
    command, args = _command(argv)
    if command not in GRADING_COMMANDS or {"-h", "--help", "--python"} & set(args) or _early is not None:
        return
    mode = _isolation_mode(args)
    if mode not in isolation.MODES:
        return  # the command line is wrong: click says so
    try:
        tier = isolation.select(mode)
        _early = launch(tier)
    except (isolation.IsolationUnavailable, OSError, RuntimeError):
        _early = None  # the command reports it when it makes its own pool
        return
    atexit.register(_discard)


def take(tier: isolation.Tier) -> Launched | None:
    """The early fork server, for this process's first pool of ``tier`` (None: launch one)."""
    global _early
    found, _early = _early, None
    if found is None:
        return None
    if found.owner == os.getpid() and found.tier == tier and found.proc.poll() is None:
        return found
    if found.owner == os.getpid():
        found.kill()
    return None


def _discard() -> None:
    global _early
    if _early is not None and _early.owner == os.getpid():
        _early.kill()
    _early = None
