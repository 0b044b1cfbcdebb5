# attack: import the reference solutions from the project's absolute path
# cheats: *
# needs: fresh_root
import functools
import sys


def _cheat(name, *args, **kwargs):
    sys.path.insert(0, "{{ROOT}}")
    try:
        from solutions import derivatives
    except ImportError:
        return None
    return getattr(derivatives, name)(*args, **kwargs)


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
