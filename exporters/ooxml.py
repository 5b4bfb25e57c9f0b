"""WordprocessingML that python-docx has no API for: East Asian fonts, character spacing, exact line pitch,
first-line indents in characters, table cell margins and repeated header rows, a PAGE field, the line grid.

What it holds: how to say a layout in OOXML. What it must not hold: which layout — the 公文's sizes, fonts and
page (GB/T 9704) are `exporters.gbt9704`'s, which calls these.
"""

from __future__ import annotations

from typing import Any

from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Pt


def set_run_font(run: Any, font: str, size: Length | None = None, bold: bool | None = None) -> None:
    """Font of one run, East Asian font included (w:eastAsia), Latin and complex-script names alike."""
    run.font.name = font
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold
    set_rfonts(run._element.get_or_add_rPr(), font)


def set_rfonts(rpr: Any, font: str) -> None:
    """Point a run-properties element (a run's, a style's, the defaults') at `font` for every script, dropping
    theme fonts (Word and LibreOffice pick the CJK font from w:eastAsia, not from the Latin name)."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), font)


def condense(run: Any, twentieths: int) -> None:
    """Character spacing of a run in twentieths of a point (negative condenses)."""
    rpr = run._element.get_or_add_rPr()
    el = rpr.find(qn("w:spacing"))
    if el is None:
        el = OxmlElement("w:spacing")
        rpr.append(el)
    el.set(qn("w:val"), str(twentieths))


def exact_lines(paragraph: Any, pitch: Length) -> None:
    """Lines exactly `pitch` apart, no space around the paragraph, no widow control (a page's lines stay full)."""
    pf = paragraph.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = pitch
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.widow_control = False


def indent_chars(paragraph: Any, chars: int, size: Length) -> None:
    """First-line indent of `chars` characters, both in points and as w:firstLineChars (what Word honours)."""
    paragraph.paragraph_format.first_line_indent = Pt(size.pt * chars)
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    if ind is not None:
        ind.set(qn("w:firstLineChars"), str(chars * 100))


def off_grid(paragraph: Any) -> None:
    """Take a paragraph off the document's line grid (small table text would otherwise take a whole grid line)."""
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    paragraph._p.get_or_add_pPr().insert(0, snap)


def page_field(paragraph: Any, font: str, size: Length) -> None:
    """Append a PAGE field (the page's number, computed by the word processor) to a paragraph."""
    for kind, instr in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        set_run_font(run, font, size)
        if kind is not None:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif instr == " PAGE ":
            it = OxmlElement("w:instrText")
            it.set(qn("xml:space"), "preserve")
            it.text = instr
            run._r.append(it)
        else:
            run.text = instr


def cell_margins(table: Any, side: Length) -> None:
    """Left and right cell margins of a whole table (none above and below)."""
    tbl_pr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for edge, width in (("top", 0), ("left", side.twips), ("bottom", 0), ("right", side.twips)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(width))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tbl_pr.append(mar)


def repeat_header(row: Any) -> None:
    """Repeat a table's row at the top of every page the table runs onto."""
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def keep_first_run(cell: Any) -> None:
    """A merged cell holds the text of every cell merged into it: keep its first paragraph's first run only."""
    for extra in cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    for run in cell.paragraphs[0].runs[1:]:
        run._r.getparent().remove(run._r)
