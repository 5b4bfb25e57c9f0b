"""Reading an .xlsx workbook's cells with bounded memory and time, whatever the file claims about itself.

A workbook is a zip of XML parts, and every size in it is the writer's claim: a 5 KB file can say its sheet spans
A1:XFD1048576, or hold a part that inflates to gigabytes. So:
- the zip's declared part sizes are checked before anything is inflated (`MAX_XML_BYTES` in all; the zip reader
  never inflates a part beyond its declared size);
- sheets are read in openpyxl's read-only mode (streamed), with the claimed dimensions ignored: the real extent
  of the data is what the rows hold; the rows' numbers are scanned from the XML's bytes first, so a sheet beyond
  `MAX_ROWS` is refused before a row is parsed;
- a cell beyond `MAX_ROWS` rows or `MAX_COLUMNS` columns, or more than `MAX_CELLS` cells in the workbook, refuse
  the file at once (within a second of the read reaching it);
- merged ranges (which read-only mode does not report) are read from the sheet's XML by a streaming scan, clipped
  to the extent of the data, and filled with their top-left value (the cells filled count against the budget).

This module only hands back grids of raw values; what the cells mean is `ledger.io.spreadsheets`' and its readers'.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from ledger.model.errors import Problem, Refused

MAX_ROWS = 200_000
MAX_COLUMNS = 200  # A … GR
MAX_CELLS = 5_000_000  # non-blank cells in the workbook
MAX_XML_BYTES = 256 * 2**20  # the workbook's XML parts, inflated
SPLIT = "split it into several files, or give the events as JSON lines"

_MERGE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref\s*=\s*["\']([A-Za-z]{1,3}[0-9]{1,7}'
                    rb'(?::[A-Za-z]{1,3}[0-9]{1,7})?)["\']')
_ROW = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*)>')
_ROW_NUMBER = re.compile(rb'(?:^|\s)r\s*=\s*["\']\s*([0-9]{1,12})')
_CHUNK = 1 << 20
Grid = list[list[Any]]  # row n of the sheet is grid[n - 1]


def _refuse(path: Path, message: str) -> Refused:
    return Refused([Problem("too_large", f"{path}: {message}")])


def _check_archive(data: bytes, path: Path) -> None:
    """Refuse a file that is not a zip, or whose parts would inflate beyond MAX_XML_BYTES."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise Refused([Problem("unreadable", f"{path}: not a readable .xlsx workbook ({e})")]) from None
    if inflated > MAX_XML_BYTES:
        raise _refuse(path, f"its parts inflate to {inflated:,} bytes, more than the {MAX_XML_BYTES:,} the ledger "
                            f"reads: {SPLIT}")


def read_sheets(data: bytes, path: Path) -> list[tuple[str, Grid]]:
    """The visible sheets of a workbook: each one's title and its grid of values, merged ranges filled.

    Raises `Refused` for a file that is not a workbook or goes beyond the module's limits.
    """
    from openpyxl import load_workbook

    _check_archive(data, path)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as e:
        raise Refused([Problem("unreadable", f"{path}: not a readable .xlsx workbook ({e})")]) from None
    budget = [MAX_CELLS]
    try:
        out = []
        for sheet in book.worksheets:
            if sheet.sheet_state != "visible":
                continue
            try:
                grid = _grid(sheet, path, budget)
            except (ValueError, TypeError, KeyError, IndexError) as e:  # a cell openpyxl cannot read
                raise Refused([Problem("unreadable", f"{path}: sheet '{sheet.title}' holds a cell that cannot be read "
                                                     f"({e}); save it again from Excel or WPS")]) from None
            _fill_merged(sheet, grid, path, budget)
            out.append((sheet.title, grid))
        return out
    finally:
        book.close()


def last_row_beyond(source: Any, limit: int) -> int | None:
    """The number of a row element of a sheet's XML beyond `limit` rows, from a streaming scan of its bytes that
    stops there; None if every row is within. Rows are numbered as openpyxl numbers them: their `r`, or the one
    after the row before. Scanning is some 50 times faster than reading the rows, so a sheet of a million rows
    is refused before any is read."""
    row = 0
    tail = b""
    while chunk := source.read(_CHUNK):
        text = tail + chunk
        end = 0
        for m in _ROW.finditer(text):
            number = _ROW_NUMBER.search(m.group(1))
            row = int(number.group(1)) if number else row + 1
            if row > limit:
                return row
            end = m.end()
        tail = text[max(end, len(text) - 512):]  # a tag cut in two by the chunk's end is found whole next time
    return None


def _grid(sheet: Any, path: Path, budget: list[int]) -> Grid:
    """The sheet's values, row by row, as far as its data really goes (the claimed dimensions are ignored; the
    rows' own numbers are scanned first, so that a sheet beyond `MAX_ROWS` is refused before any row is read)."""
    with sheet._get_source() as source:
        if last_row_beyond(source, MAX_ROWS) is not None:
            raise _refuse(path, f"sheet '{sheet.title}' has data in row {MAX_ROWS + 1:,} or beyond; the ledger reads "
                                f"at most {MAX_ROWS:,} rows of a sheet: {SPLIT}")
    sheet.reset_dimensions()
    grid: Grid = []
    for n, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if n > MAX_ROWS:
            raise _refuse(path, f"sheet '{sheet.title}' has data in row {n:,} or beyond; the ledger reads at most "
                                f"{MAX_ROWS:,} rows of a sheet: {SPLIT}")
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        if len(values) > MAX_COLUMNS:
            raise _refuse(path, f"sheet '{sheet.title}' row {n} has data in column {len(values):,}; the ledger reads "
                                f"at most {MAX_COLUMNS} columns of a sheet: {SPLIT}")
        budget[0] -= sum(1 for v in values if v is not None)
        if budget[0] < 0:
            raise _refuse(path, f"more than {MAX_CELLS:,} filled cells; {SPLIT}")
        grid.append(values)
    while grid and not grid[-1]:
        grid.pop()
    return grid


def merged_ranges(source: Any) -> list[str]:
    """The `ref`s of a sheet XML's merged cells, from a streaming scan of its bytes (memory: one chunk)."""
    refs: list[str] = []
    tail = b""
    while chunk := source.read(_CHUNK):
        text = tail + chunk
        end = 0
        for m in _MERGE.finditer(text):
            refs.append(m.group(1).decode().upper())
            end = m.end()
        tail = text[max(end, len(text) - 512):]  # a tag cut in two by the chunk's end is found whole next time
    return list(dict.fromkeys(refs))


def _fill_merged(sheet: Any, grid: Grid, path: Path, budget: list[int]) -> None:
    """Fill each merged range, clipped to the data, with its top-left value; the cells filled count against the
    workbook's cell budget (so ranges that overlap, which Excel never writes, cost no more than that)."""
    from openpyxl.utils.cell import range_boundaries

    with sheet._get_source() as source:  # the sheet's XML (openpyxl's read-only sheets keep its path, not its merges)
        refs = merged_ranges(source)
    width = max((len(row) for row in grid), default=0)  # the data's real extent: no range fills beyond it
    for ref in refs:
        min_col, min_row, max_col, max_row = range_boundaries(ref if ":" in ref else f"{ref}:{ref}")
        first = grid[min_row - 1] if min_row <= len(grid) else []
        top = first[min_col - 1] if min_col <= len(first) else None
        for r in range(min_row - 1, min(max_row, len(grid))):
            row = grid[r]
            last = min(max_col, width) if top is not None else min(max_col, len(row))
            if len(row) < last:
                row.extend([None] * (last - len(row)))
            budget[0] -= max(last - min_col + 1, 0)
            if budget[0] < 0:
                raise _refuse(path, f"sheet '{sheet.title}': its merged ranges fill more than {MAX_CELLS:,} cells; "
                                    f"{SPLIT}")
            row[min_col - 1:last] = [top] * max(last - min_col + 1, 0)
