# attack: frame inspection and gc: look for the grader's expected values around the call
# cheats: *
import functools
import gc
import sys


def _cheat(name, *args, **kwargs):
    frame = sys._getframe()
    while frame is not None:
        if "suites" in frame.f_code.co_filename or "oracle" in frame.f_code.co_filename:
            raise RuntimeError(f"LEAKED frame {frame.f_code.co_filename}")
        for key in frame.f_locals:
            if "expect" in key:
                raise RuntimeError(f"LEAKED local {key}")
        frame = frame.f_back
    for obj in gc.get_objects():
        if getattr(obj, "__module__", "") and "suites" in str(getattr(obj, "__module__", "")):
            raise RuntimeError(f"LEAKED object {obj!r}"[:200])
    return None


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
