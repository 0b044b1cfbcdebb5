"""Numbers and arrays as a learner reads them in feedback."""

from __future__ import annotations

import contextlib
import contextvars
import sys

import numpy as np

from grader.wire import FnRef

FULL_LIMIT = 36  # arrays with at most this many entries are shown whole (unless in_full())
_IN_FULL = contextvars.ContextVar("in_full", default=False)


@contextlib.contextmanager
def in_full():
    """Within it, feedback shows everything: whole arrays, every printed line, every frame (one case, replayed)."""
    token = _IN_FULL.set(True)
    try:
        yield
    finally:
        _IN_FULL.reset(token)


def full() -> bool:
    return _IN_FULL.get()


DIGITS = 5  # significant digits of a number in feedback, unless more are needed to tell two apart


def num(x, digits: int = DIGITS) -> str:
    """A scalar, compactly: 3, 0.25, 1.2346e-07, inf."""
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if isinstance(x, (float, np.floating)):
        return f"{float(x):.{digits}g}"
    return repr(x)


def digits_to_differ(a, b) -> int:
    """The fewest significant digits (at least DIGITS, at most 17) at which a and b print differently."""
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return DIGITS
    for digits in range(DIGITS, 18):
        if f"{a:.{digits}g}" != f"{b:.{digits}g}":
            return digits
    return DIGITS


def array(a: np.ndarray, indent: int = 0, digits: int = DIGITS) -> str:
    a = np.asarray(a)
    if a.ndim == 0:
        return num(a.item(), digits)
    opts: dict = dict(precision=digits, separator=", ", max_line_width=88 - indent, threshold=sys.maxsize)
    if not full():
        opts.update(threshold=FULL_LIMIT, edgeitems=2)
    text = np.array2string(a, **opts)
    head = f"{'×'.join(map(str, a.shape))} array " if a.size > FULL_LIMIT or a.ndim > 2 else ""
    return head + text.replace("\n", "\n" + " " * indent)


def value(x, indent: int = 0) -> str:
    """Any plain value the worker may send back."""
    if isinstance(x, np.ndarray):
        return array(x, indent)
    if isinstance(x, (tuple, list, dict)):
        return _container(x, indent)
    return repr(x) if isinstance(x, (str, FnRef)) else num(x)


def _container(x, indent: int) -> str:
    """On one line if it fits; else one item a line, each indented under its bracket."""
    open_, close = {tuple: "()", list: "[]", dict: "{}"}[type(x)]
    keys = [f"{k!r}: " for k in x] if isinstance(x, dict) else [""] * len(x)
    items = list(x.values()) if isinstance(x, dict) else list(x)
    trail = "," if isinstance(x, tuple) and len(x) == 1 else ""
    flat = open_ + ", ".join(k + value(v, indent) for k, v in zip(keys, items)) + trail + close
    if "\n" not in flat and width(flat) + indent <= 88:
        return flat
    inner = indent + 4
    lines = [" " * inner + k + value(v, inner + len(k)) for k, v in zip(keys, items)]
    return open_ + "\n" + ",\n".join(lines) + trail + "\n" + " " * indent + close


def assignments(named: dict, indent: int = 2) -> str:
    """``A = [[1, 2], [3, 4]]`` lines for a call's arguments."""
    lines = []
    for name, x in named.items():
        prefix = f"{' ' * indent}{name} = "
        lines.append(prefix + value(x, len(prefix)))
    return "\n".join(lines)


# --- text in a terminal: East Asian wide characters (漢字, かな) take two columns ---------------


def _plain(text: str) -> bool:
    """Printable ASCII only: one column per character (most of the grader's English output)."""
    return text.isascii() and text.isprintable()


def width(text: str) -> int:
    """The columns one line takes in a terminal: wide characters count two, colour codes none."""
    if _plain(text):
        return len(text)
    import wcwidth  # 30 ms to import: only for text that needs it

    return wcwidth.width(text)


def pad(text: str, columns: int, align: str = "<") -> str:
    """``text`` padded with spaces to ``columns`` display columns (``>``: on the left)."""
    gap = " " * max(0, columns - width(text))
    return gap + text if align == ">" else text + gap


def clip(text: str, columns: int) -> str:
    """The longest start of ``text`` that fits in ``columns`` display columns."""
    if _plain(text):
        return text[: max(columns, 0)]
    import wcwidth

    return wcwidth.clip(text, 0, columns)


# A line may not start with closing punctuation nor end with opening punctuation (Japanese 禁則).
NO_LINE_START = set("、。，．）」』】］〕・：；！？ー…—,.;:!?)]}")
NO_LINE_END = set("（「『【［〔([{")


def _pieces(text: str) -> list[tuple[str, bool]]:
    """The pieces a line may break between, each with whether a space precedes it: a run of narrow
    characters (a word, a formula), or a single wide character, kept with the punctuation 禁則 binds to it."""
    pieces: list[tuple[str, bool]] = []
    space = False
    for ch in text:
        if ch.isspace():
            space = True
            continue
        wide = width(ch) > 1
        last = pieces[-1][0] if pieces else ""
        glued = (
            last
            and not space
            and (ch in NO_LINE_START or last[-1] in NO_LINE_END or (not wide and width(last[-1]) == 1))
        )
        if glued:
            pieces[-1] = (last + ch, pieces[-1][1])
        else:
            pieces.append((ch, space))
        space = False
    return pieces


def wrap(text: str, columns: int, initial_indent: str = "", subsequent_indent: str = "") -> str:
    """``text`` in lines of at most ``columns`` display columns: breaks at spaces, and between Japanese
    characters (which have no spaces to break at), never before 。、） or after （."""
    lines, line, filled = [], initial_indent, False
    for piece, space in _pieces(text):
        joined = line + (" " if space and filled else "") + piece
        if filled and width(joined) > columns:
            lines.append(line)
            line, filled = subsequent_indent + piece, True
        else:
            line, filled = joined, True
    return "\n".join([*lines, line])
