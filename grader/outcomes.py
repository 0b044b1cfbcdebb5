"""How a test ends, as data (see ``grader.feedback``); how it is shown is decided there.

A suite raises ``Wrong`` when the learner's answer violates a property; the
learner proxy raises ``SubmissionFault`` when there is no usable answer at all.
Anything else escaping a suite is the grader's own bug.
"""

from __future__ import annotations

import dataclasses
import re

from grader.feedback import Feedback

STATUSES = ("passed", "failed", "not_implemented", "error", "timeout", "forbidden")
_CODE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+")


def is_code(text: str) -> bool:
    return bool(_CODE.fullmatch(text))


class Wrong(AssertionError):
    """The answer came back and is wrong: status ``failed``.

    ``Wrong("check.shape", name="U", shape=(2, 3), expected_shape=(2, 2))``;
    ``mistake`` names a recognised near-miss, ``notes`` add sentences. The
    plugin attaches the call that produced the answer unless ``context=False``.
    """

    def __init__(self, code: str, *, mistake: str | None = None, notes=(), context: bool = True, **params):
        if not is_code(code):  # a sentence where a code belongs: the suite's bug, not the learner's
            raise TypeError(f"Wrong takes a feedback code such as 'check.shape', not {code[:60]!r}")
        self.feedback = Feedback(code, params, mistake, tuple(notes))
        self.context = context
        super().__init__(code)

    def naming(self, mistake: str | None) -> Wrong:
        """The same failure, with the near-miss it was recognised as (if any)."""
        self.feedback = self.feedback.with_mistake(mistake)
        return self

    def adding(self, **params) -> Wrong:
        """The same failure with more params: data for a picture or a report that no template names.

        A name the failure already has is the suite's bug (it would change what the message says).
        """
        clash = sorted(params.keys() & self.feedback.params.keys())
        if clash:
            raise TypeError(f"{self.feedback.code} already has the params {clash}")
        self.feedback = dataclasses.replace(self.feedback, params=self.feedback.params | params)
        return self


class SubmissionFault(Exception):
    """No usable answer: not implemented, raised, forbidden, timed out, crashed.

    The learner proxy raises it; a suite may raise it too when a scenario
    reports that the learner's code failed inside it (a scenario catches the
    learner's exceptions so it can report the rest).
    """

    def __init__(self, status: str, feedback: Feedback, kind: str = "", frames=(), output: str = ""):
        super().__init__(feedback.code)
        self.status, self.feedback, self.kind = status, feedback, kind
        self.frames, self.output = tuple(frames), output
