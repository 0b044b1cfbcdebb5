# attack: every way to end the process or the call: os._exit (from cross_entropy_grad), sys.exit, KeyboardInterrupt,
#   GeneratorExit
# cheats: *
import functools
import os
import sys


def _cheat(name, *args, **kwargs):
    if name == "cross_entropy_grad":
        os._exit(0)
    how = sum(map(ord, name)) % 3
    if how == 0:
        sys.exit(0)
    if how == 1:
        raise KeyboardInterrupt
    raise GeneratorExit


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
