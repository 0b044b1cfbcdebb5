"""Report formats: `grade --format text|json|markdown|junit|gradescope --output FILE`."""

import json
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from classroom import TOPIC, learner, mutant, reference
from grader.cli import main
from grader.reports import formats, markdown


def cli(*args):
    return CliRunner().invoke(main, list(map(str, args)), catch_exceptions=False)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A submission with one wrong topic (a mutant) and one missing, graded once through the CLI."""
    root = tmp_path_factory.mktemp("formats")
    folder = learner(root, "sub", mutant("u_and_v_swapped").source(reference()))
    results = root / "results.json"
    result = cli(
        "grade",
        "-s",
        folder,
        "-t",
        TOPIC,
        "-t",
        "low_rank",
        "--seed",
        5,
        "--format",
        "gradescope",
        "--output",
        results,
        "--json",
        root / "report.json",
    )
    assert result.exit_code == 0, result.output
    return json.loads((root / "report.json").read_text()), json.loads(results.read_text()), folder, root


def _lost(x):
    return x["status"] != "passed" or x["points"] < x["max_points"]


def test_gradescope_results_follow_the_autograder_spec(graded):
    report, results, _, _ = graded
    assert {"score", "execution_time", "output", "visibility", "stdout_visibility", "tests"} <= set(results)
    assert isinstance(results["execution_time"], (int, float)) and results["score"] == report["score"]
    tests = [(t["id"], x) for t in report["topics"] for x in t["tests"]]
    assert [g["number"] for g in results["tests"]] == [f"{tid}.{x['id']}" for tid, x in tests]
    for g, (_, x) in zip(results["tests"], tests):
        assert set(g) >= {"name", "number", "score", "max_score", "status", "output", "output_format"}
        assert g["status"] == ("failed" if _lost(x) else "passed") and g["output_format"] == "md"
        assert (g["score"], g["max_score"]) == (x["points"], x["max_points"])
        if _lost(x):
            assert x["message"] in g["output"]
    assert sum(g["score"] for g in results["tests"]) == pytest.approx(report["score"])
    assert any(g["status"] == "failed" for g in results["tests"]) and any(
        g["status"] == "passed" for g in results["tests"]
    )


def test_junit_has_a_suite_per_topic_and_a_case_per_test(graded):
    report, _, _, _ = graded
    root = ET.fromstring(formats.render("junit", report))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [t["id"] for t in report["topics"]]
    for suite, topic in zip(suites, report["topics"]):
        cases = [c for c in suite.findall("testcase") if c.get("name") != "(topic)"]
        assert [(c.get("classname"), c.get("name")) for c in cases] == [(topic["id"], x["id"]) for x in topic["tests"]]
        lost = [x for x in topic["tests"] if _lost(x)]
        assert int(suite.get("failures")) == len(lost) == len(suite.findall("testcase/failure"))
        for case, x in zip(cases, topic["tests"]):
            failure = case.find("failure")
            assert (failure is not None) == _lost(x)
            if failure is not None:
                assert failure.get("message") and failure.text == (x["message"] or failure.get("message"))
        props = {p.get("name"): p.get("value") for p in suite.findall("properties/property")}
        assert float(props["score"]) == topic["score"] and float(props["max_score"]) == topic["max_score"]
        assert all(
            [float(v) for v in props[f"points[{x['id']}]"].split("/")] == [x["points"], x["max_points"]]
            for x in topic["tests"]
        )
    assert int(root.get("tests")) == sum(len(t["tests"]) for t in report["topics"])


def test_markdown_summary_has_the_table_and_failures_and_stays_under_a_megabyte(graded):
    report, _, _, _ = graded
    text = formats.render("markdown", report)
    assert f"## Grade: {report['score']:g}/{report['max_score']:g}" in text
    for t in report["topics"]:
        assert f"| {t['id']} | {t['section']} | {t['score']:g}/{t['max_score']:g} |" in text
    first = next(x for x in report["topics"][0]["tests"] if _lost(x))
    assert first["message"].splitlines()[0] in text
    # a report with thousands of long failures is cut below GitHub's 1 MiB step-summary limit
    huge = json.loads(json.dumps(report))
    for t in huge["topics"]:
        t["tests"] = [dict(x, status="failed", points=0, message="x" * 5000) for x in t["tests"] * 60]
    big = markdown.render(huge)
    assert len(big.encode()) < markdown.LIMIT and "more failures" in big


def test_formats_through_the_cli_and_json_is_the_json_report(graded, tmp_path):
    report, _, folder, _ = graded
    for kind in ("text", "junit"):
        target = tmp_path / f"r{formats.EXTENSION[kind]}"
        result = cli("grade", "-s", folder, "-t", TOPIC, "--seed", 5, "--format", kind, "--output", target)
        assert result.exit_code == 0 and f"{kind} report written to {target}" in result.output
        assert target.stat().st_size > 0
    ET.parse(tmp_path / "r.junit.xml")
    assert "\x1b[" not in (tmp_path / "r.txt").read_text() and "Total" in (tmp_path / "r.txt").read_text()
    printed = json.loads(cli("grade", "-s", folder, "-t", TOPIC, "--seed", 5, "--format", "json").output)
    assert printed["topics"][0] == report["topics"][0] and printed["seed"] == 5  # the --json report, printed


def test_batch_writes_the_formats_asked_for_per_learner(tmp_path):
    learner(tmp_path / "subs", "zoe")
    result = cli(
        "batch",
        tmp_path / "subs",
        "--out",
        tmp_path / "out",
        "-t",
        TOPIC,
        "--format",
        "junit",
        "--format",
        "gradescope",
        "--jobs",
        1,
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "out" / "reports").iterdir())
    assert names == ["zoe.gradescope.json", "zoe.json", "zoe.junit.xml"]
    report = json.loads((tmp_path / "out" / "reports" / "zoe.json").read_text())
    assert json.loads((tmp_path / "out" / "reports" / "zoe.gradescope.json").read_text())["score"] == report["score"]
    ET.parse(tmp_path / "out" / "reports" / "zoe.junit.xml")
