"""Points and statuses from pytest-json-report entries; max scores from the curriculum."""

import pytest

from grader.curriculum import Function, Topic
from grader.scoring import score_run, score_topic

TOPIC = Topic("t", 1, "T", "§0", ("hint",), {"f": Function("f", "(x)", 3.0), "g": Function("g", "(x)", 1.0)})


def entry(function, status, kind="", test="x"):
    return {"nodeid": f"t.py::test_{function}[{test}]",
            "metadata": {"topic": "t", "function": function, "status": status, "message": "m", "kind": kind}}


def test_points_are_split_evenly_over_a_functions_tests():
    result = score_topic(TOPIC, [entry("f", "passed", test="a"), entry("f", "failed", test="b"),
                                 entry("f", "passed", test="c"), entry("g", "passed")])
    assert [x.max_points for x in result.tests] == [1.0, 1.0, 1.0, 1.0]
    assert (result.score, result.max_score, result.status) == (3.0, 4.0, "partial")
    assert result.tests[0].id == "f[a]"


@pytest.mark.parametrize("statuses, expected", [
    (["passed", "passed"], "passed"),
    (["failed", "timeout"], "failed"),
    (["not_implemented", "not_implemented"], "not_started"),
    (["not_implemented", "passed"], "partial"),
    (["forbidden", "error"], "failed"),
])
def test_topic_status(statuses, expected):
    entries = [entry("f", statuses[0]), entry("g", statuses[1])]
    assert score_topic(TOPIC, entries).status == expected


def test_an_import_error_makes_the_topic_an_error():
    result = score_topic(TOPIC, [entry("f", "error", "import_error"), entry("g", "error", "import_error")])
    assert result.status == "error" and result.message == "m" and result.score == 0


def test_missing_tests_cost_their_points_and_never_pass():
    result = score_topic(TOPIC, [entry("f", "passed")])  # g has no test in the output
    assert (result.score, result.max_score, result.status) == (3.0, 4.0, "partial")
    nothing = score_run({"tests": []}, [TOPIC], "sub", 1).topics[0]
    assert (nothing.score, nothing.max_score, nothing.status) == (0, 4.0, "error")


def test_no_report_at_all_is_zero_not_a_pass():
    report = score_run(None, [TOPIC], "sub", 1)
    assert report.score == 0 and report.max_score == 4.0
