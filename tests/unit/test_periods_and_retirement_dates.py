"""The rules' calendar arithmetic: Chinese working days, the 2025 gradual retirement-age raise, whole months."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.rules.catalogue import RETIREMENT_SCHEMES
from ledger.rules.periods import add_months, retirement_age, retirement_date, working_days


@pytest.mark.parametrize(("start", "end", "days", "fallback"), [
    # 国庆 2022: 1–7 October off, Saturday 8 and Sunday 9 October worked
    ("2022-09-29", "2022-10-09", 4, False),
    ("2022-09-28", "2022-10-09", 5, False),
    # 劳动节 2023: Saturday 6 May worked
    ("2023-05-04", "2023-05-09", 5, False),
    ("2023-05-04", "2023-05-08", 4, False),
    # a plain week
    ("2022-04-11", "2022-04-15", 5, False),
    # the calendar package stops at 2026: Monday–Friday stands in, and says so
    ("2027-01-04", "2027-01-07", 4, True),
])
def test_working_days_follow_the_chinese_calendar(start, end, days, fallback):
    assert working_days(date.fromisoformat(start), date.fromisoformat(end)) == (days, fallback)


@pytest.mark.parametrize(("scheme", "birth", "age"), [
    ("men", "1964-12-31", (60, 0)),  # before the raise
    ("men", "1965-01-01", (60, 1)),  # first cohort: one month later
    ("men", "1965-04-30", (60, 1)),
    ("men", "1965-05-01", (60, 2)),
    ("men", "1966-05-10", (60, 5)),  # inside the raise
    ("men", "1976-08-31", (62, 11)),
    ("men", "1976-09-01", (63, 0)),  # born 1976-09 or later: 63
    ("men", "1990-01-01", (63, 0)),
    ("women_cadres", "1969-12-31", (55, 0)),
    ("women_cadres", "1970-01-01", (55, 1)),
    ("women_cadres", "1981-09-01", (58, 0)),
    ("women_workers", "1975-01-01", (50, 1)),
    ("women_workers", "1975-03-01", (50, 2)),  # one month per two months of birth
    ("women_workers", "1984-12-01", (55, 0)),
])
def test_retirement_age_table_of_the_2024_decision(scheme, birth, age):
    assert retirement_age(date.fromisoformat(birth), RETIREMENT_SCHEMES[scheme]) == age


def test_retirement_date_is_birth_plus_the_age():
    assert retirement_date(date(1966, 5, 10), RETIREMENT_SCHEMES["men"]) == (date(2026, 10, 10), "60岁5个月")
    assert retirement_date(date(1962, 3, 15), RETIREMENT_SCHEMES["men"]) == (date(2022, 3, 15), "60岁")


def test_whole_months_never_shorten_a_period():
    assert add_months(date(2022, 1, 31), 1) == date(2022, 3, 1)
    assert add_months(date(2020, 2, 29), 24) == date(2022, 3, 1)
    assert add_months(date(2022, 1, 1), 6) == date(2022, 7, 1)
