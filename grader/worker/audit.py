"""Forbidden calls below numpy's public names: an audit hook that watches learner code.

``install`` adds a ``sys.addaudithook`` hook (it cannot be removed) before any
learner module is imported. While ``watching()`` is on (a learner module's
import, a learner call, a scenario), the hook refuses, recording a violation
in ``guard``, what would get around the guard's wrappers:

* ctypes and cffi: importing ``ctypes``/``_ctypes``/``cffi``/``_cffi_backend``
  or any ``ctypes.*`` event (dlopen, foreign calls, raw memory) - the worker's
  own ctypes use (PR_SET_PDEATHSIG) happens before ``install``;
* fresh copies of numpy: importing again a numpy module that was loaded at
  start-up (after a ``del sys.modules[...]``, ``importlib.reload``), loading a
  numpy file under another module name (``spec_from_file_location``, a
  symlink), and ``open``/``compile``/``exec``/``code.replace``/``__code__ =``
  on numpy's files (but linecache may read their lines for a traceback),
  and code named after numpy's or the worker's files (the guard trusts
  callers by file name);
  numpy's own first-time imports of its lazy submodules stay allowed.

The private gufunc layers (``numpy.linalg._umath_linalg``, ``lapack_lite``)
are wrapped by ``guard`` itself. What stays possible is in docs/security.md.
"""

from __future__ import annotations

import contextlib
import linecache
import os
import sys

from grader.worker import guard

_BLOCKED_TOPS = {"ctypes": "ctypes", "_ctypes": "ctypes", "cffi": "cffi", "_cffi_backend": "cffi"}
_FROZEN = "<frozen importlib._bootstrap"
_state = {"on": False}
_numpy_root = ""  # the directory holding the numpy package
_protected: tuple[str, ...] = ()
_loaded_at_start: frozenset[str] = frozenset()


def _module_for(path: str) -> str:
    """The numpy module name a file under ``_numpy_root`` belongs to ('' if none)."""
    rel = os.path.relpath(path, _numpy_root)
    parts = [p for p in rel.split(os.sep) if p != "__pycache__"]
    if not parts or parts[0] != "numpy" or rel.startswith(".."):
        return ""
    parts[-1] = parts[-1].split(".", 1)[0]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _importing_name() -> str | None:
    """The module the import machinery is loading right now, if the caller is the import machinery."""
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename.startswith(_FROZEN):
            local = frame.f_locals
            name = local.get("fullname")
            if type(name) is str:
                return name
            spec = getattr(local.get("module"), "__spec__", None) or local.get("spec")
            if type(getattr(spec, "name", None)) is str:
                return spec.name
        frame = frame.f_back
    return None


def _protected_file(path, trees) -> str:
    """The real path of ``path`` when it lies in one of ``trees``, else ""."""
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if type(path) is not str:
        return ""
    real = os.path.realpath(path)
    return real if real.startswith(trees) else ""


def _for_a_traceback() -> bool:
    """linecache reading source lines (traceback formatting); numpy's source text is no secret."""
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_name == "updatecache" and frame.f_code.co_filename == linecache.__file__:
            return True
        frame = frame.f_back
    return False


def _legitimate_numpy_load(path: str) -> bool:
    """numpy's own first import of one of its modules (lazy submodules such as numpy.fft)."""
    name = _importing_name()
    return name is not None and name not in _loaded_at_start and _module_for(path) == name


def _refuse(what: str) -> None:
    guard.record(what)
    raise guard.ForbiddenCall(f"{what} is forbidden in these exercises")


def _check_import(args) -> None:
    name, filename = args[0], args[1] if len(args) > 1 else None
    top = name.partition(".")[0] if type(name) is str else ""
    if top in _BLOCKED_TOPS:
        _refuse(f"import {_BLOCKED_TOPS[top]}")
    if name in _loaded_at_start:
        _refuse(f"a fresh load of numpy's module {name}")
    real = _protected_file(filename, _protected[:1])
    if real and _module_for(real) != name:
        _refuse(f"numpy's file {os.path.basename(real)} loaded as module {name}")


def _check_code_file(filename, what: str, trees=None) -> None:
    real = _protected_file(filename, trees or _protected)
    if real and not _legitimate_numpy_load(real) and not (what == "open() of" and _for_a_traceback()):
        _refuse(f"{what} {real}")


def _hook(event: str, args) -> None:
    if not _state["on"]:
        return
    if event.startswith("ctypes."):
        _refuse(event)
    elif event == "import":
        _check_import(args)
    elif event == "open":
        _check_code_file(args[0], "open() of", _protected[:1])  # the grader's own files may be read
    elif event == "compile":
        _check_code_file(args[1], "compile() as")
    elif event == "exec":
        _check_code_file(getattr(args[0], "co_filename", None), "exec() of code from")
    elif event == "code.__new__":
        _check_code_file(args[1], "code.replace() naming")
    elif event == "object.__setattr__" and args[1] == "__code__":
        _check_code_file(getattr(args[2], "co_filename", None), "__code__ swapped for code from")


def install(protected_dirs) -> None:
    """Start auditing; ``protected_dirs``: numpy's tree (not to be opened, loaded or imitated), then
    trees whose file names learner code may not give its own code (the grader's worker side)."""
    global _numpy_root, _protected, _loaded_at_start
    import numpy

    _numpy_root = os.path.dirname(os.path.dirname(os.path.realpath(numpy.__file__)))
    _protected = tuple(os.path.realpath(d) + os.sep for d in protected_dirs)
    _loaded_at_start = frozenset(n for n in sys.modules if n == "numpy" or n.startswith("numpy."))
    sys.addaudithook(_hook)


@contextlib.contextmanager
def watching():
    """Learner code runs inside this block."""
    previous = _state["on"]
    _state["on"] = True
    try:
        yield
    finally:
        _state["on"] = previous
