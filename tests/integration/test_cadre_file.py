"""The cadre's file through the real CLI: its facts recorded and corrected, the 简历 the ledger writes, the
干部任免审批表 written (.lrmx, .docx) and read back (import-lrmx), and the cadre-layout 花名册 read back."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import orjson
import pytest

from ledger.model.identity import check_character
from tests.conftest import Ledger

ID = "33010219880304" + "003"
ID += check_character(ID)  # a man born 1988-03-04


def bureau(ledger: Ledger) -> None:
    ok = ledger.ok
    ok("org", "unit", "SW", "--name", "区商务局", "--kind", "机关", "--effective", "2018-01-01")
    for section in ("办公室", "外贸科"):
        ok("org", "section", "SW", "--section", section, "--effective", "2018-01-01")
    ok("org", "quota", "SW", "--establishment", "行政编制", "--count", "6", "--effective", "2018-01-01")
    ok("org", "post-quota", "SW", "--post", "科长", "--level", "乡科级正职", "--count", "2", "--effective", "2018-01-01")
    ok("hire", "W1", "--name", "陈东", "--gender", "男", "--birth-date", "1988-03-04", "--unit", "SW", "--section",
       "办公室", "--establishment", "行政编制", "--rank", "一级科员", "--rank-since", "2016-08-01", "--mode", "转任",
       "--effective", "2018-01-01")


def test_every_file_fact_through_its_command_and_through_import(ledger, write_jsonl):
    bureau(ledger)
    ok = ledger.ok
    ok("profile", "W1", "--ethnicity", "汉族", "--native-place", "浙江宁波", "--party", "中共党员", "--party-joined",
       "2009.06", "--work-started", "201008", "--id-number", ID, "--effective", "2018-01-01")
    ok("education", "W1", "--kind", "全日制", "--level", "大学本科", "--degree", "经济学学士", "--school",
       "浙江大学经济学院国际贸易专业", "--graduated", "2010年7月", "--effective", "2018-01-01")
    ok("confer", "W1", "--title", "经济师", "--grade", "中级", "--effective", "2019-11-01")
    ok("appraise", "W1", "--year", "2018", "--grade", "优秀", "--effective", "2019-01-20")
    ok("award", "W1", "--text", "被评为全区优秀公务员", "--effective", "2019-06-30")
    ok("discipline", "W1", "--text", "受到诫勉", "--effective", "2020-03-01")
    ok("career", "W1", "--from-month", "2006.09", "--to-month", "2010.07", "--text", "浙江大学国际贸易专业学习",
       "--effective", "2018-01-01")
    ok("import", str(write_jsonl([
        {"event": "appraised", "person": "W1", "year": 2019, "grade": "称职", "effective": "2020-01-20"},
        {"event": "education_recorded", "person": "W1", "kind": "在职", "level": "硕士研究生", "degree": "经济学硕士",
         "school": "浙江工商大学", "graduated": "2021.06", "effective": "2021-07-01"},
        {"event": "career_recorded", "person": "W1", "from_month": "201008", "to_month": "2017.12",
         "text": "区发改局科员", "effective": "2018-01-01"}])))
    events = {e["event"] for e in ledger.json("log")}
    assert {"profile_recorded", "education_recorded", "title_conferred", "appraised", "award_recorded",
            "discipline_recorded", "career_recorded"} <= events
    # the roster's 学历 follows the highest recorded
    assert ledger.json("roster", "--as-of", "2021-12-31")["people"][0]["education"] == "硕士研究生"
    # the 身份证号 is masked unless asked for
    profile = next(e for e in ledger.json("history", "W1") if e["event"] == "profile_recorded")
    assert profile["id_number"] == ID[:3] + "*" * 11 + ID[-4:]
    assert next(e for e in ledger.json("log", "--show-id-number") if e["event"] == "profile_recorded")[
        "id_number"] == ID
    assert ID not in ledger("log", "--json").stdout


@pytest.mark.parametrize(("args", "words"), [
    (("appraise", "W1", "--year", "2018", "--grade", "称职", "--effective", "2019-02-01"), "already appraised"),
    (("appraise", "W1", "--year", "2020", "--grade", "称职", "--effective", "2019-02-01"), "cannot take effect"),
    (("profile", "W1", "--id-number", ID[:-1] + ("0" if ID[-1] != "0" else "1"), "--effective", "2019-01-01"),
     "check character"),
    (("profile", "W1", "--party-joined", "2025.01", "--effective", "2019-01-01"), "after the fact's effective"),
    (("profile", "W1", "--effective", "2019-01-01"), "at least one"),
    (("career", "W1", "--from-month", "2012.01", "--to-month", "2011.01", "--text", "x", "--effective",
      "2019-01-01"), "before from_month"),
])
def test_a_file_fact_that_cannot_be_is_refused_and_nothing_written(sqlite_ledger, args, words):
    bureau(sqlite_ledger)
    sqlite_ledger.ok("appraise", "W1", "--year", "2018", "--grade", "优秀", "--effective", "2019-01-20")
    before = sqlite_ledger.event_count()
    r = sqlite_ledger(*args)
    assert r.exit_code == 1 and words in r.stderr and "Traceback" not in r.output
    assert sqlite_ledger.event_count() == before


def test_resume_with_a_back_dated_transfer_and_a_retracted_promotion(sqlite_ledger):
    ledger = sqlite_ledger
    bureau(ledger)
    ledger.ok("career", "W1", "--from-month", "2010.08", "--text", "区发改局科员", "--effective", "2018-01-01")
    wrong = ledger.ok("promote", "W1", "--rank", "四级主任科员", "--effective", "2020-06-01").stdout.strip()
    ledger.ok("second", "W1", "--host", "区委宣传部", "--kind", "挂职", "--effective", "2021-03-01")
    ledger.ok("return", "W1", "--effective", "2021-09-01")
    ledger.ok("appoint", "W1", "--post", "科长", "--section", "外贸科", "--effective", "2022-01-10")
    ledger.ok("retract", wrong, "--reason", "promotion entered for the wrong person")
    ledger.ok("transfer", "W1", "--section", "外贸科", "--effective", "2019-07-01")  # recorded late
    found = ledger.json("resume", "W1", "--as-of", "2022-12-31")
    assert found["text"] == [
        "2010.08--2018.01  区发改局科员",
        "2018.01--2019.07  区商务局办公室一级科员",
        "2019.07--2022.01  区商务局外贸科一级科员",
        "                  （其间：2021.03--2021.09 在区委宣传部挂职）",
        "2022.01--         区商务局外贸科科长（一级科员）",
    ]
    assert [x["source"] for x in found["lines"]] == ["career", "ledger", "ledger", "ledger"]
    # as the ledger held it in 2019, the line open then ends with blanks
    assert ledger.json("resume", "W1", "--as-of", "2019-08-01")["text"][-1] == "2019.07--         区商务局外贸科一级科员"


def _filled(ledger: Ledger) -> None:
    bureau(ledger)
    ledger.ok("profile", "W1", "--ethnicity", "汉族", "--native-place", "浙江宁波", "--birthplace", "浙江杭州",
              "--party-joined", "2009.06", "--work-started", "2010.08", "--health", "健康", "--specialty", "外贸管理",
              "--id-number", ID, "--effective", "2018-01-01")
    ledger.ok("education", "W1", "--kind", "全日制", "--level", "大学本科", "--degree", "经济学学士", "--school",
              "浙江大学国际贸易专业", "--effective", "2018-01-01")
    ledger.ok("career", "W1", "--from-month", "2010.08", "--to-month", "2017.12", "--text", "区发改局科员",
              "--effective", "2018-01-01")
    for year, grade in ((2019, "称职"), (2020, "优秀"), (2021, "称职")):
        ledger.ok("appraise", "W1", "--year", str(year), "--grade", grade, "--effective", f"{year + 1}-01-20")


def test_the_form_written_as_lrmx_reads_back_with_the_same_values(ledger, tmp_path):
    from ledger.io.lrmx import ELEMENTS, read_lrmx

    _filled(ledger)
    out = tmp_path / "陈东.lrmx"
    ledger.ok("export", "appointment-form", "--person", "W1", "--as-of", "2022-12-31", "--proposed-post",
              "外贸科科长", "--reason", "工作需要", "--show-id-number", "-o", str(out))
    form = read_lrmx(out.read_bytes(), out.name)
    assert list(form.values) == list(ELEMENTS)
    v = form.values
    assert (v["XingMing"], v["ChuShengNianYue"], v["MinZu"], v["RuDangShiJian"], v["ShenFenZheng"]) == \
        ("陈东", "198803", "汉族", "200906", ID)
    assert v["JianLi"].split("\r\n") == ["2010.08--2017.12  区发改局科员", "2018.01--         区商务局办公室一级科员"]
    assert v["NianDuKaoHeJieGuo"] == "2019年度称职；2020年度优秀；2021年度称职"
    assert (v["NiRenZhiWu"], v["RenMianLiYou"], v["JiSuanNianLingShiJian"], v["Version"]) == \
        ("外贸科科长", "工作需要", "20221231", "3.2.1.0")
    assert form.profile["id_number"] == ID and form.career[0] == {"from_month": "2010-08", "to_month": "2017-12",
                                                                 "text": "区发改局科员"}
    # without --show-id-number the number is masked; --redact is refused
    ledger.ok("export", "appointment-form", "--person", "W1", "--as-of", "2022-12-31", "-o", str(out), "--force")
    masked = out.read_bytes()
    assert ID.encode() not in masked
    r = ledger("export", "appointment-form", "--person", "W1", "--redact", "-o", str(out), "--force")
    assert r.exit_code == 2 and "cannot redact" in r.stderr and out.read_bytes() == masked


def test_the_form_as_docx_is_the_official_table(sqlite_ledger, tmp_path):
    _filled(sqlite_ledger)
    out = tmp_path / "form.docx"
    sqlite_ledger.ok("export", "appointment-form", "--person", "W1", "--as-of", "2022-12-31", "-o", str(out))
    d = docx.Document(str(out))
    assert d.paragraphs[0].text == "干部任免审批表"
    front, back = d.tables[0], d.tables[1]
    cells = [c.text for r in front.rows for c in r.cells]
    assert "陈东" in cells and "1988.03\n（34岁）" in cells and "区商务局办公室一级科员" in cells
    assert any(c.startswith("2010.08--2017.12  区发改局科员") for c in cells)
    assert "2019年度称职；2020年度优秀；2021年度称职" in [c.text for r in back.rows for c in r.cells]
    section = d.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297


HAND_WRITTEN = """<?xml version="1.0" encoding="UTF-8"?>
<Person>
  <XingMing>陈东</XingMing><XingBie>男</XingBie><ChuShengNianYue>198803</ChuShengNianYue><MinZu>回族</MinZu>
  <JiGuan>浙江宁波</JiGuan><RuDangShiJian>200906</RuDangShiJian><CanJiaGongZuoShiJian>201008</CanJiaGongZuoShiJian>
  <ZhuanYeJiShuZhiWu>高级经济师</ZhuanYeJiShuZhiWu>
  <QuanRiZhiJiaoYu_XueLi>大学</QuanRiZhiJiaoYu_XueLi><QuanRiZhiJiaoYu_XueWei>经济学学士</QuanRiZhiJiaoYu_XueWei>
  <QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi>浙江大学国际贸易专业</QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi>
  <JianLi>2006.09--2010.07  浙江大学国际贸易专业学习&#13;
2010.08--2017.12  区发改局科员&#13;
                  （其间：2015.03--2016.03 在某县挂职）&#13;
2018.01--         区商务局办公室一级科员</JianLi>
  <TianBiaoShiJian>20230315</TianBiaoShiJian><ShenFenZheng>{id}</ShenFenZheng>
</Person>
"""


def test_import_lrmx_of_a_form_written_by_hand_fills_the_file_once(sqlite_ledger, tmp_path):
    bureau(sqlite_ledger)
    form = tmp_path / "陈东.lrmx"
    form.write_text(HAND_WRITTEN.replace("{id}", ID), encoding="utf-8")
    r = sqlite_ledger.ok("import-lrmx", str(form))
    assert "W1" in r.stdout and "5 facts recorded" in r.stdout
    file = {e["event"]: e for e in sqlite_ledger.json("history", "W1", "--show-id-number")}
    assert file["profile_recorded"]["ethnicity"] == "回族" and file["profile_recorded"]["id_number"] == ID
    assert file["profile_recorded"]["effective"] == "2023-03-15"
    assert file["title_conferred"]["grade"] == "副高"
    assert sqlite_ledger.json("resume", "W1", "--as-of", "2023-06-30")["text"][:3] == [
        "2006.09--2010.07  浙江大学国际贸易专业学习",
        "2010.08--2017.12  区发改局科员 （其间：2015.03--2016.03 在某县挂职）",
        "2018.01--         区商务局办公室一级科员"]
    again = sqlite_ledger.ok("import-lrmx", str(form))
    assert "0 facts recorded" in again.stdout


@pytest.mark.parametrize(("text", "words"), [
    ("not xml at all", "not an XML form"),
    ("<?xml version='1.0'?><Roster><XingMing>陈东</XingMing></Roster>", "root element is <Roster>"),
    ("<Person><XingMing>陈东</XingMing><ChuShengNianYue>198813</ChuShengNianYue></Person>",
     "ChuShengNianYue: '198813' is an impossible month"),
    ('<?xml version="1.0"?><!DOCTYPE Person [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
     '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><Person><XingMing>&c;</XingMing></Person>', "declares a DOCTYPE"),
    # a bare DOCTYPE, no entity (was accepted: README says a DTD is refused), and one naming an outside file
    ('<?xml version="1.0"?><!DOCTYPE Person><Person><XingMing>陈东</XingMing></Person>',
     "bad.lrmx: the form declares a DOCTYPE"),
    ('<?xml version="1.0"?><!DOCTYPE Person SYSTEM "http://evil.example/p.dtd"><Person><XingMing>陈东</XingMing>'
     '</Person>', "bad.lrmx: the form declares a DOCTYPE"),
    ("<Person><XingMing>无名氏</XingMing><ChuShengNianYue>198803</ChuShengNianYue></Person>", "never a hire"),
])
def test_a_bad_form_is_refused_naming_what_is_wrong(sqlite_ledger, tmp_path, text, words):
    bureau(sqlite_ledger)
    before = sqlite_ledger.event_count()
    form = tmp_path / "bad.lrmx"
    form.write_text(text, encoding="utf-8")
    r = sqlite_ledger("import-lrmx", str(form))
    assert r.exit_code == 1 and words in r.stderr and "Traceback" not in r.output
    assert sqlite_ledger.event_count() == before


def test_an_ambiguous_person_is_refused_listing_the_candidates(sqlite_ledger, tmp_path):
    bureau(sqlite_ledger)
    sqlite_ledger.ok("hire", "W2", "--name", "陈东", "--gender", "男", "--birth-date", "1988-03-20", "--unit", "SW",
                     "--establishment", "行政编制", "--rank", "一级科员", "--mode", "转任", "--effective", "2018-01-01")
    form = tmp_path / "陈东.lrmx"
    form.write_text(HAND_WRITTEN.replace("<ShenFenZheng>{id}</ShenFenZheng>", ""), encoding="utf-8")
    r = sqlite_ledger("import-lrmx", str(form))
    assert r.exit_code == 1 and "W1 陈东" in r.stderr and "W2 陈东" in r.stderr
    assert "facts recorded" in sqlite_ledger.ok("import-lrmx", str(form), "--person", "W2").stdout


def test_the_cadre_roster_is_read_back_by_import_roster(sqlite_ledger, tmp_path):
    _filled(sqlite_ledger)
    sqlite_ledger.ok("appoint", "W1", "--post", "科长", "--section", "外贸科", "--effective", "2022-01-10")
    sqlite_ledger.ok("second", "W1", "--host", "区委宣传部", "--kind", "学习", "--until", "2023-03-31",
                     "--effective", "2022-11-01")
    out = tmp_path / "干部花名册.xlsx"
    sqlite_ledger.ok("roster", "--as-of", "2022-12-31", "--layout", "cadre", "--format", "xlsx", "-o", str(out))
    sheet = openpyxl.load_workbook(out).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:7] == ["姓名", "现任职务", "性别", "民族", "籍贯", "全日制教育", None]
    assert rows[1][5:9] == ["学历", "毕业院校及专业", "学历", "毕业院校及专业"]
    assert rows[2][:2] == ["陈东", "办公室外贸科科长（一级科员）"] or rows[2][1] == "外贸科科长（一级科员）"

    fresh = Ledger(str(tmp_path / "new.sqlite3"))
    fresh.ok("org", "unit", "SW", "--name", "区商务局", "--kind", "机关", "--effective", "2018-01-01")
    for section in ("办公室", "外贸科"):
        fresh.ok("org", "section", "SW", "--section", section, "--effective", "2018-01-01")
    fresh.ok("org", "quota", "SW", "--establishment", "行政编制", "--count", "6", "--effective", "2018-01-01")
    fresh.ok("org", "post-quota", "SW", "--post", "科长", "--level", "乡科级正职", "--count", "2", "--effective",
             "2018-01-01")
    fresh.ok("import-roster", str(out), "--as-of", "2023-01-01")
    again = tmp_path / "again.xlsx"
    fresh.ok("roster", "--as-of", "2023-01-01", "--layout", "cadre", "--format", "xlsx", "-o", str(again))
    assert [list(r) for r in openpyxl.load_workbook(again).active.iter_rows(values_only=True)] == rows
    person = fresh.json("roster", "--as-of", "2023-01-01")["people"][0]
    assert (person["rank"], person["posts"], person["secondment"]["host"]) == \
        ("一级科员", [{"post": "科长", "section": "外贸科"}], "区委宣传部")


def test_the_cadre_roster_as_docx_is_landscape(sqlite_ledger, tmp_path):
    _filled(sqlite_ledger)
    out = tmp_path / "干部花名册.docx"
    sqlite_ledger.ok("roster", "--as-of", "2022-12-31", "--layout", "cadre", "--format", "docx", "-o", str(out))
    d = docx.Document(str(out))
    assert d.sections[0].page_width > d.sections[0].page_height
    assert [c.text for c in d.tables[0].rows[2].cells][:3] == ["陈东", "办公室一级科员", "男"]


def test_the_yearly_report_says_plainly_whose_education_is_not_registered(sqlite_ledger, tmp_path):
    bureau(sqlite_ledger)
    sqlite_ledger.ok("hire", "W3", "--name", "林立", "--gender", "女", "--birth-date", "1992-02-02", "--unit", "SW",
                     "--establishment", "行政编制", "--rank", "一级科员", "--rank-since", "2018-01-01", "--mode", "转任",
                     "--effective", "2018-01-01")
    sqlite_ledger.ok("education", "W1", "--kind", "全日制", "--level", "研究生", "--effective", "2018-01-01")
    for pid in ("W1", "W3"):
        sqlite_ledger.ok("promote", pid, "--rank", "四级主任科员", "--effective", "2022-03-01")
    out = tmp_path / "report.docx"
    sqlite_ledger.ok("export", "yearly-report", "--year", "2022", "-o", str(out))
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "男性1名、女性1名；硕士研究生1名，另有1名学历未登记。" in text
    assert "未记录" not in text


def test_cadre_file_json_shape(sqlite_ledger):
    _filled(sqlite_ledger)
    found = orjson.loads(sqlite_ledger.ok("resume", "W1", "--json").stdout)
    assert set(found) == {"person", "name", "as_of", "lines", "text"}
    assert set(found["lines"][0]) == {"from", "to", "text", "source", "during"}


def test_clerks_guide_shows_the_resume_the_ledger_writes() -> None:
    readme = (Path(__file__).resolve().parents[2] / "docs" / "clerks-guide.md").read_text(encoding="utf-8")
    assert "ledger resume" in readme and "ledger export appointment-form" in readme and "import-lrmx" in readme
