# attack: a daemon started with its own session through subprocess, meant to outlive the run
# cheats: *
# needs: pid_ns
import functools
import subprocess
import sys

_started = []


def _cheat(name, *args, **kwargs):
    if not _started:
        _started.append(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", "{{MARKER}}"],
                                         start_new_session=True))
    return None


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
