"""Output helpers, in one place: JSON through orjson, aligned tables that know CJK characters are wide, and text
that cannot rewrite the terminal.

Human-readable output goes through `echo`, which shows every non-printable character (control characters such as
ESC, bidi and zero-width characters, line separators …) as an escape like `\x1b` or `\u202e`: a name recorded
before the ledger refused such characters cannot clear a line, move the cursor or reorder text, so what a clerk
reads is what the ledger holds. JSON output is escaped by the JSON encoder itself.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Sequence
from typing import Any

import click


def printable(text: str, keep_lines: bool = True) -> str:
    """`text` with every non-printable character shown as an escape (line breaks kept, if `keep_lines`)."""
    if text.isprintable():
        return text
    out = []
    for c in text:
        if c.isprintable() or (c == "\n" and keep_lines) or unicodedata.category(c) in ("Zs", "Co", "Cn"):
            out.append(c)
        else:
            out.append(c.encode("unicode_escape").decode("ascii"))
    return "".join(out)


def echo(text: Any = "", err: bool = False) -> None:
    """Print a line of human-readable output (stderr with `err`), non-printable characters escaped."""
    click.echo(printable(str(text)), err=err)


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
    cells = [[("-" if c is None else printable(str(c), keep_lines=False)) for c in row] for row in rows]
    widths = [max([width(h)] + [width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(_pad(h, widths[i]) for i, h in enumerate(headers)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(c, widths[i]) for i, c in enumerate(r)).rstrip() for r in cells]
    return "\n".join(lines)


def echo_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    echo(table(headers, rows))


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (UTF-8) instead of a table.")
force_option = click.option("--force", is_flag=True, help="Replace the output file if it exists (never the store).")
