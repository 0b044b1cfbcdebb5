"""Feedback as data: the renderer, the catalogs, and the shared checks that produce feedback."""

import ast
import json
import re
from pathlib import Path

import numpy as np
import pytest

from grader.feedback import Call, Feedback, Frame, catalog, render, render_test
from grader.feedback.render import fill
from grader.outcomes import Wrong
from grader.suites import checks

SUITES = Path(__file__).resolve().parents[1] / "grader" / "suites"
FEEDBACK_CALLS = {"Wrong", "Feedback", "SubmissionFault", "close", "first_wrong", "no_warnings", "naming"}


def wrong(fn, *args, **kwargs) -> Feedback:
    with pytest.raises(Wrong) as info:
        fn(*args, **kwargs)
    return info.value.feedback


# --- the template engine -------------------------------------------------------------


def test_fields_format_by_type_and_spec():
    text = fill(
        "{n} {n:plural:value:values}, {x}, {e:.2g}, {at:index}, {names:list}, {keys:qlist}, {s:r}",
        {"n": 2, "x": 0.123456789, "e": 1234.5, "at": (1, 2), "names": ["U", "s"], "keys": ["a"], "s": "q"},
    )
    assert text == "2 values, 0.12346, 1.2e+03, 1, 2, U, s, 'a', 'q'"
    assert fill("{n:plural:warning:warnings}", {"n": 1}) == "warning"


def test_a_multi_line_value_is_indented_under_its_column():
    text = fill("  A = {A}", {"A": np.array([[1.0, 2.0], [3.0, 4.0]])})
    first, second = text.splitlines()
    assert first.index("[[") + 1 == second.index("[")


def test_a_got_expected_pair_prints_enough_digits_to_differ():
    """2.393100001 vs 2.3931: five digits would print both as 2.3931."""
    text = render(
        Feedback(
            "check.close",
            {"name": "logsumexp(z)", "got": 2.393100001, "expected": 2.3931, "error": 1e-9, "allowed": 1e-12},
        )
    )
    got, expected = re.search(r"got (\S+), expected (\S+);", text).groups()
    assert got != expected and float(got) == pytest.approx(2.393100001, rel=1e-12)


def test_arrays_in_the_block_show_the_worst_entry_and_both_arrays():
    fb = wrong(checks.close, np.array([1.0, 2.0, 3.5]), np.array([1.0, 2.0, 3.0]), "x", tol=1e-9)
    assert fb.code == "check.close" and fb.params["at"] == (2,)
    text = render(fb)
    assert "largest error 0.5 at x[2] (got 3.5, expected 3;" in text
    assert "  got      [1. , 2. , 3.5]" in text and "  expected [1., 2., 3.]" in text


def test_a_mistake_and_notes_are_rendered_after_the_property():
    fb = Feedback(
        "check.negative",
        {"name": "s", "value": np.array([1.0, -0.5])},
        mistake="svd_basics.negative_sigma",
        notes=(Feedback("check.also_wrong", {"names": ["U"]}),),
    )
    text = render(fb)
    assert text.index("negative entry") < text.index("Also wrong: U.") < text.index("Likely mistake: a singular")


def test_a_whole_test_message_has_the_frames_the_call_and_the_output():
    text = render_test(
        Feedback("fault.exception", {"function": "pinv", "message": "ZeroDivisionError: x"}),
        Call("pinv", {"A": np.eye(2)}),
        [Frame("pseudoinverse.py", 67, "pinv", "1 / 0")],
        "hello\n",
    )
    assert text.splitlines()[0] == "pinv raised ZeroDivisionError: x"
    assert "  pseudoinverse.py:67 in pinv" in text and "Called pinv(A) with" in text and "  | hello" in text


def test_a_sentence_where_a_code_belongs_is_the_suites_bug():
    with pytest.raises(TypeError, match="feedback code"):
        Wrong("s is wrong, got 3")
    assert Wrong("tensors.vec_AXB").feedback.code == "tensors.vec_AXB"


def test_feedback_is_plain_json():
    fb = Feedback("check.close", {"got": np.array([np.inf, 1.0]), "n": np.int64(3), "at": (0,)}, "x.y")
    data = json.loads(json.dumps(fb.plain()))
    assert data == {"code": "check.close", "mistake": "x.y", "params": {"got": ["inf", 1.0], "n": 3, "at": [0]}}


# --- the catalogs ---------------------------------------------------------------------


def _codes_in(source: str) -> set[str]:
    """Literal codes passed to Wrong(...), Feedback(...), checks' code=/advice= and mistake= in a suite."""
    codes = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in ("Wrong", "Feedback") and node.args and isinstance(node.args[0], ast.Constant):
                codes.add(node.args[0].value)
            for kw in node.keywords if name in FEEDBACK_CALLS else ():
                if kw.arg in ("code", "advice") and isinstance(kw.value, ast.Constant):
                    codes.add(kw.value.value)
                if kw.arg == "mistake" and isinstance(kw.value, ast.Constant) and kw.value.value:
                    codes.add("mistake." + kw.value.value)
        if (
            isinstance(node, ast.Tuple)
            and len(node.elts) == 2
            and isinstance(node.elts[0], ast.Constant)
            and isinstance(node.elts[0].value, str)
            and re.fullmatch(r"[a-z_]+\.[a-z_0-9]+", node.elts[0].value)
            and node.elts[0].value.split(".")[0] in {p.stem for p in SUITES.glob("*.py")}
        ):
            codes.add("mistake." + node.elts[0].value)  # (mistake_id, value) candidates for near_miss
    return {c for c in codes if isinstance(c, str)}


@pytest.mark.parametrize("suite", sorted(p.name for p in SUITES.glob("*.py") if p.stem != "__init__"))
def test_every_code_a_suite_raises_has_an_english_message(suite):
    source = (SUITES / suite).read_text(encoding="utf-8")
    missing = sorted(c for c in _codes_in(source) if c not in catalog.messages("en") and c != "check.close")
    assert not missing, f"{suite} raises codes with no message in grader/feedback/en/: {missing}"


def test_every_template_names_only_fields_it_can_be_given():
    """Templates parse, and the block templates are the ones the renderer asks for."""
    import string

    for text in catalog.messages("en").values():
        list(string.Formatter().parse(text))  # raises on a malformed template
    for block in ("got_expected_scalar", "got_expected_array", "got_expected_plain", "likely_mistake", "called"):
        assert f"block.{block}" in catalog.messages("en")


def test_a_missing_language_falls_back_to_english():
    assert catalog.template("check.negative", "xx") == catalog.template("check.negative", "en")
    with pytest.raises(catalog.MissingMessage):
        catalog.template("no.such_code", "en")


# --- the shared checks ------------------------------------------------------------------


def test_an_infinite_expectation_is_not_met_by_a_finite_answer():
    """abs(got − inf) ≤ tol·inf would accept anything: infinities are compared exactly."""
    fb = wrong(checks.close, np.array([1.0, 5.0]), np.array([1.0, np.inf]), "y", tol=1e-9)
    assert fb.code == "check.finite_expected_infinite" and fb.params["at"] == (1,)
    checks.close(np.array([np.inf, np.nan]), np.array([np.inf, np.nan]), "y", tol=1e-9)  # the same specials pass


def test_a_nan_answer_is_wrong_where_the_answer_is_finite():
    assert wrong(checks.close, np.nan, 1.0, "f(x)", tol=1e-3).code == "check.close"


def test_near_miss_names_the_candidate_only_the_answer_matches():
    expected = np.array([1.0, 2.0])
    candidates = [("t.doubled", 2 * expected), ("t.same_as_right", expected.copy())]
    assert checks.near_miss(2 * expected, expected, candidates, 1e-9) == "t.doubled"
    assert checks.near_miss(expected, expected, candidates, 1e-9) is None
    assert checks.near_miss(np.zeros(3), expected, candidates, 1e-9) is None


def test_first_wrong_reports_the_first_in_order_and_names_the_rest():
    items = [
        ("dW", np.ones(2), np.ones(2), 1e-9),
        ("db", np.zeros(2), np.ones(2), 1e-9),
        ("dx", np.zeros(2), np.ones(2), 1e-9),
    ]
    fb = wrong(checks.first_wrong, items)
    assert fb.params["first"] == "db" and fb.notes[0].params["names"] == ["dx"]
    assert render(fb).startswith("db is the first wrong value (in the order dW, db, dx):")


def test_shape_and_type_checks_say_what_was_expected():
    assert wrong(checks.array, [1.0], "U").code == "check.not_array"
    assert wrong(checks.array, np.ones((2, 3)), "U", (2, 2)).params["expected_shape"] == (2, 2)
    assert wrong(checks.values, (1, 2), ("U", "s", "Vt"), "svd_2x2").params["got_count"] == 2
    assert wrong(checks.integer, 3.0, "k").code == "check.not_int_float"
