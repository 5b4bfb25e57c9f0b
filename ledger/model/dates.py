"""Parsing dates and times as clerks type them. ISO is canonical; common Chinese spellings are accepted."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

_SEP = r"\s*[-./年]\s*"
_DAY = re.compile(rf"^(\d{{4}}){_SEP}(\d{{1,2}})\s*[-./月]\s*(\d{{1,2}})\s*日?$")
_COMPACT_DAY = re.compile(r"^(\d{4})(\d{2})(\d{2})$")  # 20220901
_MONTH = re.compile(r"^(\d{4})\s*([-./年])\s*(\d{1,2})\s*月?$")  # 2022-09, 2022.09, 2022年9月
_COMPACT_MONTH = re.compile(r"^(\d{4})(\d{2})$")  # 202209
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
DATE_SPELLINGS = "2022-09-01, 20220901, 2022/09/01, 2022.09.01 or 2022年9月1日"


class ImpossibleDate(ValueError):
    """A date spelled correctly that names no real day (2022-02-30, 1985-13)."""


def date_parts(text: str, months: bool = False) -> tuple[int, int, int] | None:
    """(year, month, day) of a date as clerks type it — every spelling in `DATE_SPELLINGS`, full-width digits too —
    or None if `text` spells no date. With `months`, a month (2022-09, 202209, 2022年9月) gives day 1.

    The one reader of dates typed or read from files: the CLI's options, the event parser and the roster sheets
    all go through it, so `--as-of 20231231` and a roster's `198501` are read alike.
    """
    s = str(text).translate(_FULL_WIDTH).strip()
    m = _DAY.match(s) or _COMPACT_DAY.match(s)
    if m:
        return int(m.group(1)), int(m.group(2)), int(m.group(3))
    if months:
        if (m := _MONTH.match(s)) is not None:
            return int(m.group(1)), int(m.group(3)), 1
        if (m := _COMPACT_MONTH.match(s)) is not None:
            return int(m.group(1)), int(m.group(2)), 1
    return None


def parse_date(text: str | date) -> date:
    """A calendar date from any spelling in `DATE_SPELLINGS` (`2022-9-1` too).

    Raises ValueError with the reason: unparseable, or `ImpossibleDate` for a day that does not exist (2022-02-30).
    """
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    if type(text) is str and len(text) == 10 and text[4] == "-" == text[7] and text.isascii():
        try:  # the usual spelling (every line of an import file): read by the C parser
            return date.fromisoformat(text)
        except ValueError:
            pass  # not digits, or no such day: said below as for any spelling
    return _calendar_day(text, False, f"a date (expected YYYY-MM-DD; also {DATE_SPELLINGS[12:]})", "date")


def parse_month(text: str | date) -> date:
    """The first day of a month typed as a month (2022-09, 202209, 2022年9月), or a date itself (any spelling)."""
    if isinstance(text, date):
        return parse_date(text)
    return _calendar_day(text, True, "a month or a date (expected 2022-09, 202209, 2022年9月 or a date)",
                         "month or date")


def _calendar_day(text: str, months: bool, expected: str, what: str) -> date:
    """The day `text` spells (a month's first day, with `months`); ValueError saying what was expected, or
    `ImpossibleDate` for a day the calendar does not have."""
    parts = date_parts(str(text), months=months)
    if parts is None:
        raise ValueError(f"'{text}' is not {expected}")
    try:
        return date(*parts)
    except ValueError:
        raise ImpossibleDate(f"'{text}' is not a real {what}") from None


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
        parts = date_parts(text, months=True)  # a whole date (1985-01-17, 19850117) names its month too
        if parts is None:
            raise ValueError(f"'{text}' is not {MONTH_FORMS}")
        y, mo, _ = parts
        if not 1900 <= y <= 2100 or not 1 <= mo <= 12:
            raise ValueError(f"'{text}' is an impossible month")
        return f"{y:04d}-{mo:02d}"


def month_of(d: date) -> str:
    """The `YYYY-MM` of a date."""
    return f"{d.year:04d}-{d.month:02d}"


def month_start(month: str) -> date:
    """The first day of a `YYYY-MM` month."""
    return date(int(month[:4]), int(month[5:7]), 1)


def dotted(month: str | None) -> str:
    """A `YYYY-MM` month as forms print it, `YYYY.MM` ('' for none)."""
    return month.replace("-", ".") if month else ""
