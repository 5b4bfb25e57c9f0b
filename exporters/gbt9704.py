"""Official document layout per GB/T 9704-2012 《党政机关公文格式》, on top of python-docx.

What it holds: the page (A4, top 37 mm, left 28 mm, text block 156 × 225 mm, 22 lines × 28 characters), the
fonts and sizes of title, body and the heading levels, the page-number footer ("— N —" as a PAGE field, odd
pages right, even pages left), a table helper, and the document's core properties. What it must not hold:
anything about a particular report — exporters decide the words, this module only how they look.

East Asian fonts are set through each run's `w:eastAsia` font attribute (Word and LibreOffice pick the CJK font
from it, not from the Latin font name), on every run and in the styles; the OOXML itself is `exporters.ooxml`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, Twips

from .docx_package import declare_fonts, drop_template_leftovers
from .ooxml import (
    cell_margins,
    condense,
    exact_lines,
    indent_chars,
    off_grid,
    page_field,
    repeat_header,
    set_rfonts,
    set_run_font,
)

# Fonts named by the standard (as installed on government desktops; LibreOffice substitutes when absent).
XIAOBIAOSONG = "方正小标宋简体"  # title
FANGSONG = "仿宋_GB2312"  # body, 1. and （1） headings
HEITI = "黑体"  # 一、 headings
KAITI = "楷体_GB2312"  # （一） headings
SONGTI = "宋体"  # page numbers, tables' fallback

# The font table's declarations: (font, fallback where it is not installed, family).
FONT_TABLE = (
    (XIAOBIAOSONG, "宋体", "roman"),
    (FANGSONG, "仿宋", "modern"),
    (KAITI, "楷体", "modern"),
    (HEITI, "SimHei", "modern"),
    (SONGTI, "SimSun", "auto"),
)

# Chinese type sizes (字号) in points.
SIZE_2 = Pt(22)  # 2号: title
SIZE_3 = Pt(16)  # 3号: body and headings
SIZE_4 = Pt(14)  # 4号: page numbers
SIZE_XIAO4 = Pt(12)  # 小4号: dense tables
SIZE_DIGEST = Pt(10)  # 64 hexadecimal digits of a digest on one line of the text block

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP_MARGIN, LEFT_MARGIN = Mm(37), Mm(28)
TEXT_WIDTH, TEXT_HEIGHT = Mm(156), Mm(225)
RIGHT_MARGIN = Mm(210 - 28 - 156)  # 26 mm
BOTTOM_MARGIN = Mm(297 - 37 - 225)  # 35 mm
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
# 225 mm / 22 = 28.99 pt; Word counts line pitch in twips, and 580 twips × 22 would overflow the block by 0.2 pt,
# so 579 twips (28.95 pt, the value common 公文 templates use) gives exactly 22 lines.
LINE_PITCH = Twips(579)
# The page-number line's top edge sits 7 mm below the text block (GB/T 9704 §7.5): footer 35 − 7 − one 4号 line.
FOOTER_DISTANCE = Mm(35 - 7) - Pt(14)
# 156 mm / 28 = 15.79 pt a character: 3号 (16 pt) characters condensed by 0.25 pt (w:spacing, in twentieths).
CHAR_CONDENSE = -5
DASH = "—"  # 一字线 around the page number
MONOSPACE = "Courier New"  # a digest or an id, character by character


SIGNATURE_RIGHT_CHARS = 4  # 成文日期 右空四字 (§7.3.5.1)


def text_chars(text: str) -> float:
    """The width of a line in body characters: ASCII (digits of a date) is half as wide as a Chinese character."""
    return sum(0.5 if c.isascii() else 1 for c in text)


@dataclass(frozen=True)
class Level:
    """How one kind of paragraph looks."""

    font: str
    size: Pt
    indent_chars: int = 2
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY


BODY = Level(FANGSONG, SIZE_3)
HEADING_1 = Level(HEITI, SIZE_3)  # 一、
HEADING_2 = Level(KAITI, SIZE_3)  # （一）
HEADING_3 = Level(FANGSONG, SIZE_3)  # 1. and （1）
TITLE = Level(XIAOBIAOSONG, SIZE_2, indent_chars=0, align=WD_ALIGN_PARAGRAPH.CENTER)


class OfficialDocument:
    """A .docx laid out as a 公文: call `title`, `heading1`, `paragraph`, … then `save`."""

    def __init__(self) -> None:
        self.doc = Document()
        self._setup_styles()
        self._setup_page()
        self._setup_footers()
        declare_fonts(self.doc, FONT_TABLE)
        drop_template_leftovers(self.doc)

    # --- page and styles ------------------------------------------------------------------------------------
    def _page(self, size: tuple[Length, Length], margins: tuple[Length, Length, Length, Length]) -> None:
        """The page's size (width, height) and margins (top, bottom, left, right)."""
        section = self.doc.sections[0]
        section.page_width, section.page_height = size
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = margins

    def _setup_page(self) -> None:
        section = self.doc.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        self._page((PAGE_WIDTH, PAGE_HEIGHT), (TOP_MARGIN, BOTTOM_MARGIN, LEFT_MARGIN, RIGHT_MARGIN))
        section.header_distance = Mm(15)
        section.footer_distance = FOOTER_DISTANCE
        section.gutter = Mm(0)
        # The document grid: 22 lines of 28.95 pt.
        sect_pr = section._sectPr
        grid = sect_pr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect_pr.append(grid)
        # A line grid only: 28 characters a line come from condensing body runs (CHAR_CONDENSE), which Word and
        # LibreOffice render alike; LibreOffice misreads Word's character grid (w:charSpace) and spreads the text.
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_PITCH.twips))
        grid.attrib.pop(qn("w:charSpace"), None)

    def _setup_styles(self) -> None:
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.name = FANGSONG
        normal.font.size = SIZE_3
        set_rfonts(normal.element.get_or_add_rPr(), FANGSONG)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        normal.element.get_or_add_rPr().append(lang)
        pf = normal.paragraph_format
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = LINE_PITCH
        pf.space_before = pf.space_after = Pt(0)
        # The document defaults carry theme fonts (Calibri / MS Mincho); point them at our fonts too.
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
            if rpr is not None:
                set_rfonts(rpr, FANGSONG)
                # The default size is the body's 3号 (text without a run size, empty lines).
                for tag in ("w:sz", "w:szCs"):
                    el = rpr.find(qn(tag))
                    if el is not None:
                        el.set(qn("w:val"), str(int(SIZE_3.pt * 2)))
                lang = rpr.find(qn("w:lang"))
                if lang is not None:
                    lang.set(qn("w:eastAsia"), "zh-CN")
            spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
            if spacing is not None:
                spacing.set(qn("w:after"), "0")
                spacing.set(qn("w:line"), str(LINE_PITCH.twips))
                spacing.set(qn("w:lineRule"), "exact")
        for style in styles:
            el = getattr(style, "element", None)
            rpr = el.find(qn("w:rPr")) if el is not None else None
            if rpr is not None and rpr.find(qn("w:rFonts")) is not None and style.name != "Normal":
                set_rfonts(rpr, FANGSONG)

    def _setup_footers(self) -> None:
        self.doc.settings.odd_and_even_pages_header_footer = True
        section = self.doc.sections[0]
        section.different_first_page_header_footer = False
        # Odd pages: number at the right, one character in from the edge; even pages: at the left.
        self._page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
        self._page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
        for header in (section.header, section.even_page_header):
            header.is_linked_to_previous = False
            for run in header.paragraphs[0].runs:
                set_run_font(run, SONGTI)
        self._east_asian_header_styles()

    def _east_asian_header_styles(self) -> None:
        for name in ("Header", "Footer"):
            try:
                style = self.doc.styles[name]
            except KeyError:
                continue
            set_rfonts(style.element.get_or_add_rPr(), SONGTI)

    @staticmethod
    def _page_number(paragraph, align: WD_ALIGN_PARAGRAPH) -> None:
        paragraph.alignment = align
        pf = paragraph.paragraph_format
        pf.space_before = pf.space_after = Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            pf.right_indent = SIZE_4
        else:
            pf.left_indent = SIZE_4

        set_run_font(paragraph.add_run(DASH + " "), SONGTI, SIZE_4)
        page_field(paragraph, SONGTI, SIZE_4)
        set_run_font(paragraph.add_run(" " + DASH), SONGTI, SIZE_4)

    # --- content --------------------------------------------------------------------------------------------
    def _add(self, text: str, level: Level, lead: str | None = None, lead_level: Level | None = None):
        p = self.doc.add_paragraph()
        p.alignment = level.align
        exact_lines(p, LINE_PITCH)  # no widow control: every page holds its full 22 lines, as the grid expects
        if level.indent_chars:
            indent_chars(p, level.indent_chars, level.size)
        for part, lv in ((lead, lead_level or level), (text, level)):
            if part:
                run = p.add_run(part)
                set_run_font(run, lv.font, lv.size, bold=False)
                if lv.size == SIZE_3:
                    condense(run, CHAR_CONDENSE)  # so that 28 body characters fill the 156 mm line
        return p

    def title(self, text: str | Sequence[str]):
        """The title: 2号 小标宋, centred, followed by one empty line. Several lines (a date apart, so that it is
        never broken) are set as line breaks of one paragraph."""
        lines = [text] if isinstance(text, str) else list(text)
        p = self._add(lines[0], TITLE)
        for line in lines[1:]:
            run = p.add_run()
            run.add_break()
            run = p.add_run(line)
            set_run_font(run, TITLE.font, TITLE.size, bold=False)
        p.paragraph_format.keep_with_next = True
        self.blank()
        return p

    def addressee(self, text: str):
        """主送机关 (GB/T 9704 §7.3.3): under the title's empty line, flush left, ending with a full-width colon."""
        return self._add(text.rstrip("：:") + "：", Level(FANGSONG, SIZE_3, indent_chars=0, align=WD_ALIGN_PARAGRAPH.LEFT))

    def signature(self, signed_by: str, dated: str):
        """发文机关署名 and 成文日期 of a sealed document (GB/T 9704 §7.3.5.1): one empty line under the text for the
        seal, the date four characters from the right edge, the signer centred over the date. Returns both."""
        blank = self.blank()
        blank.paragraph_format.keep_with_next = True
        signer = self._add(signed_by, Level(FANGSONG, SIZE_3, indent_chars=0, align=WD_ALIGN_PARAGRAPH.RIGHT))
        date = self._add(dated, Level(FANGSONG, SIZE_3, indent_chars=0, align=WD_ALIGN_PARAGRAPH.RIGHT))
        char = SIZE_3.pt + CHAR_CONDENSE / 20  # a condensed body character, in points
        date.paragraph_format.right_indent = Pt(char * SIGNATURE_RIGHT_CHARS)
        centre = SIGNATURE_RIGHT_CHARS + (text_chars(dated) - text_chars(signed_by)) / 2
        signer.paragraph_format.right_indent = Pt(char * max(centre, 0))
        signer.paragraph_format.keep_with_next = True
        return signer, date

    def monospace(self, text: str, size: Length = SIZE_DIGEST):
        """A line of its own in a fixed-width font (a digest), not indented, never hyphenated or justified."""
        p = self._add("", Level(FANGSONG, SIZE_3, indent_chars=0, align=WD_ALIGN_PARAGRAPH.LEFT))
        set_run_font(p.add_run(text), MONOSPACE, size, bold=False)
        return p

    def landscape(self) -> None:
        """Turn the page (a wide table): A4 on its side, the same margins at the binding edge and the head."""
        self.doc.sections[0].orientation = WD_ORIENT.LANDSCAPE
        self._page((PAGE_HEIGHT, PAGE_WIDTH), (LEFT_MARGIN, RIGHT_MARGIN, TOP_MARGIN, BOTTOM_MARGIN))

    @property
    def text_width(self) -> Length:
        section = self.doc.sections[0]
        return Length(section.page_width - section.left_margin - section.right_margin)

    def blank(self):
        return self._add("", BODY)

    def heading1(self, text: str):
        """A 一、 heading (黑体), kept on the page of the paragraph after it."""
        return self._heading(text, HEADING_1)

    def heading2(self, text: str, body: str = ""):
        """A （一） heading (楷体); `body` continues in 仿宋 on the same line, as in run-in headings."""
        return self._heading(text, HEADING_2, body)

    def heading3(self, text: str, body: str = ""):
        """A 1. or （1） heading (仿宋), optionally run-in with body text."""
        return self._heading(text, HEADING_3, body)

    def _heading(self, text: str, level: Level, body: str = ""):
        if body:
            return self._add(body, BODY, lead=text, lead_level=level)
        p = self._add(text, level)
        p.paragraph_format.keep_with_next = True  # a heading never stands alone at the foot of a page
        return p

    def paragraph(self, text: str, indent: bool = True):
        """A body paragraph: 3号 仿宋, first line indented by two characters, justified."""
        return self._add(text, BODY if indent else Level(FANGSONG, SIZE_3, indent_chars=0))

    def right_aligned(self, text: str):
        """A line set flush right (落款, dates), kept four characters from the edge."""
        p = self._add(text, Level(FANGSONG, SIZE_3, indent_chars=0, align=WD_ALIGN_PARAGRAPH.RIGHT))
        p.paragraph_format.right_indent = Pt(SIZE_3.pt * 4)
        return p

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]], widths_mm: Sequence[float] | None = None,
              size: Pt = SIZE_XIAO4, caption: str | None = None):
        """A bordered table across the text block: header row in 黑体, cells in 仿宋; None prints as empty."""
        if caption:
            self._add(caption, Level(HEITI, SIZE_3, indent_chars=0, align=WD_ALIGN_PARAGRAPH.CENTER))
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        total = self.text_width.mm
        widths = list(widths_mm) if widths_mm else [total / len(headers)] * len(headers)
        scale = total / sum(widths)
        widths = [Mm(w * scale) for w in widths]

        cell_margins(table, Mm(1))  # the template's 1.9 mm a side eats a narrow column

        def fill(cell, text: str, font: str, width) -> None:
            cell.width = width
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
            off_grid(p)  # off the page's 28.95 pt grid, or every line of small table text would take a body line
            set_run_font(p.add_run(text), font, size)

        for cell, h, w in zip(table.rows[0].cells, headers, widths, strict=True):
            fill(cell, str(h), HEITI, w)
        repeat_header(table.rows[0])
        for row in rows:
            cells = table.add_row().cells
            for cell, value, w in zip(cells, row, widths, strict=True):
                fill(cell, "" if value is None else str(value), FANGSONG, w)
        return table

    # --- output ---------------------------------------------------------------------------------------------
    def set_properties(self, title: str, author: str = "", subject: str = "", keywords: str = "") -> None:
        """Core properties (docProps/core.xml): the template's defaults are replaced so nothing stray is left."""
        cp = self.doc.core_properties
        cp.title = title
        cp.author = author
        cp.last_modified_by = author
        cp.subject = subject
        cp.keywords = keywords
        cp.comments = ""
        cp.category = ""
        cp.content_status = ""
        cp.identifier = ""
        cp.language = "zh-CN"
        cp.version = ""
        cp.revision = 1
        now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)  # the template's dates are from 2013
        cp.created = cp.modified = now

    def save(self, path: Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.doc.save(str(path))
        return path
