"""A bureau that is not the demo: its 2022 report's 基本情况 must be right, facts recorded late and corrected included.

区市场监督管理局 (SJ) with two subordinate units. Its history is recorded in three sittings:
1. the structure, the staff, and the 2022 facts known at the time (one promotion entered with a wrong date);
2. weeks later: a promotion that had been missed (back-dated into 2022), the wrong date retracted and re-entered
   (still in 2022), and a December promotion moved to January 2023;
3. nothing else — the report must count each promotion once, by the date it now has.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from ledger.app.ledger import open_ledger
from ledger.model.facts import Draft
from tests.conftest import Ledger, as_each_test_runs, module_store
from tests.docx_reading import all_part_texts, open_docx, paragraph_after, visible_text

PEOPLE = {  # person: (name, gender, birth, education, unit, section, establishment, rank, rank_since)
    "S01": ("赵国栋", "男", "1969-02-11", "硕士研究生", "SJ", None, "行政编制", "一级调研员", "2016-01-01"),
    "S02": ("钱卫东", "男", "1973-05-02", "大学本科", "SJ", None, "行政编制", "四级调研员", "2017-01-01"),
    "S03": ("孙丽华", "女", "1975-08-19", "大学本科", "SJ", None, "行政编制", "三级调研员", "2018-03-01"),
    "S04": ("李明哲", "男", "1979-12-30", "大学本科", "SJ", "综合科", "行政编制", "一级主任科员", "2017-06-01"),
    "S05": ("周文静", "女", "1982-04-07", "硕士研究生", "SJ", "信用监管科", "行政编制", "三级主任科员", "2018-06-01"),
    "S06": ("吴俊峰", "男", "1978-10-10", "大专", "SJ", "食品安全科", "行政编制", "四级主任科员", "2016-01-01"),
    "S07": ("郑雨桐", "女", "1995-01-21", "大学本科", "SJ", "法制科", "行政编制", "一级科员", "2019-06-01"),
    "S08": ("王思远", "男", "1985-03-15", "硕士研究生", "SJ", "信用监管科", "行政编制", "三级主任科员", "2018-01-01"),
    "S09": ("冯晓梅", "女", "1983-07-07", "大学本科", "SJ", "综合科", "行政编制", "二级主任科员", "2019-01-01"),
    "S10": ("陈浩然", "男", "1992-09-09", "大学本科", "SJ", "食品安全科", "行政编制", "一级科员", "2018-08-01"),
    "S12": ("卫建华", "男", "1962-06-01", "大专", "SJ", "综合科", "行政编制", "四级主任科员", "2015-01-01"),
    "S13": ("蒋秀英", "女", "1976-03-03", "大学本科", "SJ", "法制科", "行政编制", "一级主任科员", "2018-01-01"),
    "S14": ("沈嘉豪", "男", "1990-11-11", "大学本科", "SJ", "信用监管科", "行政编制", "四级主任科员", "2019-01-01"),
    "X01": ("秦海波", "男", "1977-01-05", "大学本科", "XBZX", None, "事业编制", "七级职员", "2016-01-01"),
    "X02": ("尤佳", "女", "1988-02-02", "大学本科", "XBZX", None, "事业编制", "九级职员", "2017-01-01"),
    "J01": ("韩志刚", "男", "1974-04-04", "大学本科", "JCS", None, "事业编制", "七级职员", "2015-01-01"),
    "J02": ("杨帆", "男", "1991-06-06", "大学本科", "JCS", None, "事业编制", "九级职员", "2017-01-01"),
    "J03": ("朱丹", "女", "1993-03-30", "硕士研究生", "JCS", None, "事业编制", "专业技术十级", "2019-01-01"),
}


def _structure() -> list[Draft]:
    d = "2020-01-01"
    out = [
        Draft("unit_established", {"unit": "SJ", "name": "区市场监督管理局", "kind": "机关", "effective": d}),
        *[Draft("section_established", {"unit": "SJ", "section": s, "effective": d}) for s in ("综合科", "信用监管科", "食品安全科", "法制科")],
        Draft("quota_set", {"unit": "SJ", "establishment": "行政编制", "count": 30, "effective": d}),
        Draft("quota_set", {"unit": "SJ", "establishment": "行政编制", "count": 28, "effective": "2022-03-01"}),
        *[Draft("post_quota_set", {"unit": "SJ", "post": p, "level": lv, "count": n, "effective": d})
          for p, lv, n in (("局长", "县处级正职", 1), ("副局长", "县处级副职", 3), ("科长", "乡科级正职", 4), ("副科长", "乡科级副职", 4))],
        Draft("unit_established", {"unit": "XBZX", "name": "区消费者权益保护中心", "kind": "事业单位", "parent": "SJ",
                                   "funding": "自收自支", "effective": d}),
        Draft("quota_set", {"unit": "XBZX", "establishment": "事业编制", "count": 5, "effective": d}),
        Draft("post_quota_set", {"unit": "XBZX", "post": "主任", "level": "乡科级正职", "count": 1, "effective": d}),
        Draft("unit_established", {"unit": "JCS", "name": "区检验检测所", "kind": "事业单位", "parent": "SJ",
                                   "funding": "差额拨款", "effective": d}),
        Draft("quota_set", {"unit": "JCS", "establishment": "事业编制", "count": 10, "effective": d}),
        Draft("post_quota_set", {"unit": "JCS", "post": "所长", "level": "乡科级正职", "count": 1, "effective": d}),
        Draft("post_quota_set", {"unit": "JCS", "post": "副所长", "level": "乡科级副职", "count": 1, "effective": d}),
    ]
    for pid, (name, gender, birth, edu, unit, section, est, rank, since) in PEOPLE.items():
        fields = {"person": pid, "name": name, "gender": gender, "birth_date": birth, "education": edu, "unit": unit,
                  "establishment": est, "rank": rank, "rank_since": since, "mode": "转任" if unit == "SJ" else "招聘",
                  "effective": d}
        if section:
            fields["section"] = section
        out.append(Draft("hired", fields))
    for pid, post, section in (("S01", "局长", None), ("S02", "副局长", None), ("S03", "副局长", None),
                               ("S04", "科长", "综合科"), ("S05", "副科长", "信用监管科"), ("X01", "主任", None),
                               ("J01", "所长", None)):
        out.append(Draft("post_appointed", {"person": pid, "post": post, "section": section, "effective": d}))
    return out


def _first_sitting() -> list[Draft]:
    def f(event: str, **kw) -> Draft:
        return Draft(event, kw)

    return [
        *_structure(),
        f("hired", person="S11", name="褚一鸣", gender="男", birth_date="1999-04-04", education="大学本科", unit="SJ",
          section="法制科", establishment="行政编制", rank="二级科员", mode="录用", effective="2021-09-01"),
        f("rank_promoted", person="S10", rank="四级主任科员", effective="2021-05-01"),  # last year's: not counted
        f("rank_promoted", person="S08", rank="二级主任科员", effective="2022-02-01"),  # wrong date, corrected later
        f("rank_promoted", person="S09", rank="一级主任科员", effective="2022-12-15"),  # moved to 2023 later
        f("post_vacated", person="S05", post="副科长", section="信用监管科", effective="2022-05-10"),
        f("post_appointed", person="S05", post="科长", section="信用监管科", effective="2022-05-10", probation=True),
        f("post_appointed", person="S06", post="副科长", section="食品安全科", effective="2022-04-01", probation=True),
        f("rank_promoted", person="J02", rank="八级职员", effective="2022-08-01"),
        f("separated", person="S12", reason="退休", effective="2022-06-30"),
        f("secondment_started", person="S14", host="区委组织部", kind="交流", until="2022-07-31", effective="2022-02-01"),
        f("secondment_ended", person="S14", effective="2022-07-31"),
        f("secondment_started", person="S13", host="市市场监管局", kind="挂职", until="2023-04-30", effective="2022-05-01"),
        f("assistant_engaged", person="AS2", name="何欢", role="综合科文书助理", unit="SJ", effective="2021-03-01"),
        f("assistant_engaged", person="AS1", name="许诺", role="综合科科长助理", unit="SJ", effective="2022-02-15"),
        f("assistant_engaged", person="AS3", name="吕晴", role="区检验检测所助理", unit="JCS", effective="2022-09-01"),
    ]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def bureau(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, object]:
    """The store after all sittings, and the moment between the first and the second: one of each kind of store,
    shared by the tests that use it (they only export from it)."""
    store = module_store(request.param, tmp_path_factory)
    with as_each_test_runs():
        app = open_ledger(store)
        app.append(_first_sitting(), actor="clerk")
        first_known = app.facts()[-1].recorded
        ids = {(f.person, f.effective.isoformat()): f.id for f in app.facts() if f.event == "rank_promoted"}
        app.append([
            Draft("rank_promoted", {"person": "S07", "rank": "四级主任科员", "effective": "2022-03-01", "note": "recorded late"}),
            Draft("retracted", {"target": ids[("S08", "2022-02-01")], "reason": "wrong date"}),
            Draft("rank_promoted", {"person": "S08", "rank": "二级主任科员", "effective": "2022-06-01"}),
            Draft("retracted", {"target": ids[("S09", "2022-12-15")], "reason": "takes effect in January"}),
            Draft("rank_promoted", {"person": "S09", "rank": "一级主任科员", "effective": "2023-01-05"}),
        ], actor="reviewer")
    return store, first_known


BASICS = [
    "根据三定规定，我局核定行政编制28名，设局长1名、副局长3名，科级领导职数8名，其中科长（主任）4名。"
    "目前在编13名：局长1名、副局长2名；科长2名、副科长1名；科员7名（一级主任科员1名、二级主任科员2名、四级主任科员3名、"
    "二级科员1名）。",
    "我局下属事业单位2个：区消费者权益保护中心（自收自支）核定事业编制5名，其中领导职数1名，目前在编2名；"
    "区检验检测所（差额拨款）核定事业编制10名，其中领导职数2名，目前在编3名。",
    # The year has open findings (`ledger check`): the procedure is not called 严格规范.
    "2022年共提拔领导干部1名（周文静同志由信用监管科副科长提拔为信用监管科科长）；"
    "任命领导干部1名（吴俊峰同志由四级主任科员任命为食品安全科副科长）；"
    "晋升职级3名（王思远同志晋升为二级主任科员，郑雨桐同志晋升为四级主任科员，杨帆同志晋升为八级职员）；"
    "自聘助理人员2名（许诺同志自聘为综合科科长助理、吕晴同志自聘为区检验检测所助理）。",
]


def test_basic_figures_count_late_and_corrected_facts_once(bureau, tmp_path: Path) -> None:
    store, _ = bureau
    out = tmp_path / "sj.docx"
    Ledger(store).ok("export", "yearly-report", "--year", "2022", "-o", str(out))
    doc = open_docx(out)
    assert doc.paragraphs[0].text == "区市场监督管理局2022年选人用人工作报告"
    assert paragraph_after(doc, "一、基本情况", 3) == BASICS
    assert paragraph_after(doc, "二、主要做法")[0] == (
        "2022年全年提拔任用领导干部2名（提拔1名、任命1名）、晋升职级3名，以上5人中80后、90后干部占80%（70后1名、80后2名、90后2名）；男性3名、女性2名；"
        "硕士研究生2名、大学本科2名、大专1名。"
        "全年派出1名同志前往区委组织部交流学习，派出1名同志前往市市场监管局挂职锻炼，拓宽思路、提升技能。")


def test_report_as_known_before_the_corrections(bureau, tmp_path: Path) -> None:
    store, first_known = bureau
    out = tmp_path / "then.docx"
    Ledger(store).ok("export", "yearly-report", "--year", "2022", "--known-at",
                     (first_known + timedelta(microseconds=1)).isoformat(), "-o", str(out))
    promotions = paragraph_after(open_docx(out), "一、基本情况", 3)[2]
    # Then: S08 counted once at the wrong date, S09's December promotion counted, S07's not yet known.
    assert "晋升职级3名（冯晓梅同志晋升为一级主任科员，王思远同志晋升为二级主任科员，杨帆同志晋升为八级职员）" in promotions
    assert "郑雨桐" not in promotions


def test_next_year_counts_the_moved_promotion(bureau, tmp_path: Path) -> None:
    store, _ = bureau
    out = tmp_path / "2023.docx"
    Ledger(store).ok("export", "yearly-report", "--year", "2023", "-o", str(out))
    promotions = paragraph_after(open_docx(out), "一、基本情况", 3)[2]
    assert promotions == "2023年共晋升职级1名（冯晓梅同志晋升为一级主任科员）。"


def test_redacted_report_of_this_bureau_leaks_nothing(bureau, tmp_path: Path) -> None:
    store, _ = bureau
    out = tmp_path / "public.docx"
    Ledger(store).ok("export", "yearly-report", "--year", "2022", "--redact", "-o", str(out))
    basics = paragraph_after(open_docx(out), "一、基本情况", 3)
    assert basics[1] == ("我局下属事业单位*个：区**中心（自收自支）核定事业编制*名，其中领导职数*名，目前在编*名；"
                         "区**所（差额拨款）核定事业编制**名，其中领导职数*名，目前在编*名。")
    assert "（**同志由**科副科长提拔为**科科长）" in basics[2]
    names = {p[0] for p in PEOPLE.values()} | {"褚一鸣", "许诺", "何欢", "吕晴", "区市场监督管理局", "区消费者权益保护中心",
                                               "区检验检测所", "综合科", "信用监管科", "食品安全科", "法制科"}
    for part, xml in all_part_texts(out).items():
        for name in names:
            assert name not in visible_text(xml) and name not in xml, f"{name} in {part}"


def test_appointment_wording_follows_the_step(sqlite_store: str) -> None:
    """提拔 for a step up (a 正职 post, a post above the rank's level or the post held); 任命 otherwise."""
    from exporters.report_wording import promotions_paragraph
    from exporters.yearly_report import redactor_for
    from ledger.read.yearly import yearly_figures

    d = "2020-01-01"
    app = open_ledger(sqlite_store)

    def hire(pid: str, name: str, rank: str, section: str) -> Draft:
        return Draft("hired", {"person": pid, "name": name, "gender": "女", "birth_date": "1985-01-01", "unit": "QJ",
                               "section": section, "establishment": "行政编制", "rank": rank, "rank_since": "2015-01-01",
                               "mode": "转任", "effective": d})

    app.append([
        Draft("unit_established", {"unit": "QJ", "name": "区气象局", "kind": "机关", "effective": d}),
        *[Draft("section_established", {"unit": "QJ", "section": s, "effective": d}) for s in ("甲科", "乙科")],
        Draft("quota_set", {"unit": "QJ", "establishment": "行政编制", "count": 10, "effective": d}),
        *[Draft("post_quota_set", {"unit": "QJ", "post": p, "level": lv, "count": 3, "effective": d})
          for p, lv in (("副局长", "县处级副职"), ("科长", "乡科级正职"), ("副科长", "乡科级副职"))],
        hire("Q1", "甲一", "二级主任科员", "甲科"), hire("Q2", "甲二", "四级主任科员", "甲科"),
        hire("Q3", "甲三", "一级科员", "乙科"), hire("Q4", "甲四", "三级主任科员", "甲科"),
        Draft("post_appointed", {"person": "Q4", "post": "副科长", "section": "甲科", "effective": d}),
    ])
    app.append([
        Draft("post_appointed", {"person": "Q1", "post": "副局长", "effective": "2022-03-01"}),
        Draft("post_appointed", {"person": "Q2", "post": "副科长", "section": "乙科", "effective": "2022-03-01"}),
        Draft("post_appointed", {"person": "Q3", "post": "副科长", "section": "乙科", "effective": "2022-04-01"}),
        Draft("post_vacated", {"person": "Q4", "post": "副科长", "section": "甲科", "effective": "2022-05-01"}),
        Draft("post_appointed", {"person": "Q4", "post": "副科长", "section": "乙科", "effective": "2022-05-01"}),
    ])
    figures = yearly_figures(app.facts(), 2022)
    assert promotions_paragraph(figures, redactor_for(figures, False), clean=True) == (
        "2022年通过严格规范的选拔任用程序，共提拔领导干部2名（甲一同志提拔为副局长、甲三同志提拔为乙科副科长）；"
        "任命领导干部2名（甲二同志由四级主任科员任命为乙科副科长、甲四同志由甲科副科长任命为乙科副科长）。")


def test_redaction_also_masks_names_only_retracted_facts_hold(sqlite_store: str, tmp_path: Path) -> None:
    app = open_ledger(sqlite_store)
    d = "2020-01-01"
    hire = {"person": "Z1", "gender": "男", "birth_date": "1990-01-01", "unit": "HB", "establishment": "行政编制",
            "rank": "一级科员", "mode": "录用", "effective": d}
    app.append([
        Draft("unit_established", {"unit": "HB", "name": "区环保局", "kind": "机关", "effective": d}),
        Draft("quota_set", {"unit": "HB", "establishment": "行政编制", "count": 5, "effective": d}),
        Draft("hired", {**hire, "name": "张叁"}),
    ])
    wrong = app.facts()[-1].id
    app.append([Draft("retracted", {"target": wrong, "reason": "name misspelt"})])
    app.append([Draft("hired", {**hire, "name": "张三"})])
    narrative = tmp_path / "n.md"
    narrative.write_text("## 存在问题\n张叁（即张三）同志在区环保局的工作需要加强。\n", encoding="utf-8")
    out = tmp_path / "public.docx"
    Ledger(sqlite_store).ok("export", "yearly-report", "--year", "2022", "--narrative", str(narrative), "--redact",
                            "-o", str(out))
    text = visible_text(all_part_texts(out)["word/document.xml"])
    assert "**（即**）同志在区**局的工作需要加强。" in text
    assert "张叁" not in text and "张三" not in text
