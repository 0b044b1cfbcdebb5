"""grader.impact: which tests a mutant can fail, conservatively; and verify never trusts it for a survival."""

from conftest import EXERCISES, SOLUTIONS
from grader import impact
from grader import verify as verification

REFERENCE = '''"""A module."""
import numpy as np

SCALE = 2.0


def helper(x):
    return SCALE * x


def uses_helper(x):
    return helper(x) + 1


def alone(x):
    return np.sum(x)


class Thing:
    def value(self):
        return helper(3)
'''


def test_a_changed_function_affects_itself_and_whatever_reaches_it():
    mutant = REFERENCE.replace("return SCALE * x", "return SCALE + x")
    assert impact.affected(REFERENCE, mutant) == {"helper", "uses_helper", "Thing"}
    assert impact.affected(REFERENCE, REFERENCE.replace("SCALE = 2.0", "SCALE = 3.0")) == {
        "SCALE",
        "helper",
        "uses_helper",
        "Thing",
    }
    assert impact.affected(REFERENCE, REFERENCE.replace("np.sum(x)", "np.mean(x)")) == {"alone"}
    assert impact.affected(REFERENCE, REFERENCE) == set()


def test_what_cannot_be_followed_statically_affects_everything():
    assert impact.affected(REFERENCE, REFERENCE + "\nif SCALE:\n    SCALE = 1\n") is None  # not a definition
    assert impact.affected(REFERENCE, REFERENCE.replace("helper(x) + 1", 'globals()["helper"](x)')) is None
    assert impact.affected(REFERENCE, REFERENCE + "\ndef broken(:\n") is None


SUITE = """
import pytest

@pytest.fixture
def prepared(learner):
    return learner.alone([1])

def check_through(learner):
    return learner.uses_helper(1)

TABLE = {"a": check_through}

@pytest.mark.function("alone")
def test_alone(learner):
    learner.alone([1, 2])

@pytest.mark.function("uses_helper")
def test_through_a_helper(learner):
    TABLE["a"](learner)

@pytest.mark.function("alone")
def test_through_a_fixture(prepared):
    assert prepared

@pytest.mark.function("Thing")
def test_in_the_worker(learner):
    learner.scenario("topic.thing")
"""


def test_a_test_depends_on_what_it_and_its_helpers_fixtures_and_tables_call():
    deps = impact.test_dependencies(SUITE, ["alone", "uses_helper", "helper", "Thing"])
    assert deps["test_alone"] == {"alone"}
    assert deps["test_through_a_helper"] == {"uses_helper"}
    assert deps["test_through_a_fixture"] == {"alone"}
    assert deps["test_in_the_worker"] is None  # a scenario: it may call anything


def test_only_the_tests_that_reach_the_change_run():
    functions = ["alone", "uses_helper", "helper", "Thing"]
    mutant = REFERENCE.replace("return SCALE * x", "return SCALE + x")
    assert impact.tests_to_run(REFERENCE, mutant, SUITE, functions) == {"test_through_a_helper", "test_in_the_worker"}
    assert impact.tests_to_run(REFERENCE, REFERENCE + "\nprint()\n", SUITE, functions) is None


def test_a_mutant_surviving_the_tests_kept_is_graded_in_full(monkeypatch, curriculum):
    """Were the analysis wrong (here: it keeps no test at all), verify would still see every mutant caught."""
    monkeypatch.setattr(impact, "tests_to_run", lambda *args: frozenset())
    topics = curriculum.select(["svd_basics"])
    result = verification.verify(
        curriculum,
        topics,
        SOLUTIONS,
        EXERCISES,
        SOLUTIONS / "mutants",
        (11, 12),
        lambda line: None,
        jobs=1,
        probes=False,
    )
    assert result.ok, result.problems
    assert len(result.killed) >= 6 and all(result.named.values())
