"""Babel's extraction of the interface's messages (babel.cfg): the calls marked `_`, `N_`, `ngettext`, `pgettext`,
`NP_` (Babel's own Python extractor), and the texts the declarations hold without a mark, so that they are
translated where they are shown and kept by `pybabel update`:

- a command's help: the docstring of a function decorated as a click command or group, paragraph by paragraph
  (`i18n.help_paragraphs`), and every constant `help="…"` given to a call (click's options, `Field`);
- an event type's declaration: `Field(name, kind, required, help, …)`'s help and `label=` (context "field"),
  `Verb(command, argument, summary, …)`'s summary, a class's `label = "…"` (context "event") and
  `effective_label = "…"`, and a module's `…_HELP = "…"` constants.
"""

from __future__ import annotations

import ast
import io
from collections.abc import Iterator
from typing import IO, Any

from babel.messages.extract import extract_python

from ledger.model.i18n import help_paragraphs

Found = tuple[int, str | None, str | tuple[str, str], list[str]]


def _text(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value else None


def _called(node: ast.Call) -> str:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _is_command(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = target.id if isinstance(target, ast.Name) else target.attr if isinstance(target, ast.Attribute) else ""
    return name in ("command", "group")


def _declared(tree: ast.AST) -> Iterator[Found]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(_is_command(d) for d in node.decorator_list):
            doc = ast.get_docstring(node, clean=False)
            for paragraph in help_paragraphs(doc) if doc else ():
                yield node.lineno, None, paragraph, []
        elif isinstance(node, ast.Call):
            for k in node.keywords:
                if k.arg == "help" and (text := _text(k.value)):
                    yield node.lineno, None, text, []
                if k.arg == "label" and _called(node) == "Field" and (text := _text(k.value)):
                    yield node.lineno, "pgettext", ("field", text), []
            position = {"Field": 3, "Verb": 2}.get(_called(node))
            if position is not None and len(node.args) > position and (text := _text(node.args[position])):
                yield node.lineno, None, text, []
        elif isinstance(node, ast.ClassDef):
            for st in node.body:
                if isinstance(st, ast.Assign | ast.AnnAssign) and (text := _text(st.value)):
                    target = st.targets[0] if isinstance(st, ast.Assign) else st.target
                    name = target.id if isinstance(target, ast.Name) else ""
                    if name == "label":
                        yield st.lineno, "pgettext", ("event", text), []
                    elif name == "effective_label":
                        yield st.lineno, None, text, []
        elif isinstance(node, ast.Module):
            for st in node.body:
                if isinstance(st, ast.Assign) and (text := _text(st.value)) and any(
                        isinstance(t, ast.Name) and t.id.endswith("_HELP") for t in st.targets):
                    yield st.lineno, None, text, []


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]) -> Iterator[Found]:
    """Babel's extraction method `ledger` (babel.cfg): the marked calls, then the declared texts."""
    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
    yield from _declared(ast.parse(source.decode(options.get("encoding", "utf-8"))))
