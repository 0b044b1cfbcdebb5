"""The worker's fork server: one prepared interpreter that forks a fresh child per learner module.

Started by ``grader.sandbox`` (inside the sandbox, like any worker) with one
end of a unix socket pair as ``--ctl``. It imports numpy, installs the guard,
the audit hook and the limits once, makes itself non-dumpable (no process of
its uid may ptrace it or read its memory), answers ``{"ok": True}``, and then
only obeys the trusted side; it never runs learner code. Requests arrive as
one JSON object per datagram:

* ``spawn`` (with three file descriptors: request pipe, answer socket, output
  pipe): fork a child in a session of its own, with a fresh directory under
  cwd; the child sends its credentials on the answer socket (so the trusted
  side learns its pid as seen from outside) and serves learner calls
  (``grader.worker.serve``). The zygote answers ``{"ok": True, "id": n}``.
* ``reap`` ``id``: wait for that child (already killed by the trusted side),
  delete its folder and answer its wait status.
* ``channel`` (with one file descriptor: a socket of the same kind): one
  more control channel, for a judge forked from the grader (``grader grade
  --jobs``); it may spawn and reap, not reset.
* ``reset``: between submissions. Kill every process of the sandbox but this
  one and its ancestors (inside a pid namespace of its own only), reap them,
  and empty cwd, so nothing one learner left behind meets the next.

Children inherit the prepared interpreter by ``fork``: a topic starts in a
few milliseconds instead of an interpreter and numpy start-up.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import shutil
import signal
import socket
import struct
import sys

from grader.worker import serve

_children: dict[int, int] = {}  # id -> pid (this namespace)


def _prctl(option: int, value: int) -> None:
    import ctypes  # before the audit hook is installed; the hook refuses ctypes only while learner code runs

    ctypes.CDLL(None, use_errno=True).prctl(option, value)


def _ancestors() -> set[int]:
    pids, pid = {os.getpid()}, os.getppid()
    while pid > 0 and pid not in pids:
        pids.add(pid)
        try:
            with open(f"/proc/{pid}/stat") as f:
                pid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
    return pids


def _others(keep: set[int]) -> list[int]:
    return [int(n) for n in os.listdir("/proc") if n.isdigit() and int(n) not in keep]


def _reset(own_pid_namespace: bool) -> None:
    if own_pid_namespace:  # never outside a sandbox: there the other processes are the user's own
        keep = _ancestors()
        for _ in range(100):  # a fork loop may add processes while they are being killed
            others = _others(keep)
            if not others:
                break
            for pid in others:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            _reap_all()
    else:
        for pid in _children.values():
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
    _reap_all()
    _children.clear()
    for name in os.listdir(serve.HOME):
        path = os.path.join(serve.HOME, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except OSError:
                pass


def _reap_all() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _child(number: int, fds: list[int], channels: list[socket.socket]) -> None:
    """In the forked child: become a worker for one module, then exit."""
    req, resp, out = fds
    try:
        for chan in channels:
            chan.close()
        os.setsid()
        _prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with the zygote
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.close(out)
        folder = os.path.join(serve.HOME, f"w{number}")
        os.mkdir(folder, 0o700)
        os.chdir(folder)
        sock = socket.socket(fileno=resp)
        creds = struct.pack("3i", os.getpid(), os.getuid(), os.getgid())
        sock.sendmsg([b"\0"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, creds)])
        sock.detach()
        serve.serve(req, resp, folder)
    finally:
        os._exit(0)


def main(argv=None) -> None:
    serve.die_with_parent()
    parser = argparse.ArgumentParser(prog="grader.worker")
    parser.add_argument("--ctl", type=int, required=True)
    opts = parser.parse_args(argv)
    serve.close_other_fds({opts.ctl})
    ctl = socket.socket(fileno=opts.ctl)
    init = json.loads(ctl.recv(1 << 16))
    _prctl(4, 0)  # PR_SET_DUMPABLE 0: not ptrace-able, /proc/<pid>/mem closed to the learners' processes
    serve.prepare(init)
    own_pid_namespace = bool(init.get("nproc")) and os.getpid() < 64
    ctl.send(json.dumps({"ok": True}).encode())
    channels = [ctl]  # the grader's; more come with "channel", one per judge forked from it
    number = 0
    while True:
        for chan in select.select(channels, [], [])[0]:
            try:
                data, fds, _, _ = socket.recv_fds(chan, 1 << 16, 3)
            except OSError:
                data, fds = b"", []
            if not data:
                if chan is ctl:
                    return  # the grader is gone
                channels.remove(chan)
                chan.close()
                continue
            request = json.loads(data)
            op = request.get("op")
            if op == "spawn" and len(fds) == 3:
                number += 1
                pid = os.fork()
                if pid == 0:
                    _child(number, fds, channels)
                for fd in fds:
                    os.close(fd)
                _children[number] = pid
                chan.send(json.dumps({"ok": True, "id": number}).encode())
                continue
            if op == "channel" and len(fds) == 1:
                channels.append(socket.socket(fileno=fds[0]))
                chan.send(json.dumps({"ok": True}).encode())
                continue
            for fd in fds:
                os.close(fd)
            if op == "reap":
                child = int(request.get("id", -1))
                pid = _children.pop(child, None)
                status = os.waitpid(pid, 0)[1] if pid else None
                shutil.rmtree(os.path.join(serve.HOME, f"w{child}"), ignore_errors=True)  # no copy outlives its worker
                chan.send(json.dumps({"ok": pid is not None, "status": status}).encode())
            elif op == "reset" and chan is ctl:
                _reset(own_pid_namespace)
                chan.send(json.dumps({"ok": True}).encode())
            else:
                chan.send(json.dumps({"ok": False, "message": f"unknown request {op!r}"}).encode())


if __name__ == "__main__":
    main(sys.argv[1:])
