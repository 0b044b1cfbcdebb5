"""Static checks of submission modules, by reading (never running) their source.

``public_api`` lists a module's public functions and classes with their
parameters; ``stub_problems`` says where a stub breaks the kit's rules (body
is ``raise NotImplementedError``, imports only numpy/math, docstring states
what is forbidden exactly as the curriculum has it, in the stub's language:
``forbidden_line``).
"""

from __future__ import annotations

import ast
from pathlib import Path

from grader.curriculum import Function, Topic, parse_signature
from grader.feedback import catalog
from grader.feedback.render import fill

STUB_IMPORTS = {"numpy", "math"}


def _params(args: ast.arguments, drop_self: bool = False) -> str:
    args = ast.arguments(**{f: getattr(args, f) for f in args._fields})
    if drop_self and args.args:
        args.args = args.args[1:]
    return f"({ast.unparse(args)})"


def public_api(path: Path) -> dict[str, str]:
    """``{"svd_2x2": "(A)", "Dual": "(val, deriv=0.0)", "Dual.__add__": "(other)", …}``."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=str(path))
    api = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            api[node.name] = _params(node.args)
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            api[node.name] = "()"
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and (not item.name.startswith("_") or item.name.endswith("__")):
                    params = _params(item.args, drop_self=True)
                    if item.name == "__init__":
                        api[node.name] = params
                    else:
                        api[f"{node.name}.{item.name}"] = params
    return api


def curriculum_problems(path: Path, topic: Topic) -> list[str]:
    """Public names and signatures of a module against the curriculum."""
    api = public_api(path)
    top_level = {name for name in api if "." not in name}
    problems = []
    for name in sorted(set(topic.functions) - top_level):
        problems.append(f"{path}: {name} is missing")
    for name in sorted(top_level - set(topic.functions)):
        problems.append(f"{path}: {name} is public but not in the curriculum (prefix it with _ if it is a helper)")
    for name, spec in topic.functions.items():
        expected = f"({ast.unparse(parse_signature(spec.signature))})"
        if name in api and api[name] != expected:
            problems.append(f"{path}: {name}{api[name]} should be {name}{expected}")
    return problems


def _is_stub_body(body: list[ast.stmt]) -> bool:
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    exc = body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def forbidden_line(spec: Function, lang: str) -> str:
    """The line a stub's docstring states the curriculum's forbidden calls with, in ``lang``
    ("Forbidden: numpy.kron", "禁止: numpy.kron")."""
    phrase = {key: catalog.template(f"stubs.{key}", lang) for key in ("whole", "but", "nothing")}
    rule = spec.rule_in(phrase["whole"], phrase["but"]) or phrase["nothing"]
    return fill(catalog.template("stubs.forbidden", lang), {"rule": rule})


def stub_problems(path: Path, topic: Topic, lang: str = catalog.FALLBACK) -> list[str]:
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=str(path))
    problems = []
    if topic.section not in (ast.get_docstring(tree) or ""):
        problems.append(f"{path}: the module docstring should name the lecture section {topic.section}")
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for name in names:
                if name.split(".")[0] not in STUB_IMPORTS:
                    problems.append(f"{path}:{node.lineno}: stubs import only numpy and math, not {name}")
    for node in tree.body:
        functions = (
            [node]
            if isinstance(node, ast.FunctionDef)
            else ([n for n in node.body if isinstance(n, ast.FunctionDef)] if isinstance(node, ast.ClassDef) else [])
        )
        for fn in functions:
            if not _is_stub_body(fn.body):
                problems.append(f"{path}:{fn.lineno}: {fn.name} should only raise NotImplementedError")
        if node.__class__ in (ast.FunctionDef, ast.ClassDef) and node.name in topic.functions:
            line = forbidden_line(topic.functions[node.name], lang)
            if line not in (ast.get_docstring(node) or ""):
                problems.append(f"{path}: {node.name}'s docstring should say '{line}'")
    return problems
