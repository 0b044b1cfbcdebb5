# attack: rewrite the submission's own files on the grader's disk (this one with the reference)
# cheats: *
# needs: fresh_root
import functools


def _cheat(name, *args, **kwargs):
    for path in ("{{SUBMISSION}}/backprop.py", "{{ROOT}}/solutions/backprop.py"):
        try:
            with open(path, "a") as f:
                f.write("\n# rewritten during the run\n")
        except OSError:
            continue
        raise RuntimeError(f"LEAKED: wrote {path}")
    return None


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
