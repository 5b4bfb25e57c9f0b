"""Properties of the checks on generated timelines (no store: the checks are pure functions of facts)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.rules import compliance_findings, default_rulebook
from ledger.rules.catalogue import RETIREMENT_SCHEMES
from ledger.rules.periods import add_years, month_end, retirement_date
from tests.scenarios import facts

OPEN = date(2015, 1, 1)


def unit() -> list[tuple[str, dict[str, Any]]]:
    return [("unit_established", {"unit": "U", "name": "单位", "kind": "机关", "effective": OPEN}),
            ("quota_set", {"unit": "U", "establishment": "行政编制", "count": 5, "effective": OPEN})]


def hire(since: date, birth: date = date(1985, 1, 1), gender: str = "男") -> tuple[str, dict[str, Any]]:
    return ("hired", {"person": "A", "name": "甲", "gender": gender, "birth_date": birth, "unit": "U",
                      "establishment": "行政编制", "rank": "二级主任科员", "rank_since": since, "mode": "转任",
                      "effective": OPEN})


@settings(max_examples=60, deadline=None)
@given(since=st.dates(date(2010, 1, 1), OPEN), gap=st.integers(300, 1200))
def test_rank_tenure_finding_iff_promoted_before_two_full_years(since, gap):
    promoted = max(since + timedelta(days=gap), OPEN + timedelta(days=1))
    timeline = facts(*unit(), hire(since), ("rank_promoted", {"person": "A", "rank": "一级主任科员", "effective": promoted}))
    found = [x.rule for x in compliance_findings(timeline, default_rulebook(), promoted, OPEN) if not x.notice]
    assert found == (["RANK_TENURE"] if promoted < add_years(since, 2) else [])


@settings(max_examples=60, deadline=None)
@given(birth=st.dates(date(1958, 1, 1), date(1980, 12, 31)), gender=st.sampled_from(["男", "女"]),
       on=st.dates(date(2016, 1, 1), date(2040, 12, 31)))
def test_retirement_finding_iff_past_the_month_of_the_statutory_age(birth, gender, on):
    timeline = facts(*unit(), hire(date(2014, 1, 1), birth, gender))
    reached, _ = retirement_date(birth, RETIREMENT_SCHEMES["men" if gender == "男" else "women_cadres"])
    found = [x.rule for x in compliance_findings(timeline, default_rulebook(), on)]
    assert found == (["RETIREMENT_OVERDUE"] if on > month_end(reached) else [])


@settings(max_examples=30, deadline=None)
@given(order=st.permutations(range(4)))
def test_findings_do_not_depend_on_recording_order(order):
    lines = [("rank_promoted", {"person": "A", "rank": "一级主任科员", "effective": date(2016, 3, 1)}),
             ("quota_set", {"unit": "U", "establishment": "行政编制", "count": 0, "effective": date(2016, 5, 1)}),
             ("secondment_started", {"person": "A", "host": "区委", "kind": "借调", "until": date(2016, 6, 1),
                                     "effective": date(2016, 2, 1)}),
             ("rank_promoted", {"person": "A", "rank": "四级调研员", "effective": date(2016, 9, 1)})]
    shuffled = facts(*unit(), hire(date(2014, 6, 1)), *[lines[i] for i in order])
    reference = facts(*unit(), hire(date(2014, 6, 1)), *lines)

    def key(timeline):
        return sorted((x.rule, x.person, x.message) for x in compliance_findings(timeline, default_rulebook(), date(2016, 12, 31))
                      if not x.notice)

    assert key(shuffled) == key(reference)
    assert [r for r, _, _ in key(reference)] == ["RANK_TENURE", "RANK_TENURE", "SECONDMENT_OVERDUE", "STAFF_OVER_QUOTA"]
