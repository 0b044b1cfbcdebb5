# attack: write into the grader package: the project's sources and the copy the worker imports
# cheats: *
# needs: fresh_root read_only_root
import functools
import os

import grader.wire


def _cheat(name, *args, **kwargs):
    targets = ["{{ROOT}}/grader/scoring.py", "{{ROOT}}/grader/suites/softmax.py", grader.wire.__file__,
               os.path.join(os.path.dirname(grader.wire.__file__), "worker", "guard.py")]
    for path in targets:
        try:
            with open(path, "a") as f:
                f.write("\nSCORE_EVERYTHING = True\n")
        except OSError:
            continue
        raise RuntimeError(f"LEAKED: wrote {path}")
    return None


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
