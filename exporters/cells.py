"""Spreadsheet and CSV cells that a spreadsheet program will show as text, never run as a formula.

A cell whose text starts with `=`, `+`, `-` or `@` (or a tab or carriage return) is a formula to Excel, LibreOffice
and WPS: a name recorded as `=HYPERLINK(…)` would become a live link, or worse, in the clerk's spreadsheet. Every
CSV and .xlsx our exporters write passes its cells through here (one place):
- CSV: such text gets a leading apostrophe (`'=HYPERLINK(…)`), the convention spreadsheet programs show as text; text
  that already starts with apostrophes before one of those characters gets one more, so the ledger's own reader
  (`ledger.io.spreadsheets`), which takes one apostrophe off such text, reads back exactly what was written;
- .xlsx: every text is stored as a text cell (never a formula), with Excel's "quote prefix" style when it starts like
  one, unchanged: `exporters.xlsx` is the one writer of workbooks.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral_csv(value: Any) -> Any:
    """A CSV cell's text, with an apostrophe in front if a spreadsheet would otherwise read it as a formula."""
    if not isinstance(value, str):
        return value
    bare = value.lstrip("'")
    return "'" + value if bare[:1] in FORMULA_STARTS and bare else value

