"""Pictures of failures where a learner would rather look than read.

    from grader import pictures

    if pictures.available():                       # matplotlib installed (the ``plot`` extra)?
        for fig in pictures.figures(report, lang):  # list[Figure]
            fig.png                                 # bytes of a PNG image
        note = pictures.note(lang)                  # a sentence to show once, or None

``figures(report, lang=None, per_function=1)`` draws, for the failed tests of a
``grader.scoring.Report`` where a picture helps, one ``Figure(topic, test_id,
title, png, lang)`` each, in report order, at most ``per_function`` for each
function of a topic (None: all; the first failing case is the one the text
report explains). ``lang`` (default ``$GRADER_LANG``, else English) chooses the
labels, which come from the catalog (``grader/feedback/<lang>/pictures.toml``);
``Figure.lang`` is the language the labels were drawn in: English when their
language needs a font with Japanese glyphs that this machine lacks, and then
``note(lang)`` says so (show it once, not per figure). ``title`` is also the
figure's own title, for an ``alt`` text or a caption.

The pictures, one module each; every picture is a pure function of one
``TestResult``'s plain data (``feedback.params`` and the ``call``'s arguments,
as the JSON report carries them), never of running code again:

* ``ellipse``  — svd_basics · ellipse_axes: the learner's ellipse and semi-axes
  over A·(unit circle) and σᵢ·uᵢ;
* ``spectrum`` — low_rank · cumulative_energy, rank_for_energy and pca · pca,
  explained_variance_ratio: the spectrum as bars, the cumulative energy as a
  curve, the learner's k (and the right k and the threshold where there are);
* ``steps``    — derivatives · numerical_gradient: the gradient check's error
  against the step size, the learner's and right central differences'.

Each module has ``FUNCTIONS`` (the (topic, function) pairs it draws),
``data(test) -> <its dataclass> | None`` (the arrays the picture plots; None
when the failure lacks them) and ``draw(data, fig, label)``;
``picture_of(topic, test)`` tells which kind a test has, and its data, without
drawing (no matplotlib needed). matplotlib is imported only when a figure is drawn, and drawn on its
Agg canvas without touching pyplot, so a notebook's own backend is left alone.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import io
from collections import Counter

from grader.feedback import catalog
from grader.feedback.render import fill, language
from grader.pictures import ellipse, fonts, spectrum, steps
from grader.scoring import Report, TestResult

KINDS = {"ellipse": ellipse, "spectrum": spectrum, "steps": steps}
SIZES = {"ellipse": (5.6, 5.6), "spectrum": (10.0, 4.2), "steps": (7.5, 4.8)}
DPI = 100
FALLBACK = "en"


@dataclasses.dataclass(frozen=True)
class Figure:
    topic: str
    test_id: str  # as in the report: "ellipse_axes[rank-1]"
    title: str
    png: bytes
    lang: str  # the language of its labels


def available() -> bool:
    """Is matplotlib installed (``pip install 'la2-grader[plot]'``)?"""
    return importlib.util.find_spec("matplotlib") is not None


def picture_of(topic: str, test: TestResult) -> tuple[str, object] | None:
    """The kind of picture a failed test has and the data it draws, or None."""
    if test.status != "failed" or test.feedback is None:
        return None
    for name, module in KINDS.items():
        if (topic, test.function) in module.FUNCTIONS and (data := module.data(test)) is not None:
            return name, data
    return None


def say(key: str, lang: str, **params) -> str:
    """``pictures.<key>`` from the catalog in ``lang``."""
    return fill(catalog.template(f"pictures.{key}", lang), params)


def label_language(lang: str | None = None) -> str:
    """``lang``, or English when its labels need a Japanese font and there is none."""
    lang = language(lang)
    if lang == FALLBACK or fonts.japanese_font() is not None:
        return lang
    texts = (t for code, t in catalog.messages(lang).items() if code.startswith("pictures.") and isinstance(t, str))
    return FALLBACK if any(fonts.needs_cjk(t) for t in texts) else lang


def note(lang: str | None = None) -> str | None:
    """The sentence to show once when the pictures fall back to English labels, else None."""
    return say("no_font", language(lang)) if label_language(lang) != language(lang) else None


def figures(report: Report, lang: str | None = None, *, per_function: int | None = 1) -> list[Figure]:
    """The pictures of ``report``'s failures (see the module's docstring)."""
    drawn_in = label_language(lang)
    out: list[Figure] = []
    count: Counter = Counter()
    for topic in report.topics:
        for test in topic.tests:
            picture = picture_of(topic.id, test)
            if picture is None or (per_function is not None and count[topic.id, test.function] >= per_function):
                continue
            count[topic.id, test.function] += 1
            out.append(figure(topic.id, test.id, *picture, drawn_in))
    return out


def figure(topic: str, test_id: str, kind: str, data, lang: str) -> Figure:
    """One picture: ``KINDS[kind].draw(data, …)`` with its labels in ``lang``."""
    title = say(f"{kind}.title", lang, test=test_id)

    def label(key: str, **params) -> str:
        return say(f"{kind}.{key}", lang, **params)

    png = render(lambda fig: KINDS[kind].draw(data, fig, label), title, SIZES[kind], lang)
    return Figure(topic, test_id, title, png, lang)


def render(draw, title: str, size: tuple[float, float], lang: str) -> bytes:
    """PNG bytes of a figure that ``draw(fig)`` fills, on matplotlib's Agg canvas."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    family = [fonts.japanese_font()] if lang != FALLBACK and fonts.japanese_font() else []
    with matplotlib.rc_context({"font.family": family + ["DejaVu Sans"], "axes.unicode_minus": True}):
        fig = MplFigure(figsize=size, dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        fig.suptitle(title, fontsize=11)
        draw(fig)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
