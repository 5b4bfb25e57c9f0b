"""Parsing a clerk's input (JSON lines, spreadsheet cells, command options) into an event's typed fields.

The declaration of each event type (`ledger.model.events`) says which fields there are, their types and closed
lists; this module turns raw values into those types and says, for each one that will not do, why. Every input
path (JSON lines, spreadsheets, command options, the opening roster) goes through `parse_fields`, so these are the
ledger's input rules, each in one place:

- **Text** is NFC; it may not hold control or format characters (Unicode Cc, Cf, Zl, Zp, and lone surrogates:
  NUL, ESC, line breaks, tabs, bidi controls, zero-width spaces …); surrounding space is trimmed and inner runs of
  white space (also the ideographic and no-break spaces) become one space; at most `Field.max_length` characters
  (`MAX_LENGTH` by form). In names (form "name": people, units, sections, posts, hosts) a space between two CJK
  characters is dropped, so a 花名册's "林  芳" is 林芳. A unit's name (form "unit_name") is a name that also titles
  its sheet, so it may not hold a slash, backslash, colon, bracket, star or question mark.
- **Ids** (form "id": people and units) are `ID_PATTERN`: 1–64 ASCII letters, digits, `.`, `_`, `-`, starting
  with a letter or digit; full-width letters and digits are read as ASCII.
- **Each field has one type.** Text fields take text only (a JSON number, list or object is refused, never
  turned into its repr); whole numbers are an integer (not a bool, not a float) or text of ASCII digits, within
  the field's range; yes/no fields a bool or yes/no text; dates a date or text naming one.
- **Dates** lie in `EARLIEST`–`LATEST`; a birth date is not after today; a type's `periods` are in order.

Rules that need the timeline (is this person on the establishment? old enough on that date?) are the fold's.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from ledger.model import vocabulary as v
from ledger.model.dates import YearMonth, parse_date
from ledger.model.errors import Problem
from ledger.model.events import EventType, Field, UnknownEventType, event_type
from ledger.model.i18n import _
from ledger.model.identity import IdNumber

ALL_RANKS = frozenset(r for ladder in v.LADDERS.values() for r in ladder)

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
ID_RULE = "1–64 ASCII letters, digits, '.', '_' or '-', starting with a letter or digit"
MAX_LENGTH = {"id": 64, "name": 100, "unit_name": 100, "text": 1000}  # characters, by form (a Field may set its own)
# A unit's name (form "unit_name") titles its sheet in the cadre 花名册: it may not hold what a sheet title cannot.
SHEET_TITLE_REFUSED = "/\\:[]*?"
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)  # every date a fact may carry

# Characters refused in text (Unicode general categories), with what a clerk would call them.
REFUSED = {"Cc": "a control character", "Cf": "an invisible format character", "Zl": "a line separator",
           "Zp": "a paragraph separator", "Cs": "a lone surrogate"}
_DIGITS = re.compile(r"[+-]?[0-9]+")
_SPACES = re.compile(r" {2,}")
_YES = ("true", "yes", "y", "1", "是")
_NO = ("false", "no", "n", "0", "否")


def typed_as_id(text: str) -> bool:
    """Text a clerk typed as an id, used as it is without reading the ledger: id-shaped with no lower-case letter
    (P13, JU). An id-shaped text in lower case (p13, lx) is looked up: an id in another case, or pinyin initials."""
    return bool(ID_PATTERN.fullmatch(text)) and text == text.upper()


# --- text -------------------------------------------------------------------------------------------------------
def _wide(c: str) -> bool:
    return unicodedata.east_asian_width(c) in "WF"


def _drop_cjk_spaces(text: str) -> str:
    """A name without the spaces a roster pads CJK names with (林 芳 → 林芳); other spaces stay (Li Fang)."""
    return "".join(c for i, c in enumerate(text)
                   if not (c == " " and 0 < i < len(text) - 1 and _wide(text[i - 1]) and _wide(text[i + 1])))


def refused_character(text: str) -> str | None:
    """What `sanitise` would refuse in `text` (a control, format or separator character), said with its place;
    None when there is none."""
    if text.isprintable():
        return None
    for i, c in enumerate(text):
        category = unicodedata.category(c)
        if category in REFUSED:
            return f"{REFUSED[category]} (U+{ord(c):04X}) at character {i + 1}"
    return None


def _printable(text: str) -> str:
    """`text` with every kind of space as a plain space; ValueError naming the first refused character."""
    out = []
    for i, c in enumerate(text):
        category = unicodedata.category(c)
        if category in REFUSED:
            raise ValueError(f"holds {REFUSED[category]} (U+{ord(c):04X}) at character {i + 1}: remove it")
        out.append(" " if category == "Zs" else c)
    return "".join(out)


def sanitise(text: str, form: str = "text", max_length: int | None = None) -> str:
    """Text as the ledger keeps it (the module's rules for `form`); ValueError saying what is wrong.

    '' means blank (nothing but spaces), which callers treat as absent.
    """
    if not text.isprintable():  # the fast path: printable text has no refused character and only ASCII spaces
        text = _printable(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC" if form == "id" else "NFC", text)
    text = text.strip(" ")
    if "  " in text:
        text = _SPACES.sub(" ", text)
    if form in ("name", "unit_name") and " " in text:
        text = _drop_cjk_spaces(text)
    limit = max_length or MAX_LENGTH[form]
    if len(text) > limit:
        raise ValueError(f"{len(text)} characters, more than the {limit} allowed")
    if form == "unit_name":
        bad = next((c for c in text if c in SHEET_TITLE_REFUSED), None)
        if bad is not None:
            raise ValueError(f"holds '{bad}', which a unit's name may not (it titles the unit's sheet: none of "
                             f"{' '.join(SHEET_TITLE_REFUSED)}): remove it")
    if form == "id" and text and not ID_PATTERN.fullmatch(text):
        raise ValueError(f"'{text}' is not an id ({ID_RULE})")
    return text


# --- one value of one field -----------------------------------------------------------------------------------------
def _what(value: Any) -> str:
    """How a clerk would name a value of the wrong type (JSON's words)."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (yes/no)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def _integer(spec: Field, value: Any) -> int:
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():  # JSON's 5.0, or a number too long for 64 bits
        if not spec.minimum <= value <= spec.maximum:
            raise ValueError(f"the number {value} is out of range ({spec.minimum}–{spec.maximum:,})")
        raise ValueError(f"the number {value} is not an integer (write {int(value)})")
    if isinstance(value, bool) or not isinstance(value, int):
        shown = f"'{value}'" if isinstance(value, str) else _what(value)
        raise ValueError(f"{shown} is not a whole number")
    if not spec.minimum <= value <= spec.maximum:
        raise ValueError(f"{value} is out of range ({spec.minimum}–{spec.maximum:,})")
    return value


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise ValueError(f"'{value}' is not yes/no")
    raise ValueError(f"{_what(value)} is not yes/no")


class ImpossibleDate(ValueError):
    """A real calendar day that no fact can carry (year 0001, a birth date in the future)."""


def _date(spec: Field, value: Any) -> date:
    if not isinstance(value, str | date):
        raise ValueError(f"{_what(value)} is not a date (expected YYYY-MM-DD)")
    day = parse_date(value)
    if not EARLIEST <= day <= LATEST:
        raise ImpossibleDate(f"{day} is an impossible date (dates run from {EARLIEST} to {LATEST})")
    if spec.past and day > date.today():
        raise ImpossibleDate(f"{day} is an impossible date: it is after today")
    return day


def parse_value(spec: Field, value: Any) -> Any:
    """One non-blank value as the field's type; ValueError saying why it will not do."""
    if spec.kind is date:
        return _date(spec, value)
    if spec.kind is int:
        return _integer(spec, value)
    if spec.kind is bool:
        return _yes_no(value)
    if spec.kind in (YearMonth, IdNumber):  # a month or a 身份证号: text in one of the spellings clerks type
        if isinstance(value, int | date) and not isinstance(value, bool):
            return spec.kind.parse(value)
        if not isinstance(value, str):
            raise ValueError(f"expected text, not {_what(value)}")
        return spec.kind.parse(sanitise(value, "text", spec.max_length))
    if not isinstance(value, str):
        raise ValueError(f"expected text, not {_what(value)}")
    closed = spec.choices or spec.rank  # a value of a closed list is a name: 行政 编制 is 行政编制
    return sanitise(value, "name" if closed and spec.form == "text" else spec.form, spec.max_length)


# --- one event's fields -------------------------------------------------------------------------------------------
def parse_fields(name: str, raw: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Check and convert one event's clerk-supplied fields. Returns the typed fields and the problems found.

    Unknown fields, missing required fields, values of the wrong type or out of range, text with refused
    characters, values outside a closed list and dates out of order are problems; rules that need the timeline
    (is this person active? is there a vacancy?) are the fold's.
    """
    problems: list[Problem] = []
    try:
        etype = event_type(name)
    except UnknownEventType as e:
        return {}, [e.problem]
    specs = etype.by_name
    for field_name in raw:
        if field_name not in specs:
            problems.append(Problem("unknown_field", _("{event}: unknown field '{field}' (fields: {fields})").format(
                event=name, field=field_name, fields=", ".join(specs))))
    out: dict[str, Any] = {}
    for field_name, spec in specs.items():
        value = _field(etype, spec, raw.get(field_name), problems)
        out[field_name] = value
    problems += _periods(etype, out)
    return out, problems


def _field(etype: EventType, spec: Field, value: Any, problems: list[Problem]) -> Any:
    """One field's value (None when absent or wrong; the problems found appended)."""
    name = etype.name
    if spec.name == "effective" and etype.effective_when_recorded and value in (None, ""):
        value = date.today()
    if value is not None:
        try:
            value = parse_value(spec, value)
        except ValueError as e:
            code = "impossible_date" if isinstance(e, ImpossibleDate) else "bad_value"
            problems.append(Problem(code, f"{name}: {spec.name}: {e}"))
            return None
    if value is None or value == "":
        if spec.required:
            problems.append(Problem("missing_field", _("{event}: '{field}' is required").format(event=name,
                                                                                              field=spec.name)))
        return None
    if spec.choices and value not in spec.choices:
        problems.append(Problem("bad_value", _("{event}: {field} '{value}' is not one of {choices}").format(
            event=name, field=spec.name, value=value, choices="/".join(spec.choices))))
    if spec.rank and value not in ALL_RANKS:
        problems.append(Problem("unknown_rank", _("{event}: unknown rank '{value}' (e.g. {examples}…, 八级职员, "
                                                  "专业技术十级)").format(
            event=name, value=value, examples="、".join(v.CIVIL_SERVICE_RANKS[:3]))))
    return value


def _periods(etype: EventType, fields: dict[str, Any]) -> list[Problem]:
    """The type's pairs of dates that cannot be the other way round (a period cannot end before it starts)."""
    out = []
    for earlier, later in etype.periods:
        start, end = fields.get(earlier), fields.get(later)
        if start is not None and end is not None and end < start:
            out.append(Problem("impossible_date", f"{etype.name}: {earlier} ({start}) must not be after {later} ({end})"))
    return out
