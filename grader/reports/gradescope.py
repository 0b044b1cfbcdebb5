"""Gradescope's autograder ``results.json`` from a grader-report/2 dict.

Per the autograder specification (gradescope-autograders.readthedocs.io,
"Autograder Specifications"): top-level ``score``, ``execution_time``
(seconds), ``output``, ``visibility``, ``stdout_visibility``, ``tests``; each
test ``name``, ``number``, ``score``, ``max_score``, ``status``
(``passed``/``failed``), ``output``, ``output_format``. A test *passes* here
when it earned its full points.
"""

from __future__ import annotations

VISIBILITY = "visible"


def _earned_all(x: dict) -> bool:
    return x["status"] == "passed" and x["points"] >= x["max_points"] - 1e-9


def _topic_line(t: dict) -> str:
    return f"| {t['id']} | {t['section']} | {t['score']:g}/{t['max_score']:g} | {t['status']} |"


def results(report: dict, visibility: str = VISIBILITY) -> dict:
    tests = []
    for t in report["topics"]:
        for x in t["tests"]:
            ok = _earned_all(x)
            output = "" if ok else f"**{x['status']}**" + (f"\n\n```\n{x['message']}\n```" if x["message"] else "")
            tests.append(
                {
                    "name": f"{t['id']} › {x['id']}",
                    "number": f"{t['id']}.{x['id']}",
                    "score": round(x["points"], 6),
                    "max_score": round(x["max_points"], 6),
                    "status": "passed" if ok else "failed",
                    "output": output,
                    "output_format": "md",
                    "visibility": visibility,
                }
            )
        if t["status"] == "error" and not t["tests"]:
            tests.append(
                {
                    "name": f"{t['id']} (could not run)",
                    "number": f"{t['id']}.error",
                    "score": 0,
                    "max_score": t["max_score"],
                    "status": "failed",
                    "output_format": "md",
                    "output": f"```\n{t['message']}\n```",
                    "visibility": visibility,
                }
            )
    table = ["| topic | section | score | status |", "|---|---|---|---|", *map(_topic_line, report["topics"])]
    summary = (
        f"Total **{report['score']:g}/{report['max_score']:g}** (seed {report['seed']}, "
        f"grader {report['grader_version']}).\n\n" + "\n".join(table)
    )
    return {
        "score": report["score"],
        "execution_time": round(report["duration"], 3),
        "output": summary,
        "output_format": "md",
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def error_results(message: str) -> dict:
    """What run_autograder writes when the grader could not grade at all: zero, and why."""
    return {
        "score": 0,
        "execution_time": 0,
        "output": message,
        "output_format": "text",
        "visibility": VISIBILITY,
        "stdout_visibility": "visible",
        "tests": [],
    }
