"""Report formats by name, for `grade --format` and `batch --format`.

Every format but ``text`` is built from the grader-report/2 dict
(``json.to_dict``), so a stored report can be rendered again later; ``text``
is the terminal report, passed in already rendered.
"""

from __future__ import annotations

import json as _json

NAMES = ("text", "json", "markdown", "junit", "gradescope")
EXTENSION = {
    "text": ".txt",
    "json": ".json",
    "markdown": ".md",
    "junit": ".junit.xml",
    "gradescope": ".gradescope.json",
}


def render(kind: str, report: dict, text: str = "") -> str:
    from grader.reports import gradescope, junit, markdown  # only a command that writes one loads them

    if kind == "text":
        return text.rstrip("\n") + "\n"
    if kind == "json":
        return _json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    if kind == "markdown":
        return markdown.render(report)
    if kind == "junit":
        return junit.render(report)
    if kind == "gradescope":
        return _json.dumps(gradescope.results(report), indent=2, ensure_ascii=False) + "\n"
    raise ValueError(f"unknown report format {kind!r}; the formats are: {', '.join(NAMES)}")
