"""Output helpers, in one place: JSON through orjson, and aligned tables that know CJK characters are wide."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Sequence
from typing import Any

import click


def emit_json(obj: Any) -> None:
    """Write `obj` as indented UTF-8 JSON to stdout (`ledger.app.dump_json`: the web view's API serves the same)."""
    from ledger.app import dump_json

    sys.stdout.buffer.write(dump_json(obj))
    sys.stdout.flush()


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, n: int) -> str:
    return text + " " * (n - width(text))


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain aligned text table; None shows as '-'."""
    cells = [[("-" if c is None else str(c)) for c in row] for row in rows]
    widths = [max([width(h)] + [width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(_pad(h, widths[i]) for i, h in enumerate(headers)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(c, widths[i]) for i, c in enumerate(r)).rstrip() for r in cells]
    return "\n".join(lines)


def echo_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    click.echo(table(headers, rows))


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (UTF-8) instead of a table.")
