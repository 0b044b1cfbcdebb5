"""How a test ends, in the learner's terms.

A suite raises ``Wrong`` when the learner's answer violates a property; the
learner proxy raises ``SubmissionFault`` when there is no usable answer at all.
Anything else escaping a suite is the grader's own bug.
"""

STATUSES = ("passed", "failed", "not_implemented", "error", "timeout", "forbidden")


class Wrong(AssertionError):
    """The answer came back and is wrong: status ``failed``.

    ``message`` states the property and the numbers; the plugin appends the
    call that produced the answer unless ``context=False``.
    """

    def __init__(self, message: str, *, context: bool = True):
        super().__init__(message)
        self.message, self.context = message, context


class SubmissionFault(Exception):
    """No usable answer: not implemented, raised, forbidden, timed out, crashed.

    The learner proxy raises it; a suite may raise it too when a scenario
    reports that the learner's code failed inside it (a scenario catches the
    learner's exceptions so it can report the rest).
    """

    def __init__(self, status: str, message: str, kind: str = ""):
        super().__init__(message)
        self.status, self.message, self.kind = status, message, kind
