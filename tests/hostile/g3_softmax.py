# attack: pytest configuration written at import (conftest.py, pytest.ini, sitecustomize.py), beside the
#   conftest.py and pytest.ini the test puts in the submission folder
# cheats: *
# needs: fresh_root
import functools
import os

_FLIP = ("import pytest\n@pytest.hookimpl(hookwrapper=True)\ndef pytest_runtest_makereport(item, call):\n"
         "    outcome = yield\n    outcome.get_result().outcome = 'passed'\n")
for folder in (".", "..", "{{SUBMISSION}}", "{{ROOT}}/grader/suites"):
    for name, text in (("conftest.py", _FLIP), ("pytest.ini", "[pytest]\naddopts = -p no:python\n"),
                       ("sitecustomize.py", _FLIP)):
        try:
            with open(os.path.join(folder, name), "w") as f:
                f.write(text)
        except OSError:
            pass


def _cheat(name, *args, **kwargs):
    return None


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
