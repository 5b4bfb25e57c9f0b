"""`Fact`: the light, read-side form of a recorded event, and the parsing of clerks' input into facts.

The fold, the queries and the exporters work on `Fact`s, not on eventsourcing's event objects: they are cheap to
decode in bulk and carry exactly what a reader needs (id, type, effective date, recorded time, actor, fields).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ledger.model import vocabulary as v
from ledger.model.dates import parse_date
from ledger.model.errors import Problem
from ledger.model.events import UnknownEventType, event_type

ALL_RANKS = frozenset(r for ladder in v.LADDERS.values() for r in ladder)


@dataclass(slots=True)
class Fact:
    """A recorded (or about to be recorded) event: `id` is its position in the ledger's stream."""

    id: int
    event: str
    effective: date
    data: dict[str, Any]
    recorded: datetime | None = None
    actor: str = ""

    def get(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)

    @property
    def person(self) -> str | None:
        return self.data.get("person")

    def known_at(self, moment: datetime | None) -> bool:
        """Whether the ledger knew this fact at `moment` (None: now; a fact not yet recorded is known)."""
        return moment is None or self.recorded is None or self.recorded <= moment

    def as_json(self) -> dict[str, Any]:
        """Flat JSON-ready dict: the fields plus id, event, recorded and actor (the `ledger log --json` form)."""
        out: dict[str, Any] = {"id": self.id, "event": self.event}
        for k, val in self.data.items():
            out[k] = val.isoformat() if isinstance(val, date) else val
        out["recorded"] = self.recorded.isoformat() if self.recorded else None
        out["actor"] = self.actor
        return out


def _coerce(kind: type, value: Any) -> Any:
    if kind is date:
        return parse_date(value)
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


@dataclass(frozen=True)
class Draft:
    """An event a clerk asks to record: its type and its raw fields, and where it came from (for messages)."""

    event: str
    fields: dict[str, Any]
    line: int | None = None
    # `parse_fields(event, fields)`'s result when the reader already parsed them without problems (an import
    # file is checked line by line before anything is appended): the append does not parse them again.
    parsed: dict[str, Any] | None = field(default=None, compare=False, repr=False)
