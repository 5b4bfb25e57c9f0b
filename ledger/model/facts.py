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
from ledger.store.aggregate import EVENT_CLASSES, field_specs

# Closed lists a field's value must come from (checked at parse time; ranks and posts need the timeline).
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("unit_established", "kind"): v.UNIT_KINDS,
    ("unit_established", "funding"): v.FUNDING_TYPES,
    ("quota_set", "establishment"): v.ESTABLISHMENT_TYPES,
    ("post_quota_set", "level"): v.POST_LEVELS,
    ("hired", "gender"): v.GENDERS,
    ("hired", "establishment"): v.ESTABLISHMENT_TYPES,
    ("hired", "mode"): v.HIRE_MODES,
    ("transferred", "establishment"): v.ESTABLISHMENT_TYPES,
    ("secondment_started", "kind"): v.SECONDMENT_KINDS,
    ("separated", "reason"): v.SEPARATION_REASONS,
    ("assistant_engaged", "gender"): v.GENDERS,
}
ALL_RANKS = frozenset(r for ladder in v.LADDERS.values() for r in ladder)
RANK_FIELDS = {("hired", "rank"), ("rank_promoted", "rank"), ("transferred", "rank")}


@dataclass(slots=True)
class Fact:
    """A recorded (or about to be recorded) event: `id` is its position in the ledger's stream."""

    id: int
    event: str
    effective: date
    data: dict[str, Any]
    recorded: datetime | None = None
    actor: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)

    @property
    def person(self) -> str | None:
        return self.data.get("person")

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


def parse_fields(event_type: str, raw: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Check and convert one event's clerk-supplied fields. Returns the typed fields and the problems found.

    Unknown fields, missing required fields, unparseable values and values outside a closed list are problems;
    rules that need the timeline (is this person active? is there a vacancy?) are the fold's.
    """
    problems: list[Problem] = []
    if event_type not in EVENT_CLASSES:
        known = ", ".join(EVENT_CLASSES)
        return {}, [Problem("unknown_event", f"unknown event type '{event_type}' (known: {known})")]
    specs = {s.name: s for s in field_specs(event_type)}
    for name in raw:
        if name not in specs:
            problems.append(Problem("unknown_field", f"{event_type}: unknown field '{name}' (fields: {', '.join(specs)})"))
    out: dict[str, Any] = {}
    for name, spec in specs.items():
        value = raw.get(name)
        if name == "effective" and event_type == "retracted" and value in (None, ""):
            value = date.today()  # a correction takes effect when it is made
        if isinstance(value, str) and not value.strip():
            value = None
        if value is None:
            if spec.required:
                problems.append(Problem("missing_field", f"{event_type}: '{name}' is required"))
            out[name] = None
            continue
        try:
            value = _coerce(spec.kind, value)
        except ValueError as e:
            problems.append(Problem("bad_value", f"{event_type}: {name}: {e}"))
            out[name] = None
            continue
        choices = CHOICES.get((event_type, name))
        if choices and value not in choices:
            problems.append(Problem("bad_value", f"{event_type}: {name} '{value}' is not one of {'/'.join(choices)}"))
        if (event_type, name) in RANK_FIELDS and value not in ALL_RANKS:
            problems.append(Problem("unknown_rank", f"{event_type}: unknown rank '{value}' (e.g. {'、'.join(v.CIVIL_SERVICE_RANKS[:3])}…, 八级职员, 专业技术十级)"))
        if spec.kind is int and name == "count" and value < 0:
            problems.append(Problem("bad_value", f"{event_type}: count must not be negative"))
        out[name] = value
    return out, problems
