# attack: an exception whose message is 50 MB
# cheats: *
import functools


class Huge(ValueError):
    def __str__(self):
        return "x" * (50 << 20)


def _cheat(name, *args, **kwargs):
    raise Huge()


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
