"""Issue 24, item 6: a recording command given a name no one holds says "no person …" with the people whose names
are near it — never "'王五' is not an id" — and writes nothing; an id-shaped subject of a hire may still be new."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Ledger


def _bureau(tmp_path: Path) -> Ledger:
    ledger = Ledger(str(tmp_path / "ledger.sqlite3"))
    ledger.ok("org", "unit", "JU", "--name", "区文化和旅游局", "--kind", "机关", "--effective", "2019-01-01")
    ledger.ok("org", "quota", "JU", "--establishment", "行政编制", "--count", "5", "--effective", "2019-01-01")
    ledger.ok("hire", "P1", "--name", "王志强", "--gender", "男", "--birth-date", "1980-05-01", "--unit", "JU",
              "--establishment", "行政编制", "--rank", "一级科员", "--mode", "录用", "--effective", "2020-01-01")
    return ledger


def test_a_name_no_one_holds_is_no_person_with_the_near_ones(tmp_path: Path) -> None:
    ledger = _bureau(tmp_path)
    before = ledger.event_count()
    r = ledger("promote", "王五", "--rank", "四级主任科员", "--effective", "2023-09-01")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "no person '王五'" in r.output and "王志强（P1）" in r.output and "is not an id" not in r.output
    r = ledger("promote", "赵六", "--rank", "四级主任科员", "--effective", "2023-09-01")
    assert r.exit_code == 1 and "no person '赵六'" in r.output and "near" not in r.output
    assert ledger.event_count() == before


def test_a_new_id_is_still_a_new_person(tmp_path: Path) -> None:
    ledger = _bureau(tmp_path)
    ledger.ok("hire", "p2", "--name", "李四", "--gender", "女", "--birth-date", "1990-05-01", "--unit", "JU",
              "--establishment", "行政编制", "--rank", "一级科员", "--mode", "录用", "--effective", "2021-01-01")
    assert ledger.json("history", "李四")[0]["person"] == "p2"
