"""A translation keeps the code, formulas and numbers of its English template.

The parity test holds keys and {fields} to English; it cannot see the text
between the fields. There a message names identifiers (mlp_backward,
x.deriv, __rsub__, np.where(…), keepdims=True) and numbers (0.5, 1e-16, 709)
that a learner types or compares with their own code: a translation must keep
them as they are, and when the English template changes one of them, the
translations must follow. Words may become numbers ("twice" → "2 回"), so
only what English shows must reappear.
"""

import re

import pytest

from grader.feedback import catalog

# keyword arguments (causal=True), identifiers with _ or a dot in them or called (name(…)), numbers (0.5, 1e-16)
CODE = re.compile(r"(?<![\w.])(?:[A-Za-z_]\w*=\w+|[A-Za-z_]\w*(?:\.\w+)*\(?|\d+(?:\.\d+)?(?:e-?\d+)?)")
ENGLISH_ONLY = re.compile(r"(?<=[A-Za-z])\(s\)|\be\.g\.|\bi\.e\.")  # column(s), e.g., i.e. (diag(s) goes too)


def code_in(template: str) -> set[str]:
    text = re.sub(r"\{[^{}]*\}", " ", template.replace("{{", "").replace("}}", ""))  # fields are parity's
    text = ENGLISH_ONLY.sub(" ", text)
    return {t for t in CODE.findall(text) if t[0].isdigit() or any(c in t for c in "_.(=")}


def test_code_in_is_what_a_learner_would_type():
    found = code_in(
        "grads[{i}] of mlp_backward: np.where(…), x.deriv, keepdims=True, np.sqrt(s), e.g. 0.5 · Σ, column(s)"
    )
    assert found == {"mlp_backward", "np.where(", "x.deriv", "keepdims=True", "np.sqrt", "0.5"}


TRANSLATED = [
    (lang, code)
    for lang in catalog.languages()
    if lang != catalog.FALLBACK
    for code in catalog.messages(lang)
    if code in catalog.messages(catalog.FALLBACK)
]


@pytest.mark.parametrize("lang, code", TRANSLATED)
def test_a_translation_keeps_the_code_and_numbers_of_the_english(lang, code):
    english = catalog.messages(catalog.FALLBACK)[code]
    missing = code_in(english) - code_in(catalog.messages(lang)[code])
    assert not missing, f"{lang}: {code} lacks {sorted(missing)} of its English template:\n{english}"
