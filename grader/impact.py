"""Which tests a mutant can fail: the tests that call, directly or through the code they reach,
a definition the mutant changed (``grader verify``'s mutants, graded until their first loss).

A test of code the mutant did not touch, and that reaches nothing it touched,
gets the reference's answers, and the reference passes every test under the
same seed (verify checks that in the same run); so such tests are not run.
Everything here is conservative: whatever it cannot follow statically (a
changed statement that is not a definition, ``getattr``/``globals``/``eval``
in the reference, a test that goes through a scenario, an ``FnRef`` or
``getattr``) means "all tests". Verify regrades in full any mutant that
survives the tests kept, so pruning can never make a mutant look caught or
survive.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable

DYNAMIC = {"getattr", "globals", "locals", "vars", "eval", "exec", "__dict__", "__import__", "importlib"}
THROUGH_THE_WORKER = {"scenario", "FnRef", "getattr"}  # a test's call the judge cannot see the target of


def _names(node: ast.AST) -> set[str]:
    """Every identifier, attribute name and string constant in ``node``."""
    found = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            found.add(sub.id)
        elif isinstance(sub, ast.Attribute):
            found.add(sub.attr)
        elif isinstance(sub, ast.arg):
            found.add(sub.arg)  # a test's parameter may be a fixture of the suite
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            found.add(sub.value)
    return found


def _definitions(tree: ast.Module) -> dict[str, ast.AST] | None:
    """Top-level name -> its statement; None when a statement is neither a def, a class, an import
    nor an assignment to names (then what it changes cannot be told)."""
    out: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out[node.name] = node
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                out[(alias.asname or alias.name).split(".")[0]] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if not all(isinstance(t, ast.Name) for t in targets):
                return None
            for t in targets:
                out[t.id] = node  # type: ignore[union-attr]
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring
        else:
            return None
    return out


@functools.lru_cache(maxsize=64)
def _dumped(source: str) -> dict[str, tuple[str, frozenset[str]]] | None:
    """Top-level name -> (its statement as ``ast.dump``, the names it uses); None as ``_definitions``."""
    try:
        found = _definitions(ast.parse(source))
    except SyntaxError:
        return None
    if found is None:
        return None
    data = source.encode()
    starts = [0]  # byte offset of each line: the parser's columns count bytes
    for line in data.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    out = {}
    for name, node in found.items():
        decorators = getattr(node, "decorator_list", None)
        first = decorators[0] if decorators else node
        text = data[starts[first.lineno - 1] + first.col_offset : starts[node.end_lineno - 1] + node.end_col_offset]
        out[name] = _statement(text, node)
    return out


_statements: dict[bytes, tuple[str, frozenset[str]]] = {}  # a statement's exact text -> its dump and names


def _statement(text: bytes, node: ast.AST) -> tuple[str, frozenset[str]]:
    """``node``'s dump and names, computed once per statement text: a mutant shares all but one
    or two of its statements with the reference."""
    if text not in _statements:
        if len(_statements) > 20_000:
            _statements.clear()
        _statements[text] = (ast.dump(node), frozenset(_names(node)))
    return _statements[text]


def affected(reference: str, mutant: str) -> set[str] | None:
    """Top-level names of ``mutant`` whose behaviour may differ from ``reference``'s: the changed
    definitions and every definition that reaches one of them. None: all of them."""
    ours, theirs = _dumped(reference), _dumped(mutant)
    if ours is None or theirs is None:
        return None
    changed = {n for n in ours.keys() | theirs.keys() if n not in ours or n not in theirs}
    changed |= {n for n in ours.keys() & theirs.keys() if ours[n][0] != theirs[n][0]}
    uses = {name: names for name, (_, names) in theirs.items()}
    if any(DYNAMIC & names for names in uses.values()):
        return None
    reached = set(changed)
    while True:
        more = {name for name, names in uses.items() if name not in reached and names & reached}
        if not more:
            return reached
        reached |= more


def test_dependencies(suite: str, functions: Iterable[str]) -> dict[str, set[str] | None]:
    """For each ``test_*`` function of a suite: the curriculum functions it may call (through the
    helpers of the suite it uses), or None when it may call any."""
    return _dependencies(suite, frozenset(functions))


@functools.lru_cache(maxsize=32)
def _dependencies(suite: str, functions: frozenset[str]) -> dict[str, set[str] | None]:
    tree = ast.parse(suite)
    helpers: dict[str, ast.AST] = {}  # every top-level definition and table of the suite, by name
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            helpers[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        helpers[sub.id] = node
    topic = functions
    out: dict[str, set[str] | None] = {}
    for name, node in helpers.items():
        if not name.startswith("test_") or not isinstance(node, ast.FunctionDef):
            continue
        seen, todo, names = {name}, [node], set()
        while todo:
            found = _names(todo.pop())
            names |= found
            for other in found & helpers.keys() - seen:
                seen.add(other)
                todo.append(helpers[other])
        out[name] = None if names & THROUGH_THE_WORKER else names & topic
    return out


def tests_to_run(reference: str, mutant: str, suite: str, functions: Iterable[str]) -> frozenset[str] | None:
    """Names of the suite's test functions a mutant may fail; None: all of them."""
    changed = affected(reference, mutant)
    if changed is None:
        return None
    return frozenset(
        test for test, calls in test_dependencies(suite, functions).items() if calls is None or calls & changed
    )
