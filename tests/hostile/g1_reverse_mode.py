# attack: forge the report and the progress file the grader writes after the run
# cheats: *
# needs: fresh_root
import functools
import json
import os


def _cheat(name, *args, **kwargs):
    forged = {"schema": "grader-report/1", "score": 130, "max_score": 130}
    for path in ("{{REPORT}}", "{{SUBMISSION}}/.grader/progress.json", "{{SUBMISSION}}/../.grader/progress.json"):
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                json.dump(forged, f)
        except OSError:
            continue
        raise RuntimeError(f"LEAKED: wrote {path}")
    return None


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
