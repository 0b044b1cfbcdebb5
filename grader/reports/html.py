"""The class report: one static HTML page (inline CSS and SVG, no script, no
network), rendered with Jinja2 from ``batch.stats.ClassStats``.
"""

from __future__ import annotations

import datetime

import jinja2

from grader import __version__

_env = jinja2.Environment(
    loader=jinja2.PackageLoader("grader.reports", "templates"),
    autoescape=jinja2.select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

CHART_W, CHART_H, PAD = 720, 220, 28


def histogram_bars(histogram: list[tuple[str, int]]) -> list[dict]:
    """SVG geometry of the histogram: one bar per bin, heights relative to the tallest."""
    most = max((n for _, n in histogram), default=0) or 1
    width = (CHART_W - 2 * PAD) / max(1, len(histogram))
    bars = []
    for i, (label, n) in enumerate(histogram):
        h = (CHART_H - 2 * PAD) * n / most
        bars.append(
            {
                "x": PAD + i * width + 2,
                "y": CHART_H - PAD - h,
                "w": width - 4,
                "h": h,
                "n": n,
                "label": label,
                "cx": PAD + (i + 0.5) * width,
            }
        )
    return bars


def render(template: str, **context) -> str:
    """One of this package's templates (``grader/reports/templates``), HTML-escaped."""
    return _env.get_template(template).render(**context)


def class_report(stats, title: str = "Class report") -> str:
    return _env.get_template("class_report.html.j2").render(
        title=title,
        s=stats,
        bars=histogram_bars(stats.histogram),
        chart={"w": CHART_W, "h": CHART_H, "pad": PAD},
        version=__version__,
        generated=datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
    )
