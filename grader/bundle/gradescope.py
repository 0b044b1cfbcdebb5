"""`grader gradescope-package OUT.zip`: an autograder for Gradescope.

At the zip's root, as Gradescope's autograder specification asks:
``setup.sh`` (run once when the image is built: a Python ≥ 3.11 venv with
the grader installed from ``grader-src/``) and ``run_autograder`` (run per
submission: grades ``$AUTOGRADER_ROOT/submission`` into
``$AUTOGRADER_ROOT/results/results.json``; the root defaults to /autograder).
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

from grader.bundle.files import TEMPLATES, BundleError, copy_grader, kit_root, leaks

SCRIPTS = ("setup.sh", "run_autograder")
README = "The grader with its hidden suites, installed by setup.sh. No solutions.\n"


def make(out: Path, kit: Path | None = None, topics: tuple[str, ...] = ()) -> Path:
    """``topics``: the assignment's topics (written to ``topics``, one a line; none: every topic)."""
    kit = kit_root(kit)
    out = Path(out)
    if out.suffix != ".zip":
        raise BundleError(f"{out} should end in .zip (Gradescope takes the autograder as a zip)")
    with tempfile.TemporaryDirectory(prefix="grader-gradescope-") as tmp:
        stage = Path(tmp)
        copy_grader(kit, stage / "grader-src", README)
        for name in SCRIPTS:
            shutil.copy2(TEMPLATES / name, stage / name)
        (stage / "topics").write_text("".join(f"{t}\n" for t in topics), encoding="utf-8")
        found = leaks(stage, kit)
        if found:
            raise BundleError(f"refusing to package: these files would ship solutions or mutants: {', '.join(found)}")
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for path in sorted(p for p in stage.rglob("*") if p.is_file()):
                info = zipfile.ZipInfo(path.relative_to(stage).as_posix(), date_time=(2020, 1, 1, 0, 0, 0))
                info.external_attr = (0o100755 if path.name in SCRIPTS else 0o100644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, path.read_bytes())
    return out
