"""The Japanese catalogs of pca, tensors, derivatives, matrix_calculus and softmax.

The shared parity test holds keys and fields to English; these tests check what
parity cannot see: that every template really is Japanese, that a note keeps its
own line, and that a real wrong submission, graded by the real suite in a real
worker, reads in Japanese with the suite's own params filled in.
"""

import re

import pytest

from conftest import SOLUTIONS, submission
from grader import mutants
from grader.feedback import catalog
from grader.feedback.render import fill
from grader.runner import grade

TOPICS = ("pca", "tensors", "derivatives", "matrix_calculus", "softmax")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # kana and kanji


def _templates(topic: str, lang: str) -> dict[str, str]:
    """The topic's own codes in ``lang``: its failures and its mistakes."""
    codes = {
        code: text
        for code, text in catalog.messages(lang).items()
        if code.startswith((f"{topic}.", f"mistake.{topic}."))
    }
    assert codes, f"no {lang} messages for {topic}"
    return codes


@pytest.mark.parametrize("topic", TOPICS)
def test_every_template_is_written_in_japanese(topic):
    english = [code for code, text in _templates(topic, "ja").items() if not JAPANESE.search(text)]
    assert not english, f"ja/{topic}.toml has templates with no Japanese in them: {english}"


@pytest.mark.parametrize("topic", TOPICS)
def test_a_note_on_a_line_of_its_own_keeps_it(topic):
    """The renderer puts a note that starts with a newline on its own line, any other after a space."""
    en, ja = _templates(topic, "en"), _templates(topic, "ja")
    moved = [code for code in en if code in ja and en[code].startswith("\n") != ja[code].startswith("\n")]
    assert not moved, f"ja/{topic}.toml: these notes start a line in one language only: {moved}"


# One mutant per topic, chosen for the params its message fills: counts, lists, reprs,
# arrays, a plural, and notes (a formula, the test function, det X) before the mistake.
MUTANTS = {
    "pca": "variance_over_n",
    "tensors": "bilinear_operand_order",
    "derivatives": "newton_count_plus_one",
    "matrix_calculus": "det_sign_lost",
    "softmax": "cross_entropy_sum",
}


@pytest.mark.parametrize("topic", TOPICS)
def test_a_graded_mistake_reads_in_japanese(topic, curriculum, pool, make_submission):
    mutant = next(m for m in mutants.load(SOLUTIONS / "mutants", topic) if m.name == MUTANTS[topic])
    folder = make_submission({topic: mutant.source((SOLUTIONS / f"{topic}.py").read_text(encoding="utf-8"))})
    report = grade(submission(folder, curriculum), [curriculum.topic(topic)], curriculum, 1, maxfail=1, pool=pool)
    failed = next(t for r in report.topics for t in r.tests if t.feedback is not None and t.status != "passed")
    feedback = failed.feedback
    assert feedback.mistake == mutant.mistake_id
    text = failed.message("ja")
    sentence = fill(catalog.template(feedback.code, "ja"), feedback.params)
    mistake = fill(catalog.template(f"mistake.{feedback.mistake}", "ja"), feedback.params)
    assert text.startswith(sentence) and mistake in text
    for note in feedback.notes:
        assert fill(catalog.template(note.code, "ja"), note.params).strip() in text
    assert JAPANESE.search(sentence) and JAPANESE.search(mistake)
    assert mistake not in failed.message("en")
