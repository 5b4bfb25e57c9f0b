"""The one writer of .xlsx workbooks: every exporter that writes a spreadsheet builds it here.

A value is written as a cell whose type we chose, never one openpyxl guessed: text is always a text cell (`t="s"`),
so a name recorded as `=HYPERLINK("http://…","x")` is shown as those characters, never stored as `<f>…</f>` and run
by Excel, LibreOffice or WPS (text starting like a formula also gets the "quote prefix" style, see `exporters.cells`).
Dates, numbers and blanks stay what they are. Sheet titles are made safe: the characters a title cannot hold
(`/ \\ : [ ] * ?`) become `_`, and a title is cut to Excel's 31 characters and kept unique within its workbook.

No other module imports openpyxl's `Workbook` (tests/integration/test_exports_never_hold_formulas.py checks it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .cells import FORMULA_STARTS

SHEET_TITLE_FORBIDDEN = frozenset("/\\:[]*?")
SHEET_TITLE_MAX = 31


def sheet_title(name: str, taken: Iterable[str] = ()) -> str:
    """`name` as a sheet title Excel accepts: forbidden characters replaced, ≤ 31 characters, not a title in `taken`
    (compared case-insensitively, as Excel does), never empty and never starting or ending with an apostrophe."""
    clean = "".join("_" if ch in SHEET_TITLE_FORBIDDEN or ord(ch) < 32 else ch for ch in str(name)).strip("'")
    clean = clean[:SHEET_TITLE_MAX] or "Sheet"
    used = {t.casefold() for t in taken}
    n, title = 1, clean
    while title.casefold() in used:
        n += 1
        suffix = f"({n})"
        title = clean[:SHEET_TITLE_MAX - len(suffix)] + suffix
    return title


def put(cell: Any, value: Any) -> Any:
    """Write `value` into the openpyxl `cell`: text as a text cell (never a formula), dates and numbers as such."""
    if value is None or value == "":
        cell.value = None
        return cell
    if isinstance(value, bool | int | float | date | datetime):
        cell.value = value
        return cell
    text = str(value)
    cell.value = text
    cell.data_type = "s"  # openpyxl takes a leading = for a formula: this cell is text, whatever it starts with
    if text[:1] in FORMULA_STARTS:
        cell.quotePrefix = True
    return cell


class TextSheet:
    """A worksheet written only through `put`: `cell()` and `append()` as openpyxl's, the sheet itself as `.sheet`
    for styling (fonts, widths, merges, frozen panes)."""

    def __init__(self, sheet: Any):
        self.sheet = sheet
        self._row = 0

    def cell(self, row: int, column: int, value: Any = None) -> Any:
        self._row = max(self._row, row)
        return put(self.sheet.cell(row=row, column=column), value)

    def append(self, values: Iterable[Any]) -> int:
        """Write `values` on the next row (after every row written so far); its number."""
        self._row += 1
        for column, value in enumerate(values, start=1):
            put(self.sheet.cell(row=self._row, column=column), value)
        return self._row


class TextBook:
    """A workbook whose sheets are `TextSheet`s with safe, unique titles."""

    def __init__(self) -> None:
        from openpyxl import Workbook

        self.book = Workbook()
        self.book.remove(self.book.active)

    def add_sheet(self, title: str) -> TextSheet:
        return TextSheet(self.book.create_sheet(sheet_title(title, self.book.sheetnames)))

    def save(self, path: Path, title: str) -> Path:
        """Save to `path` (its folder made if missing) with the document title and the ledger as creator."""
        self.book.properties.title = title
        self.book.properties.creator = "personnel-ledger"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.book.save(path)
        return path
