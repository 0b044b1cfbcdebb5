"""Points and statuses from test outcomes; max scores from the curriculum; the rules that withhold points."""

import pytest

from grader.curriculum import Function, Topic
from grader.feedback import Feedback
from grader.scoring import TestOutcome, score_run, score_topic

TOPIC = Topic("t", 1, "T", "§0", ("hint",), {"f": Function("f", "(x)", 3.0), "g": Function("g", "(x)", 1.0)})
_answers = iter(range(10**6))


def outcome(function, status, kind="", test="x", answers=None, gated=False):
    """A test outcome; by default each passed test saw an answer of its own."""
    if answers is None:
        answers = (f"a{next(_answers)}",) if status == "passed" else ()
    feedback = None if status == "passed" else Feedback("fault.missing", {"module": "t.py"})
    return TestOutcome(
        f"t.py::test_{function}[{test}]", "t", function, status, kind, feedback, answers=tuple(answers), gated=gated
    )


def test_points_are_split_evenly_over_a_functions_tests():
    result = score_topic(
        TOPIC,
        [
            outcome("f", "passed", test="a"),
            outcome("f", "failed", test="b"),
            outcome("f", "passed", test="c"),
            outcome("g", "passed"),
        ],
    )
    assert [x.max_points for x in result.tests] == [1.0, 1.0, 1.0, 1.0]
    assert (result.score, result.max_score, result.status) == (3.0, 4.0, "partial")
    assert result.tests[0].id == "f[a]"


@pytest.mark.parametrize(
    "statuses, expected",
    [
        (["passed", "passed"], "passed"),
        (["failed", "timeout"], "failed"),
        (["not_implemented", "not_implemented"], "not_started"),
        (["not_implemented", "passed"], "partial"),
        (["forbidden", "error"], "failed"),
    ],
)
def test_topic_status(statuses, expected):
    assert score_topic(TOPIC, [outcome("f", statuses[0]), outcome("g", statuses[1])]).status == expected


def test_an_import_error_makes_the_topic_an_error():
    result = score_topic(TOPIC, [outcome("f", "error", "import_error"), outcome("g", "error", "import_error")])
    assert result.status == "error" and result.error.code == "fault.missing" and result.score == 0
    assert result.message().startswith("t.py is missing")


def test_missing_tests_cost_their_points_and_never_pass():
    result = score_topic(TOPIC, [outcome("f", "passed")])  # g has no test in the outcomes
    assert (result.score, result.max_score, result.status) == (3.0, 4.0, "partial")
    nothing = score_run([], [TOPIC], "sub", 1).topics[0]
    assert (nothing.score, nothing.max_score, nothing.status) == (0, 4.0, "error")


def test_no_outcomes_at_all_is_zero_not_a_pass():
    report = score_run(None, [TOPIC], "sub", 1)
    assert report.score == 0 and report.max_score == 4.0


def test_one_answer_for_every_passed_case_earns_nothing():
    """A constant that happens to be right in two cases: same digest twice -> no points, with the rule named."""
    result = score_topic(
        TOPIC,
        [
            outcome("f", "passed", test="a", answers=["same"]),
            outcome("f", "passed", test="b", answers=["same"]),
            outcome("f", "failed", test="c"),
        ],
    )
    assert [x.points for x in result.tests] == [0.0, 0.0, 0.0]
    assert [x.code for x in result.tests[:2]] == ["score.one_answer", "score.one_answer"]
    assert "two different right answers" in result.tests[0].message()


def test_a_single_passed_case_is_one_answer():
    result = score_topic(TOPIC, [outcome("f", "passed", test="a"), outcome("f", "failed", test="b")])
    assert result.score == 0.0


def test_gated_cases_count_only_when_the_ordinary_ones_pass():
    ordinary_fail = score_topic(
        TOPIC,
        [
            outcome("f", "failed", test="a"),
            outcome("f", "passed", test="b"),
            outcome("f", "passed", test="edge", gated=True),
        ],
    )
    assert [x.points for x in ordinary_fail.tests] == [0.0, 1.0, 0.0]
    assert ordinary_fail.tests[2].code == "score.gated"
    ordinary_pass = score_topic(
        TOPIC,
        [
            outcome("f", "passed", test="a"),
            outcome("f", "passed", test="b"),
            outcome("f", "passed", test="edge", gated=True),
        ],
    )
    assert ordinary_pass.score == 3.0 and ordinary_pass.tests[2].feedback is None
