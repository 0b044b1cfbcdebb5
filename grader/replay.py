"""One case, replayed: the command that re-runs it, and a Python snippet with its exact inputs.

``command`` is the line every failure ends with (``grader check svd_basics
--seed 1234 --case "svd_2x2[rank-1]"``). ``snippet`` turns the failing
``Call`` of a test (its last, the values themselves, as the suite sent them) into a
self-contained script: the import of the learner's function, each argument
as a Python literal that rebuilds it exactly (dtype, shape, every bit of
every float, nan/inf/-0.0 included), the call, and as comments what the
grader found, rendered by the one renderer. A scenario (grader code driving
the learner's classes, ``grader.worker.scenarios``) is replayed by calling
that scenario, with its steps shown as comments.
"""

from __future__ import annotations

import importlib
import inspect
import math
import re
import shlex
import textwrap
from pathlib import Path

import numpy as np

from grader import fmt
from grader.feedback import Call, catalog
from grader.feedback.render import fill, language, render
from grader.scoring import TestResult
from grader.wire import FnRef
from grader.worker import scenarios

DEFAULT_SUBMISSION = "exercises"  # the --submission default: not repeated in a command
SCENARIOS = "grader.worker.scenarios"
WIDTH = 100  # a list longer than this is written one item a line
_PLAIN_ARG = re.compile(r"[\w./:=@+,-]+")  # needs no quoting in any shell
_DOUBLE_QUOTE_SAFE = re.compile(r'[^"$`\\!%]*')  # means the same in double quotes in bash, zsh, PowerShell and cmd


def say(key: str, lang: str | None = None, **params) -> str:
    """A replay string from the catalog (``replay.<key>``) in the learner's language."""
    return fill(catalog.template(f"replay.{key}", language(lang)), params)


def quote(arg: str) -> str:
    if _PLAIN_ARG.fullmatch(arg):
        return arg
    return f'"{arg}"' if _DOUBLE_QUOTE_SAFE.fullmatch(arg) else shlex.quote(arg)


def command(topic: str, seed: int, case: str, submission: str = DEFAULT_SUBMISSION, *, python: bool = False) -> str:
    """The command that re-runs exactly one case of one run."""
    parts = ["grader", "check", topic, "--seed", str(seed)]
    if submission != DEFAULT_SUBMISSION:
        parts += ["--submission", quote(submission)]
    parts += ["--case", quote(case)]
    return " ".join(parts + (["--python"] if python else []))


def replayable(test: TestResult) -> bool:
    """A failure worth re-running on its own (not a pass, not a stub left as it was)."""
    return test.status not in ("passed", "not_implemented")


# --- Python literals that rebuild a value exactly ------------------------------------


def _float(x: float) -> str:
    if math.isnan(x):
        return "-np.nan" if math.copysign(1.0, x) < 0 else "np.nan"
    if math.isinf(x):
        return "np.inf" if x > 0 else "-np.inf"
    return repr(x)  # the shortest text that reads back as the same double, -0.0 included


def _complex(z: complex) -> str:
    return f"complex({_float(z.real)}, {_float(z.imag)})"


def _dtype(dtype: np.dtype) -> str:
    return f"np.{dtype.name}" if dtype.isnative else repr(dtype.str)


def _nested(items, indent: int) -> str:
    """The nested lists of an array, one row a line below the top level."""
    if not isinstance(items, list):
        return literal(items)
    parts = [_nested(v, indent + 4) for v in items]
    if not parts or not isinstance(items[0], list):
        return "[" + ", ".join(parts) + "]"
    pad = " " * (indent + 4)
    return "[\n" + "".join(f"{pad}{p},\n" for p in parts) + " " * indent + "]"


def _array(a: np.ndarray, indent: int) -> str:
    dtype = _dtype(a.dtype)
    if a.ndim == 0:
        return f"np.array({literal(a.item())}, dtype={dtype})"
    if a.size == 0:  # nested lists cannot say (0, 3)
        return f"np.zeros({tuple(a.shape)!r}, dtype={dtype})"
    return f"np.array({_nested(a.tolist(), indent)}, dtype={dtype})"


def _sequence(brackets: str, items: list[str], indent: int, trail: bool = False) -> str:
    """On one line when short, else one item a line."""
    flat = brackets[0] + ", ".join(items) + ("," if trail else "") + brackets[1]
    if len(flat) + indent <= WIDTH and "\n" not in flat:
        return flat
    pad = " " * (indent + 4)
    return brackets[0] + "\n" + "".join(f"{pad}{item},\n" for item in items) + " " * indent + brackets[1]


def literal(value, indent: int = 0, refs: dict[str, str] | None = None) -> str:
    """Python source that rebuilds ``value`` as the learner's function receives it (numpy scalars arrive
    as Python numbers, as over the wire). A FnRef becomes a call of its grader-owned factory,
    ``refs`` maps a scenarios module to the name it is imported as (filled in here)."""
    if value is None or isinstance(value, (bool, np.bool_)):
        return repr(None if value is None else bool(value))
    if isinstance(value, (int, np.integer)):
        return repr(int(value))
    if isinstance(value, (float, np.floating)):
        return _float(float(value))
    if isinstance(value, (complex, np.complexfloating)):
        return _complex(complex(value))
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, np.ndarray):
        return _array(value, indent)
    if isinstance(value, (list, tuple)):
        items = [literal(v, indent + 4, refs) for v in value]
        brackets = "[]" if isinstance(value, list) else "()"
        return _sequence(brackets, items, indent, trail=isinstance(value, tuple) and len(items) == 1)
    if isinstance(value, dict):
        items = [f"{k!r}: {literal(v, indent + 4, refs)}" for k, v in value.items()]
        return _sequence("{}", items, indent)
    if isinstance(value, FnRef):
        module, _, attr = value.name.partition(".")
        alias = (refs if refs is not None else {}).setdefault(module, f"grader_{module}")
        args = scenarios.named(value.name, value.args)
        keywords = not any(k.startswith("args[") for k in args)
        items = [(f"{k}=" if keywords else "") + literal(v, indent + 4, refs) for k, v in args.items()]
        return f"{alias}.{attr}" + _sequence("()", ["LEARNER_MODULE", *items], indent)
    raise TypeError(f"no literal for {type(value).__name__}")


# --- the snippet ---------------------------------------------------------------------------


def _variable(name: str) -> str:
    """A parameter name as a Python variable: ``xs[0]`` -> ``xs_0``."""
    return re.sub(r"\W+", "_", name).strip("_") or "arg"


def _comment(text: str) -> list[str]:
    return [f"# {line}".rstrip() for line in text.splitlines()]


def _scenario_steps(name: str) -> tuple[str, str]:
    """(file, source) of scenario ``topic.attr``, as the learner can read it."""
    module, _, attr = name.partition(".")
    func = getattr(importlib.import_module(f"{SCENARIOS}.{module}"), attr)
    return f"grader/worker/scenarios/{module}.py", inspect.getsource(func)


def snippet(test: TestResult, topic_id: str, module: Path, seed: int, lang: str | None = None) -> str | None:
    """A script that repeats the last call ``test`` made before it failed, against the learner's ``module``;
    None when it made none (e.g. the module does not import)."""
    call: Call | None = test.last
    if call is None:
        return None
    lang = language(lang)
    refs: dict[str, str] = {}
    assignments, names = [], []
    for i, (name, value) in enumerate(call.args.items()):
        variable = _variable(name)
        label = f"  # {value.label}" if isinstance(value, FnRef) and value.label else ""
        assignments.append(f"{variable} = {literal(value, 0, refs)}{label}")
        names.append(variable if i < call.positional else f"{name}={variable}")
    header = _comment(say("head", lang, topic=topic_id, case=test.id, seed=seed))
    imports = ["import sys", "", "import numpy as np", "", f"sys.path.insert(0, {str(module.resolve().parent)!r})"]
    steps: list[str] = []
    if call.scenario:
        scenario_module, _, attr = call.scenario.partition(".")
        alias = refs.setdefault(scenario_module, f"grader_{scenario_module}")
        where, source = _scenario_steps(call.scenario)
        steps = ["", *_comment(say("scenario", lang, file=where)), *_comment(textwrap.indent(source, "    "))]
        target = f"{alias}.{attr}"
        names.insert(0, "LEARNER_MODULE")
    else:
        target = call.function
        imports.append(f"from {module.stem} import {call.function}")
    if refs:
        imports.append(f"import {module.stem} as LEARNER_MODULE")
        imports += [f"from {SCENARIOS} import {m} as {alias}" for m, alias in sorted(refs.items())]
    with fmt.in_full():
        found = render(test.feedback, lang) if test.feedback else ""
    lines = [*header, *imports, *steps, "", *assignments, "", f"result = {target}({', '.join(names)})", "print(result)"]
    if found:
        lines += ["", *_comment(say("found", lang)), *_comment(found)]
    return "\n".join(lines) + "\n"
