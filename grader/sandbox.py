"""The trusted side of the boundary: start workers, talk to them, kill them.

A ``Zygote`` is the worker's fork server: one interpreter, in the isolation
tier of ``grader.isolation`` (a bubblewrap sandbox with a scratch tmpfs as
cwd, or a plain process in an empty temporary directory), with numpy
imported and the guards installed. A ``Worker`` is one child forked from it,
in its own process group, serving one learner module. ``request`` sends one
frame and waits for the answer while reading (and capping) whatever the
learner's code prints; a deadline is enforced here, in the parent, by killing
the child's group, so no ``except BaseException`` in a submission can swallow
it. A dead, silent, chatty or garbled worker becomes an ``Answer`` with
``ok=False``: a missing answer is never a pass.

A ``WorkerPool`` keeps one fork server warm, so a topic or a restart after a
crash costs a fork, not an interpreter start-up. A ``Sandbox`` is one
grading run: one worker per topic module; the load request carries copies of
the submission's topic files only, which the worker writes into its own
folder; closing it resets the fork server (kills what the run left running,
empties the scratch folder) before the next submission.
"""

from __future__ import annotations

import dataclasses
import json
import os
import select
import signal
import socket
import struct
import time
from pathlib import Path

import numpy as np

from grader import isolation, prestart, wire

OUTPUT_KEEP = 4000  # characters of learner output kept for feedback
OUTPUT_LIMIT = 1 << 20  # bytes of learner output per call before the worker is killed
STARTUP_TIMEOUT = 60.0  # interpreter + numpy start-up, generous for a loaded CI machine
IMPORT_TIMEOUT = 10.0  # importing a learner module
SPAWN_TIMEOUT = 10.0  # a fork of the warm fork server, on a loaded machine
REAP_TIMEOUT = 5.0
RESET_TIMEOUT = 10.0
WALL_FACTOR = 3.0  # a call's wall-clock backstop, in multiples of its CPU-time budget
_CPUCLOCK_SCHED = 2  # the kernel's clock id of a process's CPU time, with the pid in its upper bits
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
        return cls(**{k: v for k, v in data.items() if k in _ANSWER_FIELDS})

    def copy(self) -> Answer:
        """A copy whose value, traceback and lists can be changed without changing this one."""
        return dataclasses.replace(self, **{k: wire.copy(getattr(self, k)) for k in _ANSWER_FIELDS})


_ANSWER_FIELDS = frozenset(f.name for f in dataclasses.fields(Answer))


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class Zygote:
    """The fork server (``grader.worker.zygote``): one prepared worker interpreter in the tier's sandbox.

    ``spawn`` hands it fresh channels and gets a forked child: a ``Worker``.
    Requests go over a unix datagram socket; any failure to answer in time
    kills it (and with it, by PR_SET_PDEATHSIG, all its children).
    """

    def __init__(self, init: dict, tier: isolation.Tier):
        self.tier = tier
        self._launched = launched = prestart.take(tier) or prestart.launch(tier)
        self.proc, self._ctl, self._errors = launched.proc, launched.ctl, launched.errors
        self._ready = False
        self._ctl.send(json.dumps({**init, "nproc": isolation.NPROC if tier.sandboxed else 0}).encode())

    def _ask(self, request: dict, timeout: float, fds=()) -> dict:
        try:
            if fds:
                socket.send_fds(self._ctl, [json.dumps(request).encode()], list(fds))
            else:
                self._ctl.send(json.dumps(request).encode())
            if not select.select([self._ctl], [], [], timeout)[0]:
                raise OSError(f"no answer within {timeout:g} s")
            data = self._ctl.recv(1 << 16)
            if not data:
                raise OSError("it exited")
            answer = json.loads(data)
            if type(answer) is not dict:
                raise ValueError("not an answer")
            return answer
        except (OSError, ValueError) as exc:
            self.kill()
            raise WorkerStartError(f"the worker's fork server failed ({exc}){self._stderr()}") from None

    def _stderr(self) -> str:
        self._errors.seek(0)
        text = self._errors.read(4000).decode("utf-8", "replace").strip()
        return f":\n{text}" if text else ""

    def wait_ready(self) -> None:
        if self._ready:
            return
        if not select.select([self._ctl], [], [], STARTUP_TIMEOUT)[0] or not (data := self._ctl.recv(1 << 16)):
            self.kill()
            raise WorkerStartError(
                "the grader's worker process could not start (is the grader installed, "
                f"e.g. with 'pip install -e .'?){self._stderr()}"
            )
        self._ready = json.loads(data).get("ok") is True

    def spawn(self) -> Worker:
        self.wait_ready()
        req_r, req_w = os.pipe()
        resp, resp_theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        resp.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        out_r, out_w = os.pipe()
        try:
            answer = self._ask({"op": "spawn"}, SPAWN_TIMEOUT, (req_r, resp_theirs.fileno(), out_w))
        except WorkerStartError:
            for fd in (req_w, out_r):
                os.close(fd)
            resp.close()
            raise
        finally:
            os.close(req_r)
            os.close(out_w)
            resp_theirs.close()
        return Worker(self, int(answer["id"]), req_w, resp, out_r)

    def reap(self, number: int) -> int | None:
        """The wait status of a finished child (None when the fork server cannot say)."""
        if not self.alive:
            return None
        try:
            status = self._ask({"op": "reap", "id": number}, REAP_TIMEOUT).get("status")
        except WorkerStartError:
            return None
        return status if type(status) is int else None

    def reset(self) -> None:
        """Between submissions: nothing of the last one (processes, files) is left in the sandbox."""
        if self.alive and self._ready:
            try:
                self._ask({"op": "reset"}, RESET_TIMEOUT)
            except WorkerStartError:
                pass

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None and self._ctl.fileno() >= 0

    def kill(self) -> None:
        self._launched.kill()


class Channel(Zygote):
    """One more control channel to a running fork server, for a judge forked from its grader.

    It spawns and reaps like the ``Zygote`` it came from (fork server and
    sandbox are shared); resetting and stopping the fork server stay with the
    creator, so ``reset`` does nothing and ``kill`` only closes the channel.
    """

    def __init__(self, zygote: Zygote):
        zygote.wait_ready()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            zygote._ask({"op": "channel"}, SPAWN_TIMEOUT, (theirs.fileno(),))
        except WorkerStartError:
            ours.close()
            raise
        finally:
            theirs.close()
        self.tier, self._ctl, self._errors, self._ready = zygote.tier, ours, zygote._errors, True

    @property
    def alive(self) -> bool:
        return self._ctl.fileno() >= 0

    def reset(self) -> None:
        pass

    def kill(self) -> None:
        self._ctl.close()


class Worker:
    """One forked child of the fork server, serving one learner module.

    ``request`` sends one frame and waits for the answer while reading (and
    capping) whatever the learner's code prints; a deadline is enforced here,
    in the parent, by killing the child's process group (its pid as seen from
    here came with its first message, as kernel-checked credentials), so no
    ``except BaseException`` in a submission can swallow it.
    """

    def __init__(self, zygote: Zygote, number: int, req_w: int, resp: socket.socket, out_r: int):
        self.zygote, self.number = zygote, number
        self._req_w, self._resp, self._out_r = req_w, resp, out_r
        self._resp_r = resp.fileno()
        self.pid: int | None = None
        self._ready = False
        self._reaped = False

    def wait_ready(self) -> None:
        if self._ready:
            return
        if select.select([self._resp], [], [], SPAWN_TIMEOUT)[0]:
            try:
                _, ancillary, _, _ = self._resp.recvmsg(1, socket.CMSG_SPACE(12))
            except OSError:
                ancillary = []
            for level, kind, data in ancillary:
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS and len(data) >= 12:
                    self.pid = struct.unpack_from("3i", data)[0]
        answer = self._receive(SPAWN_TIMEOUT) if self.pid else Answer(False, "protocol", "did not start")
        if not answer.ok:
            self.kill()
            raise WorkerStartError(f"a worker could not start: {answer.message}\n{answer.output}")
        self._ready = True

    def request(self, message: dict, timeout: float) -> Answer:
        return self.send(wire.encode(message, allow_refs=True), timeout)

    def send(self, frame: bytes, timeout: float) -> Answer:
        """One encoded request (``wire.encode``) and its answer."""
        self.wait_ready()
        try:
            wire.write_all(self._req_w, frame)
        except OSError:
            return self._death(b"")
        return self._receive(timeout)

    def _cpu_seconds(self) -> float:
        """CPU time the child has used so far: its process CPU clock, read by pid (Linux; 0 where it cannot be)."""
        if not self.pid:  # pid 0 would be this process's own clock
            return 0.0
        try:
            return time.clock_gettime((~self.pid << 3) | _CPUCLOCK_SCHED)  # MAKE_PROCESS_CPUCLOCK(pid, SCHED)
        except (OSError, AttributeError, OverflowError):
            return 0.0

    def _receive(self, timeout: float) -> Answer:
        """The answer, or why none came: ``timeout`` is CPU time (a loaded machine does not fail a
        correct answer); a child that waits without computing is stopped at WALL_FACTOR × timeout."""
        start = time.monotonic()
        cpu_start = self._cpu_seconds() if self.pid else 0.0
        deadline, backstop = start + timeout, start + WALL_FACTOR * timeout
        streams = {self._out_r}
        output, total, frame = bytearray(), 0, bytearray()
        while True:
            now = time.monotonic()
            if now >= deadline:
                used = self._cpu_seconds() - cpu_start if self.pid else timeout
                if used >= timeout or now >= backstop:
                    self.kill()
                    return Answer(
                        False, "timeout", f"no answer within {timeout:g} s", output=_text(output), seconds=timeout
                    )
                deadline = min(now + max(timeout - used, 0.05), backstop)  # what it still may use, at the earliest
            ready, _, _ = select.select([self._resp_r, *streams], [], [], deadline - now)
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
        status = self._finish()
        code = os.waitstatus_to_exitcode(status) if status is not None else None
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
        return self._req_w >= 0 and self.zygote.alive

    def _finish(self) -> int | None:
        """Kill the child's process group, close the channels, reap it: its wait status."""
        if self._reaped:
            return None
        self._reaped = True
        if self.pid is not None:
            try:
                os.killpg(self.pid, signal.SIGKILL)  # still a zombie of the fork server: the pid is not reused
            except (ProcessLookupError, PermissionError):
                pass
        for fd in (self._req_w, self._out_r):
            try:
                os.close(fd)
            except OSError:
                pass
        self._req_w = self._out_r = -1
        self._resp.close()
        return self.zygote.reap(self.number)

    def kill(self) -> None:
        self._finish()


def _text(data) -> str:
    return bytes(data).decode("utf-8", "replace")


class WorkerPool:
    """Hands out workers forked from one warm fork server, restarting it when it dies.

    The fork server starts at once, so its interpreter and numpy start-up
    overlap the caller's own; each ``take`` then costs a fork, not a start-up.
    ``reset`` (called by ``Sandbox.close``) clears the sandbox between submissions.
    """

    def __init__(
        self,
        forbidden,
        memory_mb: int = 1024,
        file_mb: int = 16,
        tier: isolation.Tier | None = None,
    ):
        self.tier = tier or isolation.current()
        self._init = {"forbidden": sorted(forbidden), "memory_mb": memory_mb, "file_mb": file_mb}
        self._zygote: Zygote | None = Zygote(self._init, self.tier)
        self.held = False  # True while topics of one submission are graded in parallel: no resets between

    def take(self) -> Worker:
        """A started worker; one failed start is retried with a new fork server, a second is a WorkerStartError."""
        for attempt in (1, 2):
            if self._zygote is None or not self._zygote.alive:
                self._zygote = Zygote(self._init, self.tier)
            try:
                worker = self._zygote.spawn()
                worker.wait_ready()
                return worker
            except WorkerStartError:
                if self._zygote is not None:
                    self._zygote.kill()
                self._zygote = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def branch(self) -> WorkerPool:
        """A pool for a judge about to be forked from this process: its workers come from this pool's
        fork server over a channel of their own (no second start-up). Resetting stays with this pool."""
        if self._zygote is None or not self._zygote.alive:
            self._zygote = Zygote(self._init, self.tier)
        other = WorkerPool.__new__(WorkerPool)
        other.tier, other._init, other._zygote, other.held = self.tier, self._init, Channel(self._zygote), True
        return other

    def reset(self) -> None:
        """Between submissions: nothing of the last one is left in the sandbox (not while ``held``)."""
        if self._zygote is not None and not self.held:
            self._zygote.reset()

    def close(self) -> None:
        if self._zygote is not None:
            self._zygote.kill()
            self._zygote = None


class Sandbox:
    """One grading run's workers: one per topic module, restarted after a death."""

    def __init__(self, files: dict[str, Path], pool: WorkerPool):
        self.files = dict(files)
        self._pool = pool
        self._workers: dict[str, Worker] = {}
        self._load_failures: dict[str, Answer] = {}

    def _worker(self, module: str) -> Worker | Answer:
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

    @staticmethod
    def message(module: str, op: str, name: str, args=(), kwargs=None, forbid=()) -> bytes:
        """The frame of one request: also a key for its answer (equal frames, equal requests)."""
        message = {"op": op, "module": module, "name": name, "args": list(args), "kwargs": kwargs or {}}
        return wire.encode(message | {"forbid": sorted(forbid)}, allow_refs=True)

    def request(self, module: str, op: str, name: str, args=(), kwargs=None, forbid=(), timeout=5.0) -> Answer:
        return self.send(module, self.message(module, op, name, args, kwargs, forbid), timeout)

    def send(self, module: str, frame: bytes, timeout: float) -> Answer:
        """A request already encoded by ``message`` (for ``module``) and its answer."""
        worker = self._worker(module)
        if isinstance(worker, Answer):
            return worker
        answer = worker.send(frame, timeout)
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
        self._pool.reset()
