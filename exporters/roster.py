"""The `roster` exporter: the people on establishment on a date, as .xlsx, CSV, .docx or JSON.

.xlsx and CSV carry the roster's spreadsheet columns (`Queries.roster_sheet`: 人员编号, 姓名, 性别, 出生年月 …),
the headers `ledger import-roster` reads, so export → import into a new ledger → export gives the same table. CSV
is written UTF-8 with a BOM so Excel opens it with the Chinese intact; dates are ISO (`1985-01-17`), real date
cells in .xlsx but 出生年月, which a 花名册 writes as `YYYY.MM` text (`1985.01`; read back as the month's first day). The .docx is a printable table in the GB/T 9704 layout (exporters.gbt9704); JSON is `ledger roster --json`'s shape.
Reads only through the query API.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson

from ledger.app import LedgerError, ProgressFactory, Queries, RosterSheet, parse_date, parse_timestamp

from .base import ExportContext
from .cells import neutral_csv
from .registry import chosen_format
from .xlsx import TextBook

FORMATS = ("xlsx", "csv", "docx", "json")
SHEET_TITLE = "花名册"
# The .docx drops the columns a printed roster does without (the unit is each table's caption).
DOCX_COLUMNS = ("人员编号", "姓名", "性别", "出生年月", "学历", "科室", "编制类型", "职级", "任现职级时间", "职务",
                "任现职务时间", "备注")
MONTH_COLUMNS = ("出生年月",)  # written in the .xlsx as 1985.01 text, as 花名册 do (the day is not a roster's)
CELL_PADDING_MM = 3  # the cell's margins (1 mm a side) and a little air, so that no term is broken in a cell
DOCX_SIZES = (9, 8, 7.5, 7)  # points: the largest at which every cell's text fits on one line is used
Progress = Callable[[int], None]


def _cell_text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _csv_cell(value: Any) -> str:
    return neutral_csv(_cell_text(value))


def write_csv(path: Path, sheet: RosterSheet, progress: Progress | None = None) -> Path:
    """UTF-8 with BOM ("CSV UTF-8" as Excel saves it), CRLF line ends, ISO dates."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(sheet.headers)
        for row in sheet.rows:
            writer.writerow([_csv_cell(c) for c in row])
            if progress:
                progress(1)
    return path


def write_xlsx(path: Path, sheet: RosterSheet, title: str, progress: Progress | None = None) -> Path:
    """One sheet, header row frozen and bold, dates as date cells (yyyy-mm-dd) but 出生年月 as `YYYY.MM` text (as
    a 花名册 writes it), ids and text as text."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = TextBook()
    out = book.add_sheet(SHEET_TITLE)
    out.append(sheet.headers)
    for cell in out.sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(h) * 2 + 2 for h in sheet.headers]
    months = [i for i, h in enumerate(sheet.headers) if h in MONTH_COLUMNS]
    for row in sheet.rows:
        if months:
            row = [_month(v) if i in months and isinstance(v, date) else v for i, v in enumerate(row)]
        out.append(row)  # a blank is an empty cell, not an empty string
        for i, value in enumerate(row):
            widths[i] = max(widths[i], 12 if isinstance(value, date) else min(40, len(str(value)) * 2 + 2))
        if progress:
            progress(1)
    for col in out.sheet.iter_cols(min_row=2):
        for cell in col:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str):
                cell.number_format = "@"  # text: Excel must not turn 人员编号 0012 or 1985.10 into numbers
    for i, w in enumerate(widths, start=1):
        out.sheet.column_dimensions[get_column_letter(i)].width = w
    out.sheet.freeze_panes = "A2"
    return book.save(path, title)


def _month(value: Any) -> str:
    """A date as a 花名册 writes it: year and month, 1985.03."""
    return f"{value.year}.{value.month:02d}" if isinstance(value, date) else str(value)


def _fitting(rows: list[list[str]], room_mm: float) -> tuple[float, list[float]]:
    """The largest of DOCX_SIZES at which every column holds its longest text on one line, and the columns'
    widths (mm) at that size; the smallest size if none fits."""
    from .gbt9704 import text_chars

    for size in DOCX_SIZES:
        widths = [max(text_chars(r[i]) for r in rows) * size * 25.4 / 72 + CELL_PADDING_MM
                  for i in range(len(DOCX_COLUMNS))]
        if sum(widths) <= room_mm:
            return size, widths
    return DOCX_SIZES[-1], widths


def write_docx(path: Path, sheet: RosterSheet, title: str, on: date, progress: Progress | None = None) -> Path:
    """A printable roster: one table per unit under a 公文 title, on landscape pages, dates as 1985.03, each column
    wide enough that no term is broken inside a cell."""
    from docx.shared import Pt

    from .gbt9704 import OfficialDocument

    doc = OfficialDocument()
    doc.landscape()
    doc.title(title)
    units: dict[str, list[list[str]]] = {}
    for row in sheet.rows:
        d = dict(zip(sheet.headers, row, strict=True))
        note = f"{d['交流方式']}：{d['交流单位']}" + (f"（至{_month(d['交流期限'])}）" if d["交流期限"] else "") \
            if d["交流单位"] else ""
        units.setdefault(d["单位"], []).append([_month(d[h]) for h in DOCX_COLUMNS[:-1]] + [note])
        if progress:
            progress(1)
    for unit, unit_rows in units.items():
        size, widths = _fitting([list(DOCX_COLUMNS), *unit_rows], doc.text_width.mm)
        doc.table(DOCX_COLUMNS, unit_rows, widths_mm=widths, size=Pt(size), caption=f"{unit}（{len(unit_rows)}人）")
    doc.right_aligned(f"截至{on.year}年{on.month}月{on.day}日")
    doc.set_properties(title)
    return doc.save(path)


def export_roster(queries: Queries, path: Path, on: date, *, known_at: datetime | None = None,
                  unit: str | None = None, fmt: str | None = None,
                  progress_factory: ProgressFactory | None = None) -> Path:
    """Write the roster on `on` to `path` in `fmt` (default: the path's suffix). `progress_factory(total)` may return
    a context manager yielding a per-row callback (a progress bar); the CLI passes one for big rosters."""
    fmt = chosen_format("roster", path, fmt, FORMATS, LedgerError)
    if fmt == "json":
        path.write_bytes(orjson.dumps(queries.roster(on, known_at, unit), option=orjson.OPT_INDENT_2) + b"\n")
        return path
    sheet = queries.roster_sheet(on, known_at, unit)
    title = f"{sheet.unit_name or '干部'}花名册（{on.isoformat()}）"
    if progress_factory is None:
        return _write(fmt, path, sheet, title, on, None)
    with progress_factory(len(sheet.rows)) as progress:
        return _write(fmt, path, sheet, title, on, progress)


def _write(fmt: str, path: Path, sheet: RosterSheet, title: str, on: date, progress: Progress | None) -> Path:
    if fmt == "csv":
        return write_csv(path, sheet, progress)
    if fmt == "xlsx":
        return write_xlsx(path, sheet, title, progress)
    return write_docx(path, sheet, title, on, progress)


class RosterExporter:
    name = "roster"
    description = "The roster on a date (--as-of): .xlsx or CSV with the columns import-roster reads, .docx, JSON"
    formats = FORMATS
    redacts = False  # a roster is names and birth dates: --redact is refused

    def export(self, context: ExportContext, path: Path, options: dict[str, Any]) -> Path:
        on = options.get("as_of") or date.today()
        on = parse_date(on) if not isinstance(on, date) else on
        known_at = options.get("known_at")
        if isinstance(known_at, str):
            known_at = parse_timestamp(known_at)
        return export_roster(context.queries, Path(path), on, known_at=known_at, unit=options.get("unit"),
                             fmt=options.get("format"), progress_factory=options.get("progress"))


exporter = RosterExporter()


# --- the cadre layout (干部花名册 as bureaus keep it) ------------------------------------------------------------------
def _cadre_header_cells() -> list[tuple[str, int, int, int, int]]:
    """(label, first row, first column, last row, last column) of the two-row header, columns 1-based."""
    from ledger.app import CADRE_GROUPS, CADRE_HEADER

    cells, col = [], 1
    for h in CADRE_HEADER:
        subs = CADRE_GROUPS.get(h)
        if subs:
            cells.append((h, 1, col, 1, col + len(subs) - 1))
            cells += [(s, 2, col + i, 2, col + i) for i, s in enumerate(subs)]
            col += len(subs)
        else:
            cells.append((h, 1, col, 2, col))
            col += 1
    return cells


def write_cadre_xlsx(path: Path, sheets: list[tuple[str, list[list[str]]]], title: str) -> Path:
    """One sheet per unit, named after it (made a safe sheet title), under the two-row header (merged as bureaus draw
    it); text cells."""
    from openpyxl.styles import Alignment, Font

    book = TextBook()
    for unit_name, rows in sheets or [(SHEET_TITLE, [])]:
        out = book.add_sheet(unit_name)
        for label, r1, c1, r2, c2 in _cadre_header_cells():
            cell = out.cell(r1, c1, label)
            cell.font, cell.alignment = Font(bold=True), Alignment(horizontal="center", vertical="center")
            if (r1, c1) != (r2, c2):
                out.sheet.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        for row in rows:
            out.append(row)
        for col in out.sheet.iter_cols(min_row=3):
            for cell in col:
                cell.number_format = "@"  # 1985.10 must stay text, not become the number 1985.1
        out.sheet.freeze_panes = "B3"
    return book.save(path, title)


def write_cadre_docx(path: Path, sheets: list[tuple[str, list[list[str]]]], title: str, on: date) -> Path:
    """Landscape A4: one table per unit under the two-row header (groups over their sub-columns)."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    from ledger.app import CADRE_GROUPS, CADRE_HEADER, cadre_subheaders

    from .gbt9704 import OfficialDocument

    doc = OfficialDocument()
    section = doc.doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(15)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    doc.title(title)
    widths = [15, 34, 8, 10, 14, 14, 26, 14, 22, 14, 14, 14, 14, 14, 20]
    subs = cadre_subheaders()
    top = [h for h in CADRE_HEADER for _ in range(len(CADRE_GROUPS.get(h, (h,))))]
    for unit_name, rows in sheets:
        table = doc.table(top, [subs, *rows], widths_mm=widths, size=Pt(9), caption=f"{unit_name}（{len(rows)}人）")
        _merge_header(table, top)
    doc.right_aligned(f"截至{on.year}年{on.month}月{on.day}日")
    doc.set_properties(title)
    return doc.save(path)


def _merge_header(table: Any, top: list[str]) -> None:
    """Merge a group's label across its sub-columns, and every other label down over the sub-label row."""
    from .ooxml import keep_first_run

    col = 0
    while col < len(top):
        span = 1
        while col + span < len(top) and top[col + span] == top[col]:
            span += 1
        first = table.cell(0, col)
        if span > 1:
            merged = first.merge(table.cell(0, col + span - 1))
        else:
            merged = first.merge(table.cell(1, col))
        keep_first_run(merged)  # merging joins the cells' text: the label once
        col += span


def export_cadre_roster(queries: Queries, path: Path, on: date, *, known_at: datetime | None = None,
                        unit: str | None = None, fmt: str | None = None) -> Path:
    """The roster on `on` in the cadre layout, as .xlsx (one sheet per unit) or landscape .docx."""
    fmt = chosen_format("roster --layout cadre", path, fmt, ("xlsx", "docx"), LedgerError)
    sheets = queries.cadre_roster(on, known_at, unit)
    title = f"{sheets[0][0] if unit and sheets else '干部'}花名册（{on.isoformat()}）"
    if fmt == "xlsx":
        return write_cadre_xlsx(path, sheets, title)
    return write_cadre_docx(path, sheets, title, on)
