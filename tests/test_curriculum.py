"""The curriculum file: consistent, complete, and read by everything."""

import pytest

from grader.curriculum import Curriculum, CurriculumError, UnknownTopic, expand_forbidden


def test_topics_are_ordered_and_complete(curriculum):
    assert [t.order for t in curriculum.topics] == sorted(t.order for t in curriculum.topics)
    for topic in curriculum.topics:
        assert topic.hints and topic.functions and topic.points > 0
        assert topic.suite_file.exists()


def test_wildcards_expand_and_allowed_names_are_taken_out(curriculum):
    svd = curriculum.topic("svd_basics").functions
    assert "numpy.linalg.svd" in svd["svd_2x2"].forbidden and "numpy.linalg.eigh" in svd["svd_2x2"].forbidden
    assert "numpy.linalg.eigh" not in svd["svd_via_eig"].forbidden
    assert (
        svd["svd_via_eig"].forbidden_rule == "numpy.linalg (all of it) except numpy.linalg.eigh, numpy.linalg.eigvalsh"
    )
    assert expand_forbidden(["numpy.kron"]) == ("numpy.kron",)
    with pytest.raises(CurriculumError):
        expand_forbidden(["numpy.linalg.nosuchthing"])


def test_unknown_topic_lists_the_valid_ones(curriculum):
    with pytest.raises(UnknownTopic, match="the topics are: svd_basics, low_rank"):
        curriculum.select(["svd"])
    assert [t.id for t in curriculum.select(["low_rank", "svd_basics"])] == ["svd_basics", "low_rank"]


def test_parameters_come_from_the_signature(curriculum):
    assert curriculum.topic("low_rank").functions["eckart_young_bound"].params == ("s", "k", "ord")


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["topic"].append(dict(d["topic"][0])), "unique"),
        (lambda d: d["topic"][0]["functions"]["f"].pop("points"), "lacks 'points'"),
        (lambda d: d["topic"][0]["functions"]["f"].update(signature="(x"), "bad signature"),
        *[
            (lambda d, bad=bad: d["topic"][0]["functions"]["f"].update(labels=bad), "labels of f")
            for bad in ([1, 2], "forward", ["a", "a"])
        ],
    ],
)
def test_broken_curricula_are_refused(change, message):
    data = {
        "topic": [
            {
                "id": "t",
                "order": 1,
                "title": "T",
                "section": "§1",
                "hints": ["h"],
                "functions": {"f": {"signature": "(x)", "points": 1}},
            }
        ]
    }
    change(data)
    with pytest.raises(CurriculumError, match=message):
        Curriculum(data)
