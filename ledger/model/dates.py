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


# --- year-month values (入党时间, 参加工作时间, graduation, the 简历's lines) -----------------------------------------
_MONTH_FORMS = (
    re.compile(r"^\s*(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?\s*$"),  # 1985-01, 1985.01, 1985/1, 1985年1月
    re.compile(r"^\s*(\d{4})(\d{2})\s*$"),  # 198501 (the .lrmx form's spelling)
)
MONTH_FORMS = "a month such as 1985.01, 1985-01, 198501 or 1985年1月"


class YearMonth(str):
    """The kind of a field holding a month (`1985-01`): stored as that plain JSON string, typed as clerks type it.

    Values are plain `str` (the stored format stays JSON-native); this class only names the kind and parses it.
    """

    @staticmethod
    def parse(value: object) -> str:
        """`YYYY-MM` from `1985.01`, `198501`, `1985年1月`, `1985-01`, a date, or the number 198501.

        `1985.1` is refused as ambiguous (a spreadsheet shows October, 1985.10, so); a month that does not exist
        (1985-13) or a year outside 1900–2100 is refused as impossible.
        """
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return f"{value.year:04d}-{value.month:02d}"
        if isinstance(value, bool):
            raise ValueError(f"'{value}' is not {MONTH_FORMS}")
        text = str(value).strip().translate(_FULL_WIDTH)
        if re.fullmatch(r"\d{4}\.\d", text) and text.endswith("1"):
            raise ValueError(f"'{text}' is ambiguous: write 1985.01 for January or 1985.10 for October")
        for form in _MONTH_FORMS:
            m = form.match(text)
            if m:
                y, mo = int(m.group(1)), int(m.group(2))
                if not 1900 <= y <= 2100 or not 1 <= mo <= 12:
                    raise ValueError(f"'{text}' is an impossible month")
                return f"{y:04d}-{mo:02d}"
        raise ValueError(f"'{text}' is not {MONTH_FORMS}")


_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def month_of(d: date) -> str:
    """The `YYYY-MM` of a date."""
    return f"{d.year:04d}-{d.month:02d}"


def month_start(month: str) -> date:
    """The first day of a `YYYY-MM` month."""
    return date(int(month[:4]), int(month[5:7]), 1)


def dotted(month: str | None) -> str:
    """A `YYYY-MM` month as forms print it, `YYYY.MM` ('' for none)."""
    return month.replace("-", ".") if month else ""
