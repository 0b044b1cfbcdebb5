"""What a hidden suite holds instead of the learner's module.

``learner.svd_2x2(A)`` sends the call to the topic's worker and returns the
plain data that came back, or raises ``SubmissionFault`` with a message in the
learner's terms. ``learner.scenario(name, ...)`` runs a grader-owned scenario
in the worker (for class-based topics). Answers are cached per run and
argument bytes, so several tests can look at one call's result; a function
that has timed out twice is not waited for again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os

import pytest

from grader import wire
from grader.curriculum import Topic
from grader.feedback import Call, Feedback, Frame
from grader.outcomes import SubmissionFault, Wrong
from grader.sandbox import OUTPUT_LIMIT, Answer, Sandbox, WorkerStartError
from grader.worker import scenarios

TIMEOUT_STRIKES = 2

_STATUS = {"not_implemented": "not_implemented", "forbidden": "forbidden", "timeout": "timeout", "wrong_type": "failed"}
NO_CONTEXT = {"not_implemented", "missing", "import_error", "no_function"}  # faults shown without the call


def digest(value) -> str:
    """A fingerprint of a returned value, to tell whether two answers differ."""
    try:
        return hashlib.blake2b(wire.encode(value, allow_refs=True), digest_size=12).hexdigest()
    except wire.WireError:
        return repr(value)


@dataclasses.dataclass
class Exchange:
    """The last request a test made and what came back."""

    call: Call
    answer: Answer

    @property
    def function(self) -> str:
        return self.call.function


class RunState:
    """Per grading run: the answer cache and the timeout strikes, shared by all tests."""

    def __init__(self, sandbox: Sandbox, display: dict[str, str], pictures: bool = True):
        self.sandbox, self.display = sandbox, display
        self.pictures = pictures  # gather the extra data a failure's picture draws (grader.pictures)
        self.cache: dict[bytes, Answer] = {}  # request frame -> its answer
        self.strikes: dict[str, int] = {}


class Learner:
    def __init__(self, topic: Topic, state: RunState, test_function: str | None = None):
        self._topic, self._state, self._test_function = topic, state, test_function
        self.last: Exchange | None = None
        self.answers: list[str] = []  # digests of the usable answers this test received

    @property
    def pictures(self) -> bool:
        """Does this run want the extra data for pictures of failures (not verify, which only needs verdicts)?"""
        return self._state.pictures

    def __getattr__(self, name: str):
        if name.startswith("_") or name not in self._topic.functions:
            raise AttributeError(f"{self._topic.id} has no function {name!r} in the curriculum")
        return lambda *args, **kwargs: self.call(name, *args, **kwargs)

    def call(self, name: str, /, *args, **kwargs):
        spec = self._topic.functions[name]
        answer = self._ask("call", name, args, kwargs, spec.forbidden, spec.timeout, name)
        self._remember(_call(name, spec.name_args(args), kwargs), answer)
        return self._value(name, answer)

    def raises(self, name: str, /, *args, **kwargs) -> str | None:
        """Call ``name`` expecting an exception: the name of its nearest built-in class
        (a learner's own ``class BadName(ValueError)`` gives "ValueError"), or None if it returned.

        Faults other than an ordinary exception (not implemented, forbidden,
        timeout, crash) still end the test as usual.
        """
        spec = self._topic.functions[name]
        answer = self._ask("call", name, args, kwargs, spec.forbidden, spec.timeout, name)
        self._remember(_call(name, spec.name_args(args), kwargs), answer)
        if not answer.ok and answer.kind == "exception":
            self.answers.append("raised:" + answer.exception)
            return answer.exception
        self._value(name, answer)
        return None

    def scenario(self, name: str, /, *args, **kwargs):
        """Run ``grader.worker.scenarios.<name>`` in the worker on the learner's module."""
        spec = self._topic.functions[self._test_function]
        answer = self._ask("scenario", name, args, kwargs, spec.forbidden, spec.timeout, spec.name)
        self._remember(_call(f"scenario:{name}", scenarios.named(name, args), kwargs), answer)
        return self._value(spec.name, answer)

    @contextlib.contextmanager
    def aside(self):
        """Calls that judge nothing (data for a picture of a failure already found): afterwards the
        test's last call and answers, and the run's timeout strikes, are what they were before."""
        last, answers, strikes = self.last, list(self.answers), dict(self._state.strikes)
        try:
            yield self
        finally:
            self.last, self.answers = last, answers
            self._state.strikes.clear()
            self._state.strikes.update(strikes)

    def _remember(self, call: Call, answer: Answer) -> None:
        self.last = Exchange(call, answer)
        if answer.ok:
            self.answers.append(digest(answer.value))

    def _ask(self, op, name, args, kwargs, forbid, timeout, strike_key) -> Answer:
        state = self._state
        frame = state.sandbox.message(self._topic.id, op, name, args, kwargs, forbid)  # the request is its key
        if frame in state.cache:
            return state.cache[frame].copy()
        if state.strikes.get(strike_key, 0) >= TIMEOUT_STRIKES:
            return Answer(False, "timeout_skipped", f"{strike_key} already timed out {TIMEOUT_STRIKES} times")
        try:
            answer = state.sandbox.send(self._topic.id, frame, timeout)
        except WorkerStartError as exc:
            pytest.exit(str(exc), returncode=pytest.ExitCode.INTERNAL_ERROR)  # the run fails; nobody is scored
        if answer.kind == "timeout":
            state.strikes[strike_key] = state.strikes.get(strike_key, 0) + 1
        state.cache[frame] = answer
        return answer.copy()  # the test may change what it got; the cached answer stays as it came

    def _value(self, name: str, answer: Answer):
        if not answer.ok:
            kind = "timeout" if answer.kind == "timeout_skipped" else answer.kind
            raise SubmissionFault(
                _STATUS.get(kind, "error"),
                self._fault(name, answer),
                kind,
                frames=[] if kind == "not_implemented" else frames(answer),
                output="" if kind == "not_implemented" else answer.output,
            )
        if answer.mutated:
            raise Wrong("check.mutated", function=name, names=answer.mutated)
        return answer.value

    def _fault(self, name: str, answer: Answer) -> Feedback:
        """No usable answer, as data: ``fault.<kind>`` with what its message needs."""
        module = os.path.basename(self._state.display.get(self._topic.id, self._topic.module_file))
        spec = self._topic.functions.get(name)
        kind = answer.kind
        params: dict = {"function": name, "module": module}
        if kind == "import_error":
            params["message"] = answer.message
        elif kind == "no_function":
            params.update(defined=", ".join(answer.defined) or "—", signature=spec.signature if spec else "")
        elif kind == "not_implemented":
            params["raiser"] = answer.traceback[-1][2] if answer.traceback else name
        elif kind == "forbidden":
            params.update(call=answer.message, rule=spec.forbidden_rule if spec else answer.message)
        elif kind == "exception":
            params["message"] = answer.message
        elif kind == "timeout":
            params["seconds"] = answer.seconds
        elif kind == "timeout_skipped":
            params["strikes"] = TIMEOUT_STRIKES
        elif kind == "crashed":
            params["signal"] = answer.signal or answer.message
        elif kind == "exited":
            params["status"] = answer.status
        elif kind == "output_limit":
            params["megabytes"] = OUTPUT_LIMIT >> 20
        else:  # wrong_type, protocol, grader_error: the worker's own description
            params["detail"] = answer.message
            kind = kind if kind in ("wrong_type", "protocol", "grader_error") else "grader_error"
        return Feedback(f"fault.{kind}", params)


def _call(function: str, positional: dict, kwargs: dict) -> Call:
    return Call(function, positional | kwargs, len(positional))


def frames(answer: Answer) -> list[Frame]:
    """The learner's frames of a traceback, innermost last, named relative to the submission folder."""
    return [Frame(os.path.basename(file), line, func, text) for file, line, func, text in answer.traceback]
