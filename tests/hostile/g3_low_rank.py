# attack: an exception whose __str__ never returns (and swallows the interrupt)
# cheats: *
import functools


class Endless(ValueError):
    def __str__(self):
        while True:
            try:
                while True:
                    pass
            except Exception:
                pass


def _cheat(name, *args, **kwargs):
    raise Endless()


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
