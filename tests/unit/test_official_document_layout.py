"""The GB/T 9704 layout helpers on their own: a document written with every kind of paragraph and a table."""

from __future__ import annotations

from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from exporters.gbt9704 import LINE_PITCH, LINES_PER_PAGE, TEXT_HEIGHT, OfficialDocument
from tests.docx_reading import open_docx, run_east_asian_fonts, xml


def test_each_level_has_its_font_and_the_table_fits_the_text_block(tmp_path: Path) -> None:
    doc = OfficialDocument()
    doc.title("关于某事项的报告")
    doc.heading1("一、总体情况")
    doc.heading2("（一）", "第一项。正文接续。")
    doc.heading3("1.", "第一点。")
    doc.paragraph("正文段落。")
    doc.table(["项目", "数量", "备注"], [["编制", 10, None], ["职数", 3, "含副职"]], widths_mm=[2, 1, 1], size=Pt(10.5),
              caption="表1")
    doc.right_aligned("2023年1月5日")
    doc.set_properties("关于某事项的报告", author="某单位")
    path = doc.save(tmp_path / "sub" / "d.docx")

    d = open_docx(path)
    by_text = {p.text: p for p in d.paragraphs}
    fonts = {t: [xml(r).find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia")) for r in p.runs] for t, p in by_text.items()}
    assert fonts["关于某事项的报告"] == ["方正小标宋简体"]
    assert fonts["一、总体情况"] == ["黑体"]
    assert fonts["（一）第一项。正文接续。"] == ["楷体_GB2312", "仿宋_GB2312"]
    assert fonts["1.第一点。"] == ["仿宋_GB2312", "仿宋_GB2312"]
    assert by_text["2023年1月5日"].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert LINES_PER_PAGE * LINE_PITCH <= TEXT_HEIGHT < (LINES_PER_PAGE + 1) * LINE_PITCH

    table = d.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["项目", "数量", "备注"]
    assert [c.text for c in table.rows[1].cells] == ["编制", "10", ""]
    assert round(sum(c.width for c in table.rows[0].cells) / 36000) == 156  # mm, proportional to 2:1:1
    assert round(table.rows[0].cells[0].width / 36000) == 78
    assert xml(table.rows[0]).trPr.find(qn("w:tblHeader")) is not None  # repeats on each page
    for cell in [c for row in table.rows for c in row.cells]:
        p = cell.paragraphs[0]
        assert xml(p).pPr.find(qn("w:snapToGrid")).get(qn("w:val")) == "0"  # off the 22-line grid
    header_fonts = {f for c in table.rows[0].cells for f in run_east_asian_fonts(xml(c))}
    assert header_fonts == {"黑体"}
    assert None not in run_east_asian_fonts(d.element.body)
    assert d.core_properties.author == "某单位" and d.core_properties.created.year >= 2024
