"""Noticing saves of one module file: file events (watchfiles) where available, else polling.

Editors save in several steps (truncate and write, write a swap file and
rename it, touch), so a notice only starts a short quiet period (``quiet``);
after it the file's content hash decides whether anything changed at all.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

POLL_INTERVAL = 0.05  # seconds between two looks at the file when there are no file events
EVENT_STEP_MS = 30  # watchfiles yields a batch of events once the folder has been quiet this long


def digest(path: Path) -> str | None:
    """sha256 of the file's bytes; None for a file that does not exist (or cannot be read) right now."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _stat(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


class Watcher:
    """Watches the submission folder. ``fileno`` is readable after file events; ``interval`` is how
    often the loop must call ``poll`` when there are none (None: never). Both ways end in ``noticed``."""

    def __init__(self, folder: Path, poll: bool = False):
        self.folder = Path(folder)
        self.reason = ""
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._seen: tuple | None = None
        self._path: Path | None = None
        if not poll:
            try:
                import watchfiles
            except ImportError:
                self.reason = "watchfiles is not installed"
            else:
                self._thread = threading.Thread(target=self._events, args=(watchfiles,), daemon=True)
                self._thread.start()

    @property
    def polling(self) -> bool:
        return self._thread is None or not self._thread.is_alive()

    @property
    def interval(self) -> float | None:
        return POLL_INTERVAL if self.polling else None

    @property
    def quiet(self) -> float:
        """Seconds without a further notice before the file is read: one more look when polling (a save
        seen half-written); none on events, which watchfiles already hands over after EVENT_STEP_MS of quiet."""
        return POLL_INTERVAL if self.polling else 0.0

    def fileno(self) -> int:
        return self._read

    def follow(self, path: Path) -> None:
        """The file whose saves matter from now on (the current topic's module)."""
        self._path, self._seen = path, _stat(path)

    def _events(self, watchfiles) -> None:
        try:
            for _ in watchfiles.watch(
                self.folder,
                watch_filter=None,
                step=EVENT_STEP_MS,
                stop_event=self._stop,
                rust_timeout=500,
                recursive=False,
                raise_interrupt=False,
            ):
                os.write(self._write, b".")
        except Exception as exc:  # no inotify (limits, odd file systems): the loop falls back to polling
            self.reason = f"{type(exc).__name__}: {exc}"

    def noticed(self) -> bool:
        """Whether anything happened since the last call: events arrived, or (polling) the file's stat changed."""
        got = False
        try:
            while os.read(self._read, 4096):
                got = True
        except BlockingIOError:
            pass
        if self.polling and self._path is not None:
            now = _stat(self._path)
            got, self._seen = got or now != self._seen, now
        return got

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        for fd in (self._read, self._write):
            os.close(fd)
