"""What a hidden suite holds instead of the learner's module.

``learner.svd_2x2(A)`` sends the call to the topic's worker and returns the
plain data that came back, or raises ``SubmissionFault`` with a message in the
learner's terms. ``learner.scenario(name, ...)`` runs a grader-owned scenario
in the worker (for class-based topics). Answers are cached per run and
argument bytes, so several tests can look at one call's result; a function
that has timed out twice is not waited for again.
"""

from __future__ import annotations

import copy
import dataclasses
import os

import pytest

from grader import fmt, wire
from grader.curriculum import Topic
from grader.outcomes import SubmissionFault, Wrong
from grader.sandbox import Answer, Sandbox, WorkerStartError

TIMEOUT_STRIKES = 2

_STATUS = {"not_implemented": "not_implemented", "forbidden": "forbidden", "timeout": "timeout",
           "wrong_type": "failed"}


@dataclasses.dataclass
class Call:
    function: str
    named_args: dict
    answer: Answer

    def describe(self) -> str:
        if self.function.startswith("scenario:"):
            return f"In the scenario {self.function[9:]}" + (
                f" with\n{fmt.assignments(self.named_args)}" if self.named_args else "")
        names = ", ".join(self.named_args)
        text = f"Called {self.function}({names})"
        return text + (f" with\n{fmt.assignments(self.named_args)}" if self.named_args else "")


class RunState:
    """Per grading run: the answer cache and the timeout strikes, shared by all tests."""

    def __init__(self, sandbox: Sandbox, display: dict[str, str]):
        self.sandbox, self.display = sandbox, display
        self.cache: dict[tuple, Answer] = {}
        self.strikes: dict[str, int] = {}


class Learner:
    def __init__(self, topic: Topic, state: RunState, test_function: str | None = None):
        self._topic, self._state, self._test_function = topic, state, test_function
        self.last: Call | None = None

    def __getattr__(self, name: str):
        if name.startswith("_") or name not in self._topic.functions:
            raise AttributeError(f"{self._topic.id} has no function {name!r} in the curriculum")
        return lambda *args, **kwargs: self.call(name, *args, **kwargs)

    def call(self, name: str, /, *args, **kwargs):
        spec = self._topic.functions[name]
        named = spec.name_args(args) | kwargs
        answer = self._ask("call", name, args, kwargs, spec.forbidden, spec.timeout, name)
        self.last = Call(name, named, answer)
        return self._value(name, answer)

    def raises(self, name: str, /, *args, **kwargs) -> str | None:
        """Call ``name`` expecting an exception: the name of its nearest built-in class
        (a learner's own ``class BadName(ValueError)`` gives "ValueError"), or None if it returned.

        Faults other than an ordinary exception (not implemented, forbidden,
        timeout, crash) still end the test as usual.
        """
        spec = self._topic.functions[name]
        answer = self._ask("call", name, args, kwargs, spec.forbidden, spec.timeout, name)
        self.last = Call(name, spec.name_args(args) | kwargs, answer)
        if not answer.ok and answer.kind == "exception":
            return answer.exception
        self._value(name, answer)
        return None

    def scenario(self, name: str, /, *args, **kwargs):
        """Run ``grader.worker.scenarios.<name>`` in the worker on the learner's module."""
        spec = self._topic.functions[self._test_function]
        answer = self._ask("scenario", name, args, kwargs, spec.forbidden, spec.timeout, spec.name)
        self.last = Call(f"scenario:{name}", dict(kwargs), answer)
        return self._value(spec.name, answer)

    def _ask(self, op, name, args, kwargs, forbid, timeout, strike_key) -> Answer:
        state = self._state
        key = (op, name, wire.encode((tuple(args), kwargs), allow_refs=True))
        if key in state.cache:
            return copy.deepcopy(state.cache[key])
        if state.strikes.get(strike_key, 0) >= TIMEOUT_STRIKES:
            return Answer(False, "timeout", f"skipped: {strike_key} already timed out {TIMEOUT_STRIKES} times")
        try:
            answer = state.sandbox.request(self._topic.id, op, name, args, kwargs, forbid, timeout)
        except WorkerStartError as exc:
            pytest.exit(str(exc), returncode=pytest.ExitCode.INTERNAL_ERROR)  # the run fails; nobody is scored
        if answer.kind == "timeout":
            state.strikes[strike_key] = state.strikes.get(strike_key, 0) + 1
        state.cache[key] = answer
        return copy.deepcopy(answer)

    def _value(self, name: str, answer: Answer):
        if not answer.ok:
            raise SubmissionFault(_STATUS.get(answer.kind, "error"), self._fault_message(name, answer), answer.kind)
        if answer.mutated:
            raise Wrong(f"{name} changed its argument {', '.join(answer.mutated)} in place; "
                        "a function must leave its inputs as they were (work on a copy).")
        return answer.value

    def _fault_message(self, name: str, answer: Answer) -> str:
        module = self._state.display.get(self._topic.id, self._topic.module_file)
        spec = self._topic.functions.get(name)
        kind = answer.kind
        if kind == "missing":
            return f"{module} is missing: the submission needs this file (copy the stub from the kit)."
        if kind == "import_error":
            return f"{module} could not be imported: {answer.message}{self._where(answer, module)}"
        if kind == "no_function":
            return f"{answer.message}; SPEC names it {name}{spec.signature if spec else ''}."
        raiser = answer.traceback[-1][2] if answer.traceback else name  # the learner function that raised
        lead = {
            "not_implemented": f"{raiser} is not implemented yet (it raises NotImplementedError).",
            "forbidden": f"{name} called {answer.message}, which this exercise forbids"
                         f" (forbidden: {spec.forbidden_rule if spec else answer.message}).",
            "exception": f"{name} raised {answer.message}",
            "wrong_type": f"{name} returned something that is not plain data: {answer.message}. "
                          "Return numpy arrays, Python or numpy numbers, and tuples/lists/dicts of them.",
            "timeout": f"{name} gave no answer: {answer.message} (an endless loop, or far too slow?).",
            "crashed": f"{name} gave no answer: {answer.message}.",
            "exited": f"{name} ended the process ({answer.message}); remove exit()/os._exit() calls.",
            "output_limit": f"{name} {answer.message}; remove the print in the loop.",
            "protocol": f"{name} gave no usable answer: the worker {answer.message}.",
            "grader_error": f"The grader failed while running {name} ({answer.message}). "
                            "This is a bug in the grader, not in your code: please report it.",
        }.get(kind, f"{name}: {answer.message}")
        parts = [lead + ("" if kind == "not_implemented" else self._where(answer, module))]
        if kind != "not_implemented" and self.last is not None:
            parts.append(self.last.describe())
        if answer.output.strip() and kind not in ("not_implemented",):
            parts.append(printed(answer.output))
        return "\n".join(parts)

    @staticmethod
    def _where(answer: Answer, module: str) -> str:
        if not answer.traceback:
            return ""
        folder = os.path.dirname(module)
        lines = [f"\n  {os.path.join(folder, file)}:{line} in {func}" + (f"\n      {text}" if text else "")
                 for file, line, func, text in answer.traceback[-4:]]
        return "".join(lines)


def printed(output: str, limit: int = 12) -> str:
    lines = output.rstrip().splitlines()
    shown = "\n".join("  | " + line for line in lines[:limit])
    more = f"\n  | … ({len(lines) - limit} more lines)" if len(lines) > limit else ""
    return f"Your code printed:\n{shown}{more}"
