"""The tenure rules as 《公务员职务与职级并行规定》 says them (docs/domain.md §2), each at its boundary: 一级科员 →
四级主任科员 after 2 years (第十八条(十)); half a year less for each 优秀 year (第十九条); 不定等次 is a grade, and its
year does not count; a 不称职 year without a demotion is a finding (第二十二条(二))."""

from __future__ import annotations

import orjson
import pytest

from tests.compliance_bureau import bureau, ev, load, person


def rules(ledger, as_of: str, since: str = "2019-01-01") -> list[tuple[str, str | None]]:
    r = ledger("check", "--as-of", as_of, "--since", since, "--json")
    assert r.exit_code in (0, 1), r.output
    return sorted((x["rule"], x["person"]) for x in orjson.loads(r.stdout)["findings"])




@pytest.mark.parametrize(("promoted", "found"), [("2022-08-31", True), ("2022-09-01", False)])
def test_a_first_class_clerk_needs_two_years_for_fourth_class_principal(sqlite_ledger, write_jsonl, promoted, found):
    load(sqlite_ledger, write_jsonl, bureau(person("A", "甲", "一级科员", "2020-09-01"),
                                            ev("rank_promoted", promoted, person="A", rank="四级主任科员")))
    assert rules(sqlite_ledger, promoted) == ([("RANK_TENURE", "A")] if found else [])


@pytest.mark.parametrize(("promoted", "found"), [("2022-02-28", True), ("2022-03-01", False)])
def test_an_excellent_year_shortens_the_tenure_by_half_a_year(sqlite_ledger, write_jsonl, promoted, found):
    load(sqlite_ledger, write_jsonl, bureau(
        person("A", "甲", "四级主任科员", "2020-09-01"),
        ev("appraised", "2021-01-20", person="A", year=2020, grade="称职"),
        ev("appraised", "2022-01-20", person="A", year=2021, grade="优秀"),
        ev("rank_promoted", promoted, person="A", rank="三级主任科员")))
    found_now = rules(sqlite_ledger, promoted)
    assert found_now == ([("RANK_TENURE", "A")] if found else [])
    if found:
        r = sqlite_ledger("check", "--as-of", promoted, "--since", "2019-01-01", "--json")
        message = orjson.loads(r.stdout)["findings"][0]["message"]
        assert "eligible from 2022-03-01" in message and "less half a year for each 优秀 year (2021)" in message


@pytest.mark.parametrize(("promoted", "found"), [("2023-08-31", True), ("2023-09-01", False)])
def test_a_year_not_graded_is_recorded_and_does_not_count(sqlite_ledger, write_jsonl, promoted, found):
    load(sqlite_ledger, write_jsonl, bureau(
        person("A", "甲", "四级主任科员", "2020-09-01"),
        ev("appraised", "2021-01-20", person="A", year=2020, grade="称职"),
        ev("appraised", "2022-01-20", person="A", year=2021, grade="不定等次"),
        ev("appraised", "2023-01-20", person="A", year=2022, grade="称职"),
        ev("rank_promoted", promoted, person="A", rank="三级主任科员")))
    assert rules(sqlite_ledger, promoted) == ([("RANK_TENURE", "A")] if found else [])


def test_the_appraise_command_takes_a_year_not_graded(sqlite_ledger, write_jsonl):
    load(sqlite_ledger, write_jsonl, bureau(person("A", "甲", "四级主任科员", "2020-09-01")))
    r = sqlite_ledger("appraise", "A", "--year", "2021", "--grade", "不定等次", "--effective", "2022-01-20")
    assert r.exit_code == 0, r.output
    assert sqlite_ledger("appraise", "A", "--year", "2022", "--grade", "不晓得", "--effective", "2023-01-20"
                         ).exit_code != 0


@pytest.mark.parametrize(("as_of", "found"), [("2022-01-19", False), ("2022-01-20", True)])
def test_an_unfit_year_without_a_demotion_is_a_finding(sqlite_ledger, write_jsonl, as_of, found):
    load(sqlite_ledger, write_jsonl, bureau(
        person("A", "甲", "三级主任科员", "2019-09-01"),
        ev("appraised", "2022-01-20", person="A", year=2021, grade="不称职")))
    assert [x for x in rules(sqlite_ledger, as_of) if x[0] == "UNFIT_NOT_DEMOTED"] == (
        [("UNFIT_NOT_DEMOTED", "A")] if found else [])


def test_a_demotion_answers_the_unfit_year(sqlite_ledger, write_jsonl):
    load(sqlite_ledger, write_jsonl, bureau(
        person("A", "甲", "三级主任科员", "2019-09-01"),
        ev("appraised", "2022-01-20", person="A", year=2021, grade="不称职"),
        ev("transferred", "2022-03-01", person="A", rank="四级主任科员")))
    assert ("UNFIT_NOT_DEMOTED", "A") in rules(sqlite_ledger, "2022-02-28")
    assert ("UNFIT_NOT_DEMOTED", "A") not in rules(sqlite_ledger, "2022-03-01")
    r = sqlite_ledger("check", "--as-of", "2022-02-28", "--json")
    x = next(x for x in orjson.loads(r.stdout)["findings"] if x["rule"] == "UNFIT_NOT_DEMOTED")
    assert x["source"] == "《公务员职务与职级并行规定》第二十二条(二)"


def test_every_tenure_parameter_is_catalogue_data_with_its_source():
    from ledger.rules.catalogue import CATALOGUE

    spec = next(r for r in CATALOGUE if r.id == "RANK_TENURE")
    assert spec.params["years"]["四级主任科员"] == 2 and spec.params["excellent_shortens_years"] == 0.5
    assert "不定等次" in spec.params["not_counting"] and "第十八条" in spec.source and "第十九条" in spec.source
