"""Date arithmetic the rules need: whole years and months, Chinese working days, statutory retirement dates.

Working days come from the `chinesecalendar` package (public holidays and adjusted working days, 2004–2026 in
1.11); outside the years it knows, Monday–Friday is used and the caller is told so it can say so.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache
from typing import Any


def add_months(d: date, months: int) -> date:
    """`d` plus whole months; a day the target month lacks (31st, 29 Feb) becomes the 1st of the month after,
    so that a period of whole months is never shortened."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    last = calendar.monthrange(year, month)[1]
    if d.day > last:
        return date(year, month, last) + timedelta(days=1)
    return date(year, month, d.day)


def add_years(d: date, years: int | float) -> date:
    return add_months(d, round(years * 12))


def month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def span_text(start: date, end: date) -> str:
    """'1年11个月' style length of [start, end), in whole months (days dropped)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)
    if months < 0:
        return "0个月"
    y, m = divmod(months, 12)
    return (f"{y}年" if y else "") + (f"{m}个月" if m or not y else "")


@lru_cache(maxsize=8192)
def _workday(d: date) -> bool | None:
    """Whether `d` is a Chinese working day, or None where the calendar does not know its year."""
    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - it is a dependency; stay useful without it
        return None
    try:
        return chinese_calendar.is_workday(d)
    except NotImplementedError:  # a year the package does not know
        return None


def working_days(start: date, end: date) -> tuple[int, bool]:
    """Chinese working days in [start, end] inclusive, and whether Monday–Friday had to stand in for some day."""
    count, fallback = 0, False
    d = start
    while d <= end:
        workday = _workday(d)
        if workday is None:
            workday, fallback = d.weekday() < 5, True
        count += workday
        d += timedelta(days=1)
    return count, fallback


def retirement_age(birth: date, scheme: dict[str, Any]) -> tuple[int, int]:
    """(years, months) of the statutory retirement age for a birth date under a scheme of the 2024 decision."""
    y0, m0 = (int(x) for x in str(scheme["raise_from"]).split("-")[:2])
    k = (birth.year - y0) * 12 + birth.month - m0
    extra = 0 if k < 0 else min(k // int(scheme["birth_months_per_month"]) + 1, int(scheme["max_months"]))
    total = int(scheme["base_years"]) * 12 + extra
    return divmod(total, 12)


def retirement_date(birth: date, scheme: dict[str, Any]) -> tuple[date, str]:
    """The day the statutory age is reached, and the age in words (e.g. '60岁5个月'): the birthday in the target
    month, or that month's last day when it has no such day (born on the 31st, due in February: the 28th/29th)."""
    years, months = retirement_age(birth, scheme)
    y, m = divmod(birth.month - 1 + years * 12 + months, 12)
    year, month = birth.year + y, m + 1
    reached = date(year, month, min(birth.day, calendar.monthrange(year, month)[1]))
    return reached, f"{years}岁" + (f"{months}个月" if months else "")


def tenure_due(start: date, years: int, excluded: set[int] | frozenset[int] = frozenset()) -> date:
    """When `years` of tenure from `start` are served, when the years in `excluded` (年度, e.g. appraised 基本称职)
    do not count: the part of an excluded first year is skipped, and each excluded year inside the tenure pushes
    the end back a whole year."""
    while start.year in excluded:
        start = date(start.year + 1, 1, 1)
    pushed = 0
    while True:
        due = add_years(start, years + pushed)
        inside = sum(1 for y in excluded if y > start.year and date(y, 1, 1) < due)
        if inside == pushed:
            return due
        pushed = inside


def days_outside(spans: list[tuple[date, date]], excluded: set[int] | frozenset[int]) -> int:
    """Days of non-overlapping [a, b) spans that fall outside the `excluded` years."""
    total = 0
    for a, b in spans:
        total += (b - a).days
        for y in excluded:
            lo, hi = max(a, date(y, 1, 1)), min(b, date(y + 1, 1, 1))
            if hi > lo:
                total -= (hi - lo).days
    return total
