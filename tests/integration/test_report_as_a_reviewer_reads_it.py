"""The yearly report as an organisation department's reviewer reads it, read back from the .docx: addressed and
signed where GB/T 9704 puts it, headings at their levels and fonts and never alone at a page's foot, no leftover
template parts, the year's checks said honestly; its figures as JSON; the 评议 loop (评议表 → results → next
year's report); the 公开版's masking; and the other documents' layout fixes. On the demo and on another bureau.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import load_workbook

from cli.main import cli
from tests.conftest import Ledger
from tests.docx_reading import open_docx, paragraph_after, texts, xml
from tests.scenarios import ev, hire
from tests.selection_bureau import selection_path, vacancy_bureau

NARRATIVE = """## 主要做法

### 坚持标准

1. **严把政治关。** 志存高远，脚踏实地。高远同志（P14，电话13812345678，身份证号110101199003071234）表现突出。
(1) 第一小项。

2. **严把廉洁关。** 由梁宇担任联络员。

## 存在问题

干部交流不足。

## 下步打算

1. **加强交流。** 选派干部到区委宣传部学习。
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Ledger:
    folder = tmp_path_factory.mktemp("demo")
    r = CliRunner().invoke(cli, ["--actor", "tester", "demo", str(folder)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return Ledger(str(folder / "ledger.sqlite3"))


def _report(ledger: Ledger, tmp_path: Path, *args: str, name: str = "r.docx", narrative: str = NARRATIVE):
    md = tmp_path / "n.md"
    md.write_text(narrative, encoding="utf-8")
    out = tmp_path / name
    r = ledger.ok("export", "yearly-report", "--narrative", str(md), "-o", str(out), "--force", *args)
    return open_docx(out), r


def _ea(run) -> str:
    from docx.oxml.ns import qn

    return xml(run).find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_addressed_and_signed_where_gbt9704_puts_them(demo: Ledger, tmp_path: Path) -> None:
    doc, _ = _report(demo, tmp_path, "--year", "2022", "--to", "中共某某区委组织部", "--signed-by",
                     "中共区文化和旅游局党组", "--date", "2023-01-09")
    ps = doc.paragraphs
    # 主送机关: under the title's empty line, flush left, ending with a full-width colon.
    assert [ps[0].text, ps[1].text, ps[2].text] == ["区文化和旅游局2022年选人用人工作报告", "", "中共某某区委组织部："]
    assert not ps[2].paragraph_format.first_line_indent and ps[2].alignment == WD_ALIGN_PARAGRAPH.LEFT
    # 发文机关署名 and 成文日期 at the end: an empty line for the seal, the date 右空四字 in Arabic numerals, the
    # signer centred over the date.
    blank, signer, dated = ps[-3], ps[-2], ps[-1]
    assert blank.text == "" and (signer.text, dated.text) == ("中共区文化和旅游局党组", "2023年1月9日")
    assert signer.alignment == dated.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    char = dated.paragraph_format.right_indent.pt / 4
    assert 15.5 <= char <= 16  # four 3号 characters (condensed to 28 a line)
    date_width, signer_width = 3 + 4 * 0.5 + 1 * 0.5 + 1 * 0.5, 11  # 年月日 and the half-width digits
    centre = (4 + (date_width - signer_width) / 2) * char
    assert signer.paragraph_format.right_indent.pt == pytest.approx(max(centre, 0), abs=0.1)
    assert signer.paragraph_format.keep_with_next and blank.paragraph_format.keep_with_next
    assert {(r.font.size, _ea(r)) for r in [*signer.runs, *dated.runs]} == {(Pt(16), "仿宋_GB2312")}


def test_defaults_come_from_the_store_settings_and_the_unit(tmp_path: Path, write_jsonl) -> None:
    ledger = Ledger(str(tmp_path / "sw" / "ledger.sqlite3"))
    (tmp_path / "sw").mkdir()
    ledger.ok("import", str(write_jsonl(vacancy_bureau())))
    doc, _ = _report(ledger, tmp_path, "--year", "2022", narrative="")
    assert doc.paragraphs[2].text == "区委组织部：" and doc.paragraphs[-2].text == "中共区水务局党组"
    (tmp_path / "sw" / "ledger.toml").write_text('[report]\nto = "中共甲区委组织部"\nsigned_by = "中共甲区水务局党组"\n',
                                                 encoding="utf-8")
    doc, _ = _report(ledger, tmp_path, "--year", "2022", narrative="")
    assert doc.paragraphs[2].text == "中共甲区委组织部：" and doc.paragraphs[-2].text == "中共甲区水务局党组"


def test_heading_levels_fonts_and_keep_with_next(demo: Ledger, tmp_path: Path) -> None:
    doc, _ = _report(demo, tmp_path, "--year", "2022")
    by_start = {p.text[:3]: p for p in doc.paragraphs}
    heading1 = next(p for p in doc.paragraphs if p.text == "二、主要做法")
    assert [_ea(r) for r in heading1.runs] == ["黑体"] and heading1.paragraph_format.keep_with_next
    heading2 = next(p for p in doc.paragraphs if p.text == "（一）坚持标准")  # ### → （一）, 楷体, alone: kept with next
    assert [_ea(r) for r in heading2.runs] == ["楷体_GB2312"] and heading2.paragraph_format.keep_with_next
    item3 = by_start["1.严"]  # a numbered item under it → 1., 仿宋 run-in
    assert item3.text.startswith("1.严把政治关。志存高远") and {_ea(r) for r in item3.runs} == {"仿宋_GB2312"}
    item4 = by_start["（1）"]  # a (1) item under a 1. item → （1）, 仿宋
    assert item4.text == "（1）第一小项。" and {_ea(r) for r in item4.runs} == {"仿宋_GB2312"}
    assert by_start["2.严"].text.startswith("2.严把廉洁关。")  # numbered afresh under its parent
    plan = paragraph_after(doc, "四、下步打算")[0]
    assert plan == "（一）加强交流。选派干部到区委宣传部学习。"  # without ###, a section's items are （一）
    plan_p = next(p for p in doc.paragraphs if p.text == plan)
    assert [_ea(r) for r in plan_p.runs] == ["楷体_GB2312", "仿宋_GB2312"]
    for p in doc.paragraphs:
        if re.fullmatch(r"[一二三四]、.*", p.text):
            assert p.paragraph_format.keep_with_next, p.text


def test_no_leftover_template_parts(demo: Ledger, tmp_path: Path) -> None:
    _report(demo, tmp_path, "--year", "2022")
    with zipfile.ZipFile(tmp_path / "r.docx") as z:
        names = z.namelist()
        app = z.read("docProps/app.xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
    assert not [n for n in names if n.startswith("customXml")] and "customXml" not in rels
    assert "Microsoft" not in app and "<Application>personnel-ledger</Application>" in app
    assert "<Pages>" not in app and "<Template>" not in app


def test_the_year_s_checks_are_said_honestly_and_warned_about(tmp_path: Path, write_jsonl) -> None:
    """Another bureau's 2023: a 提拔 through a selection decided with too few members present and publicised for
    four working days: the report says what is open, claims no 严格规范, and `export` warns."""
    ledger = Ledger(str(tmp_path / "ledger.sqlite3"))
    ledger.ok("import", str(write_jsonl([
        *vacancy_bureau(), *selection_path(present=4, members=7),
        ev("post_appointed", "2023-04-17", person="K1", post="科长", section="工程科", selection="SW2023-01",
           publicity_from="2023-04-04", publicity_to="2023-04-10"),
        ev("post_vacated", "2023-04-17", person="K1", post="副科长", section="综合科"),
        hire("K4", "林木", "SW", "一级科员", "2023-08-01", section="工程科", mode="录用", birth_date="2000-01-01"),
        ev("separated", "2023-10-31", person="K2", reason="调出"),
    ])))
    doc, r = _report(ledger, tmp_path, "--year", "2023", narrative="")
    basics = paragraph_after(doc, "一、基本情况", 5)
    assert basics[2] == "2023年共提拔领导干部1名（田野同志由综合科副科长提拔为工程科科长）。"  # no 严格规范
    assert basics[3] == "全年新进人员1名（录用1名：林木同志），减少人员1名（调出1名：江河同志）。"
    assert basics[4] == ("经人事台账核查：任前公示方面存在任前公示不足5个工作日1项；选拔程序方面存在讨论决定到会成员不足"
                         "三分之二1项；试用期满的干部均已按期考核；年末无超编、超职数配备情况。")  # no 整改 on record
    assert "严格规范" not in "".join(texts(doc))
    assert "Warning: the 2023 report states 2 open finding(s)" in r.stderr
    assert "PUBLICITY_SHORT" in r.stderr and "DECISION_QUORUM" in r.stderr
    # The report's checks, read through the fact index, are `ledger check`'s for the year.
    check = orjson.loads(ledger("check", "--as-of", "2023-12-31", "--json").stdout)["findings"]
    from ledger.app import Queries, open_ledger

    app = open_ledger(ledger.store)
    try:
        assert [x.as_json() for x in Queries(app).year_findings(2023)] == check
    finally:
        app.close()


def test_figures_as_json_for_auditors(demo: Ledger, tmp_path: Path) -> None:
    r = demo.ok("export", "yearly-report", "--year", "2022", "--format", "json", "--date", "2023-01-09")
    data = orjson.loads(r.stdout)  # no -o: on stdout
    roster = demo.json("roster", "--as-of", "2022-12-31", "--unit", "JU")
    assert data["filled"] == len(roster["people"]) == 19
    assert [(a["name"], a["kind"]) for a in data["appointments"]] == [("许博文", "提拔"), ("林晓", "任命")]
    assert [p["name"] for p in data["rank_promotions"]] == ["高远", "罗佳", "梁宇"]
    assert [(m["name"], m["way"]) for m in data["ways_out"]] == [("孙立军", "退休")] and data["ways_in"] == []
    assert data["promoted"]["born_1980_or_later_percent"] == 100 and data["findings"] == []
    assert (data["to"], data["signed_by"], data["date"]) == ("中共某某区委组织部", "中共区文化和旅游局党组", "2023-01-09")
    out = tmp_path / "figures.json"
    demo.ok("export", "yearly-report", "--year", "2022", "--date", "2023-01-09", "-o", str(out))
    assert orjson.loads(out.read_bytes()) == data


def test_pdf_through_libreoffice_or_a_clear_error(demo: Ledger, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "r.pdf"
    if shutil.which("soffice") or shutil.which("libreoffice"):
        demo.ok("export", "yearly-report", "--year", "2022", "-o", str(out))
        assert out.read_bytes()[:5] == b"%PDF-"
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    r = demo("export", "yearly-report", "--year", "2022", "-o", str(tmp_path / "x.pdf"))
    assert r.exit_code == 1 and "needs LibreOffice (soffice), which is not installed" in r.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_the_review_form_lists_exactly_the_year_s_promotions(demo: Ledger, tmp_path: Path) -> None:
    """The demo's 2022 评议表: the whole work, then each 新选拔任用的领导干部 — the 提拔 of 许博文 and the first
    leadership post of 林晓 (a 任命) — not the 职级晋升s (docs/domain.md §8), in .docx and .xlsx."""
    expected = [["一", "2022年度选人用人工作总体情况", "", "", ""],
                ["1", "许博文", "二级主任科员", "旅游发展科科长", "2022.05（提拔）"],
                ["2", "林晓", "四级主任科员", "旅游发展科副科长", "2022.05（任命）"]]
    demo.ok("export", "review-form", "--year", "2022", "-o", str(tmp_path / "f.docx"))
    doc = open_docx(tmp_path / "f.docx")
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[0][-4:] == ["满意", "基本满意", "不满意", "不了解"]
    assert [row[:5] for row in rows[1:]] == expected and all(row[5:] == [""] * 4 for row in rows[1:])
    assert doc.paragraphs[0].text == "区文化和旅游局2022年度选人用人工作民主评议表"
    assert doc.sections[0].orientation == WD_ORIENT.LANDSCAPE
    demo.ok("export", "review-form", "--year", "2022", "-o", str(tmp_path / "f.xlsx"))
    sheet = load_workbook(tmp_path / "f.xlsx").active
    values = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert values[0][-4:] == ["满意", "基本满意", "不满意", "不了解"]
    assert [list(row[:5]) for row in values[1:]] == expected


def test_last_year_s_review_appears_in_the_next_report(demo: Ledger, tmp_path: Path) -> None:
    doc, _ = _report(demo, tmp_path, "--year", "2023", narrative="")
    reviews = paragraph_after(doc, "二、主要做法", 2)[1]
    # 38+4 of 44; the two cadres: (39+3 + 36+5) of 88; the lowest 41 of 44.
    assert reviews == ("2022年度选人用人工作民主评议中，满意38票、基本满意4票、不满意0票、不了解2票，满意和基本满意率为"
                       "95.5%；对2022年新提拔任用的2名干部逐一评议，满意和基本满意率合计为94.3%，最低为93.2%。"
                       "2023年1月20日，评议结果已向干部本人反馈。")  # the feedback on record, and no 整改 (none is)
    assert not any("民主评议中" in t for t in texts(_report(demo, tmp_path, "--year", "2022", narrative="")[0]))


def test_the_public_version_leaks_no_count_and_over_masks_no_word(demo: Ledger, tmp_path: Path) -> None:
    doc, _ = _report(demo, tmp_path, "--year", "2022", "--redact", "--redact-hosts", "--date", "2023-01-09",
                     name="public.docx")
    body = "\n".join(texts(doc))
    # Names as whole words: 志存高远 stays; 高远同志 and 由梁宇担任 do not; ids, phones and 身份证号 are masked.
    assert "志存高远，脚踏实地。**同志（***，电话***********，身份证号******************）表现突出。" in body
    assert "由**担任联络员" in body
    assert "区委**部" in body and "宣传部" not in body  # --redact-hosts: the hosts too
    # No count: every digit left (headings' numbers aside) is a year, a cohort's label or the 成文日期.
    allowed = {"2022", "2023", "80", "90", "1", "9"}
    digits = {d for t in texts(doc) for d in re.findall(r"\d+", re.sub(r"^(\d+\.|（\d+）)", "", t))}
    assert digits <= allowed, digits - allowed
    assert "2023年1月9日" in body
    full = "\n".join(texts(_report(demo, tmp_path, "--year", "2022", name="full.docx")[0]))
    assert "高远同志（P14，电话13812345678" in full


def test_roster_docx_is_landscape_with_months_and_unbroken_terms(demo: Ledger, tmp_path: Path) -> None:
    from exporters.gbt9704 import text_chars

    out = tmp_path / "roster.docx"
    demo.ok("export", "roster", "--as-of", "2022-12-31", "-o", str(out))
    doc = open_docx(out)
    assert doc.sections[0].orientation == WD_ORIENT.LANDSCAPE and doc.sections[0].page_width > doc.sections[0].page_height
    table = doc.tables[0]
    headers = [c.text for c in table.rows[0].cells]
    born = headers.index("出生年月")
    assert [r.cells[born].text for r in table.rows[1:3]] == ["1968.03", "1972.08"]
    for row in table.rows:
        for cell in row.cells:
            size = next((r.font.size.pt for p in cell.paragraphs for r in p.runs if r.text), None)
            if size is None:
                continue
            room = cell.width.pt - 2 * 2.83  # 1 mm cell margins a side
            assert text_chars(cell.text) * size <= room, (cell.text, size, cell.width.mm)
