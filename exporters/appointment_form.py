"""The `appointment-form` exporter: a person's 干部任免审批表 on a date, as the form editor's `.lrmx` or as a .docx
in the form's table layout (front: who, education, posts and the 简历 in its tall cell; back: 奖惩, 考核, 任免理由,
family, 呈报单位 and the approving bodies' boxes), A4, in the fonts of the other exports (`exporters.gbt9704`).

The form's values come from the query API (`Queries.appointment_form`: one definition of the elements serves
this exporter and `ledger import-lrmx`); this module lays them out. The 身份证号 is masked unless
`--show-id-number`; a 任免审批表 is not published, so `--redact` is refused rather than half-honoured.
"""

from __future__ import annotations

import base64
import io
from datetime import date
from pathlib import Path
from typing import Any

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ledger.app import lrmx_bytes, parse_date

from .base import ExportContext
from .gbt9704 import FANGSONG, HEITI, SIZE_2, SIZE_XIAO4, TEXT_WIDTH, OfficialDocument
from .ooxml import cell_margins, exact_lines, off_grid, set_run_font
from .registry import ExportOptionError, chosen_format

FORMATS = ("lrmx", "docx")
TITLE = "干部任免审批表"
GRID_MM = (19, 21, 19, 23, 21, 23, 30)  # seven columns across the 156 mm table
# The form's page, as the editor prints it: A4 front and back, narrower margins than a 公文, no page numbers.
MARGINS_MM = (18, 15, 27, 27)  # top, bottom, left, right
PAGE_TEXT_MM = 297 - 18 - 15  # 264 mm of height on each side
TITLE_MM = 14  # the title's line (2号, exactly)
ROW_MM = 13  # the front's ordinary rows
FRONT_ROWS = 9
# The 简历's tall cell: the rest of the front, less 20 mm that a word processor's borders and line boxes take (a
# rendering with 10 mm to spare put the cell on a page of its own: tests/integration/test_appointment_form_docx.py).
RESUME_MM = PAGE_TEXT_MM - TITLE_MM - FRONT_ROWS * ROW_MM - 20
FAMILY_ROWS = 6
FAMILY_HEADERS = ("称谓", "姓名", "出生年月", "政治面貌", "工作单位及职务")
FAMILY_TAGS = ("ChengWei", "XingMing", "ChuShengRiQi", "ZhengZhiMianMao", "GongZuoDanWeiJiZhiWu")
FAMILY_WIDTHS = (19, 16, 21, 21, 21, 58)  # the back's columns: label, then the family's five
BACK_MM = {"奖惩": 40, "考核": 18, "理由": 24, "family": 10, "boxes": 26}  # the back's rows
PHOTO_MM = (26, 48)  # the photo's largest width and height in its cell (four rows of 13 mm)


def _month(text: str) -> str:
    """`YYYYMM` as the form prints it, `YYYY.MM`."""
    return f"{text[:4]}.{text[4:6]}" if len(text) >= 6 else text


def _day(text: str) -> str:
    return f"{text[:4]}年{int(text[4:6])}月{int(text[6:8])}日" if len(text) == 8 else text


def _age(birth: str, on: str) -> str:
    if len(birth) < 6 or len(on) < 8:
        return ""
    years = int(on[:4]) - int(birth[:4]) - (1 if int(on[4:6]) < int(birth[4:6]) else 0)
    return f"（{years}岁）"


class FormTable:
    """A bordered table of the form: cells placed by row and column, merged where the form merges them."""

    def __init__(self, doc: OfficialDocument, rows: int, widths: tuple[float, ...] = GRID_MM):
        self.table = doc.doc.add_table(rows=rows, cols=len(widths))
        self.table.style = doc.doc.styles["Table Grid"]
        self.table.alignment = WD_TABLE_ALIGNMENT.CENTER
        cell_margins(self.table, Mm(1))
        scale = TEXT_WIDTH.mm / sum(widths)
        for row in self.table.rows:
            for cell, w in zip(row.cells, widths, strict=True):
                cell.width = Mm(w * scale)

    def height(self, row: int, mm: float, at_least: bool = False) -> None:
        r = self.table.rows[row]
        r.height = Mm(mm)
        r.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST if at_least else WD_ROW_HEIGHT_RULE.EXACTLY

    def put(self, row: int, col: int, text: str, *, to: tuple[int, int] | None = None, label: bool = False,
            left: bool = False) -> Any:
        cell = self.table.cell(row, col)
        if to is not None:
            cell = cell.merge(self.table.cell(*to))
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP if left and not label else \
            WD_CELL_VERTICAL_ALIGNMENT.CENTER
        for i, line in enumerate(text.split("\n")):
            p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
            off_grid(p)
            set_run_font(p.add_run(line), HEITI if label else FANGSONG, SIZE_XIAO4)
        return cell


def _front(doc: OfficialDocument, v: dict[str, str]) -> None:
    t = FormTable(doc, 10)
    birth = _month(v["ChuShengNianYue"]) + "\n" + _age(v["ChuShengNianYue"], v["JiSuanNianLingShiJian"])
    cells = [(0, "姓  名", v["XingMing"], "性  别", v["XingBie"], "出生年月\n（  岁）", birth),
             (1, "民  族", v["MinZu"], "籍  贯", v["JiGuan"], "出 生 地", v["ChuShengDi"]),
             (2, "入  党\n时  间", _month(v["RuDangShiJian"]), "参加工\n作时间", _month(v["CanJiaGongZuoShiJian"]),
              "健  康\n状  况", v["JianKangZhuangKuang"])]
    for row, *pairs in cells:
        for i in range(0, 6, 2):
            t.put(row, i, pairs[i], label=True)
            t.put(row, i + 1, pairs[i + 1])
    photo = t.put(0, 6, "照片" if not v.get("ZhaoPian") else "", to=(3, 6))
    if v.get("ZhaoPian"):
        _photo(photo, base64.b64decode(v["ZhaoPian"]))
    t.put(3, 0, "专业技\n术职务", label=True)
    t.put(3, 1, v["ZhuanYeJiShuZhiWu"], to=(3, 2))
    t.put(3, 3, "熟悉专业\n有何专长", label=True)
    t.put(3, 4, v["ShuXiZhuanYeYouHeZhuanChang"], to=(3, 5))
    t.put(4, 0, "学  历\n学  位", to=(5, 0), label=True)
    for row, (kind, prefix) in enumerate((("全日制\n教  育", "QuanRiZhiJiaoYu"), ("在  职\n教  育", "ZaiZhiJiaoYu")),
                                         start=4):
        t.put(row, 1, kind, label=True)
        t.put(row, 2, "\n".join(x for x in (v[f"{prefix}_XueLi"], v[f"{prefix}_XueWei"]) if x), to=(row, 3))
        t.put(row, 4, "毕业院校\n系及专业", label=True)
        school = v[f"{prefix}_XueLi_BiYeYuanXiaoXi"]
        degree_school = v[f"{prefix}_XueWei_BiYeYuanXiaoXi"]
        t.put(row, 5, "\n".join(dict.fromkeys(x for x in (school, degree_school) if x)), to=(row, 6), left=True)
    for row, label, element in ((6, "现 任 职 务", "XianRenZhiWu"), (7, "拟 任 职 务", "NiRenZhiWu"),
                                (8, "拟 免 职 务", "NiMianZhiWu")):
        t.put(row, 0, label, to=(row, 1), label=True)
        t.put(row, 2, v[element], to=(row, 6), left=True)
    t.put(9, 0, "简\n\n\n\n历", label=True)
    t.put(9, 1, v["JianLi"].replace("\r\n", "\n"), to=(9, 6), left=True)
    for row in range(FRONT_ROWS):
        t.height(row, ROW_MM)
    t.height(FRONT_ROWS, RESUME_MM, at_least=True)  # a 简历 longer than the cell is never clipped


def _photo(cell: Any, data: bytes) -> None:
    """The photo, as large as its cell allows, keeping its proportions (python-docx reads JPEG and PNG headers)."""
    from docx.image.image import Image

    image = Image.from_blob(data)
    width = min(PHOTO_MM[0], PHOTO_MM[1] * image.px_width / image.px_height)
    run = cell.paragraphs[0].add_run()
    run.add_picture(io.BytesIO(data), width=Mm(width))


def _back(doc: OfficialDocument, v: dict[str, Any]) -> None:
    rows = (("奖惩\n情况", v["JiangChengQingKuang"], BACK_MM["奖惩"]),
            ("年度考\n核结果", v["NianDuKaoHeJieGuo"], BACK_MM["考核"]),
            ("任免\n理由", v["RenMianLiYou"], BACK_MM["理由"]))
    t = FormTable(doc, len(rows) + 1 + FAMILY_ROWS + 3, FAMILY_WIDTHS)
    for row, (label, text, mm) in enumerate(rows):
        t.put(row, 0, label, label=True)
        t.put(row, 1, text, to=(row, 5), left=True)
        t.height(row, mm)
    first = len(rows)
    t.put(first, 0, "家庭\n主要\n成员\n及重\n要社\n会关\n系", to=(first + FAMILY_ROWS, 0), label=True)
    for i, h in enumerate(FAMILY_HEADERS, start=1):
        t.put(first, i, h, label=True)
    members = list(v.get("JiaTingChengYuan") or [])
    shown, rest = (members, []) if len(members) <= FAMILY_ROWS else \
        (members[:FAMILY_ROWS - 1], members[FAMILY_ROWS - 1:])
    for n, member in enumerate(shown, start=first + 1):
        _family_row(t, n, member)
    if rest:  # the last row says where the others are: none is dropped
        t.put(first + FAMILY_ROWS, 1, f"另有{len(rest)}人，见续页", to=(first + FAMILY_ROWS, 5))
    for row in range(first, first + FAMILY_ROWS + 1):
        t.height(row, BACK_MM["family"])
    tail = first + FAMILY_ROWS + 1
    for row, (label, text) in enumerate((("呈报\n单位", f"{v['ChengBaoDanWei']}\n\n（盖章）    年  月  日"),
                                         ("审批机\n关意见", "\n\n（盖章）    年  月  日"),
                                         ("行政机关\n任免意见", "\n\n（盖章）    年  月  日")), start=tail):
        t.put(row, 0, label, label=True)
        t.put(row, 1, text, to=(row, 5))
        t.height(row, BACK_MM["boxes"])
    p = doc.paragraph(f"计算年龄时间：{_day(v['JiSuanNianLingShiJian'])}  填表时间：{_day(v['TianBiaoShiJian'])}  "
                      f"填表人：{v['TianBiaoRen']}", indent=False)
    off_grid(p)
    for run in p.runs:
        set_run_font(run, FANGSONG, SIZE_XIAO4)
    if rest:
        _continuation(doc, v, rest)


def _family_row(t: FormTable, row: int, member: dict[str, str]) -> None:
    for i, tag in enumerate(FAMILY_TAGS, start=1):
        t.put(row, i, member.get(tag, ""), left=i == 5)


def _continuation(doc: OfficialDocument, v: dict[str, Any], rest: list[dict[str, str]]) -> None:
    """The family members the back has no row for, on a 续页 after it (as the editor prints a long family): the
    form's two sides stay as they are, and nobody is left out."""
    _page_break(doc)
    p = doc.doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    off_grid(p)
    exact_lines(p, Mm(TITLE_MM))
    set_run_font(p.add_run(f"{TITLE}（续页）"), HEITI, SIZE_2)
    t = FormTable(doc, len(rest) + 1, FAMILY_WIDTHS)
    t.put(0, 0, "家庭\n主要\n成员", to=(len(rest), 0), label=True)
    for i, h in enumerate(FAMILY_HEADERS, start=1):
        t.put(0, i, h, label=True)
    for n, member in enumerate(rest, start=1):
        _family_row(t, n, member)
    for row in range(len(rest) + 1):
        t.height(row, BACK_MM["family"])
    name = doc.paragraph(f"姓名：{v['XingMing']}", indent=False)
    off_grid(name)
    for run in name.runs:
        set_run_font(run, FANGSONG, SIZE_XIAO4)


def back_height_mm() -> float:
    """The back's rows and its last line: what must fit in PAGE_TEXT_MM (checked by the tests)."""
    return (BACK_MM["奖惩"] + BACK_MM["考核"] + BACK_MM["理由"] + (FAMILY_ROWS + 1) * BACK_MM["family"]
            + 3 * BACK_MM["boxes"] + 8)


def _form_page(doc: OfficialDocument) -> None:
    """The form's own page: its margins, and no page numbers (a form is not a 公文)."""
    section = doc.doc.sections[0]
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (Mm(x) for x in MARGINS_MM)
    doc.doc.settings.odd_and_even_pages_header_footer = False
    for footer in (section.footer, section.even_page_footer):
        for p in footer.paragraphs:
            for child in [c for c in p._p if c.tag != qn("w:pPr")]:
                p._p.remove(child)  # the page number's runs and field
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is not None:
        section._sectPr.remove(grid)  # no line grid: the rows' own heights lay the form out


def _title(doc: OfficialDocument) -> None:
    p = doc.doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    off_grid(p)
    exact_lines(p, Mm(TITLE_MM))
    set_run_font(p.add_run(TITLE), HEITI, SIZE_2)


def _page_break(doc: OfficialDocument) -> None:
    """A break between front and back in a paragraph of almost no height, so that the front's table keeps its page."""
    p = doc.doc.add_paragraph()
    off_grid(p)
    exact_lines(p, Pt(1))
    run = p.add_run()
    set_run_font(run, FANGSONG, Pt(1))
    run.add_break(WD_BREAK.PAGE)


def write_docx(path: Path, values: dict[str, Any]) -> Path:
    doc = OfficialDocument()
    _form_page(doc)
    _title(doc)
    _front(doc, values)
    _page_break(doc)
    _back(doc, values)
    doc.set_properties(f"{TITLE}（{values['XingMing']}）", subject=TITLE)
    return doc.save(path)


class AppointmentForm:
    name = "appointment-form"
    description = ("A person's 干部任免审批表 (--person P, --as-of D): .lrmx for the form editor, or .docx; "
                   "--proposed-post, --proposed-removal, --reason")
    formats = FORMATS

    def export(self, context: ExportContext, path: Path, options: dict[str, Any]) -> Path:
        path = Path(path)
        fmt = chosen_format(self.name, path, options.get("format"), FORMATS)
        if not options.get("person"):
            raise ExportOptionError("appointment-form needs --person PERSON")
        if options.get("redact"):
            raise ExportOptionError("a 干部任免审批表 is not published: appointment-form has no --redact version")
        on = options.get("as_of") or date.today()
        on = on if isinstance(on, date) else parse_date(on)
        values = context.queries.appointment_form(
            options["person"], on, proposed_post=options.get("proposed_post"),
            proposed_removal=options.get("proposed_removal"), reason=options.get("reason"), actor=context.actor,
            reveal=bool(options.get("show_id_number")), filled_by=options.get("filled_by"))
        if fmt == "lrmx":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(lrmx_bytes(values))
            return path
        return write_docx(path, values)


exporter = AppointmentForm()
