"""JUnit XML from a grader-report/2 dict, for GitHub test reporters, GitLab and Jenkins.

``<testsuites>`` → one ``<testsuite name=topic>`` per topic → one
``<testcase classname=topic name=test-id>`` per test; a test that did not earn
its full points has ``<failure message=… type=status>`` with the whole
feedback as text. Points are ``<properties>`` of the suite (``score``,
``max_score``, and ``points[<test id>]`` = "earned/max" per test): the Ant /
Jenkins schema allows properties on ``testsuite`` only.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET


def _g(x: float) -> str:
    return f"{round(x, 6):.12g}"


def _lost(x: dict) -> bool:
    return x["status"] != "passed" or x["points"] < x["max_points"] - 1e-9


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or [""])[0][:500]


def element(report: dict) -> ET.Element:
    tests = sum(len(t["tests"]) for t in report["topics"])
    failures = sum(_lost(x) for t in report["topics"] for x in t["tests"])
    root = ET.Element(
        "testsuites",
        name=f"grader {report['submission']}",
        tests=str(tests),
        failures=str(failures),
        errors="0",
        time=f"{report['duration']:.3f}",
    )
    for t in report["topics"]:
        lost = [x for x in t["tests"] if _lost(x)]
        suite = ET.SubElement(
            root,
            "testsuite",
            name=t["id"],
            tests=str(len(t["tests"])),
            failures=str(len(lost)),
            errors="1" if t["status"] == "error" else "0",
            skipped="0",
            time="0",
        )
        props = ET.SubElement(suite, "properties")
        for name, value in (
            ("title", t["title"]),
            ("section", t["section"]),
            ("status", t["status"]),
            ("score", _g(t["score"])),
            ("max_score", _g(t["max_score"])),
            ("seed", str(report["seed"])),
        ):
            ET.SubElement(props, "property", name=name, value=value)
        for x in t["tests"]:
            ET.SubElement(
                props, "property", name=f"points[{x['id']}]", value=f"{_g(x['points'])}/{_g(x['max_points'])}"
            )
        if t["status"] == "error":
            case = ET.SubElement(suite, "testcase", classname=t["id"], name="(topic)", time="0")
            ET.SubElement(case, "error", message=_first_line(t["message"]), type="topic_error").text = t["message"]
        for x in t["tests"]:
            case = ET.SubElement(suite, "testcase", classname=t["id"], name=x["id"], time="0")
            if _lost(x):
                kind = x["code"] or x["status"] if x["status"] == "passed" else x["status"]
                message = x["message"] or f"{x['status']}: {_g(x['points'])}/{_g(x['max_points'])} points"
                ET.SubElement(case, "failure", message=_first_line(message), type=kind).text = message
    return root


def render(report: dict) -> str:
    tree = element(report)
    ET.indent(tree)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(tree, encoding="unicode") + "\n"
