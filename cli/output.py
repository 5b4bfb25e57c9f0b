"""Output helpers, in one place: JSON through orjson, tables (rich) that wrap to the terminal, a pager for long
output on a terminal, and text that cannot rewrite the terminal.

Tables are as wide as the terminal (or `$COLUMNS`); written to a file or a pipe with no `$COLUMNS` they keep
their natural width, so that each row stays on one line for grep. Colour only on a terminal, never with
`NO_COLOR` set (rich honours it). A reading command's output goes through `paged()`: on a terminal, output
taller than the screen is shown through the pager (`$PAGER`, else `less`, with LESS=FRX), elsewhere it is written as is.

Human-readable output goes through `echo`, which shows every non-printable character (control characters such as
ESC, bidi and zero-width characters, line separators …) as an escape like `\x1b` or `\u202e`: a name recorded
before the ledger refused such characters cannot clear a line, move the cursor or reorder text, so what a clerk
reads is what the ledger holds. JSON output is escaped by the JSON encoder itself.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click

_page: list[str] | None = None  # the lines of a paged command, while it runs on a terminal


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
    """Print a line of human-readable output (stderr with `err`), non-printable characters escaped; on stdout,
    folded to the terminal's width (or $COLUMNS), as the tables are."""
    text = printable(str(text))
    columns = None if err else _columns()
    if columns is not None:
        text = "\n".join(fold(line, columns) for line in text.split("\n"))
    _write(text, err)


def fold(line: str, columns: int) -> str:
    """`line` folded into lines of at most `columns` cells (CJK characters are two), at a space where there is one."""
    out: list[str] = []
    while width(line) > columns:
        cut, used = 0, 0
        while cut < len(line) and used + width(line[cut]) <= columns:
            used += width(line[cut])
            cut += 1
        space = line.rfind(" ", 0, cut + 1)
        if space > columns // 2:
            cut = space
        out.append(line[:cut].rstrip())
        line = "  " + line[cut:].lstrip()  # continued lines are indented
    out.append(line)
    return "\n".join(out)


def _write(text: str, err: bool = False) -> None:
    if _page is not None and not err:
        _page.append(text)
    else:
        click.echo(text, err=err)


def on_terminal() -> bool:
    return sys.stdout.isatty()


@contextmanager
def paged() -> Iterator[None]:
    """Show what the block prints through the pager when it is taller than the terminal (on a terminal only)."""
    global _page
    if not on_terminal() or _page is not None:
        yield
        return
    _page = []
    try:
        yield
    finally:
        lines, _page = _page, None
        text = "\n".join(lines)
        if text.count("\n") + 1 > shutil.get_terminal_size().lines - 1:
            os.environ.setdefault("LESS", "FRX")  # colours, quit when it fits, leave the screen as it was
            click.echo_via_pager(text + "\n", color=_colour())
        else:
            click.echo(text, color=_colour())


def emit_json(obj: Any) -> None:
    """Write `obj` as indented UTF-8 JSON to stdout (`ledger.app.dump_json`: the web view's API serves the same)."""
    from ledger.app import dump_json

    sys.stdout.buffer.write(dump_json(obj))
    sys.stdout.flush()


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _colour() -> bool:
    return on_terminal() and not os.environ.get("NO_COLOR")


def terminal_columns() -> int | None:
    """The width output is folded to (`$COLUMNS`, else the terminal's); None for a file or a pipe."""
    return _columns()


def _columns() -> int | None:
    """The width tables wrap to: `$COLUMNS`, else the terminal's; None (no wrapping) for a file or a pipe."""
    given = os.environ.get("COLUMNS", "")
    if given.isdigit() and int(given) > 20:
        return int(given)
    return shutil.get_terminal_size().columns if on_terminal() else None


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], wrap: Sequence[int] = ()) -> str:
    """A table with a header line, wrapped to the terminal; None shows as '-'. Only the columns listed in
    `wrap` (free text; by default the last, the first listed getting the most room) are folded when the table is
    too wide: ids and dates stay whole. Drawn by rich when a column folds or colour is on, else directly."""
    columns = _columns()
    cells = [[("-" if c is None else printable(str(c), keep_lines=False)) for c in row] for row in rows]
    natural = [max([width(h)] + [width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    foldable = [i for i in (wrap or [len(headers) - 1]) if i < len(headers)]
    heads = [width(h) for h in headers]
    fitted = _fit(natural, foldable, columns - 2 * len(headers), heads) if columns is not None else {}
    if not fitted and not _colour():
        return plain_table(headers, cells)
    return _rich_table(headers, cells, fitted, columns)


def plain_table(headers: Sequence[str], cells: Sequence[Sequence[str]]) -> str:
    """The table rich draws when nothing folds and nothing is coloured, written directly: a city's few thousand
    findings take rich seconds to lay out (`tests/unit/test_plain_tables.py` holds the two equal)."""
    from rich.cells import cell_len

    widths = [max([cell_len(h)] + [cell_len(r[i]) for r in cells]) for i, h in enumerate(headers)]

    def line(row: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - cell_len(c)) for c, w in zip(row, widths, strict=True)).rstrip()

    rule = "\u2500" * (sum(widths) + 2 * (len(widths) - 1))
    return "\n".join([line(headers), rule, *(line(r) for r in cells)])


def _rich_table(headers: Sequence[str], cells: Sequence[Sequence[str]], fitted: dict[int, int],
                columns: int | None) -> str:
    """The table drawn by rich: folding the `fitted` columns to their widths, the header bold on a terminal."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console(width=columns or 100_000, force_terminal=_colour(), no_color=not _colour(),
                      highlight=False, emoji=False, markup=False, file=io.StringIO(), legacy_windows=False)
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold", expand=False,
              padding=(0, 1, 0, 0))
    for i, h in enumerate(headers):
        t.add_column(h, overflow="fold", no_wrap=i not in fitted, width=fitted.get(i))
    for row in cells:
        t.add_row(*row)
    with console.capture() as captured:
        console.print(t)
    return "\n".join(line.rstrip() for line in captured.get().rstrip("\n").split("\n"))


def _fit(natural: list[int], foldable: list[int], room: int, heads: Sequence[int] = ()) -> dict[int, int]:
    """Widths for the foldable columns when the table is wider than `room` (the others keep theirs): the room
    left is shared out, the narrow columns keeping their width and the wide ones folding to an equal share, never
    narrower than their header (`heads`: a column is always headed on one line)."""
    if sum(natural) <= room:
        return {}
    left = room - sum(w for i, w in enumerate(natural) if i not in foldable)
    weight = {i: 3 if n == 0 else 1 for n, i in enumerate(foldable)}  # the main text (listed first) gets more
    pending = sorted(foldable, key=lambda i: natural[i] / weight[i])
    out: dict[int, int] = {}
    while pending:
        i = pending.pop(0)
        share = max(left * weight[i] // (weight[i] + sum(weight[j] for j in pending)), 6, heads[i] if heads else 0)
        out[i] = min(natural[i], share)
        left -= out[i]
    return out


def echo_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], wrap: Sequence[int] = ()) -> None:
    _write(table(headers, rows, wrap))


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON (UTF-8) instead of a table.")
force_option = click.option("--force", is_flag=True, help="Replace the output file if it exists (never the store).")
