"""The untrusted side of the boundary: the only process where submission code runs.

A worker is a child of the fork server (``grader.worker.zygote``), which runs
``prepare`` once and forks one child per learner module; the child calls
``serve`` in a fresh directory of its own. It holds no expected value, no
assertion and no score: it writes the topic files the load request carries
into its directory, imports one learner module by path, runs the calls and
scenarios it is sent, and answers with plain data (``grader.wire``) or a
description of what went wrong. Learner output goes to its stdout/stderr,
which the parent reads and caps; requests and answers use two private channels.

Answers are dicts: ``{"ok": True, "value": ..., "mutated": [...],
"warnings": [...], "fn_calls": [...]}`` or ``{"ok": False, "kind": K,
"message": ..., "traceback": [[file, line, function, text], ...]}`` where K
is one of ``not_implemented``, ``exception``, ``forbidden``, ``wrong_type``,
``no_function``, ``import_error``, ``missing``, or ``grader_error`` (a bug on
the grader's side of the worker, such as an unknown scenario name).
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import inspect
import linecache
import os
import resource
import select
import signal
import sys
import time
import traceback
import types
import warnings

import numpy as np

from grader import wire
from grader.worker import audit, guard

_MESSAGE_LIMIT = 2000
# Learner code builds big object graphs (a 100 000-deep Var chain is 200 000 nodes): with CPython's
# default thresholds (700, 10, 10) the collector rescans the growing graph so often that it costs as
# much as the code itself. Rarer collections keep cycles collected, with at most a few MB more held.
GC_THRESHOLDS = (50_000, 20, 100)
HOME = os.getcwd()  # the fork server's directory: each child works in a fresh folder inside it
_here = HOME
_modules: dict[str, object] = {}
_import_failures: dict[str, dict] = {}


def _limit(text: str) -> str:
    return text if len(text) <= _MESSAGE_LIMIT else text[:_MESSAGE_LIMIT] + " …"


_PLAIN = (str, int, float, bool, type(None))
_unprintable_types: set[type] = set()  # whose str() ran out of time once: not tried again


def _safe_str(obj, seconds: float = 1.0) -> str:
    """str() of a learner's exception or warning, at most ``_MESSAGE_LIMIT`` characters and ``seconds``.

    A built-in ``__str__`` over plain arguments is called here; anything the
    learner defined runs in a forked child that is killed after ``seconds``,
    so a ``__str__`` that never returns (even one that swallows every
    exception) or builds 50 MB costs at most that, and changes nothing here.
    """
    if type(obj).__str__ is BaseException.__str__ and all(type(a) in _PLAIN for a in getattr(obj, "args", ())):
        return _limit(str(obj))
    if type(obj) in _unprintable_types:
        return "<unprintable>"
    try:
        r, w = os.pipe()
        pid = os.fork()
    except OSError:  # the learner used up the process budget
        return "<unprintable>"
    if pid == 0:
        os.close(r)
        try:
            text = str(obj)
            data = (text if type(text) is str else "<unprintable>")[: _MESSAGE_LIMIT + 1].encode("utf-8", "replace")
        except BaseException:
            data = b"<unprintable>"
        try:
            wire.write_all(w, data)
        finally:
            os._exit(0)
    os.close(w)
    chunks, deadline = [], time.monotonic() + seconds
    while (remaining := deadline - time.monotonic()) > 0 and select.select([r], [], [], remaining)[0]:
        chunk = os.read(r, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    else:
        chunks = [b"<unprintable>"]
        if type(obj).__str__ is not BaseException.__str__:
            _unprintable_types.add(type(obj))
    os.close(r)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return _limit(b"".join(chunks).decode("utf-8", "replace"))


def _learner_frames(tb) -> list[list]:
    """The frames of a traceback that lie in the learner's files, innermost last."""
    frames = []
    for frame, lineno in traceback.walk_tb(tb):
        filename = frame.f_code.co_filename
        if os.path.dirname(os.path.abspath(filename)) == _here:
            text = linecache.getline(filename, lineno).strip()
            frames.append([os.path.basename(filename), lineno, frame.f_code.co_name, text])
    return frames


def _exception_answer(exc: BaseException, violations) -> dict:
    if violations:
        return {
            "ok": False,
            "kind": "forbidden",
            "message": violations[0],
            "traceback": _learner_frames(exc.__traceback__) if exc else [],
        }
    if isinstance(exc, NotImplementedError):
        kind = "not_implemented"
    else:
        kind = "exception"
    text = _safe_str(exc)
    message = type(exc).__name__ + (f": {text}" if text else "")
    builtin = next(c.__name__ for c in type(exc).__mro__ if c.__module__ == "builtins")
    return {
        "ok": False,
        "kind": kind,
        "message": _limit(message),
        "exception": builtin,
        "traceback": _learner_frames(exc.__traceback__),
    }


def _syntax_answer(exc: SyntaxError) -> dict:
    frame = [os.path.basename(exc.filename or "?"), exc.lineno or 0, "<module>", (exc.text or "").rstrip()]
    return {
        "ok": False,
        "kind": "import_error",
        "message": f"SyntaxError: {exc.msg}",
        "traceback": [frame],
        "offset": exc.offset,
    }


def _write_files(files: dict) -> None:
    """The topic files of the submission (name -> uint8 array), copied into cwd before any import."""
    for name, data in files.items():
        if os.path.basename(name) != name or not name.endswith(".py"):
            raise ValueError(f"bad file name {name!r}")
        with open(os.path.join(_here, name), "wb") as f:
            f.write(data.tobytes())


def load(module: str) -> dict:
    """Import the learner's ``<module>.py`` from cwd; the answer says whether it worked."""
    path = os.path.join(_here, module + ".py")
    if not os.path.exists(path):
        return {"ok": False, "kind": "missing", "message": f"{module}.py is missing", "traceback": []}
    spec = importlib.util.spec_from_file_location(module, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[module] = mod
    try:
        with audit.watching():
            spec.loader.exec_module(mod)
    except SyntaxError as exc:
        answer = _syntax_answer(exc)
    except BaseException as exc:  # anything at import, SystemExit included
        answer = _exception_answer(exc, None)
        answer["kind"] = "import_error"
    else:
        _modules[module] = mod
        return {"ok": True}
    del sys.modules[module]
    _import_failures[module] = answer
    return answer


def _scenario_target(name: str):
    """``"topic.attr"`` in ``grader.worker.scenarios``; only names a scenario module exports."""
    module_name, _, attr = name.partition(".")
    if not (module_name.isidentifier() and attr.isidentifier()):
        raise LookupError(f"bad scenario name {name!r}")
    module = importlib.import_module(f"grader.worker.scenarios.{module_name}")
    if attr not in getattr(module, "__all__", ()):
        raise LookupError(f"grader.worker.scenarios.{module_name} does not export {attr!r}")
    return getattr(module, attr)


def _bind_refs(value, learner, counters):
    """Replace FnRefs (at any depth of lists/tuples/dicts) by counting callables."""
    if isinstance(value, wire.FnRef):
        target = _scenario_target(value.name)(learner, *value.args)
        index = len(counters)
        counters.append(0)

        def counted(*args, **kwargs):
            counters[index] += 1
            return target(*args, **kwargs)

        return counted
    if type(value) is list:
        return [_bind_refs(v, learner, counters) for v in value]
    if type(value) is tuple:
        return tuple(_bind_refs(v, learner, counters) for v in value)
    if type(value) is dict:
        return {k: _bind_refs(v, learner, counters) for k, v in value.items()}
    return value


_signatures: dict[types.FunctionType, inspect.Signature] = {}


def _signature(func) -> inspect.Signature:
    """inspect.signature, kept per plain function (hashed by identity: no learner code runs to look it up)."""
    if type(func) is not types.FunctionType:
        return inspect.signature(func)
    sig = _signatures.get(func)
    if sig is None:
        sig = _signatures[func] = inspect.signature(func)
    return sig


def _same(old, new) -> bool:
    kind = type(old)
    if kind is not type(new):
        return False
    if kind is np.ndarray:
        return old.shape == new.shape and np.array_equal(old, new, equal_nan=old.dtype.kind in "fc")
    if kind in (list, tuple):
        return len(old) == len(new) and all(_same(a, b) for a, b in zip(old, new))
    if kind is dict:
        return old.keys() == new.keys() and all(_same(old[k], new[k]) for k in old)
    return old is new or old == new


def _mutated(bound: dict, before: dict) -> list[str]:
    """The arguments the call changed in place (arrays, or lists/dicts/tuples holding them)."""
    return [name for name, old in before.items() if not _same(old, bound[name])]


def run(request: dict) -> dict:
    """One call of a learner function, or one scenario, under the forbidden-call guard."""
    module = request["module"]
    if module in _import_failures:
        return _import_failures[module]
    learner = _modules.get(module)
    if learner is None:
        return {"ok": False, "kind": "missing", "message": f"{module} was not loaded", "traceback": []}
    counters: list[int] = []
    args = _bind_refs(request.get("args", []), learner, counters)
    kwargs = _bind_refs(request.get("kwargs", {}), learner, counters)
    if request["op"] == "scenario":
        func, before, bound = _scenario_target(request["name"]), {}, {}
        args = [learner, *args]
    else:
        func = getattr(learner, request["name"], None)
        if not callable(func):
            public = sorted(n for n, v in vars(learner).items() if callable(v) and not n.startswith("_"))
            return {
                "ok": False,
                "kind": "no_function",
                "traceback": [],
                "defined": public,
                "message": f"{module}.py defines no function {request['name']}"
                f" (it defines: {', '.join(public) or 'nothing'})",
            }
        try:
            bound = _signature(func).bind(*args, **kwargs).arguments
        except (TypeError, ValueError):
            bound = {}
        before = {name: wire.copy(v) for name, v in bound.items()}  # callables are kept as they are
    with warnings.catch_warnings(record=True) as caught, guard.active(request.get("forbid", ())) as violations:
        warnings.simplefilter("always")
        try:
            with audit.watching():
                value = func(*args, **kwargs)
        except BaseException as exc:
            return _exception_answer(exc, list(violations))
        if violations:
            return _exception_answer(None, list(violations))
    answer = {
        "ok": True,
        "value": value,
        "mutated": _mutated(bound, before),
        "fn_calls": counters,
        "warnings": [
            _limit(f"{w.category.__name__}: {_safe_str(w.message)} ({os.path.basename(w.filename)}:{w.lineno})")
            for w in caught
        ],
    }
    return answer


def _respond(fd: int, answer: dict) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()  # what the learner printed reaches the parent before the answer
        except Exception:
            pass
    try:
        frame = wire.encode(answer, path="result")
    except wire.WireError as exc:
        frame = wire.encode(
            {
                "ok": False,
                "kind": "wrong_type",
                "traceback": [],
                "message": str(exc).replace("result['value']", "the returned value", 1),
            }
        )
    if len(frame) > wire.MAX_FRAME:
        frame = wire.encode(
            {
                "ok": False,
                "kind": "wrong_type",
                "traceback": [],
                "message": f"the returned value is too large ({len(frame)} bytes)",
            }
        )
    wire.write_all(fd, frame)


class _TrustedModulesHidden:
    """A meta-path finder that keeps the grader's trusted modules out of the worker.

    Submissions may not import the suites (their oracles), the runner or the
    plugin; the worker needs only itself, the codec, the guard and scenarios.
    """

    ALLOWED = ("grader", "grader.wire", "grader.worker")

    def find_spec(self, name, path=None, target=None):
        if name.startswith("grader.") and not (name in self.ALLOWED or name.startswith("grader.worker.")):
            raise ImportError(f"{name} is part of the grader and is not available to submissions")
        return None


def _set_limits(memory_mb: int, file_mb: int, nproc: int) -> None:
    with open("/proc/self/status") as status:
        vm = next((int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:")), 0)
    cap = vm + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_mb << 20, file_mb << 20))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if nproc:  # in a user namespace of its own the count is this worker's processes and threads only
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))


def close_other_fds(keep) -> None:
    """Nothing inherited but the two pipes and stdio reaches learner code."""
    for fd in sorted(int(n) for n in os.listdir("/proc/self/fd") if n.isdigit()):
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def die_with_parent() -> None:
    """Linux: be killed when the grader dies, even in a learner's endless loop (own session, so no ^C)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the call above
        os._exit(1)


def prepare(init: dict) -> None:
    """Once, in the fork server: the guard, the limits, the audit hook and the hidden trusted modules."""
    guard.install(init["forbidden"])
    _set_limits(init["memory_mb"], init["file_mb"], init.get("nproc", 0))
    audit.install([os.path.dirname(np.__file__), os.path.dirname(os.path.abspath(guard.__file__))])
    sys.meta_path.insert(0, _TrustedModulesHidden())
    gc.collect()
    gc.freeze()  # numpy and the worker's own objects: never rescanned, never copied by a child's collections
    gc.set_threshold(*GC_THRESHOLDS)


def serve(req: int, resp: int, folder: str) -> None:
    """In a forked child: answer requests for one learner module, working in ``folder``."""
    global _here
    _here = folder
    sys.path.append(folder)  # lets one topic import another; after stdlib and site, so it shadows nothing
    wire.write_all(resp, wire.encode({"ok": True, "pid": os.getpid()}))
    while True:
        try:
            request = wire.decode(wire.read_frame(req), allow_refs=True)
        except EOFError:
            return
        try:
            if request["op"] == "load":
                _write_files(request.get("files", {}))
                answer = load(request["module"])
            else:
                answer = run(request)
        except Exception as exc:  # the grader's own side of the worker failed, not the learner's code
            answer = {"ok": False, "kind": "grader_error", "message": f"{type(exc).__name__}: {exc}", "traceback": []}
        _respond(resp, answer)
