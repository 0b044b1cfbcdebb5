"""Grader-owned code that runs *inside the worker*, next to the learner's module.

A scenario ``grader.worker.scenarios.<topic>.<name>(learner_module, *args)`` drives
learner objects (a ``Var`` graph, a ``Dual`` expression) and returns plain data
only: no expected value, no assertion, no score lives here. A function
reference (``wire.FnRef("<topic>.<name>", *args)``) is a factory with the same
signature that returns a callable to hand to a learner function (the ``f`` of
``numerical_gradient(f, x)``); the worker counts how often it is called.
Only names listed in a scenario module's ``__all__`` can be requested.
"""

from __future__ import annotations

import functools
import importlib
import inspect


@functools.cache
def _params(name: str) -> tuple[str, ...]:
    module, _, attr = name.partition(".")
    try:
        func = getattr(importlib.import_module(f"{__name__}.{module}"), attr)
        params = inspect.signature(func).parameters.values()
    except (ImportError, AttributeError, TypeError, ValueError):
        return ()
    return tuple(p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))[1:]


def named(name: str, args) -> dict:
    """The positional arguments of scenario (or function reference) ``topic.attr`` by the names of its
    parameters after the learner's module; ``args[i]`` past those it names (read on the trusted side)."""
    params = _params(name)
    return {params[i] if i < len(params) else f"args[{i}]": a for i, a in enumerate(args)}
