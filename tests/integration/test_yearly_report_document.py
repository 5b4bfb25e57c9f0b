"""The yearly 选人用人工作报告 of the sample bureau: figures, names, headings, layout, and the redacted twin.

The demo's ledger is built once (SQLite, through `ledger demo`) and its reports are read back with python-docx.
"""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from cli.main import cli
from tests.docx_reading import (
    all_part_texts,
    open_docx,
    paragraph_after,
    run_east_asian_fonts,
    texts,
    visible_text,
    xml,
)

REPORT = "2022年选人用人工作报告.docx"
PUBLIC = "2022年选人用人工作报告（公开版）.docx"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    r = CliRunner().invoke(cli, ["--actor", "tester", "demo", str(folder)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert str(folder / REPORT) in r.output and str(folder / PUBLIC) in r.output
    return folder


def export(store: Path | str, *args: str):
    return CliRunner().invoke(cli, ["--store", str(store), "--actor", "tester", "export", *args], catch_exceptions=False)


def ledger_json(store: Path, *args: str):
    r = CliRunner().invoke(cli, ["--store", str(store), *args, "--json"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return orjson.loads(r.stdout)


def test_demo_report_states_the_basic_figures_in_the_seed_sentences(demo: Path) -> None:
    doc = open_docx(demo / REPORT)
    ps = texts(doc)
    assert ps[0] == "区文化和旅游局2022年选人用人工作报告"
    assert ps[2] == "中共某某区委组织部："  # 主送机关, from the demo's settings
    basics = paragraph_after(doc, "一、基本情况", 5)
    assert basics[0] == ("根据三定规定，我局核定行政编制24名，设局长1名、副局长4名，科级领导职数8名，其中科长（主任）5名。"
                         "目前在编19名：局长1名、副局长3名；科长5名、副科长3名；科员7名（一级主任科员1名、二级主任科员2名、"
                         "四级主任科员1名、一级科员3名）。")
    assert basics[1] == ("我局下属事业单位2个：区文化馆（全额拨款）核定事业编制8名，其中领导职数1名，目前在编6名；"
                         "区旅游服务中心（差额拨款）核定事业编制6名，其中领导职数1名，目前在编2名。")
    # 提拔, 任命 and 职级晋升 counted apart; the corrected promotion (recorded 2022-08-01, retracted, re-recorded
    # 2022-09-01) counts once.
    assert basics[2] == ("2022年通过严格规范的选拔任用程序，共提拔领导干部1名（许博文同志提拔为旅游发展科科长）；"
                         "任命领导干部1名（林晓同志由四级主任科员任命为旅游发展科副科长）；晋升职级3名（高远、罗佳同志晋升为"
                         "二级主任科员，梁宇同志晋升为四级主任科员）；自聘助理人员2名（彭悦同志自聘为办公室主任助理、"
                         "蒋浩同志自聘为区文化馆助理）。")
    assert basics[3] == "全年无新进人员，减少人员1名（退休1名：孙立军同志）。"
    # The ledger's own checks, area by area; 选拔程序 is not claimed: its rule applies from 2023 in the demo.
    assert basics[4] == ("经人事台账核查：本年度提拔任用均按规定进行任前公示；试用期满的干部均已按期考核；"
                         "年末无超编、超职数配备情况。")


def test_report_figures_agree_with_the_roster_on_31_december(demo: Path) -> None:
    roster = ledger_json(demo / "ledger.sqlite3", "roster", "--as-of", "2022-12-31", "--unit", "JU")
    people = roster["people"]
    non_leaders = [p for p in people if not p["posts"]]
    deputies = [p for p in people if any(x["post"] == "副局长" for x in p["posts"])]
    basics = paragraph_after(open_docx(demo / REPORT), "一、基本情况")[0]
    assert f"副局长{len(deputies)}名；" in basics
    assert f"科员{len(non_leaders)}名（" in basics
    for rank in {p["rank"] for p in non_leaders}:
        assert f"{rank}{sum(1 for p in non_leaders if p['rank'] == rank)}名" in basics


def test_practice_paragraph_counts_cohorts_gender_education_and_secondments(demo: Path) -> None:
    practice = paragraph_after(open_docx(demo / REPORT), "二、主要做法")[0]
    assert practice == ("2022年全年提拔任用领导干部2名（提拔1名、任命1名）、晋升职级3名，以上5人中80后、90后干部占100%（80后3名、90后2名）；男性3名、女性2名；"
                        "硕士研究生2名、大学本科3名。全年派出2名同志前往区委宣传部、区信息中心等部门交流学习，拓宽思路、提升技能。")


def test_headings_in_order_and_narrative_sections_filled(demo: Path) -> None:
    doc = open_docx(demo / REPORT)
    ps = texts(doc)
    headings = [t for t in ps if re.match(r"^[一二三四]、", t)]
    assert headings == ["一、基本情况", "二、主要做法", "三、存在问题", "四、下步打算"]
    assert not any("待填写" in t for t in ps)
    assert any(t.startswith("（一）在队伍结构优化上下功夫。") for t in ps)
    assert paragraph_after(doc, "三、存在问题")[0].startswith("一方面，干部综合能力仍需提升。")


def test_without_a_narrative_each_section_has_a_marked_placeholder(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.docx"
    r = export(demo / "ledger.sqlite3", "yearly-report", "--year", "2022", "-o", str(out))
    assert r.exit_code == 0, r.output
    ps = texts(open_docx(out))
    for section in ("主要做法", "存在问题", "下步打算"):
        assert any(t.startswith("【待填写：" + section) for t in ps), section
    # The opening is the default one, naming the unit, under the 主送机关.
    assert ps[3].startswith("2022年，区文化和旅游局党组")


def test_page_geometry_is_gbt9704(demo: Path) -> None:
    doc = open_docx(demo / REPORT)
    s = doc.sections[0]
    def mm(length: int) -> float:  # lengths are stored in twips: compare to a tenth of a millimetre
        return round(length / 36000, 1)  # EMU per mm

    assert (mm(s.page_width), mm(s.page_height)) == (210, 297)
    assert (mm(s.top_margin), mm(s.left_margin)) == (37, 28)
    assert mm(s.page_width - s.left_margin - s.right_margin) == 156
    assert mm(s.page_height - s.top_margin - s.bottom_margin) == 225
    body = [p for p in doc.paragraphs if p.text.strip()]
    for p in body:
        assert p.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY, p.text
    pitch = body[1].paragraph_format.line_spacing
    assert 22 * pitch <= Mm(225) < 23 * pitch  # exactly 22 lines fit the text block
    grid = xml(s).find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == str(pitch.twips)
    # 28 characters a line: 3号 runs condensed so that 28 fit the 156 mm line and 29 do not.
    run = body[3].runs[0]
    condensed = int(xml(run).find(qn("w:rPr")).find(qn("w:spacing")).get(qn("w:val"))) / 20  # points
    assert 28 * (16 + condensed) <= Mm(156).pt < 29 * (16 + condensed)


def test_title_body_and_heading_fonts(demo: Path) -> None:
    doc = open_docx(demo / REPORT)
    title = doc.paragraphs[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert {(r.font.size, _ea(r)) for r in title.runs} == {(Pt(22), "方正小标宋简体")}
    by_text = {p.text: p for p in doc.paragraphs}
    for heading in ("一、基本情况", "四、下步打算"):
        assert {(r.font.size, _ea(r)) for r in by_text[heading].runs} == {(Pt(16), "黑体")}
    body = by_text[paragraph_after(doc, "一、基本情况")[0]]
    assert {(r.font.size, _ea(r)) for r in body.runs} == {(Pt(16), "仿宋_GB2312")}
    assert body.paragraph_format.first_line_indent == Pt(32)  # two 3号 characters
    item = next(p for p in doc.paragraphs if p.text.startswith("（一）"))
    assert [_ea(r) for r in item.runs] == ["楷体_GB2312", "仿宋_GB2312"]  # run-in heading, then body


def test_every_run_has_an_east_asian_font(demo: Path) -> None:
    doc = open_docx(demo / REPORT)
    parts = [doc.element.body, *(xml(f) for f in _footers(doc))]
    fonts = [f for part in parts for f in run_east_asian_fonts(part)]
    assert fonts and None not in fonts
    normal = doc.styles["Normal"].element.find(qn("w:rPr")).find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_page_numbers_are_page_fields_odd_right_even_left(demo: Path) -> None:
    doc = open_docx(demo / REPORT)
    assert doc.settings.odd_and_even_pages_header_footer
    s = doc.sections[0]
    for footer, align in ((s.footer, WD_ALIGN_PARAGRAPH.RIGHT), (s.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        assert p.alignment == align
        markup = xml(p).xml
        assert "fldCharType=\"begin\"" in markup and "fldCharType=\"end\"" in markup
        instr = "".join(e.text for e in xml(p).iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
        assert p.text == "— 1 —"  # the field's cached result between the 一字线
        assert {(r.font.size, _ea(r)) for r in p.runs} == {(Pt(14), "宋体")}


def test_core_properties_name_the_report(demo: Path) -> None:
    cp = open_docx(demo / REPORT).core_properties
    assert cp.title == "区文化和旅游局2022年选人用人工作报告"
    assert cp.author == "区文化和旅游局"


def test_redacted_twin_masks_names_and_basic_figures(demo: Path) -> None:
    doc = open_docx(demo / PUBLIC)
    ps = texts(doc)
    assert ps[0] == "区**局2022年选人用人工作报告"
    basics = paragraph_after(doc, "一、基本情况", 5)
    assert basics[0] == ("根据三定规定，我局核定行政编制**名，设局长*名、副局长*名，科级领导职数*名，其中科长（主任）*名。"
                         "目前在编**名：局长*名、副局长*名；科长*名、副科长*名；科员*名（一级主任科员*名、二级主任科员*名、"
                         "四级主任科员*名、一级科员*名）。")
    assert basics[1] == ("我局下属事业单位*个：区**馆（全额拨款）核定事业编制*名，其中领导职数*名，目前在编*名；"
                         "区**中心（差额拨款）核定事业编制*名，其中领导职数*名，目前在编*名。")
    assert basics[2] == ("2022年通过严格规范的选拔任用程序，共提拔领导干部*名（**同志提拔为**科科长）；"
                         "任命领导干部*名（**同志由四级主任科员任命为**科副科长）；晋升职级*名（**同志晋升为二级主任科员，"
                         "**同志晋升为四级主任科员）；自聘助理人员*名（**同志自聘为**室主任助理、**同志自聘为区**馆助理）。")
    assert basics[3] == "全年无新进人员，减少人员*名（退休*名：**同志）。"
    # The counts of 二 are masked as those of 一 are; the cohort labels and the hosts (no --redact-hosts) stay.
    assert paragraph_after(doc, "二、主要做法")[0] == (
        "2022年全年提拔任用领导干部*名（提拔*名、任命*名）、晋升职级*名，以上*人中80后、90后干部占***%（80后*名、90后*名）；男性*名、女性*名；"
        "硕士研究生*名、大学本科*名。全年派出*名同志前往区委宣传部、区信息中心等部门交流学习，拓宽思路、提升技能。")
    assert ps[-2] == "中共区**局党组"
    assert len(ps) == len(texts(open_docx(demo / REPORT)))


def test_redacted_twin_leaks_no_name_in_any_part(demo: Path) -> None:
    log = ledger_json(demo / "ledger.sqlite3", "log")
    names = {e["name"] for e in log if e["event"] in ("hired", "assistant_engaged", "unit_established")}
    names |= {e["section"] for e in log if e["event"] == "section_established"}
    assert len(names) > 30
    parts = all_part_texts(demo / PUBLIC)
    assert {"word/document.xml", "docProps/core.xml"} <= set(parts)
    assert any(name.startswith("word/footer") for name in parts)
    for part, markup in parts.items():
        for name in names:
            assert name not in markup and name not in visible_text(markup), f"{name} in {part}"
    # The unredacted report does hold them, so the check above can fail.
    full = visible_text(all_part_texts(demo / REPORT)["word/document.xml"])
    assert "许博文" in full and "旅游发展科" in full


def test_export_refuses_without_a_year_or_with_another_format(demo: Path, tmp_path: Path) -> None:
    store = demo / "ledger.sqlite3"
    r = export(store, "yearly-report", "-o", str(tmp_path / "r.docx"))
    assert r.exit_code == 2 and "needs --year" in r.output
    r = export(store, "yearly-report", "--year", "2022", "-o", str(tmp_path / "r.txt"))
    assert r.exit_code == 2 and "writes docx, json, pdf" in r.output
    r = export(store, "yearly-report", "--year", "2022", "--unit", "NOPE", "-o", str(tmp_path / "r.docx"))
    assert r.exit_code == 1 and "no unit 'NOPE'" in r.output
    assert not list(tmp_path.iterdir())


def test_a_subordinate_unit_can_be_reported_on(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "whg.docx"
    assert export(demo / "ledger.sqlite3", "yearly-report", "--year", "2022", "--unit", "WHG", "-o", str(out)).exit_code == 0
    doc = open_docx(out)
    assert texts(doc)[0] == "区文化馆2022年选人用人工作报告"
    basics = paragraph_after(doc, "一、基本情况", 3)
    assert basics[0].startswith("根据三定规定，我馆核定事业编制8名，科级领导职数1名，其中科长（主任）1名。"
                                "目前在编6名：馆长1名；其他人员5名（")
    assert basics[1] == "我馆无下属事业单位。"
    assert basics[2] == "2022年未提拔任用干部，未晋升职级；自聘助理人员1名（蒋浩同志自聘为区文化馆助理）。"
    assert texts(doc)[-2] == "区文化馆"  # a 事业单位 signs with its own name


def _ea(run) -> str | None:
    rfonts = xml(run).find(qn("w:rPr")).find(qn("w:rFonts"))
    return rfonts.get(qn("w:eastAsia"))


def _footers(doc):
    s = doc.sections[0]
    return [s.footer, s.even_page_footer]


def test_fonts_are_declared_with_fallbacks_and_no_stray_thumbnail(demo: Path) -> None:
    parts = all_part_texts(demo / REPORT)
    fonts = parts["word/fontTable.xml"]
    for name, alt in (("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体"), ("方正小标宋简体", "宋体")):
        assert re.search(rf'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>', fonts), name
    assert "thumbnail" not in parts["_rels/.rels"]


def test_as_of_a_date_in_the_year_counts_up_to_it(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "half.docx"
    r = export(demo / "ledger.sqlite3", "yearly-report", "--as-of", "2022-06-30", "-o", str(out))
    assert r.exit_code == 0, r.output
    basics = paragraph_after(open_docx(out), "一、基本情况", 3)
    assert "目前在编20名：局长1名、副局长4名；" in basics[0]  # the retirement of 2022-10-31 has not happened yet
    assert basics[2] == ("2022年通过严格规范的选拔任用程序，共提拔领导干部1名（许博文同志提拔为旅游发展科科长）；"
                         "任命领导干部1名（林晓同志由四级主任科员任命为旅游发展科副科长）；"
                         "自聘助理人员2名（彭悦同志自聘为办公室主任助理、蒋浩同志自聘为区文化馆助理）。")
    r = export(demo / "ledger.sqlite3", "yearly-report", "--year", "2021", "--as-of", "2022-06-30", "-o", str(out),
               "--force")
    assert r.exit_code == 2 and "is not in --year 2021" in r.output
