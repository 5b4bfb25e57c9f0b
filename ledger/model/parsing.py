"""Parsing a clerk's input (JSON lines, spreadsheet cells, command options) into an event's typed fields.

The declaration of each event type (`ledger.model.events`) says which fields there are, their types and closed
lists; this module turns raw values into those types and says, for each one that will not do, why. Rules that
need the timeline (is this person on the establishment? is there a vacancy?) are the fold's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.model import vocabulary as v
from ledger.model.dates import YearMonth, parse_date
from ledger.model.errors import Problem
from ledger.model.events import UnknownEventType, event_type
from ledger.model.identity import IdNumber

ALL_RANKS = frozenset(r for ladder in v.LADDERS.values() for r in ladder)


def _coerce(kind: type, value: Any) -> Any:
    if kind is date:
        return parse_date(value)
    if kind in (YearMonth, IdNumber):
        return kind.parse(value)
    if kind is int:
        if isinstance(value, bool):
            raise ValueError(f"'{value}' is not a whole number")
        if isinstance(value, int):
            return value
        text = str(value).strip().removeprefix("E").removeprefix("e")
        if not text.lstrip("-").isdigit():
            raise ValueError(f"'{value}' is not a whole number")
        return int(text)
    if kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "yes", "y", "1", "是"):
            return True
        if text in ("false", "no", "n", "0", "否"):
            return False
        raise ValueError(f"'{value}' is not yes/no")
    return str(value).strip()


def parse_fields(name: str, raw: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Check and convert one event's clerk-supplied fields. Returns the typed fields and the problems found.

    Unknown fields, missing required fields, unparseable values and values outside a closed list are problems;
    rules that need the timeline (is this person active? is there a vacancy?) are the fold's.
    """
    problems: list[Problem] = []
    try:
        etype = event_type(name)
    except UnknownEventType as e:
        return {}, [e.problem]
    specs = etype.by_name
    for field_name in raw:
        if field_name not in specs:
            problems.append(Problem("unknown_field", f"{name}: unknown field '{field_name}' (fields: {', '.join(specs)})"))
    out: dict[str, Any] = {}
    for field_name, spec in specs.items():
        value = raw.get(field_name)
        if field_name == "effective" and etype.effective_when_recorded and value in (None, ""):
            value = date.today()
        if isinstance(value, str) and not value.strip():
            value = None
        if value is None:
            if spec.required:
                problems.append(Problem("missing_field", f"{name}: '{field_name}' is required"))
            out[field_name] = None
            continue
        try:
            value = _coerce(spec.kind, value)
        except ValueError as e:
            problems.append(Problem("bad_value", f"{name}: {field_name}: {e}"))
            out[field_name] = None
            continue
        if spec.choices and value not in spec.choices:
            problems.append(Problem("bad_value", f"{name}: {field_name} '{value}' is not one of {'/'.join(spec.choices)}"))
        if spec.rank and value not in ALL_RANKS:
            problems.append(Problem("unknown_rank", f"{name}: unknown rank '{value}' (e.g. "
                                    f"{'、'.join(v.CIVIL_SERVICE_RANKS[:3])}…, 八级职员, 专业技术十级)"))
        if spec.kind is int and field_name == "count" and value < 0:
            problems.append(Problem("bad_value", f"{name}: count must not be negative"))
        out[field_name] = value
    return out, problems
