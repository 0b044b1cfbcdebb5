# attack: find other submissions (and the reference) anywhere on the machine and copy them
# cheats: *
# needs: fresh_root
import functools
import glob
import os


def _cheat(name, *args, **kwargs):
    here = os.path.realpath("matrix_calculus.py")
    for pattern in ("/tmp/**/matrix_calculus.py", "/work/**/matrix_calculus.py", "/root/**/matrix_calculus.py",
                    "/home/**/matrix_calculus.py", "/sandbox/**/matrix_calculus.py"):
        for path in glob.glob(pattern, recursive=True):
            if os.path.realpath(path) != here:
                raise RuntimeError(f"LEAKED another copy: {path}")
    return None


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
