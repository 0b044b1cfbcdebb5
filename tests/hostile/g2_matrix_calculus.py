# attack: an output flood on stdout and stderr (a debug print left in a loop of two functions)
# cheats: *
import functools
import sys


def _cheat(name, *args, **kwargs):
    if name not in ("grad_linear", "grad_det"):
        return None
    line = "FLOOD " * 200
    while True:
        print(line)
        print(line, file=sys.stderr)


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
