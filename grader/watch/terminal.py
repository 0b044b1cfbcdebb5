"""The terminal while watch runs: cbreak input, the alternate screen, signals, and putting it all back.

``Terminal`` is a context manager. Inside it, keys arrive one by one without
echo, the screen is the alternate one (the shell's scrollback is untouched),
and SIGINT, SIGTERM and SIGHUP ask the loop to stop (a second SIGINT stops at
once); SIGWINCH asks for a redraw. On the way out, whatever happened, the
terminal modes, the cursor, the main screen and the signal handlers are
restored.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import sys
import termios
import tty

ENTER = "\x1b[?1049h\x1b[?25l"  # alternate screen, cursor hidden
LEAVE = "\x1b[?25h\x1b[?1049l"  # cursor shown, main screen back
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class NotATerminal(RuntimeError):
    pass


def interactive() -> bool:
    """Standard input and output are both a terminal (watch reads keys and draws a screen)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


class Terminal:
    def __init__(self, stdin=None, stdout=None):
        self.stdin, self.stdout = stdin or sys.stdin, stdout or sys.stdout
        self.stop = False  # a stop signal arrived: leave at the next chance
        self.resized = False
        self._saved_modes: list | None = None
        self._saved_handlers: dict = {}
        self._wakeup_r, self._wakeup_w = -1, -1
        self._old_wakeup = -1

    def __enter__(self) -> Terminal:
        if not (self.stdin.isatty() and self.stdout.isatty()):
            raise NotATerminal("grader watch needs a terminal")
        self.fd = self.stdin.fileno()
        self._saved_modes = termios.tcgetattr(self.fd)
        self._wakeup_r, self._wakeup_w = os.pipe()
        os.set_blocking(self._wakeup_r, False)
        os.set_blocking(self._wakeup_w, False)
        try:
            for sig in STOP_SIGNALS:
                self._saved_handlers[sig] = signal.signal(sig, self._on_stop)
            self._saved_handlers[signal.SIGWINCH] = signal.signal(signal.SIGWINCH, self._on_resize)
            self._old_wakeup = signal.set_wakeup_fd(self._wakeup_w)
            tty.setcbreak(self.fd, termios.TCSANOW)
            self._write(ENTER)
        except BaseException:
            self._restore()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._restore()

    def _restore(self) -> None:
        try:
            if self._saved_modes is not None:
                termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved_modes)
            self._write(LEAVE)
        except OSError:  # the terminal is gone (SIGHUP): nothing left to restore on it
            pass
        finally:
            self._saved_modes = None
            if self._saved_handlers:
                signal.set_wakeup_fd(self._old_wakeup)
            for sig, handler in self._saved_handlers.items():
                signal.signal(sig, handler)
            self._saved_handlers = {}
            for fd in (self._wakeup_r, self._wakeup_w):
                if fd >= 0:
                    os.close(fd)
            self._wakeup_r = self._wakeup_w = -1

    def _on_stop(self, signum, frame) -> None:
        if self.stop and signum == signal.SIGINT:
            raise KeyboardInterrupt  # a second Ctrl-C: stop now, even in the middle of a check
        self.stop = True

    def _on_resize(self, signum, frame) -> None:
        self.resized = True

    def _write(self, data: str) -> None:
        self.stdout.write(data)
        self.stdout.flush()

    def size(self) -> tuple[int, int]:
        columns, lines = shutil.get_terminal_size()
        try:
            columns, lines = os.get_terminal_size(self.stdout.fileno())
        except OSError:
            pass
        return columns, lines

    def draw(self, lines: list[str]) -> None:
        """The whole screen, drawn over the last one in one write (no flicker of a full clear)."""
        try:
            self._write("\x1b[H" + "".join(line + "\x1b[K\r\n" for line in lines[:-1]) + lines[-1] + "\x1b[K\x1b[J")
        except OSError:
            if not self.stop:  # after SIGHUP the terminal is gone and the loop is on its way out
                raise

    def wait(self, others: list[int], timeout: float | None) -> tuple[str, list[int]]:
        """Keys typed and which of ``others`` became readable, within ``timeout`` (None: until something happens)."""
        if self.stop or self.resized:
            timeout = 0
        ready, _, _ = select.select([self.fd, self._wakeup_r, *others], [], [], timeout)
        keys = ""
        if self.fd in ready:
            keys = os.read(self.fd, 64).decode("utf-8", "replace")
        if self._wakeup_r in ready:
            try:
                os.read(self._wakeup_r, 64)
            except BlockingIOError:
                pass
        return keys, [fd for fd in ready if fd in others]
