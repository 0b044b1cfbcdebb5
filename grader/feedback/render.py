"""The one renderer: Feedback (data) -> text in the learner's language.

Templates are ``str.format`` fields over the feedback's params, with format
specs for what feedback needs (the rest are Python's own, e.g. ``{err:.2g}``):

=================  ===================================================
``{A}``            by type: arrays and containers laid out in full, numbers
                   with 5 significant digits, text as it is
``{x:~y}``         a number or array with as many digits as it takes to
                   differ from param ``y`` (got/expected pairs)
``{at:index}``     an index tuple as ``1, 2``
``{names:list}``   ``a, b, c``; ``{names:qlist}`` quotes each: ``'a', 'b'``
``{n:plural:warning:warnings}``  the word for the count n; with one word
                   (``{n:plural:件}``, a Japanese counter) that word for every n
``{s:r}``          repr
=================  ===================================================

A value that spans several lines is indented under the column where it
starts (display columns: a Japanese character takes two), or, when that
column is far right, starts a line of its own. A failure whose params hold
``got`` and ``expected`` ends with the one got/expected block
(``block.got_expected_*``) unless its template shows ``got`` itself; a
recognised ``mistake`` ends it with ``block.likely_mistake``.
"""

from __future__ import annotations

import string

import numpy as np

from grader import fmt
from grader.feedback import catalog
from grader.feedback.lang import language
from grader.feedback.model import Call, Feedback, Frame

WIDE_COLUMN = 40  # a multi-line value that would start right of this column goes on a line of its own ...
HANGING = 4  # ... indented this far
_formatter = string.Formatter()


def message(code: str, lang: str | None = None, /, **params) -> str:
    """The catalog's template ``code`` in the reader's language, filled."""
    return fill(catalog.template(code, language(lang)), params)


def fill(template: str, params: dict) -> str:
    """``template`` with its fields replaced; multi-line values indented under their column."""
    out: list[str] = []
    column = 0
    for literal, field, spec, conversion in _formatter.parse(template):
        out.append(literal)
        column = _advance(column, literal)
        if field is None:
            continue
        value = _formatter.get_field(field, (), params)[0]
        if conversion:
            value = _formatter.convert_field(value, conversion)
        text = _format(value, spec or "", params, column)
        if "\n" in text and column > WIDE_COLUMN and not isinstance(value, str):
            column = HANGING  # a block that would hang from far right starts a line of its own
            out[-1] = out[-1].rstrip(" ")
            text = "\n" + " " * column + _format(value, spec or "", params, column)
        elif "\n" in text and isinstance(value, str):  # arrays and containers indent themselves
            text = text.replace("\n", "\n" + " " * column)
        out.append(text)
        column = _advance(column, text)
    return "".join(out)


def _advance(column: int, text: str) -> int:
    return fmt.width(text[text.rfind("\n") + 1 :]) if "\n" in text else column + fmt.width(text)


def _format(value, spec: str, params: dict, column: int) -> str:
    if spec.startswith("~"):
        digits = _digits(value, params.get(spec[1:]))
        return fmt.array(value, column, digits) if isinstance(value, np.ndarray) else fmt.num(value, digits)
    if spec == "index":
        return ", ".join(map(str, value)) if isinstance(value, (tuple, list)) else str(value)
    if spec in ("list", "qlist"):
        items = [repr(v) if spec == "qlist" else str(v) for v in value]
        return ", ".join(items)
    if spec.startswith("plural:"):
        words = spec.split(":")[1:3]
        return words[0] if value == 1 or len(words) == 1 else words[1]
    if spec == "r":
        return repr(value)
    if spec:
        return format(value, spec)
    if isinstance(value, np.ndarray):
        return fmt.array(value, column)
    if isinstance(value, str):
        return value
    return fmt.value(value, column)


def _digits(a, b) -> int:
    """Digits to tell a from b: for arrays, at their largest difference."""
    if b is None:
        return fmt.DIGITS
    a_arr, b_arr = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a_arr.shape != b_arr.shape or a_arr.size == 0:
        return fmt.DIGITS
    diff = np.abs(a_arr - b_arr)
    diff = np.where(np.isnan(diff), -1.0, diff)
    at = np.unravel_index(int(np.argmax(diff)), diff.shape)
    return fmt.digits_to_differ(a_arr[at], b_arr[at])


def render(feedback: Feedback, lang: str | None = None) -> str:
    """One failure's text: its sentence, its notes, the got/expected block, the likely mistake."""
    lang = language(lang)
    params = feedback.params
    template = catalog.template(feedback.code, lang)
    text = fill(template, params)
    for note in feedback.notes:  # a note that starts on a line of its own says so with a leading newline
        note_text = render(note, lang)
        text += note_text if note_text.startswith("\n") or not text else " " + note_text
    if "got" in params and "expected" in params and "{got" not in template:
        text += _got_expected(params, lang)
    if feedback.mistake:
        mistake = fill(catalog.template(f"mistake.{feedback.mistake}", lang), params)
        text += "\n" + fill(catalog.template("block.likely_mistake", lang), {"text": mistake})
    return text


def _got_expected(params: dict, lang: str) -> str:
    got = params["got"]
    if isinstance(got, np.ndarray) and got.ndim > 0 and "at" in params:
        key = "block.got_expected_array"
    elif "error" in params and "allowed" in params:
        key = "block.got_expected_scalar"
    else:
        key = "block.got_expected_plain"
    block = fill(catalog.template(key, lang), params)
    return ("\n" if key == "block.got_expected_array" else " ") + block


def render_call(call: Call, lang: str | None = None) -> str:
    lang = language(lang)
    args = {
        "function": call.function,
        "scenario": call.scenario or "",
        "names": list(call.args),
        "assignments": fmt.assignments(call.args) if call.args else "",
    }
    key = "block.in_scenario" if call.scenario else "block.called"
    return fill(catalog.template(key + ("_with" if call.args else ""), lang), args)


def render_frames(frames: tuple[Frame, ...] | list[Frame], lang: str | None = None) -> str:
    lines = []
    for f in list(frames) if fmt.full() else list(frames)[-4:]:
        lines.append(
            fill(
                catalog.template("block.frame", language(lang)),
                {"file": f.file, "line": f.line, "function": f.function},
            )
        )
        if f.text:
            lines.append("    " + f.text)
    return "\n".join("  " + line for line in lines)


def render_output(output: str, lang: str | None = None, limit: int = 12) -> str:
    lines = output.rstrip().splitlines()
    limit = len(lines) if fmt.full() else limit
    shown = [f"  | {line}" for line in lines[:limit]]
    if len(lines) > limit:
        shown.append("  | " + fill(catalog.template("block.more_lines", language(lang)), {"n": len(lines) - limit}))
    return catalog.template("block.printed", language(lang)) + "\n" + "\n".join(shown)


def render_test(
    feedback: Feedback | None, call: Call | None = None, frames=(), output: str = "", lang: str | None = None
) -> str:
    """The whole message of one test: the failure, where in the learner's file, the call, what it printed."""
    if feedback is None:
        return ""
    parts = [render(feedback, lang)]
    if frames:
        parts.append(render_frames(frames, lang))
    if call is not None:
        parts.append(render_call(call, lang))
    if output.strip():
        parts.append(render_output(output, lang))
    return "\n".join(parts)
