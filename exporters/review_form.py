"""The `review-form` exporter: the 民主评议表 of 一报告两评议 for a year, as .docx (GB/T 9704 layout) or .xlsx.

One line for the year's selection work as a whole, then one for each cadre newly promoted in the year — each 提拔
to a post and each 职级晋升, as `Queries.yearly_figures` counts them (the same as the yearly report) — with the
post or rank before and after and the date, and the four answers to tick: 满意, 基本满意, 不满意, 不了解. The
results come back as `review_recorded` events (`ledger review`), which the next year's report states.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ledger.app import YearlyFigures

from .base import ExportContext
from .registry import ExportOptionError, chosen_format
from .xlsx import TextBook

ANSWERS = ("满意", "基本满意", "不满意", "不了解")
HEADERS = ("序号", "评议对象", "原职务（职级）", "现职务（职级）", "任职（晋升）时间", *ANSWERS)
WIDTHS_MM = (12, 30, 42, 42, 28, 16, 20, 18, 18)
FORMATS = ("docx", "xlsx")
INSTRUCTION = "请在相应栏内划“√”，每一评议对象只选一项；不记名填写。"


def form_rows(f: YearlyFigures, include_rank_promotions: bool = False) -> list[list[str]]:
    """The form's lines: the whole work first, then the year's 新选拔任用的领导干部 (提拔, first leadership posts)
    by date, and its 职级晋升 only when asked (`--include-rank-promotions`)."""
    rows = [["一", f"{f.year}年度选人用人工作总体情况", "", "", "", "", "", "", ""]]
    for n, s in enumerate(f.review_subjects(include_rank_promotions), start=1):
        kind = {"职级晋升": "晋升"}.get(s.kind, s.kind)
        rows.append([str(n), s.name, s.before, s.after, f"{s.effective.year}.{s.effective.month:02d}（{kind}）",
                     "", "", "", ""])
    return rows


def title(f: YearlyFigures) -> str:
    return f"{f.name}{f.year}年度选人用人工作民主评议表"


def write_docx(f: YearlyFigures, path: Path, include_rank_promotions: bool = False) -> Path:
    from .gbt9704 import SIZE_XIAO4, OfficialDocument

    doc = OfficialDocument()
    doc.landscape()
    doc.title(title(f))
    doc.paragraph(INSTRUCTION, indent=False)
    doc.table(HEADERS, form_rows(f, include_rank_promotions), widths_mm=WIDTHS_MM, size=SIZE_XIAO4)
    doc.set_properties(title(f), subject="民主评议表", keywords=f"一报告两评议 {f.year}")
    return doc.save(path)


def write_xlsx(f: YearlyFigures, path: Path, include_rank_promotions: bool = False) -> Path:
    from openpyxl.styles import Alignment, Font

    book = TextBook()
    out = book.add_sheet("民主评议表")
    out.append([title(f)])
    out.append([INSTRUCTION])
    out.append(HEADERS)
    for row in form_rows(f, include_rank_promotions):
        out.append(row)
    sheet = out.sheet
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for i, width in enumerate(WIDTHS_MM):
        sheet.column_dimensions[chr(ord("A") + i)].width = width / 2 + 4
    sheet.freeze_panes = "A4"
    return book.save(path, title(f))


class ReviewForm:
    name = "review-form"
    description = "民主评议表 of a year (一报告两评议): the whole work and each cadre promoted in --year (docx, xlsx)"
    formats = FORMATS

    def export(self, context: ExportContext, path: Path, options: dict[str, Any]) -> Path:
        path = Path(path)
        fmt = chosen_format(self.name, path, options.get("format"), FORMATS)
        as_of: date | None = options.get("as_of")
        year = options.get("year") or (as_of.year if as_of else None)
        if year is None:
            raise ExportOptionError("review-form needs --year Y (the year whose selection work is reviewed)")
        figures = context.queries.yearly_figures(int(year), options.get("unit"), options.get("known_at"), as_of=as_of)
        ranks = bool(options.get("include_rank_promotions"))
        return write_docx(figures, path, ranks) if fmt == "docx" else write_xlsx(figures, path, ranks)


exporter = ReviewForm()
