"""The yearly report states records (docs/domain.md §8): no 整改 or 反馈 unless a `rectification_recorded` answers
the finding or the 评议; one count of 提拔任用 in 一 and 二; 主送 from the settings or the unit's name, else a
placeholder and a warning; an undated report written more than a year late is warned about."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from docx import Document

from exporters.yearly_report import TO_PLACEHOLDER, letterhead
from tests.compliance_bureau import bureau, history, load, person


def report(ledger, tmp_path: Path, *args: str) -> tuple[list[str], str]:
    out = tmp_path / "r.docx"
    r = ledger("export", "yearly-report", "--year", "2022", "-o", str(out), "--force", *args)
    assert r.exit_code == 0, r.output
    return [p.text for p in Document(str(out)).paragraphs], r.stderr


def test_findings_without_a_rectification_on_record_say_no_rectification(sqlite_ledger, write_jsonl, tmp_path):
    load(sqlite_ledger, write_jsonl, history())
    texts, stderr = report(sqlite_ledger, tmp_path, "--date", "2023-01-10")
    body = "".join(texts)
    assert "经人事台账核查：" in body and "任前公示不足5个工作日1项" in body  # the findings are stated
    assert "整改" not in body and "反馈" not in body
    assert "open finding(s)" in stderr


def test_a_recorded_rectification_is_said_in_its_own_words_and_date(sqlite_ledger, write_jsonl, tmp_path):
    load(sqlite_ledger, write_jsonl, history())
    r = sqlite_ledger("rectify", "2022", "--answers", "PUBLICITY_SHORT", "--text", "已补充公示并完善公示工作规程",
                      "--effective", "2023-02-01")
    assert r.exit_code == 0, r.output
    body = "".join(report(sqlite_ledger, tmp_path, "--date", "2023-02-10")[0])
    assert "针对任前公示不足5个工作日问题，2023年2月1日，已补充公示并完善公示工作规程。" in body
    assert "以上问题正在整改" not in body and body.count("整改") == 0  # only what was recorded, in its words


def test_a_rectification_names_a_rule_or_the_review(sqlite_ledger, write_jsonl):
    load(sqlite_ledger, write_jsonl, history())
    r = sqlite_ledger("rectify", "2022", "--answers", "已整改", "--text", "x", "--effective", "2023-02-01")
    assert r.exit_code == 1 and "rule id" in r.output


def test_one_count_of_appointments_in_both_sections(sqlite_ledger, write_jsonl, tmp_path):
    load(sqlite_ledger, write_jsonl, history())
    texts, _ = report(sqlite_ledger, tmp_path, "--date", "2023-01-10")
    basics = next(t for t in texts if t.startswith("2022年") and "提拔领导干部" in t)
    practice = next(t for t in texts if t.startswith("2022年全年"))
    assert "提拔领导干部1名" in basics and "晋升职级2名" in basics
    assert practice.startswith("2022年全年提拔任用领导干部1名（提拔1名）、晋升职级2名，以上3人中")


def test_the_addressee_is_derived_from_a_district_unit_s_name(sqlite_ledger, write_jsonl, tmp_path):
    load(sqlite_ledger, write_jsonl, history())
    texts, stderr = report(sqlite_ledger, tmp_path, "--date", "2023-01-10")
    assert "区委组织部：" in texts and "主送机关" not in stderr


def test_an_addressee_the_name_does_not_give_is_left_to_fill_in_with_a_warning(sqlite_ledger, write_jsonl, tmp_path):
    lines = bureau(person("C1", "吴桐", "三级主任科员", "2020-09-01"))
    lines[0] = {**lines[0], "name": "农业农村局"}
    load(sqlite_ledger, write_jsonl, lines)
    texts, stderr = report(sqlite_ledger, tmp_path, "--date", "2023-01-10")
    assert f"{TO_PLACEHOLDER}：" in texts and "委组织部" not in "".join(texts)
    assert "no 主送机关" in stderr
    texts, stderr = report(sqlite_ledger, tmp_path, "--date", "2023-01-10", "--to", "中共某区委组织部")
    assert "中共某区委组织部：" in texts and "no 主送机关" not in stderr


@pytest.mark.parametrize(("name", "to"), [("区文化和旅游局", "区委组织部"), ("县水利局", "县委组织部"),
                                          ("市场监督管理局", None), ("文化馆", None)])
def test_the_derived_addressee(name, to):
    warnings: list[str] = []
    head = letterhead(SimpleNamespace(name=name, year=2022, kind="机关"), {"date": "2023-01-10"}, {}, True, warnings)
    assert head.to == (to or TO_PLACEHOLDER) and bool(warnings) == (to is None)


@pytest.mark.parametrize(("today", "warned"), [(date(2023, 12, 31), False), (date(2024, 1, 1), True)])
def test_an_undated_report_more_than_a_year_late_is_warned_about(today, warned):
    warnings: list[str] = []
    head = letterhead(SimpleNamespace(name="区林业局", year=2022, kind="机关"), {}, {}, True, warnings, today=today)
    assert head.dated == today
    assert any("more than a year after 2022" in w for w in warnings) == warned
    warnings.clear()
    letterhead(SimpleNamespace(name="区林业局", year=2022, kind="机关"), {"date": "2024-03-01"}, {}, True, warnings,
               today=today)
    assert warnings == []  # --date given: the clerk chose it


def test_the_review_form_lists_rank_promotions_only_when_asked(sqlite_ledger, write_jsonl, tmp_path):
    from openpyxl import load_workbook

    load(sqlite_ledger, write_jsonl, history())

    def names(*args: str) -> list[str]:
        out = tmp_path / "f.xlsx"
        sqlite_ledger.ok("export", "review-form", "--year", "2022", "-o", str(out), "--force", *args)
        rows = load_workbook(out).active.iter_rows(min_row=4, values_only=True)
        return [row[1] for row in rows if row[1] and row[0] != "一"]  # after the whole work's line

    assert names() == ["王芳"]  # the 提拔 to 副科长
    assert names("--include-rank-promotions") == ["吴桐", "郑好", "王芳"]  # by date
