"""What a class did, from its latest reports: the numbers the terminal
summary and the class report show.

A test *fails* for a learner when it did not pass and was not simply left
unwritten (``not_implemented``). Failing tests are counted per test function
(``fill_and_predict``, its cases ``[lecture]``, ``[k0]``… together): the
number of learners with at least one failing case, and which cases failed.
A mistake counts each learner once, however many of their tests it explains.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections import Counter, defaultdict

from grader import fmt
from grader.curriculum import Curriculum
from grader.feedback import catalog
from grader.feedback.render import message

BINS = 10


@dataclasses.dataclass
class Mistake:
    id: str
    learners: int
    topic: str
    section: str
    message: str


@dataclasses.dataclass
class ClassStats:
    learners: int  # every learner in the gradebook
    graded: int  # those with a report
    problems: list[tuple[str, str]]  # (learner, status) of the others
    max_score: float
    totals: list[float]
    topics: list[tuple[str, str, float]]  # (id, section, pass rate among graded)
    histogram: list[tuple[str, int]]  # (bin label, learners)
    failing_tests: list[tuple[str, str, int, list[str]]]  # (topic, test, learners it failed for, failing cases)
    mistakes: list[Mistake]

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.totals) if self.totals else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.totals) if self.totals else None


def histogram(totals: list[float], max_score: float, bins: int = BINS) -> list[tuple[str, int]]:
    """Learners per tenth of the maximum; the last bin includes full marks."""
    counts = [0] * bins
    for total in totals:
        counts[min(bins - 1, int(bins * total / max_score)) if max_score else 0] += 1
    width = max_score / bins
    return [(f"{i * width:g}–{(i + 1) * width:g}", n) for i, n in enumerate(counts)]


def _message(mistake: str, lang: str) -> str:
    try:
        return catalog.template(f"mistake.{mistake}", lang)
    except catalog.MissingMessage:
        return "(no message in the catalog)"


def class_stats(rows, reports: list[dict], curriculum: Curriculum, top: int = 15, lang: str = "en") -> ClassStats:
    """``rows``: the gradebook's latest attempts; ``reports``: the latest report dicts."""
    topic_ids = [t.id for t in curriculum.topics if any(t.id == x["id"] for r in reports for x in r["topics"])]
    passed = Counter(x["id"] for r in reports for x in r["topics"] if x["status"] == "passed")
    failing: dict[tuple[str, str], set[str]] = defaultdict(set)
    cases: dict[tuple[str, str], set[str]] = defaultdict(set)
    mistakes: dict[str, set[str]] = defaultdict(set)
    for r in reports:
        for t in r["topics"]:
            for x in t["tests"]:
                if x["status"] not in ("passed", "not_implemented"):
                    test, _, case = x["id"].partition("[")
                    failing[(t["id"], test)].add(r["learner"])
                    if case:
                        cases[(t["id"], test)].add(case.rstrip("]"))
                if x.get("mistake"):
                    mistakes[x["mistake"]].add(r["learner"])
    max_score = max((r["max_score"] for r in reports), default=0.0)
    totals = [r["score"] for r in reports]
    ranked = sorted(mistakes.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:top]
    sections = {t.id: t.section for t in curriculum.topics}
    return ClassStats(
        learners=len(rows),
        graded=len(reports),
        problems=[(r["learner"], r["status"]) for r in rows if r["status"] != "graded"],
        max_score=max_score,
        totals=totals,
        topics=[(tid, sections[tid], passed[tid] / len(reports)) for tid in topic_ids],
        histogram=histogram(totals, max_score),
        failing_tests=[
            (topic, test, len(who), sorted(cases[(topic, test)]))
            for (topic, test), who in sorted(failing.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:top]
        ],
        mistakes=[
            Mistake(m, len(who), m.partition(".")[0], sections.get(m.partition(".")[0], "?"), _message(m, lang))
            for m, who in ranked
        ],
    )


def summary_text(s: ClassStats) -> str:
    """The terminal summary: count, mean, median, pass rates, histogram."""
    lines = [message("batch.summary_count", learners=s.learners, graded=s.graded, problems=len(s.problems))]
    if s.totals:
        totals = dict(max_score=s.max_score, mean=s.mean, median=s.median, min=min(s.totals), max=max(s.totals))
        lines.append(message("batch.summary_totals", **totals))
        lines += ["", message("batch.summary_topics")]
        lines += [f"  {fmt.pad(tid, 18)} {rate * 100:5.1f}%  {'█' * round(rate * 20)}" for tid, _, rate in s.topics]
        lines += ["", message("batch.summary_histogram")]
        most = max(n for _, n in s.histogram) or 1
        lines += [f"  {fmt.pad(label, 11, '>')} {n:>4}  {'█' * round(30 * n / most)}" for label, n in s.histogram]
    if s.problems:
        lines += ["", message("batch.summary_problems")]
        lines += [f"  {learner}: {status}" for learner, status in s.problems]
    return "\n".join(lines)
