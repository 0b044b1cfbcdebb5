"""A topic module built from a notebook's namespace, for ``check(topic, namespace=globals())``.

For each curriculum function of the topic the notebook defines (``def`` or
``class`` in a cell), the module gets its source and, transitively, what that
source names at module level: the notebook's own functions and classes (their
source too), its imported modules and imported names (as import lines), and
plain constants (``N = 3``, as literals). A function the notebook does not
define becomes a stub that raises NotImplementedError, so it is graded as not
written yet; one whose source cannot be had (a lambda, something imported, a
built-in) becomes such a stub too, with a note saying why. Anything else a
definition names (an array, an open file, an object) cannot be carried into
another process: a note names it. IPython keeps each cell's source in
``linecache``, which is where ``inspect`` finds it.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import linecache
import sys
import textwrap
import types

from grader.curriculum import Topic
from grader.feedback import Feedback, Frame, catalog
from grader.feedback.render import fill, language

PLAIN = (type(None), bool, int, float, complex, str, bytes, tuple, list, dict, set)


@dataclasses.dataclass(frozen=True)
class Origin:
    """Lines ``start..end`` of the built module are the cell source of ``name`` from its line ``cell_line``."""

    name: str
    start: int
    end: int
    cell_line: int


@dataclasses.dataclass
class Captured:
    source: str
    taken: list[str]  # the topic's functions taken from the notebook
    notes: list[Feedback]
    origins: list[Origin]

    def frame(self, frame: Frame, module_file: str, lang: str | None = None) -> Frame:
        """A traceback frame in the built module, named as the notebook cell it came from."""
        if frame.file != module_file:
            return frame
        for o in self.origins:
            if o.start <= frame.line <= o.end:
                cell = fill(catalog.template("notebook.cell", language(lang)), {"name": o.name})
                return dataclasses.replace(frame, file=cell, line=o.cell_line + frame.line - o.start)
        return frame


def _is_plain(value) -> bool:
    """A constant that its repr rebuilds exactly (no nan or inf, no arrays inside)."""
    if not isinstance(value, PLAIN):
        return False
    try:
        return bool(ast.literal_eval(repr(value)) == value)
    except (ValueError, SyntaxError, TypeError):
        return False


def _code_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def globals_used(source: str, defined: str) -> list[str]:
    """Module-level names that ``source`` (one definition) reads, in order of appearance: bare names
    (not attributes) that its code looks up globally, less the name it defines."""
    tree = ast.parse(source)
    looked_up = _code_names(compile(tree, "<notebook>", "exec"))
    seen: dict[str, None] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in looked_up and node.id != defined:
            seen.setdefault(node.id)
    return list(seen)


def _class_source(cls: type) -> tuple[str, int] | None:
    """A notebook class's source and first line, found through its methods' cell (inspect needs a file)."""
    methods = [
        inspect.unwrap(v.__func__ if isinstance(v, (staticmethod, classmethod)) else v) for v in vars(cls).values()
    ]
    methods += [p.fget for p in vars(cls).values() if isinstance(p, property) and p.fget]
    for fn in methods:
        code = getattr(fn, "__code__", None)
        if code is None:
            continue
        lines = linecache.getlines(code.co_filename)
        try:
            tree = ast.parse("".join(lines))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ClassDef)
                and node.name == cls.__name__
                and node.end_lineno is not None
                and node.lineno <= code.co_firstlineno <= node.end_lineno
            ):
                start = min([node.lineno] + [d.lineno for d in node.decorator_list])
                return "".join(lines[start - 1 : node.end_lineno]), start
    return None


def definition_source(obj) -> tuple[str, int] | None:
    """The source of a function or class defined in a cell, dedented, and its first line there; None if unknown."""
    try:
        lines, start = inspect.getsourcelines(obj)
        found: tuple[str, int] | None = ("".join(lines), start)
    except (OSError, TypeError):
        found = _class_source(obj) if inspect.isclass(obj) else None
    if found is None:
        return None
    source = textwrap.dedent(found[0])
    try:
        ast.parse(source)
    except SyntaxError:  # a lambda inside a longer statement, a cell edited since
        return None
    return source, found[1]


def _importable(name: str, obj) -> str | None:
    """An import line that gives ``obj`` as ``name``, for modules and for names imported from loaded modules."""
    if isinstance(obj, types.ModuleType):
        return f"import {obj.__name__}" if name == obj.__name__ else f"import {obj.__name__} as {name}"
    module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", getattr(obj, "__name__", None))
    if not isinstance(module, str) or not isinstance(qualname, str) or "." in qualname or "<" in qualname:
        return None
    if getattr(sys.modules.get(module), qualname, None) is not obj:
        return None
    return f"from {module} import {qualname}" + ("" if qualname == name else f" as {name}")


def _stub(name: str, signature: str, *, is_class: bool) -> str:
    message = f"{name} is not defined in the notebook"
    if is_class:
        params = "(self" + (", " + signature[1:] if signature.strip() != "()" else ")")
        return f"class {name}:\n    def __init__{params}:\n        raise NotImplementedError({message!r})\n"
    return f"def {name}{signature}:\n    raise NotImplementedError({message!r})\n"


class _Builder:
    def __init__(self, namespace: dict):
        self.namespace = namespace
        self.main = namespace.get("__name__", "__main__")
        self.imports: dict[str, str] = {}
        self.constants: dict[str, str] = {}
        self.definitions: dict[str, tuple[str, int]] = {}  # in dependency order: what a definition uses comes first
        self.notes: list[Feedback] = []
        self.done: set[str] = set()

    def own(self, obj) -> bool:
        """Defined in a cell of the notebook (through any decorators that keep ``__wrapped__``)."""
        obj = inspect.unwrap(obj) if callable(obj) else obj
        return (inspect.isfunction(obj) or inspect.isclass(obj)) and getattr(obj, "__module__", None) == self.main

    def why_not(self, name: str, obj, topic: str) -> Feedback | None:
        """Why a curriculum function of the notebook cannot be graded from its source (None: it can)."""
        if getattr(obj, "__name__", None) == "<lambda>":
            return Feedback("notebook.lambda", {"name": name})
        if not self.own(obj):
            module = getattr(obj, "__module__", None) or type(obj).__name__
            return Feedback("notebook.imported", {"name": name, "module": module, "topic": topic})
        if definition_source(inspect.unwrap(obj)) is None:
            return Feedback("notebook.no_source", {"name": name})
        return None

    def take(self, name: str, user: str) -> None:
        """Carry ``name`` (read by ``user``) into the module: its source, an import line or a literal."""
        if name in self.done or name not in self.namespace:
            return  # a built-in, or a name the module will miss: the learner sees the NameError
        self.done.add(name)
        obj = self.namespace[name]
        if self.own(obj) and getattr(obj, "__name__", None) != "<lambda>":
            found = definition_source(inspect.unwrap(obj))  # a decorated function's lines start at its decorators
            if found is None:
                self.notes.append(Feedback("notebook.no_source", {"name": name}))
                return
            for used in globals_used(found[0], name):
                self.take(used, name)
            self.definitions[name] = found
        elif (line := _importable(name, obj)) is not None:
            self.imports[name] = line
        elif _is_plain(obj):
            self.constants[name] = f"{name} = {obj!r}"
        else:
            self.notes.append(
                Feedback("notebook.not_carried", {"name": name, "user": user, "kind": type(obj).__name__})
            )


def capture(topic: Topic, namespace: dict) -> Captured:
    """The module ``<topic>.py`` that the notebook's namespace defines."""
    b = _Builder(namespace)
    missing = [name for name in topic.functions if name not in namespace]
    problems = {name: b.why_not(name, namespace[name], topic.id) for name in topic.functions if name not in missing}
    stubbed = missing + [name for name, problem in problems.items() if problem is not None]
    b.done |= set(stubbed)  # another function that names one of these gets the stub, not a second note
    b.notes += [Feedback("notebook.missing", {"names": missing, "n": len(missing)})] if missing else []
    b.notes += [problem for problem in problems.values() if problem is not None]
    taken = [name for name in topic.functions if name not in stubbed]
    for name in taken:
        b.take(name, name)
    lines = [f'"""{topic.id}: built by grader.notebook from the cells of a notebook."""', ""]
    lines += list(b.imports.values()) + list(b.constants.values()) + [""]
    origins = []
    for name, (source, cell_line) in b.definitions.items():
        body = source.rstrip("\n").split("\n")
        lines.append("")
        origins.append(Origin(name, len(lines) + 1, len(lines) + len(body), cell_line))
        lines += body
        defined = inspect.unwrap(namespace[name]).__name__
        lines += [f"{name} = {defined}", ""] if defined != name else [""]  # svd_2x2 = my_svd in the notebook
    for name in stubbed:
        stub = _stub(name, topic.functions[name].signature, is_class=name[:1].isupper())  # PEP 8: Var is a class
        lines += ["", *stub.rstrip("\n").split("\n"), ""]
    return Captured("\n".join(lines) + "\n", taken, b.notes, origins)
