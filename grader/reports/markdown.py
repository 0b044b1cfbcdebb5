"""A Markdown summary of a grader-report/2 dict, for ``$GITHUB_STEP_SUMMARY``
or a pull-request comment: a table per topic, then the first failures.

GitHub refuses a step summary over 1 MiB; this one stops adding failures
well before ``LIMIT`` bytes and says how many it left out.
"""

from __future__ import annotations

from grader.feedback.render import message

LIMIT = 1 << 20
BUDGET = LIMIT - (64 << 10)  # room for the table and the closing line
PER_TOPIC = 3
MESSAGE_CHARS = 2000
ICON = {"passed": "✅", "partial": "🟡", "failed": "❌", "not_started": "⬜", "error": "❗"}


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _lost(x: dict) -> bool:
    return x["status"] != "passed" or x["points"] < x["max_points"] - 1e-9


def render(report: dict) -> str:
    percent = 100 * report["score"] / report["max_score"] if report["max_score"] else 0
    columns = [message(f"report.md_{c}") for c in ("topic", "section", "score", "tests_passed")]
    head = [
        "## " + message("report.md_grade", score=report["score"], max_score=report["max_score"], percent=percent),
        "",
        message(
            "report.md_run", submission=report["submission"], seed=report["seed"], version=report["grader_version"]
        ),
        "",
        "| | " + " | ".join(columns) + " |",
        "|---|---|---|---:|---:|",
    ]
    for t in report["topics"]:
        passed = sum(not _lost(x) for x in t["tests"])
        head.append(
            f"| {ICON.get(t['status'], '')} | {_cell(t['id'])} | {_cell(t['section'])} | "
            f"{t['score']:g}/{t['max_score']:g} | {passed}/{len(t['tests'])} |"
        )
    body, size, left_out = [], 0, 0
    for t in report["topics"]:
        lost = [x for x in t["tests"] if _lost(x) and x["status"] != "not_implemented"]
        if t["status"] == "error":
            lost = [{"id": "(topic)", "status": "error", "message": t["message"]}]
        for x in lost[:PER_TOPIC]:
            shown = x["message"][:MESSAGE_CHARS] + ("\n…" if len(x["message"]) > MESSAGE_CHARS else "")
            block = (
                f"<details><summary>{t['id']} › {x['id']} — {x['status']}</summary>\n\n```\n"
                f"{shown.replace('```', '` ` `')}\n```\n</details>\n"
            )
            if size + len(block.encode()) > BUDGET:
                left_out += 1
                continue
            body.append(block)
            size += len(block.encode())
        left_out += max(0, len(lost) - PER_TOPIC)
    if body:
        body.insert(0, "\n### " + message("report.md_first_failures") + "\n")
    if left_out:
        body.append("\n" + message("report.md_left_out", n=left_out) + "\n")
    return "\n".join(head) + "\n" + "\n".join(body)
