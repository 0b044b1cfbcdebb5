"""Extract a learner's zip without trusting it.

Refused (``BadZip``, whose message says what is wrong): a file that is not a
zip, an encrypted or corrupt member, an absolute path, a drive letter, a
``..`` component, a symbolic link, more than ``MAX_FILES`` members, more than
``MAX_BYTES`` uncompressed. Sizes are counted while the bytes are written, not
taken from the archive's own (forgeable) header.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

MAX_FILES = 500
MAX_BYTES = 50 << 20
CHUNK = 1 << 16


class BadZip(ValueError):
    pass


def _safe_name(name: str) -> PurePosixPath:
    path = PurePosixPath(name.replace("\\", "/"))
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise BadZip(f"unsafe path {name!r} (absolute); a submission zip holds relative paths only")
    if ".." in path.parts:
        raise BadZip(f"unsafe path {name!r} (leaves the folder with '..'); a submission zip holds relative paths only")
    return path


def extract(archive: Path, dest: Path, max_files: int = MAX_FILES, max_bytes: int = MAX_BYTES) -> None:
    """Extract ``archive`` into the (empty) folder ``dest``."""
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BadZip(f"{archive.name} is not a readable zip ({exc}); zip the folder that holds the topic modules")
    with zf:
        members = zf.infolist()
        if len(members) > max_files:
            raise BadZip(f"{archive.name} holds {len(members)} entries; at most {max_files} are accepted")
        names = [(m, _safe_name(m.filename)) for m in members]  # check every name before writing any file
        for m, _ in names:
            if stat.S_ISLNK(m.external_attr >> 16):
                raise BadZip(f"{m.filename!r} is a symbolic link; a submission zip holds plain files only")
        written = 0
        root = dest.resolve()
        for m, rel in names:
            target = (root / rel).resolve()
            if target != root and root not in target.parents:
                raise BadZip(f"unsafe path {m.filename!r} (leaves the folder)")
            if m.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(m) as src, open(target, "wb") as out:
                    while chunk := src.read(CHUNK):
                        written += len(chunk)
                        if written > max_bytes:
                            raise BadZip(
                                f"{archive.name} unpacks to more than {max_bytes >> 20} MB; "
                                "a submission is a few Python files"
                            )
                        out.write(chunk)
            except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as exc:  # CRC, encryption, truncation
                raise BadZip(f"{m.filename!r} in {archive.name} cannot be read ({exc})") from None
