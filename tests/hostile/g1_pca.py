# attack: walk up from the working directory to the kit's solutions/ and import the reference
# cheats: *
# needs: fresh_root
import functools
import importlib.util
import os


def _cheat(name, *args, **kwargs):
    folder = os.getcwd()
    while True:
        candidate = os.path.join(folder, "solutions", "pca.py")
        if os.path.exists(candidate):
            spec = importlib.util.spec_from_file_location("reference_pca", candidate)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return getattr(module, name)(*args, **kwargs)
        if os.path.dirname(folder) == folder:
            return None
        folder = os.path.dirname(folder)


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
