"""The rules that know the cadre's file, and the corrected facts of docs/domain.md §2/§4, each at its boundary (pure
functions of facts: no store)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from ledger.model.dates import YearMonth
from ledger.model.identity import IdNumber, check_character, mask_id_number
from ledger.rules import compliance_findings, default_rulebook
from ledger.rules.catalogue import RETIREMENT_SCHEMES
from ledger.rules.periods import retirement_date, tenure_due
from tests.scenarios import facts

OPEN = date(2015, 1, 1)
Line = tuple[str, dict[str, Any]]


def unit(kind: str = "机关") -> list[Line]:
    return [("unit_established", {"unit": "U", "name": "区某局", "kind": kind, "effective": OPEN}),
            ("quota_set", {"unit": "U", "establishment": "行政编制", "count": 9, "effective": OPEN}),
            ("quota_set", {"unit": "U", "establishment": "工勤编制", "count": 2, "effective": OPEN}),
            ("post_quota_set", {"unit": "U", "post": "副局长", "level": "县处级副职", "count": 2, "effective": OPEN}),
            ("post_quota_set", {"unit": "U", "post": "科长", "level": "乡科级正职", "count": 2, "effective": OPEN})]


def hire(rank: str, since: date | str, *, mode: str = "转任", gender: str = "男", birth: str = "1985-01-01",
         effective: date | str = OPEN, education: str | None = None, establishment: str = "行政编制") -> Line:
    return ("hired", {"person": "A", "name": "甲", "gender": gender, "birth_date": birth, "unit": "U",
                      "establishment": establishment, "rank": rank, "rank_since": since, "mode": mode,
                      "effective": effective, "education": education})


def appraised(year: int, grade: str) -> Line:
    return ("appraised", {"person": "A", "year": year, "grade": grade, "effective": f"{year + 1}-01-15"})


def promoted(rank: str, on: str) -> Line:
    return ("rank_promoted", {"person": "A", "rank": rank, "effective": on})


# The rules of the selection's procedure (publicity, probation, steps) judge these timelines too; these tests are
# about the cadre's file, so they look at the file's rules only.
PROCEDURE = {"PUBLICITY_SHORT", "PUBLICITY_ORDER", "PROBATION_OPEN", "DECISION_QUORUM", "SELECTION_STEPS"}


def rules(timeline: list, on: date, since: date = OPEN) -> list[str]:
    return [x.rule for x in compliance_findings(timeline, default_rulebook(), on, since) if x.rule not in PROCEDURE and not x.notice]


# --- appraisal-aware tenure ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("on", "found"), [("2019-01-01", []), ("2018-12-31", ["RANK_TENURE"])])
def test_a_basic_competent_year_pushes_eligibility_back_a_year(on, found):
    # 二级主任科员 since 2015-01-01 needs 2 years; 2016 was 基本称职, so it is served on 2018-01-01 — a year late
    # plus the 2017 appraisal gap rule does not apply (2017 is appraised).
    timeline = facts(*unit(), hire("二级主任科员", "2015-01-01"), appraised(2015, "称职"), appraised(2016, "基本称职"),
                     appraised(2017, "称职"), promoted("一级主任科员", on))
    expected = found if on < "2018-01-01" else []
    assert rules(timeline, date.fromisoformat(on)) == expected


def test_without_appraisals_tenure_is_time_served():
    timeline = facts(*unit(), hire("二级主任科员", "2015-01-01"), promoted("一级主任科员", "2017-01-01"))
    assert rules(timeline, date(2017, 1, 1)) == []


def test_an_unfit_year_is_named_in_the_finding():
    timeline = facts(*unit(), hire("二级主任科员", "2015-01-01"), appraised(2015, "不称职"),
                     promoted("一级主任科员", "2017-06-01"))
    found = compliance_findings(timeline, default_rulebook(), date(2017, 6, 1), OPEN)
    assert [x.rule for x in found if not x.notice] == ["RANK_TENURE", "PROMOTION_WHILE_UNFIT"]
    finding = found[0]
    assert "not counting 2015 (不称职)" in finding.message
    assert "eligible from 2018-01-01" in finding.message


def test_tenure_due_skips_an_excluded_first_year_and_pushes_for_whole_ones():
    assert tenure_due(date(2019, 7, 1), 2, {2019}) == date(2022, 1, 1)
    assert tenure_due(date(2019, 1, 1), 2, {2020}) == date(2022, 1, 1)
    assert tenure_due(date(2019, 1, 1), 2, {2020, 2021}) == date(2023, 1, 1)
    assert tenure_due(date(2019, 1, 1), 2, set()) == date(2021, 1, 1)


def test_two_unfit_years_in_a_row_is_a_finding_and_one_is_not():
    base = [*unit(), hire("一级科员", "2015-01-01"), appraised(2016, "不称职")]
    assert "DISMISSAL_DUE" not in rules(facts(*base, appraised(2017, "称职")), date(2018, 6, 30))
    assert rules(facts(*base, appraised(2017, "不称职")), date(2018, 6, 30)) == ["DISMISSAL_DUE", "UNFIT_NOT_DEMOTED"]


def test_a_promotion_while_the_latest_appraisal_is_unfit_is_a_finding():
    timeline = facts(*unit(), hire("一级科员", "2015-01-01"), appraised(2019, "不称职"),
                     promoted("四级主任科员", "2020-06-01"))
    assert rules(timeline, date(2020, 6, 1)) == ["PROMOTION_WHILE_UNFIT"]
    fit = facts(*unit(), hire("一级科员", "2015-01-01"), appraised(2019, "称职"), promoted("四级主任科员", "2020-06-01"))
    assert rules(fit, date(2020, 6, 1)) == []


# --- the corrected facts of docs/domain.md ----------------------------------------------------------------------------
@pytest.mark.parametrize(("on", "found"), [("2017-01-01", []), ("2016-12-31", ["RANK_TENURE"])])
def test_fourth_grade_principal_staff_member_needs_two_years(on, found):  # 第十八条(十), corrected by issue 22
    timeline = facts(*unit(), hire("一级科员", "2015-01-01"), promoted("四级主任科员", on))
    assert rules(timeline, date.fromisoformat(on)) == found


@pytest.mark.parametrize("birth", ["1970-01-29", "1970-01-30", "1970-01-31"])
def test_a_birthday_late_in_the_month_falls_on_the_target_months_last_day(birth):
    reached, age = retirement_date(date.fromisoformat(birth), RETIREMENT_SCHEMES["women_cadres"])
    assert (reached, age) == (date(2025, 2, 28), "55岁1个月")


def test_women_at_county_level_retire_at_sixty():
    born = "1968-03-10"  # 55 on 2023-03-10 under the women cadres' scheme
    cadre = facts(*unit(), hire("一级主任科员", "2015-01-01", gender="女", birth=born))
    assert rules(cadre, date(2023, 6, 1)) == ["RETIREMENT_OVERDUE"]
    senior = facts(*unit(), hire("四级调研员", "2015-01-01", gender="女", birth=born))
    assert rules(senior, date(2023, 6, 1)) == []
    assert rules(senior, date(2028, 3, 31)) == [] and rules(senior, date(2028, 4, 1)) == ["RETIREMENT_OVERDUE"]
    titled = facts(*unit(), hire("一级主任科员", "2015-01-01", gender="女", birth=born), ("title_conferred", {"person": "A", "title": "高级经济师", "grade": "副高",
                                                                   "effective": "2020-01-01"}))
    assert rules(titled, date(2023, 6, 1)) == []


@pytest.mark.parametrize(("rank", "post", "found"), [
    ("一级主任科员", False, ["TRANSFER_IN_RANK"]), ("四级调研员", False, []), ("一级主任科员", True, [])])
def test_transfer_in_enters_only_a_leadership_post_or_fourth_grade_researcher_and_above(rank, post, found):
    lines = [*unit(), hire(rank, "2020-03-01", mode="调任", effective="2020-03-01")]
    if post:
        lines.append(("post_appointed", {"person": "A", "post": "科长", "effective": "2020-03-01"}))
    assert rules(facts(*lines), date(2020, 3, 1)) == found


@pytest.mark.parametrize(("education", "rank", "found"), [
    ("大学本科", "一级科员", []), ("大学本科", "四级主任科员", ["RECRUIT_RANK"]), ("硕士研究生", "四级主任科员", []),
    ("大专", "一级科员", []), ("高中", "一级科员", ["RECRUIT_RANK"])])
def test_a_recruit_starts_at_the_rank_the_education_gives(education, rank, found):
    lines = [*unit(), hire(rank, "2020-03-01", mode="录用", effective="2020-03-01", education=education)]
    assert rules(facts(*lines), date(2020, 3, 1)) == found


def test_a_worker_grade_is_held_on_the_worker_establishment_only():
    from ledger.fold.walk import validate

    ok = facts(*unit(), hire("技术工三级", "2015-01-01", establishment="工勤编制"))
    assert validate(ok) == []
    wrong = facts(*unit(), hire("一级科员", "2015-01-01", establishment="工勤编制"))
    assert [p.code for p in validate(wrong)] == ["rank_not_for_establishment"]
    wrong = facts(*unit(), hire("技术工三级", "2015-01-01", establishment="行政编制"))
    assert [p.code for p in validate(wrong)] == ["rank_not_for_establishment"]


# --- values of the file ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["1985.01", "198501", "1985年1月", "1985-01", "1985/1", date(1985, 1, 17), 198501])
def test_a_month_is_read_as_clerks_type_it(typed):
    assert YearMonth.parse(typed) == "1985-01"


@pytest.mark.parametrize("typed", ["1985.1", "1985.13", "1850.01", "January"])
def test_an_ambiguous_or_impossible_month_is_refused(typed):
    with pytest.raises(ValueError):
        YearMonth.parse(typed)


def test_an_id_number_is_checked_by_its_gb11643_character_and_masked():
    first17 = "11010519900517002"
    good = first17 + check_character(first17)
    assert good == "11010519900517002X" and IdNumber.parse(good.lower()) == good
    wrong = first17 + "3"
    with pytest.raises(ValueError, match="check character"):
        IdNumber.parse(wrong)
    with pytest.raises(ValueError, match="birth date"):
        IdNumber.parse("110105199002300021")
    assert mask_id_number(good) == "110***********002X"
