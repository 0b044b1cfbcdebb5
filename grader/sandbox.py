"""The trusted side of the boundary: start workers, talk to them, kill them.

A ``WorkerProcess`` is one worker interpreter in its own process group, in
the isolation tier of ``grader.isolation``: a bubblewrap sandbox with a
scratch tmpfs as cwd, or a plain process in an empty temporary directory.
``request`` sends one frame and waits for the answer while reading (and
capping) whatever the learner's code prints; a deadline is enforced here, in
the parent, by killing the group, so no ``except BaseException`` in a
submission can swallow it. A dead, silent, chatty or garbled worker becomes
an ``Answer`` with ``ok=False``: a missing answer is never a pass.

A ``WorkerPool`` keeps one warm spare (numpy imported, guards installed) so a
topic or a restart after a crash does not wait for interpreter start-up.
A ``Sandbox`` is one grading run: one worker per topic module; the load
request carries copies of the submission's topic files only, which the worker
writes into its cwd.
"""

from __future__ import annotations

import dataclasses
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from grader import isolation, wire

OUTPUT_KEEP = 4000  # characters of learner output kept for feedback
OUTPUT_LIMIT = 1 << 20  # bytes of learner output per call before the worker is killed
STARTUP_TIMEOUT = 60.0  # interpreter + numpy start-up, generous for a loaded CI machine
IMPORT_TIMEOUT = 10.0  # importing a learner module
DEAD_KINDS = {"timeout", "crashed", "exited", "output_limit", "protocol"}


class WorkerStartError(RuntimeError):
    """The grader's own machinery failed: the run stops; no learner is scored on it."""


@dataclasses.dataclass
class Answer:
    """What came back from the worker for one request, as plain data."""

    ok: bool
    kind: str = ""
    message: str = ""
    exception: str = ""  # for kind "exception": the nearest built-in class of what was raised
    traceback: list = dataclasses.field(default_factory=list)
    value: object = None
    mutated: list = dataclasses.field(default_factory=list)
    warnings: list = dataclasses.field(default_factory=list)
    fn_calls: list = dataclasses.field(default_factory=list)
    defined: list = dataclasses.field(default_factory=list)  # for kind "no_function": what the module defines
    signal: str = ""  # for kind "crashed"
    status: int | None = None  # for kind "exited"
    output: str = ""
    seconds: float = 0.0

    @classmethod
    def from_wire(cls, data: dict) -> Answer:
        fields = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in fields})


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class WorkerProcess:
    def __init__(self, init: dict, tier: isolation.Tier):
        self.tier = tier
        req_r, self._req_w = os.pipe()
        self._resp_r, resp_w = os.pipe()
        self._lease = isolation.UidLease() if tier.sandboxed and os.geteuid() == 0 else None
        if tier.sandboxed:
            self.dir = None
            home = isolation.WORK
            argv = isolation.sandbox_command(
                isolation.worker_argv(req_r, resp_w), self._lease.uid if self._lease else None
            )
        else:
            self.dir = Path(tempfile.mkdtemp(prefix="grader-worker-"))
            home = str(self.dir)
            argv = [sys.executable, "-I", "-B", "-m", "grader.worker", "--req", str(req_r), "--resp", str(resp_w)]
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": home,
            "TMPDIR": home,
            "LANG": "C.UTF-8",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }
        self.proc = subprocess.Popen(
            argv,
            pass_fds=(req_r, resp_w),
            cwd=self.dir or "/",
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        os.close(req_r)
        os.close(resp_w)
        self._ready = False
        self._pending_output = b""
        wire.write_all(self._req_w, wire.encode({**init, "nproc": isolation.NPROC if tier.sandboxed else 0}))

    def wait_ready(self) -> None:
        if not self._ready:
            answer = self._receive(STARTUP_TIMEOUT)
            if not answer.ok:
                self.kill()
                raise WorkerStartError(
                    "the grader's worker process could not start (is the grader installed, "
                    f"e.g. with 'pip install -e .'?): {answer.message}\n{answer.output}"
                )
            self._ready = True

    def request(self, message: dict, timeout: float) -> Answer:
        self.wait_ready()
        try:
            wire.write_all(self._req_w, wire.encode(message, allow_refs=True))
        except OSError:
            return self._death(b"")
        return self._receive(timeout)

    def _receive(self, timeout: float) -> Answer:
        start = time.monotonic()
        deadline = start + timeout
        assert self.proc.stdout is not None and self.proc.stderr is not None
        streams = {self.proc.stdout.fileno(), self.proc.stderr.fileno()}
        output, total, frame = bytearray(self._pending_output), 0, bytearray()
        self._pending_output = b""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.kill()
                return Answer(
                    False, "timeout", f"no answer within {timeout:g} s", output=_text(output), seconds=timeout
                )
            ready, _, _ = select.select([self._resp_r, *streams], [], [], remaining)
            for fd in ready:
                chunk = os.read(fd, 1 << 16)
                if fd == self._resp_r:
                    if not chunk:
                        return self._death(output)
                    frame += chunk
                    continue
                if not chunk:
                    streams.discard(fd)
                    continue
                total += len(chunk)
                if len(output) < OUTPUT_KEEP:
                    output += chunk[: OUTPUT_KEEP - len(output)]
                if total > OUTPUT_LIMIT:
                    self.kill()
                    return Answer(
                        False,
                        "output_limit",
                        f"printed more than {OUTPUT_LIMIT >> 20} MB of output",
                        output=_text(output),
                    )
            if len(frame) >= 8:
                (size,) = struct.unpack_from("<Q", frame)
                if size > wire.MAX_FRAME:
                    self.kill()
                    return Answer(False, "protocol", "answered with an oversized message", output=_text(output))
                if len(frame) >= 8 + size:
                    answer = self._parse(bytes(frame[8 : 8 + size]), output)
                    answer.output += self._drain(streams)
                    answer.seconds = time.monotonic() - start
                    return answer

    def _parse(self, body: bytes, output) -> Answer:
        try:
            data = wire.decode(body)
            if type(data) is not dict or type(data.get("ok")) is not bool:
                raise wire.WireError("not an answer")
            return Answer.from_wire({**data, "output": _text(output)})
        except (wire.WireError, TypeError) as exc:
            self.kill()
            return Answer(False, "protocol", f"sent a garbled answer ({exc})", output=_text(output))

    def _drain(self, streams) -> str:
        """Learner output already written when the answer came: keep it with this answer."""
        data = bytearray()
        while streams:
            ready, _, _ = select.select(list(streams), [], [], 0)
            if not ready:
                break
            for fd in ready:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    streams.discard(fd)
                data += chunk
        return _text(data[:OUTPUT_KEEP])

    def _death(self, output) -> Answer:
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        self.kill()
        if code is not None and code > 128 and self.tier.sandboxed:  # bwrap passes on a signal death as 128 + n
            code = -(code - 128)
        if code is not None and code < 0:
            return Answer(
                False,
                "crashed",
                f"the process was killed by {_signal_name(-code)}",
                output=_text(output),
                signal=_signal_name(-code),
            )
        return Answer(False, "exited", f"the process exited with status {code}", output=_text(output), status=code)

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        for f in (self.proc.stdout, self.proc.stderr):
            if f is not None:
                f.close()
        for fd in (self._req_w, self._resp_r):
            try:
                os.close(fd)
            except OSError:
                pass
        self._req_w = self._resp_r = -1
        if self._lease is not None:
            self._lease.release()
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)


def _text(data) -> str:
    return bytes(data).decode("utf-8", "replace")


class WorkerPool:
    """Hands out started workers, keeping one warm spare while more are expected.

    ``expected`` is how many workers the caller will take (one per topic);
    None keeps a spare forever (``verify``). The first spare starts at once,
    so its interpreter and numpy start-up overlap the caller's own.
    """

    def __init__(
        self,
        forbidden,
        memory_mb: int = 1024,
        file_mb: int = 16,
        expected: int | None = None,
        tier: isolation.Tier | None = None,
    ):
        self.tier = tier or isolation.current()
        self._init = {"forbidden": sorted(forbidden), "memory_mb": memory_mb, "file_mb": file_mb}
        self._expected = expected
        self._spare: WorkerProcess | None = self._start() if expected != 0 else None

    def _start(self) -> WorkerProcess:
        return WorkerProcess(self._init, self.tier)

    def take(self) -> WorkerProcess:
        """A started worker; one failed start is retried, a second is a WorkerStartError."""
        worker = self._spare if self._spare is not None and self._spare.alive else self._start()
        if self._expected is not None:
            self._expected -= 1
        self._spare = self._start() if self._expected is None or self._expected > 0 else None
        try:
            worker.wait_ready()
        except WorkerStartError:
            worker = self._start()
            worker.wait_ready()
        return worker

    def close(self) -> None:
        if self._spare is not None:
            self._spare.kill()
            self._spare = None


class Sandbox:
    """One grading run's workers: one per topic module, restarted after a death."""

    def __init__(self, files: dict[str, Path], pool: WorkerPool):
        self.files = dict(files)
        self._pool = pool
        self._workers: dict[str, WorkerProcess] = {}
        self._load_failures: dict[str, Answer] = {}

    def _worker(self, module: str) -> WorkerProcess | Answer:
        if module in self._load_failures:
            return self._load_failures[module]
        if module in self._workers:
            return self._workers[module]
        if module not in self.files:
            failure = Answer(False, "missing", f"{module}.py is missing")
            self._load_failures[module] = failure
            return failure
        worker = self._pool.take()
        files = {
            f"{name}.py": np.frombuffer(Path(source).read_bytes(), dtype=np.uint8)
            for name, source in self.files.items()
        }
        answer = worker.request({"op": "load", "module": module, "files": files}, IMPORT_TIMEOUT)
        if not answer.ok:
            worker.kill()
            if answer.kind in DEAD_KINDS:
                answer = dataclasses.replace(answer, message=f"importing {module}.py: {answer.message}")
            answer.kind = "missing" if answer.kind == "missing" else "import_error"
            self._load_failures[module] = answer
            return answer
        self._workers[module] = worker
        return worker

    def request(self, module: str, op: str, name: str, args=(), kwargs=None, forbid=(), timeout=5.0) -> Answer:
        worker = self._worker(module)
        if isinstance(worker, Answer):
            return worker
        answer = worker.request(
            {
                "op": op,
                "module": module,
                "name": name,
                "args": list(args),
                "kwargs": kwargs or {},
                "forbid": sorted(forbid),
            },
            timeout,
        )
        if answer.kind in DEAD_KINDS:
            self._workers.pop(module, None)
        return answer

    def release(self, module: str) -> None:
        worker = self._workers.pop(module, None)
        if worker is not None:
            worker.kill()

    def close(self) -> None:
        for module in list(self._workers):
            self.release(module)
