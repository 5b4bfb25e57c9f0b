"""Parsing dates and times as clerks type them. ISO is canonical; common Chinese spellings are accepted."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

_DATE = re.compile(r"^\s*(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?\s*$")


def parse_date(text: str | date) -> date:
    """A calendar date from `2022-09-01`, `2022-9-1`, `2022/09/01`, `2022.09.01` or `2022年9月1日`.

    Raises ValueError with the reason (unparseable, or a day that does not exist such as 2022-02-30).
    """
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    m = _DATE.match(str(text))
    if not m:
        raise ValueError(f"'{text}' is not a date (expected YYYY-MM-DD)")
    y, mo, d = (int(g) for g in m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date") from None


def parse_timestamp(text: str | datetime) -> datetime:
    """A moment (for --known-at): ISO 8601; naive values are taken as UTC; a bare date means its end (23:59:59.999999 UTC)."""
    if isinstance(text, datetime):
        return text if text.tzinfo else text.replace(tzinfo=UTC)
    s = str(text).strip()
    try:
        if len(s) <= 10:
            d = parse_date(s)
            return datetime(d.year, d.month, d.day, 23, 59, 59, 999999, tzinfo=UTC)
        dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"'{text}' is not a moment (expected ISO 8601, e.g. 2022-10-01T12:00:00Z)") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
