"""`Fact`: the light, read-side form of a recorded event; `Draft`: an event a clerk asks to record.

The fold, the queries and the exporters work on `Fact`s, not on eventsourcing's event objects: they are cheap to
decode in bulk and carry exactly what a reader needs (id, type, effective date, recorded time, actor, fields).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


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


@dataclass(frozen=True)
class Draft:
    """An event a clerk asks to record: its type and its raw fields, and where it came from (for messages)."""

    event: str
    fields: dict[str, Any]
    line: int | None = None
    # `parse_fields(event, fields)`'s result when the reader already parsed them without problems (an import
    # file is checked line by line before anything is appended): the append does not parse them again.
    parsed: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    # A retraction whose target is replaced by another draft of the same batch (its index in the batch): the
    # append fills in `replacement` with that draft's id once the batch's ids are known (`ledger correct`).
    replaced_by: int | None = field(default=None, compare=False)


def fact_id(f: Fact) -> int:
    """A fact's id: the key that lists of facts in recording order are searched by."""
    return f.id


def recorded_after(facts: list[Fact], position: int) -> list[Fact]:
    """The facts recorded after event `position`, of `facts` in recording (id) order: a search, not a scan."""
    return facts[bisect_right(facts, position, key=fact_id):]
