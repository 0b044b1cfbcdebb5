"""End to end: a submission graded through worker, suites and scoring."""

import os
import time

import pytest

from conftest import EXERCISES, SOLUTIONS, reference, submission
from grader.runner import grade

TOPICS = ["svd_basics", "low_rank"]


def run(folder, curriculum, pool, topics=TOPICS, seed=7):
    return grade(submission(folder, curriculum), curriculum.select(topics), curriculum, seed, pool=pool)


def by_id(report):
    return {t.id: t for t in report.topics}


def test_reference_solutions_get_full_marks(curriculum, pool):
    report = run(SOLUTIONS, curriculum, pool)
    assert report.score == report.max_score > 0
    assert {t.status for t in report.topics} == {"passed"}


def test_stubs_get_zero_with_every_test_not_implemented(curriculum, pool):
    report = run(EXERCISES, curriculum, pool)
    assert report.score == 0
    assert {x.status for t in report.topics for x in t.tests} == {"not_implemented"}
    assert {t.status for t in report.topics} == {"not_started"}


def replace_function(module, name, body):
    """The reference module with one function redefined at its end."""
    return reference(module) + f"\n\ndef {name}(A):\n" + "".join(f"    {line}\n" for line in body.splitlines())


def test_endless_loop_costs_its_tests_and_the_run_goes_on(make_submission, fast_curriculum, pool):
    folder = make_submission({"svd_basics": replace_function("svd_basics", "svd_2x2", "while True:\n    pass")})
    start = time.monotonic()
    report = run(folder, fast_curriculum, pool)
    elapsed = time.monotonic() - start
    svd = by_id(report)["svd_basics"]
    statuses = {x.function: {y.status for y in svd.tests if y.function == x.function} for x in svd.tests}
    assert statuses == {"svd_2x2": {"timeout"}, "svd_via_eig": {"passed"}, "ellipse_axes": {"passed"}}
    assert svd.tests[0].code == "fault.timeout" and "no answer within 1 s" in svd.tests[0].message()
    assert by_id(report)["low_rank"].status == "passed"
    assert elapsed < 15  # two real timeouts, then the function is not waited for again


def test_exit_in_learner_code_gains_nothing(make_submission, curriculum, pool):
    folder = make_submission({"svd_basics": replace_function("svd_basics", "svd_2x2", "import os\nos._exit(0)")})
    svd = by_id(run(folder, curriculum, pool))["svd_basics"]
    assert {x.status for x in svd.tests if x.function == "svd_2x2"} == {"error"}
    assert "ended the process" in next(x.message() for x in svd.tests if x.function == "svd_2x2")
    assert svd.score == pytest.approx(6.0)  # the other two functions, 3 + 3 points


def test_an_answer_whose_eq_always_says_true_is_a_wrong_type(make_submission, curriculum, pool):
    liar = "class _Liar:\n    def __eq__(self, other):\n        return True\n    __ne__ = lambda s, o: False\n"
    source = reference("svd_basics") + "\n" + liar + "\ndef svd_2x2(A):\n    return _Liar(), _Liar(), _Liar()\n"
    svd = by_id(run(make_submission({"svd_basics": source}), curriculum, pool))["svd_basics"]
    failures = [x for x in svd.tests if x.function == "svd_2x2"]
    assert {x.status for x in failures} == {"failed"}
    assert "not plain data" in failures[0].message() and "_Liar" in failures[0].message()


def test_monkeypatching_numpy_at_import_changes_nothing_for_the_judge(make_submission, curriculum, pool):
    cheat = (
        "import numpy as np\nimport numpy.testing\n"
        "np.allclose = lambda *a, **k: True\nnp.testing.assert_allclose = lambda *a, **k: None\n"
        "np.linalg.norm = lambda *a, **k: 0.0\n\n"
        "def svd_2x2(A):\n    return np.eye(2), np.ones(2), np.eye(2)\n"
        "def svd_via_eig(A):\n    return np.eye(2), np.ones(2), np.eye(2)\n"
        "def ellipse_axes(A):\n    return np.ones(2), np.eye(2)\n"
    )
    svd = by_id(run(make_submission({"svd_basics": cheat}), curriculum, pool))["svd_basics"]
    assert svd.score == 0 and svd.status == "failed"


def test_files_that_would_steer_pytest_are_ignored(make_submission, curriculum, pool):
    folder = make_submission({"svd_basics": reference("svd_basics").replace("return s, U", "return s, U.T")})
    flip = (
        "import pytest\n@pytest.hookimpl(hookwrapper=True)\ndef pytest_runtest_makereport(item, call):\n"
        "    outcome = yield\n    outcome.get_result().outcome = 'passed'\n"
    )
    for name in ("conftest.py", "sitecustomize.py", "usercustomize.py"):
        (folder / name).write_text(flip)
    (folder / "pytest.ini").write_text("[pytest]\naddopts = -p no:python\n")
    svd = by_id(run(folder, curriculum, pool))["svd_basics"]
    assert svd.status == "partial" and any(x.status == "failed" for x in svd.tests)


def test_missing_module_is_that_topics_error_only(make_submission, curriculum, pool):
    report = run(make_submission({"svd_basics": None}), curriculum, pool)
    svd, low = by_id(report)["svd_basics"], by_id(report)["low_rank"]
    assert svd.status == "error" and svd.score == 0 and "svd_basics.py is missing" in svd.message()
    assert low.status == "passed"


def test_syntax_error_names_the_learners_file_and_line(make_submission, curriculum, pool):
    folder = make_submission({"svd_basics": "import numpy as np\n\ndef svd_2x2(A)\n    return A\n"})
    svd = by_id(run(folder, curriculum, pool))["svd_basics"]
    assert svd.status == "error"
    assert "SyntaxError" in svd.message() and "svd_basics.py:3" in svd.message()


def test_exception_feedback_shows_the_learners_frames_only(make_submission, curriculum, pool):
    folder = make_submission(
        {
            "svd_basics": replace_function("svd_basics", "ellipse_axes", "return _helper(A)")
            + "\ndef _helper(A):\n    return A[5]\n"
        }
    )
    svd = by_id(run(folder, curriculum, pool))["svd_basics"]
    message = next(x.message() for x in svd.tests if x.function == "ellipse_axes")
    assert message.startswith("ellipse_axes raised IndexError")
    assert "in ellipse_axes" in message and "in _helper" in message
    assert "grader" not in message and "suites" not in message
    assert "Called ellipse_axes(A) with" in message


def test_forbidden_call_is_reported_as_forbidden(make_submission, curriculum, pool):
    folder = make_submission(
        {
            "svd_basics": replace_function(
                "svd_basics", "svd_2x2", "from numpy.linalg import svd as s\nreturn s(np.asarray(A, dtype=float))"
            )
        }
    )
    svd = by_id(run(folder, curriculum, pool))["svd_basics"]
    tests = [x for x in svd.tests if x.function == "svd_2x2"]
    assert {x.status for x in tests} == {"forbidden"}
    assert "numpy.linalg.svd" in tests[0].message() and "forbids" in tests[0].message()


def test_the_seed_decides_the_inputs(make_submission, curriculum, pool):
    folder = make_submission({"svd_basics": reference("svd_basics").replace("return s, U", "return s, U.T")})

    def messages(seed):
        return [x.message() for x in run(folder, curriculum, pool, ["svd_basics"], seed).topics[0].tests]

    first = messages(99)
    assert "A = [[" in first[-1]
    assert messages(99) == first != messages(100)


def test_a_worker_that_cannot_start_stops_the_run_instead_of_scoring_it(curriculum, monkeypatch):
    from grader import sandbox
    from grader.runner import GraderError

    monkeypatch.setattr(sandbox, "STARTUP_TIMEOUT", 0.0)
    with pytest.raises(GraderError, match="worker process could not start"):
        grade(submission(SOLUTIONS, curriculum), curriculum.select(["svd_basics"]), curriculum, 1)


def test_not_implemented_names_the_function_that_raised(make_submission, curriculum, pool):
    source = reference("low_rank") + '\n\ndef rank_k_approx(A, k):\n    raise NotImplementedError("later")\n'
    low = by_id(run(make_submission({"low_rank": source}), curriculum, pool, ["low_rank"]))["low_rank"]
    message = next(x.message() for x in low.tests if x.function == "verify_eckart_young")
    assert message.startswith("rank_k_approx is not implemented yet")


def test_gradings_sharing_a_session_are_separate_runs(curriculum, pool):
    """grade_many collects once; each grading still gets its own answers, sandbox and seed."""
    from grader.runner import grade_many

    topics = curriculum.select(TOPICS)
    solved, stubs = submission(SOLUTIONS, curriculum), submission(EXERCISES, curriculum)
    reports = grade_many([(solved, 7), (stubs, 7), (solved, 8), (stubs, 8)], topics, curriculum, pool=pool)
    assert [r.score for r in reports] == [reports[0].max_score, 0, reports[0].max_score, 0]
    assert [r.seed for r in reports] == [7, 7, 8, 8]
    assert {x.status for r in reports[1::2] for t in r.topics for x in t.tests} == {"not_implemented"}
    alone = run(EXERCISES, curriculum, pool)
    assert [(x.id, x.status) for t in alone.topics for x in t.tests] == [
        (x.id, x.status) for t in reports[1].topics for x in t.tests
    ]


def test_topics_graded_in_parallel_report_as_one_run(curriculum, pool):
    report = grade(submission(SOLUTIONS, curriculum), curriculum.select(TOPICS), curriculum, 7, pool=pool, jobs=2)
    assert [t.id for t in report.topics] == TOPICS
    assert report.score == report.max_score > 0 and not report.tampered


def test_a_grading_can_run_the_tests_of_some_functions_only(curriculum, pool):
    from grader.runner import grade_many

    (report,) = grade_many(
        [(submission(SOLUTIONS, curriculum), 7)],
        curriculum.select(["svd_basics"]),
        curriculum,
        pool=pool,
        functions={"svd_2x2"},
    )
    assert {x.function for t in report.topics for x in t.tests} == {"svd_2x2"}
    assert report.score == curriculum.topic("svd_basics").functions["svd_2x2"].points


DIRECT_SUITE = """
import pytest

@pytest.fixture
def extra():
    return 1

@pytest.fixture(params=[1, 2])
def indirect(request):
    return request.param

@pytest.mark.function("svd_2x2")
@pytest.mark.parametrize("case", ["a", "b"])
def test_direct(learner, seed, case):
    pass

@pytest.mark.function("svd_2x2")
def test_with_a_fixture_of_its_own(learner, extra):
    pass

@pytest.mark.function("svd_2x2")
def test_with_a_parametrized_fixture(indirect):
    pass
"""

OVERRIDING_SUITE = """
import pytest

@pytest.fixture
def learner():
    return None

@pytest.mark.function("pca")
def test_with_its_own_learner(learner, seed):
    pass
"""


def test_only_tests_needing_nothing_but_the_plugin_s_fixtures_skip_pytest_s_machinery(tmp_path, curriculum):
    """Others go through pytest's SetupState, so a suite's own fixtures keep working."""
    from grader import plugin

    (tmp_path / "svd_basics.py").write_text(DIRECT_SUITE)
    (tmp_path / "pca.py").write_text(OVERRIDING_SUITE)
    found = {}

    class Record:
        def pytest_collection_modifyitems(self, items):
            found.update({item.name: plugin._direct(item) for item in items})

    args = [
        str(tmp_path / "svd_basics.py"),
        str(tmp_path / "pca.py"),
        "--collect-only",
        "-qq",
        "-p",
        "no:cacheprovider",
    ]
    pytest.main(
        [*args, "--rootdir", str(tmp_path), "-c", os.devnull], plugins=[plugin.GraderPlugin(curriculum), Record()]
    )
    assert found == {
        "test_direct[a]": {"case": "a"},
        "test_direct[b]": {"case": "b"},
        "test_with_a_fixture_of_its_own": None,
        "test_with_a_parametrized_fixture[1]": None,
        "test_with_a_parametrized_fixture[2]": None,
        "test_with_its_own_learner": None,
    }


def test_a_grading_leaves_the_caller_s_collector_as_it_was(curriculum, pool):
    """The judge tunes and freezes the cyclic collector for its session only (a notebook is its caller)."""
    import gc

    thresholds = gc.get_threshold()
    grade(submission(SOLUTIONS, curriculum), curriculum.select(["svd_basics"]), curriculum, 7, pool=pool)
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == thresholds
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        grade(submission(SOLUTIONS, curriculum), curriculum.select(["svd_basics"]), curriculum, 7, pool=pool)
        # still frozen (a few may be freed meanwhile), and the session's own objects were not added
        assert 0.9 * frozen < gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()


COUNTING_SOFTMAX = """import numpy as np
CALLS = [0]
def softmax(x, axis=-1):
    CALLS[0] += 1
    return [np.array([float(CALLS[0]), 2.0]), {"calls": CALLS[0]}]
"""


def test_an_answer_is_asked_for_once_and_each_test_gets_its_own_copy(tmp_path, curriculum, pool):
    """The run's answer cache: the same request again is not sent again, and what a test
    does to the value it got (in place, at any depth) is not what the next one gets."""
    import numpy as np

    from grader.learner import Learner, RunState
    from grader.sandbox import Sandbox

    (tmp_path / "softmax.py").write_text(COUNTING_SOFTMAX)
    box = Sandbox({"softmax": tmp_path / "softmax.py"}, pool)
    try:
        state = RunState(box, {})
        topic = curriculum.select(["softmax"])[0]
        first = Learner(topic, state, "softmax").softmax(np.zeros(2))
        first[0][0], first[1]["calls"] = 99.0, 99
        first.append("junk")
        again = Learner(topic, state, "softmax").softmax(np.zeros(2))
        assert len(again) == 2 and again[0].tolist() == [1.0, 2.0] and again[1] == {"calls": 1}
        other = Learner(topic, state, "softmax").softmax(np.ones(2))
        assert other[0].tolist() == [2.0, 2.0] and len(state.cache) == 2
    finally:
        box.close()
