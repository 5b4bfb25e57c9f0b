"""Reading tables from the files clerks keep: CSV (UTF-8 with or without BOM, GBK/GB18030) and .xlsx (openpyxl).

A `Table` is one sheet (or the CSV file): its rows with their 1-based row numbers as the spreadsheet shows them,
so every problem can be reported where the clerk will look for it. Cells in a real merged range (.xlsx) all get
the range's value: the merge is explicit, so this is always safe. Workbooks are read with bounded memory and
time (`ledger.io.workbook`); CSV within the same row and column limits. Blank cells that only *look* merged (a CSV
saved from a sheet with merged cells) are left blank here; whether a blank continues the cell above is a
decision for the reader of each kind of table (see `ledger.io.roster_table`).

Also here: `Located`, a batch of drafts that remembers where each came from, and `relocate`, which rewrites a
refusal's problems from draft numbers to "sheet … row …" locations. This module writes nothing.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ledger.io.encodings import table_text
from ledger.io.workbook import MAX_COLUMNS, MAX_ROWS, SPLIT, read_sheets
from ledger.model.dates import YearMonth
from ledger.model.errors import Problem, Refused
from ledger.model.events import EVENT_TYPES
from ledger.model.facts import Draft
from ledger.model.i18n import _
from ledger.model.identity import IdNumber
from ledger.model.parsing import parse_fields

TABLE_SUFFIXES = (".csv", ".xlsx")


@dataclass
class Table:
    """One sheet of cells. `rows` are (row number, cells) with blank rows dropped; cells are normalised values."""

    name: str | None  # the sheet's title; None for a CSV file
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)

    def prefix(self) -> str:
        """"sheet 'X': " for a workbook's sheet, "" for a CSV file (messages then start with the row)."""
        return _("sheet '{sheet}': ").format(sheet=self.name) if self.name is not None else ""

    def where(self, row: int) -> str:
        return (_("sheet '{sheet}' row {row}").format(sheet=self.name, row=row) if self.name is not None
                else _("row {row}").format(row=row))


def fold_width(text: str) -> str:
    """Full-width ASCII (０-９, Ａ-Ｚ, －, ．, ／ …) and the ideographic space as their ASCII forms (NFKC on those only).

    Applied to ids, dates and numbers; names of people, units and sections keep their own spelling, because NFKC
    would also turn a section's full-width brackets （ ） into ASCII ones.
    """
    return "".join(unicodedata.normalize("NFKC", c) if "\uff01" <= c <= "\uff5e" or c == "\u3000" else c
                   for c in text)


def clean_text(text: str) -> str:
    """A text cell as compared and stored: surrounding (also ideographic) spaces and line breaks removed."""
    return text.strip().strip("\u3000").strip()


_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")  # text a CSV writer kept from being read as a formula (exporters.cells)


def csv_text(text: str) -> str:
    """A CSV cell's text with the apostrophe our CSV writers put before formula-like text taken off again."""
    return text[1:] if _NEUTRALISED.match(text) else text


def normalise_cell(value: Any) -> Any:
    """One cell as the readers see it: text stripped ('' for blank), whole floats as int, datetimes as dates."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date) or isinstance(value, bool) or isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    return clean_text(str(value))


def is_blank(value: Any) -> bool:
    return value == "" or value is None


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as Excel labels it."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def read_tables(path: Path, progress: Callable[[int], None] | None = None) -> list[Table]:
    """Every table in a .csv or .xlsx file. Raises `Refused` for an unreadable file or another suffix."""
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as e:
        raise Refused([Problem("unreadable", f"cannot read {path}: {e.strerror}")]) from None
    if suffix == ".csv":
        return [csv_table(table_text(data, path), path)]
    if suffix == ".xlsx":
        return _read_xlsx(data, path)
    raise Refused([Problem("unreadable", f"{path}: expected a .csv or .xlsx file")])


def csv_table(text: str, path: Path | None = None) -> Table:
    """The table of a CSV file's text, within the limits of a sheet (`ledger.io.workbook`)."""
    table = Table(None)
    # The header line decides the delimiter (comma, or the tab / semicolon some Excel locales save with): a
    # guess from the data could be misled by a cell such as "科长;党支部书记".
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",\t;", key=first.count) if any(c in first for c in ",\t;") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    where = path or "the file"
    try:
        for n, cells in enumerate(reader, start=1):
            row = reader.line_num  # the file line the record ends on; equals the sheet row for one-line records
            if n > MAX_ROWS or len(cells) > MAX_COLUMNS:
                raise Refused([Problem("too_large", f"{where}: row {row} is beyond the {MAX_ROWS:,} rows and "
                                       f"{MAX_COLUMNS} columns the ledger reads; {SPLIT}")])
            values = [normalise_cell(csv_text(c)) for c in cells]
            if any(not is_blank(v) for v in values):
                table.rows.append((row, values))
    except csv.Error as e:  # a quoted cell over the csv module's field limit, a NUL byte …
        raise Refused([Problem("unreadable", f"{where}: not a CSV table the ledger reads (line {reader.line_num}: "
                               f"{e})")]) from None
    return table


def _read_xlsx(data: bytes, path: Path) -> list[Table]:
    tables = []
    for title, grid in read_sheets(data, path):
        table = Table(title)
        for n, cells in enumerate(grid, start=1):
            values = [normalise_cell(c) for c in cells]
            while values and is_blank(values[-1]):
                values.pop()
            if values:
                table.rows.append((n, values))
        tables.append(table)
    return tables


@dataclass
class Located:
    """Drafts (numbered 1…n through `Draft.line`) and where each came from, for messages."""

    drafts: list[Draft] = field(default_factory=list)
    places: dict[int, str] = field(default_factory=dict)  # draft line -> "sheet 'X' row 7"
    columns: dict[int, dict[str, str]] = field(default_factory=dict)  # draft line -> problem code -> column label

    def add(self, event: str, fields: dict[str, Any], place: str, columns: dict[str, str] | None = None) -> None:
        n = len(self.drafts) + 1
        self.drafts.append(Draft(event, fields, n))
        self.places[n] = place
        if columns:
            self.columns[n] = columns


def relocate(refused: Refused, located: Located, column_for: Callable[[Problem, dict[str, str]], str | None] | None = None) -> Refused:
    """The same refusal with each problem's draft number replaced by its place (and column, when known)."""
    out = []
    in_order = sorted(refused.problems, key=lambda p: p.line if p.line in located.places else 0)  # stable: rows in order
    for p in in_order:
        place = located.places.get(p.line) if p.line is not None else None
        if place is None:
            out.append(p)
            continue
        column = column_for(p, located.columns.get(p.line, {})) if column_for else None
        where = f"{place}, {column}" if column else place
        out.append(Problem(p.code, f"{where}: {p.message}", None, p.event_id))
    return Refused(out)


def read_event_tables(path: Path, progress: Callable[[int], None] | None = None,
                      tables: list[Table] | None = None) -> Located:
    """Drafts from a .csv or .xlsx file of events: a header row of field names (one column per field), the type in
    an `event` column or, without one, in the sheet's name (a sheet called `hired` holds hires). Blank cells are
    absent fields. Every bad row is reported with its sheet and row; raises `Refused` if any. `tables`: the
    file's tables if already read (`read_tables`)."""
    problems: list[Problem] = []
    located = Located()
    for table in tables if tables is not None else read_tables(path):
        if table.rows:
            problems += _read_event_table(table, located, progress)
    if problems:
        raise Refused(problems)
    return located


def _read_event_table(table: Table, located: Located, progress: Callable[[int], None] | None) -> list[Problem]:
    """One table of events into `located`; the problems of its header and rows."""
    header_row, header = table.rows[0]
    names = [fold_width(str(h)).strip() for h in header]
    sheet_event = table.name if table.name in EVENT_TYPES else None
    if "event" not in names and sheet_event is None:
        what = f"sheet '{table.name}'" if table.name is not None else "the file"
        return [Problem("missing_field", f"{table.where(header_row)}: {what} has no 'event' column and its name is "
                        "not an event type (e.g. hired, rank_promoted); nothing read from it")]
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name and name in seen:
            problems.append(Problem("bad_header", _("{place}: column {column} repeats '{name}' (also column {other})"
                                                    ).format(place=table.where(header_row), column=column_letter(i),
                                                             name=name, other=column_letter(seen[name]))))
        seen.setdefault(name, i)
    for row, cells in table.rows[1:]:
        if progress:
            progress(1)
        problems += _read_event_row(table.where(row), names, cells, sheet_event, located)
    return problems


def _read_event_row(place: str, names: list[str], cells: list[Any], sheet_event: str | None,
                    located: Located) -> list[Problem]:
    problems: list[Problem] = []
    fields: dict[str, Any] = {}
    for i, value in enumerate(cells):
        if is_blank(value):
            continue
        name = names[i] if i < len(names) else ""
        if not name:
            problems.append(Problem("bad_header", _("{place}: column {column} has a value but no header").format(
                place=place, column=column_letter(i))))
            continue
        fields[name] = value
    event = str(fields.pop("event", "") or sheet_event or "")
    for system in ("id", "recorded", "actor"):
        fields.pop(system, None)  # a `ledger log` table re-imports as new events
    if not event:
        return [*problems, Problem("missing_field", f"{place}, event: the event type is missing")]
    if event in EVENT_TYPES:
        kinds = {s.name: s.kind for s in EVENT_TYPES[event].all_fields}
        for name, value in list(fields.items()):
            fields[name] = _event_value(value, kinds.get(name, str))
    _typed, found = parse_fields(event, fields)
    problems += [Problem(p.code, f"{place}: {p.message}") for p in found]
    located.add(event, fields, place)
    return problems


def _event_value(value: Any, kind: type) -> Any:
    """A cell as the field's kind expects it: dates stay dates, numbers of a text field become text."""
    if kind is YearMonth and isinstance(value, date):
        return value  # a date cell of a month field: its month
    if kind in (str, YearMonth, IdNumber):
        if isinstance(value, date):
            return value.isoformat()
        return value if isinstance(value, str) else str(value)
    if isinstance(value, str):
        return fold_width(value)
    return value


@contextmanager
def reported_at_rows(located: Located | None) -> Iterator[None]:
    """Within it, a `Refused` about `located`'s drafts names their sheets and rows instead of draft numbers."""
    try:
        yield
    except Refused as e:
        if located is None:
            raise
        raise relocate(e, located) from None
