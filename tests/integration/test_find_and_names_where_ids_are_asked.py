"""Issue 15 item 1: a clerk finds people by name, pinyin initials, id or unit; types a person's or a unit's name
wherever an id or code is asked (one match used and said, several refused with their ids, none "no person");
and sees the unit tree with its figures (`ledger org list`, the same figures as `ledger units`)."""

from __future__ import annotations

import pytest

from tests.scenarios import ev, hire, small_bureau, year_2022


@pytest.fixture
def bureau(ledger, write_jsonl):
    ledger.ok("import", str(write_jsonl(small_bureau() + year_2022())))
    return ledger


@pytest.mark.parametrize("text", ["司马光", "司马", "smg", "simaguang", "S04", "s04"])
def test_find_a_person_by_name_initials_or_id(bureau, text):
    found = bureau.json("find", text, "--as-of", "2022-12-31")
    assert [p["person"] for p in found["people"]] == ["S04"]
    assert found["people"][0] == {"person": "S04", "name": "司马光", "unit": "SJ", "unit_name": "区市场监督管理局",
                                  "section": "法规科", "posts": [], "rank": "二级主任科员", "status": "active"}
    table = bureau.ok("find", text, "--as-of", "2022-12-31", "--lang", "zh").stdout
    assert "S04" in table and "司马光" in table and "二级主任科员" in table and "在岗" in table


def test_find_by_unit_lists_its_people_and_shows_who_left(bureau):
    found = bureau.json("find", "区检验检测中心", "--as-of", "2022-12-31")
    assert found["units"] == [{"unit": "JC", "name": "区检验检测中心", "kind": "事业单位", "parent": "SJ"}]
    assert {p["person"] for p in found["people"]} == {"J01", "J02"}
    gone = bureau.json("find", "欧阳明", "--as-of", "2022-12-31")["people"]
    assert [(p["person"], p["status"]) for p in gone] == [("S01", "left")]
    before = bureau.json("find", "独孤求", "--as-of", "2022-06-30")  # hired on 2022-09-01
    assert before["people"] == []


def test_find_nothing_says_so(bureau):
    r = bureau.ok("find", "不存在的人")
    assert "No person or unit matches “不存在的人”" in r.stdout
    assert "未找到" in bureau.ok("find", "不存在的人", "--lang", "zh").stdout


def test_a_name_where_an_id_is_asked_is_used_and_said(bureau):
    r = bureau.ok("history", "司马光", "--json")
    assert "司马光 → S04" in r.stderr
    r = bureau.ok("roster", "--as-of", "2022-12-31", "--unit", "区检验检测中心", "--json")
    assert "区检验检测中心 → JC" in r.stderr
    count = bureau.event_count()
    r = bureau.ok("promote", "司马光", "--rank", "一级主任科员", "--effective", "2024-03-01")
    assert "司马光 → S04" in r.stderr and bureau.event_count() == count + 1
    assert bureau.json("log")[-1]["person"] == "S04"
    r = bureau.ok("transfer", "东方朔", "--to-unit", "检验检测中心", "--establishment", "事业编制", "--rank", "七级职员",
                  "--effective", "2024-03-01", "--dry-run")
    assert "to unit=JC" in r.stdout and "检验检测中心 → JC" in r.stderr


def test_several_people_of_one_name_are_refused_listing_them(bureau, write_jsonl):
    bureau.ok("import", str(write_jsonl([hire("S09", "司马光", "JC", "九级职员", "2022-01-01",
                                              establishment="事业编制", mode="招聘")])))
    count = bureau.event_count()
    r = bureau("promote", "司马光", "--rank", "一级主任科员", "--effective", "2024-03-01")
    assert r.exit_code == 1 and "'司马光' names 2 people" in r.stderr
    assert "S04（司马光，区市场监督管理局 法规科）" in r.stderr and "S09（司马光，区检验检测中心）" in r.stderr
    assert bureau.event_count() == count
    assert bureau("history", "司马光").exit_code == 1


def test_a_name_that_matches_no_one_is_not_found(bureau):
    r = bureau("history", "王小二")
    assert r.exit_code == 1 and "no person '王小二' in the ledger" in r.stderr
    r = bureau("roster", "--unit", "区审计局")
    assert r.exit_code == 1 and "no unit '区审计局'" in r.stderr and "SJ" in r.stderr


def test_org_list_is_the_unit_tree_with_the_units_figures(bureau):
    tree = bureau.json("org", "list", "--as-of", "2022-12-31")
    assert [(u["unit"], u["depth"]) for u in tree] == [("SJ", 0), ("JC", 1)]
    units = bureau.json("units", "--as-of", "2022-12-31")
    assert [{k: v for k, v in u.items() if k != "depth"} for u in tree] == units
    table = bureau.ok("org", "list", "--as-of", "2022-12-31").stdout
    sj = next(line for line in table.splitlines() if line.startswith("区市场监督管理局"))
    assert "SJ" in sj and "机关" in sj and "行政编制 6/8" in sj
    assert any(line.startswith("  区检验检测中心") for line in table.splitlines())


def test_ids_are_used_without_a_name_look_up(sqlite_ledger, write_jsonl):
    sqlite_ledger.ok("import", str(write_jsonl(small_bureau() + [ev("rank_promoted", "2022-03-01", person="S04",
                                                                       rank="二级主任科员")])))
    r = sqlite_ledger.ok("history", "S04")
    assert "→" not in r.stderr


def test_names_resolve_alike_when_the_derived_tables_are_behind(sqlite_ledger, write_jsonl):
    """Names are looked up through the store's index of facts; a reader finding it behind folds the events."""
    from tests.store_tables import Table

    sqlite_ledger.ok("import", str(write_jsonl(small_bureau() + year_2022())))
    indexed = sqlite_ledger.ok("history", "司马光", "--json")
    completion = sqlite_ledger.ok("find", "司马光", "--json").stdout
    top = len(sqlite_ledger.json("log")) + 1
    Table(sqlite_ledger.store).run("UPDATE report_tracking SET position = ?", top - 1)
    folded = sqlite_ledger.ok("history", "司马光", "--json")
    assert "answered from the events" in folded.stderr  # the fold answered
    assert folded.stdout == indexed.stdout and "司马光 → S04" in folded.stderr
    assert sqlite_ledger.ok("find", "司马光", "--json").stdout == completion
    r = sqlite_ledger("roster", "--unit", "区检验检测中心", "--as-of", "2022-12-31")
    assert r.exit_code == 0 and "区检验检测中心 → JC" in r.stderr
