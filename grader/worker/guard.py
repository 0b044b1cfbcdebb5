"""Forbidden calls, worker side: make a banned library function fail while a
learner's function runs.

``install`` replaces each named function (``"numpy.linalg.svd"``) in every
loaded module of its namespace by a wrapper, *before* any learner module is
imported, so an alias captured at import (``from numpy.linalg import svd as s``)
captures the wrapper too. The wrapper consults the set that ``active`` switches
on for one call: a banned name called straight from anything but numpy's own
code of that namespace or the grader's scenarios is recorded and raises
``ForbiddenCall``.
The record stands even if the learner catches the exception.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys

_active: frozenset[str] = frozenset()
_violations: list[str] = []
_SCENARIOS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios")


class ForbiddenCall(RuntimeError):
    pass


def _resolve(name: str):
    module_name, _, attr = name.rpartition(".")
    module = importlib.import_module(module_name)
    return module_name, attr, getattr(module, attr)


def _make_wrapper(name: str, original, trusted_dir: str):
    def forbidden_guard(*args, **kwargs):
        if name in _active:
            caller = sys._getframe(1).f_code.co_filename
            if not (caller.startswith(trusted_dir) or caller.startswith(_SCENARIOS_DIR)):
                _violations.append(name)
                raise ForbiddenCall(f"{name} is forbidden in this exercise")
        return original(*args, **kwargs)

    forbidden_guard.__name__ = getattr(original, "__name__", name)
    forbidden_guard.__doc__ = getattr(original, "__doc__", None)
    return forbidden_guard


def install(names) -> None:
    """Wrap every named function in all loaded modules of its namespace."""
    for name in sorted(set(names)):
        namespace, attr, original = _resolve(name)
        package = sys.modules[namespace]
        trusted_dir = os.path.dirname(os.path.abspath(package.__file__))
        wrapper = _make_wrapper(name, original, trusted_dir)
        for mod_name, module in list(sys.modules.items()):
            if (mod_name == namespace or mod_name.startswith(namespace + ".")) \
                    and getattr(module, attr, None) is original:
                setattr(module, attr, wrapper)


@contextlib.contextmanager
def active(names):
    """Ban ``names`` for the duration of the block; yields the list of violations."""
    global _active
    previous = _active
    _active = frozenset(names)
    _violations.clear()
    try:
        yield _violations
    finally:
        _active = previous
