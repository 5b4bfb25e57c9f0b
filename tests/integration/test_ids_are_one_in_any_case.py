"""`P13` and `p13` are one id (issue 25 item 5: they were two people): a hire or an engagement whose id is a
recorded person's in another case is refused naming the id as recorded, whichever way it comes — the CLI with the
id typed in capitals, an import line, a batch holding both — and nothing is written."""

from __future__ import annotations

import pytest

from tests.conftest import Ledger
from tests.scenarios import ev, hire, small_bureau, year_2022

HIRE = ["--name", "新人", "--gender", "女", "--birth-date", "1995-01-01", "--unit", "SJ", "--establishment", "行政编制",
        "--rank", "一级科员", "--mode", "录用", "--effective", "2022-11-01"]


@pytest.fixture
def bureau(ledger: Ledger, write_jsonl) -> Ledger:
    lines = [*small_bureau(), hire("t07", "公孙策", "SJ", "三级主任科员", section="综合科"), *year_2022()[4:5]]
    lines[-1] = {**lines[-1], "person": "z01"}  # an assistant recorded with a lower-case id
    ledger.ok("import", str(write_jsonl(lines)))
    return ledger


def test_an_id_typed_in_capitals_is_refused_naming_the_recorded_one(bureau: Ledger) -> None:
    before = bureau.event_count()
    r = bureau("--lang", "en", "hire", "T07", *HIRE)
    assert r.exit_code == 1
    assert "T07: t07 is already an id, and ids are the same in any case: write t07 for that person" in r.stderr
    r = bureau("--lang", "en", "hire", "Z01", *HIRE)
    assert r.exit_code == 1 and "Z01: z01 is already an id" in r.stderr
    assert bureau.event_count() == before


def test_an_import_line_or_a_batch_in_another_case_is_refused(bureau: Ledger, write_jsonl) -> None:
    before = bureau.event_count()
    lines = [hire("T07", "另一人", "SJ", "一级科员", "2022-11-01", section="法规科", mode="录用")]
    r = bureau("--lang", "en", "import", str(write_jsonl(lines)))
    assert r.exit_code == 1 and "T07: t07 is already an id" in r.stderr, r.stderr
    both = [hire("N1", "甲", "SJ", "一级科员", "2022-11-01", mode="录用"),
            hire("n1", "乙", "SJ", "一级科员", "2022-11-01", mode="录用")]
    r = bureau("--lang", "en", "import", str(write_jsonl(both)))
    assert r.exit_code == 1 and "N1: n1 is already an id" in r.stderr and "n1: N1 is already an id" in r.stderr
    assert bureau.event_count() == before


def test_the_same_id_as_recorded_and_other_ids_still_pass(bureau: Ledger, write_jsonl) -> None:
    """A rehire under the recorded id is no new id; a new id unlike any other is recorded."""
    bureau.ok("import", str(write_jsonl([ev("separated", "2022-06-30", person="t07", reason="辞职"),
                                         hire("t07", "公孙策", "SJ", "一级科员", "2022-12-01", mode="转任"),
                                         hire("S08", "新人", "SJ", "一级科员", "2022-12-01", mode="录用")])))
    people = {p["person"] for p in bureau.json("roster", "--as-of", "2022-12-31")["people"]}
    assert {"t07", "S08"} <= people and "T07" not in people


def test_the_index_and_every_fact_find_the_same_spellings(bureau: Ledger) -> None:
    """Where the derived tables are current the fact index is asked, else every fact: the same answer."""
    from ledger.app import open_ledger
    from ledger.app.drafts_checks import recorded_ids

    app = open_ledger(bureau.store)
    try:
        asked = {"T07", "Z01", "s01", "NOBODY"}
        assert recorded_ids(app, True)(asked) == recorded_ids(app, False)(asked) == {"t07", "z01", "S01"}
    finally:
        app.close()


def test_a_unit_code_in_another_case_is_refused_naming_the_recorded_one(bureau: Ledger, write_jsonl) -> None:
    """`ju` and `JU` are one unit code, as `p13` and `P13` are one person's id: `ledger org unit`, an import line or a
    batch holding both is refused naming the code as recorded, and nothing is written; another code passes."""
    before = bureau.event_count()
    r = bureau("--lang", "en", "org", "unit", "sj", "--name", "区另一局", "--kind", "机关", "--effective", "2022-01-01")
    assert r.exit_code == 1 and "unit 'SJ' already exists" in r.stderr, r.output  # the CLI reads sj as SJ
    lines = [ev("unit_established", "2022-01-01", unit="Jc", name="区另一中心", kind="机关")]
    r = bureau("--lang", "en", "import", str(write_jsonl(lines)))
    assert r.exit_code == 1, r.output
    assert "Jc: the unit JC already exists, and unit codes are the same in any case: write JC for that unit" in r.stderr
    both = [ev("unit_established", "2022-01-01", unit="WL", name="区文旅局", kind="机关"),
            ev("unit_established", "2022-01-01", unit="wl", name="区文旅中心", kind="机关")]
    r = bureau("--lang", "en", "import", str(write_jsonl(both)))
    assert r.exit_code == 1 and "WL: the unit wl already exists" in r.stderr, r.stderr
    assert bureau.event_count() == before
    bureau.ok("org", "unit", "JU", "--name", "区文化和旅游局", "--kind", "机关", "--effective", "2022-01-01")
    assert "JU" in {u["unit"] for u in bureau.json("units", "--as-of", "2022-12-31")}
