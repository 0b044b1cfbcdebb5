"""What ``check`` returns: HTML in a notebook (``_repr_html_``), the check report as text elsewhere."""

from __future__ import annotations

import base64
import dataclasses

import click

from grader import curriculum
from grader.feedback import Feedback, catalog
from grader.feedback.render import fill, language, render, render_call, render_frames, render_output
from grader.reports import html, text
from grader.scoring import Report, TestResult, TopicResult

BAR_COLOR = {
    "passed": "#12b76a",
    "partial": "#f79009",
    "failed": "#f04438",
    "not_started": "#98a2b3",
    "error": "#f04438",
}


def say(code: str, lang: str | None, **params) -> str:
    """A ``notebook.*`` string in the learner's language."""
    return fill(catalog.template(f"notebook.{code}", language(lang)), params)


def figures(report: Report, lang: str | None) -> list[tuple[str, str]]:
    """(title, base64 PNG) pictures of the failures, where grader.pictures and matplotlib are installed."""
    try:
        import matplotlib  # noqa: F401

        from grader import pictures
    except ImportError:
        return []
    return [(f.title, base64.b64encode(f.png).decode("ascii")) for f in pictures.figures(report, lang)]


@dataclasses.dataclass
class Checked:
    """One ``check``: the report of the topic it stopped at, the topics passed on the way, and notes."""

    report: Report | None  # None: every topic was already passed, nothing graded
    passed_before: list[TopicResult]
    hints_left: dict[str, bool]
    where: dict[str, str]  # topic -> where its functions are written (a module path, or this notebook)
    repeat: str  # the call that repeats these exact inputs
    notes: list[Feedback] = dataclasses.field(default_factory=list)
    lang: str | None = None

    @property
    def passed(self) -> bool:
        return self.report is None or all(t.status == "passed" for t in self.report.topics)

    def __str__(self) -> str:
        lang = self.lang
        if self.report is None:
            return text.say("all_passed", lang)
        lines = [click.unstyle(text.topic_line(t, lang=lang)) for t in self.passed_before]
        lines += ["• " + render(n, lang) for n in self.notes]
        repeat = say("repeat", lang, seed=self.report.seed, call=self.repeat)
        report = text.check_report(self.report, self.hints_left, lang, where=self.where, repeat=repeat)
        return "\n".join(lines + ([""] if lines else []) + [click.unstyle(report)])

    __repr__ = __str__

    def _repr_html_(self) -> str:
        lang = self.lang
        if self.report is None:
            return html.render("notebook_check.html.j2", empty=text.say("all_passed", lang), topics=[])
        return html.render(
            "notebook_check.html.j2",
            empty=None,
            passed_before=[_topic(t, lang) for t in self.passed_before],
            notes=[render(n, lang) for n in self.notes],
            topics=[self._topic_view(t) for t in self.report.topics],
            warnings=[click.unstyle(line) for line in text.isolation_lines(self.report, lang)],
            repeat=say("repeat", lang, seed=self.report.seed, call=self.repeat),
            figures=figures(self.report, lang),
            figures_title=say("figures", lang),
        )

    def _topic_view(self, t: TopicResult) -> dict:
        lang = self.lang
        view = _topic(t, lang) | {"error": t.message(lang) if t.status == "error" else "", "functions": []}
        if t.status == "error":
            return view
        groups = text.by_function(t)
        for function, tests in groups.items():
            first = text.first_failure(tests)
            shown = first is not None and first.status != "not_implemented"
            view["functions"].append(
                {
                    "name": function,
                    "mark": text.mark(first),
                    "state": "passed" if first is None else first.status,
                    "tally": text.tally(tests, lang),
                    "first": _failure(first, lang) if shown else None,
                }
            )
        if t.status == "passed":
            view["next"] = text.say("topic_passed", lang, topic=t.id)
        else:
            key, todo = text.next_step(t, groups)
            view["next"] = text.say(key, lang, function=todo, path=self.where[t.id])
            view["stuck"] = text.say("stuck", lang, topic=t.id) if self.hints_left.get(t.id) else ""
        return view


def _topic(t: TopicResult, lang: str | None) -> dict:
    percent = 100 * t.score / t.max_score if t.max_score else 0
    return {
        "id": t.id,
        "title": curriculum.title(t, lang),
        "section": t.section,
        "status": t.status,
        "label": text.label(t.status, lang),
        "score": text._points(t.score),
        "max_score": text._points(t.max_score),
        "percent": round(percent),
        "color": BAR_COLOR[t.status],
    }


def _failure(test: TestResult, lang: str | None) -> dict:
    """One failure in parts: what went wrong, where in the learner's code, the call, what it printed."""
    return {
        "id": test.id,
        "status": test.status,
        "message": render(test.feedback, lang) if test.feedback else "",
        "frames": render_frames(test.frames, lang) if test.frames else "",
        "call": render_call(test.call, lang) if test.call else "",
        "output": render_output(test.output, lang) if test.output.strip() else "",
    }
