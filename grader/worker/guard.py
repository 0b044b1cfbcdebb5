"""Forbidden calls, worker side: make a banned library function fail while a
learner's function runs.

``install`` replaces each named function (``"numpy.linalg.svd"``) in every
loaded module of its namespace by a wrapper, *before* any learner module is
imported, so an alias captured at import (``from numpy.linalg import svd as s``)
captures the wrapper too. The wrapper consults the set that ``active`` switches
on for one call: a banned name called straight from anything but numpy's own
code of that namespace or the grader's scenarios is recorded and raises
``ForbiddenCall``.

The private compiled layers of a forbidden sub-package
(``numpy.linalg._umath_linalg``, ``numpy.linalg.lapack_lite``: the gufuncs that
do the work behind the public names) are wrapped too, and judge by the stack:
the call is banned when it comes from learner code with no numpy frame in
between (a direct call, or numpy's source copied or loaded afresh), or when
the outermost numpy function the learner entered is banned (an original
``svd`` dug out of a wrapper). ``grader.worker.audit`` records its refusals
here too. The record stands even if the learner catches the exception.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys

_active: frozenset[str] = frozenset()
_violations: list[str] = []
_SCENARIOS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios")
_numpy_dir = ""  # set by install: where numpy's own frames come from


class ForbiddenCall(RuntimeError):
    pass


def _resolve(name: str):
    module_name, _, attr = name.rpartition(".")
    module = importlib.import_module(module_name)
    return module_name, attr, getattr(module, attr)


def record(what: str) -> None:
    _violations.append(what)


def _make_wrapper(name: str, original, trusted_dir: str, key: str):
    def forbidden_guard(*args, **kwargs):
        if key in _active:
            caller = sys._getframe(1).f_code.co_filename
            if not (caller.startswith(trusted_dir) or caller.startswith(_SCENARIOS_DIR)):
                _violations.append(name)
                raise ForbiddenCall(f"{name} is forbidden in this exercise")
        return original(*args, **kwargs)

    forbidden_guard.__name__ = getattr(original, "__name__", name)
    forbidden_guard.__doc__ = getattr(original, "__doc__", None)
    return forbidden_guard


def _layer_key(namespace: str) -> str:
    return f"private layer of {namespace}"


def _entry(frame):
    """The first frame outside numpy and this guard, and the outermost numpy frame below it."""
    outermost = None
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(_numpy_dir):
            outermost = frame
        elif filename != _entry.__code__.co_filename:
            break
        frame = frame.f_back
    return frame, outermost


def _make_layer_wrapper(name: str, original, namespace: str, namespace_dir: str):
    key = _layer_key(namespace)

    def private_layer_guard(*args, **kwargs):
        if key in _active:
            caller, entry = _entry(sys._getframe(1))
            banned = None
            if caller is not None and not caller.f_code.co_filename.startswith(_SCENARIOS_DIR):
                if entry is None:
                    banned = name
                elif (
                    entry.f_code.co_filename.startswith(namespace_dir)
                    and f"{namespace}.{entry.f_code.co_name}" in _active
                ):
                    banned = f"{namespace}.{entry.f_code.co_name}"
            if banned:
                _violations.append(banned)
                raise ForbiddenCall(f"{banned} is forbidden in this exercise")
        return original(*args, **kwargs)

    private_layer_guard.__name__ = getattr(original, "__name__", name)
    return private_layer_guard


def _private_layers(namespace: str) -> list[str]:
    """The compiled modules inside a sub-package namespace (none for a top-level package such as numpy)."""
    if "." not in namespace:
        return []
    return sorted(
        n
        for n, m in sys.modules.items()
        if n.startswith(namespace + ".") and str(getattr(m, "__file__", "")).endswith((".so", ".pyd"))
    )


def install(names) -> None:
    """Wrap every named function in all loaded modules of its namespace, and its namespace's private layers."""
    global _numpy_dir
    import numpy

    _numpy_dir = os.path.dirname(numpy.__file__) + os.sep
    namespaces = {}
    for name in sorted(set(names)):
        namespace, attr, original = _resolve(name)
        package = sys.modules[namespace]
        trusted_dir = os.path.dirname(os.path.abspath(package.__file__))
        namespaces[namespace] = trusted_dir
        wrapper = _make_wrapper(name, original, trusted_dir, name)
        for mod_name, module in list(sys.modules.items()):
            if (mod_name == namespace or mod_name.startswith(namespace + ".")) and getattr(
                module, attr, None
            ) is original:
                setattr(module, attr, wrapper)
    for namespace, trusted_dir in namespaces.items():
        for layer in _private_layers(namespace):
            module = sys.modules[layer]
            for attr, original in list(vars(module).items()):
                if callable(original) and not attr.startswith("__") and not isinstance(original, type):
                    setattr(module, attr, _make_layer_wrapper(f"{layer}.{attr}", original, namespace, trusted_dir))


@contextlib.contextmanager
def active(names):
    """Ban ``names`` for the duration of the block; yields the list of violations."""
    global _active
    previous = _active
    _active = frozenset(names) | {_layer_key(n.rpartition(".")[0]) for n in names}
    _violations.clear()
    try:
        yield _violations
    finally:
        _active = previous
