# attack: huge files: in the working directory, /tmp, /dev/shm and $HOME
# cheats: *
# needs: read_only_root scratch_tmpfs
import functools
import os

_chunk = b"\0" * (1 << 20)


def _cheat(name, *args, **kwargs):
    for folder in (".", "/tmp", "/dev/shm", os.path.expanduser("~")):
        try:
            with open(os.path.join(folder, "huge.bin"), "wb") as f:
                for _ in range(2048):
                    f.write(_chunk)
        except OSError:
            continue
    return None


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return functools.partial(_cheat, name)
