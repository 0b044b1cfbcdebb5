"""The degenerate-answer probes: generated from the curriculum, they transform what they say and run in a worker."""

import math
import tempfile
from pathlib import Path

import numpy as np
import pytest

from conftest import reference
from grader import probes
from grader.probes import NUMERIC_KINDS, _probe_transform
from grader.runner import grade
from grader.submission import Submission

ANSWER = (np.array([[1.5, -2.0], [3.0, 4.0]]), 2.5, 3, {"fro": np.array([0.5]), "name": "x"}, [True, None])


def leaves(value):
    """The numbers of an answer, flattened, in order."""
    if isinstance(value, np.ndarray):
        return list(value.ravel())
    if isinstance(value, (tuple, list)):
        return [x for v in value for x in leaves(v)]
    if isinstance(value, dict):
        return [x for v in value.values() for x in leaves(v)]
    return [value] if isinstance(value, (int, float)) and not isinstance(value, bool) else []


def structure(value):
    """The answer with every number replaced by its type and every array by its shape."""
    if isinstance(value, np.ndarray):
        return ("array", value.shape)
    if isinstance(value, (tuple, list)):
        return type(value)(structure(v) for v in value)
    if isinstance(value, dict):
        return {k: structure(v) for k, v in value.items()}
    return value if isinstance(value, (bool, str)) or value is None else type(value).__name__


@pytest.mark.parametrize(
    "kind, float_value, int_value",
    [
        ("zeros", 0.0, 0),
        ("ones", 1.0, 1),
        ("odd", 0.7312956017349816, 7),
        ("nan", math.nan, math.nan),
        ("inf", math.inf, math.inf),
        ("-inf", -math.inf, -math.inf),
    ],
)
def test_constant_kinds_replace_every_number_and_keep_the_structure(kind, float_value, int_value):
    out = _probe_transform(ANSWER, kind)
    if kind in ("zeros", "ones", "odd"):
        assert structure(out) == structure(ANSWER)
    expected = [float_value] * 5 + [int_value] + [float_value]
    np.testing.assert_array_equal(np.array(leaves(out), dtype=float), np.array(expected, dtype=float))
    assert out[3]["name"] == "x" and out[4] == [True, None]  # keys, words, bools and None are left alone
    assert isinstance(out[2], int) == (kind in ("zeros", "ones", "odd"))


def test_noise_has_the_shapes_ignores_the_input_and_is_the_same_every_call():
    out = _probe_transform(ANSWER, "noise")
    assert structure(out) == structure(ANSWER)
    assert not np.allclose(out[0], ANSWER[0]) and out[0].dtype == float
    other = _probe_transform((np.zeros((2, 2)), -7.0, 100, {"fro": np.ones(1), "name": "y"}, [False, None]), "noise")
    np.testing.assert_array_equal(np.array(leaves(out)), np.array(leaves(other)))


def test_lead_axis_keeps_the_values_and_adds_an_axis():
    out = _probe_transform(ANSWER, "lead_axis")
    assert out[0].shape == (1, 2, 2) and out[1].shape == (1,) and out[3]["fro"].shape == (1, 1)
    np.testing.assert_array_equal(out[0][0], ANSWER[0])
    assert out[2].tolist() == [3] and out[4] == [True, None]


def test_a_label_replaces_the_whole_answer():
    assert _probe_transform((1.0, "saddle"), "label", "minimum") == "minimum"
    assert _probe_transform(True, "label", False) is False


def test_objects_are_copied_with_their_numbers_transformed():
    class Dual:
        def __init__(self, val, deriv):
            self.val, self.deriv = val, deriv

    d = Dual(2.0, 3.0)
    out = _probe_transform(d, "nan")
    assert type(out) is Dual and math.isnan(out.val) and math.isnan(out.deriv)
    assert (d.val, d.deriv) == (2.0, 3.0)


def probe_module(topic_id, kind, curriculum, number=0):
    """The probe's module text, executed: its namespace."""
    topic = curriculum.topic(topic_id)
    found = [p for p in probes.probes(topic, reference(topic_id)) if p.kind == kind and p.number == number]
    namespace = {"__name__": topic_id}
    exec(compile(found[0].source(reference(topic_id)), f"{topic_id}.py", "exec"), namespace)
    return found[0], namespace


def test_every_topic_gets_each_numeric_kind_and_its_label_probes(curriculum):
    for topic in curriculum.topics:
        found = probes.probes(topic, reference(topic.id))
        labels = max((len(f.labels) for f in topic.functions.values()), default=0)
        assert [p.kind for p in found] == list(NUMERIC_KINDS) + ["label"] * labels
        assert [p.number for p in found if p.kind == "label"] == list(range(labels))
    pinv = probes.probes(curriculum.topic("pseudoinverse"), reference("pseudoinverse"))
    assert "is_pseudoinverse" not in pinv[0].functions and "pinv" in pinv[0].functions
    assert dict(pinv[-1].targets) == {"is_pseudoinverse": False}


def test_classes_are_not_probed(curriculum):
    for topic_id, cls in (("forward_mode", "Dual"), ("reverse_mode", "Var")):
        for p in probes.probes(curriculum.topic(topic_id), reference(topic_id)):
            assert cls not in p.functions
    assert probes.classes(reference("forward_mode")) == {"Dual"}


def test_a_probe_module_rebinds_every_target_and_runs(curriculum):
    probe, ns = probe_module("low_rank", "nan", curriculum)
    A = np.arange(12.0).reshape(3, 4)
    assert probe.functions == set(curriculum.topic("low_rank").functions)
    assert ns["rank_k_approx"](A, 1).shape == (3, 4) and np.isnan(ns["rank_k_approx"](A, 1)).all()
    errors = ns["verify_eckart_young"](A, 1)  # calls rank_k_approx inside: the true value there, nan outside
    assert set(errors) == {"fro_error", "fro_bound", "spectral_error", "spectral_bound"}
    assert all(math.isnan(v) for v in errors.values())
    assert math.isnan(ns["compression_ratio"](3, 4, 1))


def test_a_probed_call_inside_another_gets_the_true_value(curriculum):
    _, ns = probe_module("forward_mode", "zeros", curriculum)
    assert ns["sin"](0.5) == 0.0 and ns["sin"](ns["Dual"](0.5, 1.0)).deriv == 0.0
    assert ns["derivative"](lambda x: ns["sin"](x), 0.5) == 0.0
    _, ns = probe_module("forward_mode", "lead_axis", curriculum)
    assert ns["derivative"](lambda x: ns["sin"](x) * 2, 0.5).tolist() == [2 * math.cos(0.5)]


def test_a_probe_answers_instead_of_raising(curriculum):
    _, ns = probe_module("tensors", "label", curriculum, number=2)
    assert ns["einsum_spec"]("no such operation") == "ik,kj->ij" == ns["einsum_spec"]("inner")
    _, ns = probe_module("attention", "ones", curriculum)
    assert ns["mha_forward"](np.ones((1, 2, 3)), {}, 2) == 1.0  # the reference raises: d = 3 is not divisible by 2


def test_label_probes_cycle_through_each_functions_labels(curriculum):
    found = probes.probes(curriculum.topic("derivatives"), reference("derivatives"))
    assert [dict(p.targets)["classify_critical_point"] for p in found if p.kind == "label"] == [
        "saddle",
        "minimum",
        "maximum",
        "degenerate",
    ]
    probe, ns = probe_module("derivatives", "label", curriculum, number=3)
    assert ns["classify_critical_point"](np.diag([1.0, -1.0])) == "degenerate"
    assert probe.name == "label #4" and probe.name_for("classify_critical_point") == "label:'degenerate'"


def test_a_probe_submission_is_graded_in_a_worker(curriculum, pool):
    """svd_basics: every test of the nan probe runs in the worker and fails (no import error, no pass)."""
    topic = curriculum.topic("svd_basics")
    probe = next(p for p in probes.probes(topic, reference("svd_basics")) if p.kind == "nan")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / topic.module_file
        path.write_text(probe.source(reference("svd_basics")))
        submission = Submission("svd_basics/probe nan", {"svd_basics": path})
        report = grade(submission, [topic], curriculum, 11, pool=pool)
    tests = report.topics[0].tests
    assert report.topics[0].status == "failed" and tests
    assert {x.status for x in tests} == {"failed"}
    assert any("nan" in x.message() for x in tests)


def test_labels_come_from_the_curriculum(curriculum):
    assert curriculum.topic("reverse_mode").functions["cheaper_mode"].labels == ("forward", "reverse", "either")
    assert curriculum.topic("pseudoinverse").functions["is_pseudoinverse"].labels == (True, False)
    assert curriculum.topic("pseudoinverse").functions["pinv"].labels == ()
