"""Loader for ``curriculum.toml``, the single source of truth for topics."""

from __future__ import annotations

import ast
import dataclasses
import functools
import importlib
from pathlib import Path

from grader import tomlcache
from grader.feedback import catalog
from grader.feedback.lang import language

CURRICULUM_FILE = Path(__file__).with_name("curriculum.toml")
SUITES_DIR = Path(__file__).with_name("suites")


class CurriculumError(ValueError):
    pass


class UnknownTopic(LookupError):
    def __init__(self, name: str, valid: list[str]):
        super().__init__(f"unknown topic {name!r}; the topics are: {', '.join(valid)}")
        self.name, self.valid = name, valid


@dataclasses.dataclass(frozen=True)
class Function:
    name: str
    signature: str
    points: float
    forbidden: tuple[str, ...] = ()
    forbidden_rule: str = ""
    timeout: float = 5.0
    labels: tuple = ()  # every value SPEC allows, for a function with finitely many answers
    forbidden_given: tuple[str, ...] = ()  # the patterns as the curriculum writes them ("numpy.linalg.*")
    allowed: tuple[str, ...] = ()  # exceptions to a wildcard of forbidden_given

    def rule_in(self, whole: str, but: str) -> str:
        """The forbidden rule phrased by two templates: ``whole`` ("{module} (all of it)") for a
        wildcard, ``but`` ("{rule} except {allowed}") for its exceptions; "" when nothing is forbidden."""
        return _forbidden_rule(self.forbidden_given, self.allowed, whole, but)

    @property
    def params(self) -> tuple[str, ...]:
        """Parameter names, in order, as the signature gives them."""
        return tuple(a.arg for a in parse_signature(self.signature).args)

    def name_args(self, args) -> dict:
        """Positional arguments by parameter name; those caught by ``*xs`` as xs[0], xs[1], …"""
        named = dict(zip(self.params, args))
        vararg = parse_signature(self.signature).vararg
        extra = args[len(self.params) :]
        if extra and vararg:
            named |= {f"{vararg.arg}[{i}]": a for i, a in enumerate(extra)}
        return named


@functools.cache
def parse_signature(signature: str) -> ast.arguments:
    """The parsed parameter list (cached: every recorded call names its arguments with it; do not mutate)."""
    try:
        node = ast.parse(f"def f{signature}: pass").body[0]
    except SyntaxError:
        raise CurriculumError(f"bad signature {signature!r}") from None
    assert isinstance(node, ast.FunctionDef)
    return node.args


def _labels(name: str, raw) -> tuple:
    """``labels = [...]``: the answers SPEC allows a finite-valued function (bools or strings), as a tuple."""
    if not isinstance(raw, list) or not all(isinstance(v, (bool, str)) for v in raw) or len(set(raw)) != len(raw):
        raise CurriculumError(f"labels of {name} must be a list of distinct booleans or strings, not {raw!r}")
    return tuple(raw)


RULE_WHOLE, RULE_BUT = "{module} (all of it)", "{rule} except {allowed}"


def _forbidden_rule(patterns, allowed, whole: str = RULE_WHOLE, but: str = RULE_BUT) -> str:
    rule = ", ".join(whole.format(module=p[:-2]) if p.endswith(".*") else p for p in patterns)
    return but.format(rule=rule, allowed=", ".join(allowed)) if allowed else rule


@dataclasses.dataclass(frozen=True)
class Topic:
    id: str
    order: int
    title: str
    section: str
    hints: tuple[str, ...]
    functions: dict[str, Function]

    @property
    def module_file(self) -> str:
        return f"{self.id}.py"

    @property
    def suite_file(self) -> Path:
        return SUITES_DIR / f"{self.id}.py"

    @property
    def points(self) -> float:
        return sum(f.points for f in self.functions.values())


def expand_forbidden(patterns, allowed=()) -> tuple[str, ...]:
    """``"numpy.linalg.*"`` becomes every public callable of numpy.linalg; ``allowed`` is taken out."""
    names = []
    for pattern in patterns:
        module_name, _, attr = pattern.rpartition(".")
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise CurriculumError(f"forbidden pattern {pattern!r}: {exc}") from None
        if attr == "*":
            candidates = [n for n in getattr(module, "__all__", dir(module)) if not n.startswith("_")]
            names += [
                f"{module_name}.{n}"
                for n in candidates
                if callable(getattr(module, n)) and not isinstance(getattr(module, n), type)
            ]
        elif callable(getattr(module, attr, None)):
            names.append(pattern)
        else:
            raise CurriculumError(f"forbidden pattern {pattern!r} names no function")
    return tuple(sorted(set(names) - set(allowed)))


class Curriculum:
    def __init__(self, data: dict):
        default_timeout = float(data.get("defaults", {}).get("timeout", 5.0))
        topics = []
        for raw in data.get("topic", []):
            try:
                functions = {}
                for name, spec in raw["functions"].items():
                    forbidden, allowed = spec.get("forbidden", ()), spec.get("allowed", ())
                    functions[name] = Function(
                        name,
                        spec["signature"],
                        float(spec["points"]),
                        expand_forbidden(forbidden, allowed),
                        _forbidden_rule(forbidden, allowed),
                        float(spec.get("timeout", default_timeout)),
                        _labels(name, spec.get("labels", [])),
                        tuple(forbidden),
                        tuple(allowed),
                    )
                    parse_signature(spec["signature"])
                topics.append(
                    Topic(
                        raw["id"],
                        int(raw["order"]),
                        raw["title"],
                        raw["section"],
                        tuple(raw.get("hints", ())),
                        functions,
                    )
                )
            except KeyError as exc:
                raise CurriculumError(f"topic {raw.get('id', '?')!r} lacks {exc}") from None
        self.topics = sorted(topics, key=lambda t: t.order)
        ids = [t.id for t in self.topics]
        if len(set(ids)) != len(ids) or len({t.order for t in self.topics}) != len(ids):
            raise CurriculumError("topic ids and orders must be unique")
        self._by_id = {t.id: t for t in self.topics}

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.topics]

    def topic(self, name: str) -> Topic:
        try:
            return self._by_id[name]
        except KeyError:
            raise UnknownTopic(name, self.ids) from None

    def select(self, names) -> list[Topic]:
        """Topics by id, in curriculum order; all of them when ``names`` is empty."""
        wanted = {self.topic(n).id for n in names}
        return [t for t in self.topics if not wanted or t.id in wanted]

    def forbidden_union(self) -> set[str]:
        return {name for t in self.topics for f in t.functions.values() for name in f.forbidden}

    @property
    def points(self) -> float:
        return sum(t.points for t in self.topics)


def title(topic, lang: str | None = None) -> str:
    """A topic's title in the reader's language: ``curriculum.<id>.title`` of its catalog, else this file's.
    ``topic``: anything with ``id`` and ``title`` (a Topic, a scoring.TopicResult)."""
    found = catalog.messages(language(lang)).get(f"curriculum.{topic.id}.title")
    return found if isinstance(found, str) else topic.title


def hints(topic: Topic, lang: str | None = None) -> tuple[str, ...]:
    """A topic's hints in the reader's language: ``curriculum.<id>.hints`` of its catalog, else this file's."""
    found = catalog.messages(language(lang)).get(f"curriculum.{topic.id}.hints")
    return tuple(found) if isinstance(found, list) and len(found) == len(topic.hints) else topic.hints


@functools.cache
def load(path: Path = CURRICULUM_FILE) -> Curriculum:
    return Curriculum(tomlcache.load(path))
