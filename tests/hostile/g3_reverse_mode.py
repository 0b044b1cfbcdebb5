# attack: reach the judge from the worker: import pytest, the plugin, the runner and the suites; patch what is
#   there
# cheats: *
# needs: fresh_root
import builtins
import functools
import sys


def _cheat(name, *args, **kwargs):
    for module in ("pytest", "grader.plugin", "grader.runner", "grader.scoring", "grader.suites.reverse_mode",
                   "solutions.reverse_mode"):
        try:
            __import__(module)
        except ImportError:
            continue
        raise RuntimeError(f"LEAKED: imported {module}")
    builtins.print = lambda *a, **k: None
    sys.modules["grader.worker.guard"].ForbiddenCall = type("Harmless", (Exception,), {})
    return None


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
