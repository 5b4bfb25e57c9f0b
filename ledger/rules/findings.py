"""What the compliance rules produce: `Finding` (one broken rule, the `ledger check --json` contract), `Breach`
(what a state rule function returns) and `Subjects` (whose state is judged on a date).

Holds no rule and walks nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple, Protocol


@dataclass(frozen=True)
class Finding:
    """One broken rule: what, who, where, since when, and the clause it breaks."""

    rule: str
    title: str
    severity: str
    unit: str | None
    person: str | None
    event_id: int | None
    message: str
    source: str
    since: date | None = None  # when the finding's situation began (the fact's date, or when an excess arose)
    name: str | None = None  # the person's name, for a clerk's table
    key: tuple = field(default=(), compare=False)  # identity across dates and timelines, for entry warnings

    @property
    def notice(self) -> bool:
        """An incomplete record (severity `notice`), not a breach: listed apart, never a report's problem."""
        return self.severity == "notice"

    def as_json(self) -> dict[str, Any]:
        """The `ledger check --json` form (a contract: exactly these keys)."""
        return {"rule": self.rule, "title": self.title, "severity": self.severity, "unit": self.unit,
                "person": self.person, "event_id": self.event_id, "message": self.message, "source": self.source}


class Breach(NamedTuple):
    """A rule's verdict on one subject, which the walk makes a `Finding` of that rule: what a state rule returns
    about a unit or a person on a date (a fact rule returns only the message: the rest is the fact's)."""

    message: str
    since: date | None = None  # when the situation began, if the rule can tell
    event_id: int | None = None  # the fact the situation stems from (the hire, the secondment)
    key: tuple = ()  # tells the rule's breaches in one unit apart (the establishment type, the post …)


@dataclass(frozen=True)
class Subjects:
    """Units and persons whose state findings are wanted on a date (their units' quotas are judged too)."""

    units: frozenset[str] = frozenset()
    persons: frozenset[str] = frozenset()


class Spec(Protocol):
    """What a finding cites of its rule (`ledger.rules.catalogue.RuleSpec`)."""

    id: str
    title: str
    severity: str
    source: str


def finding(spec: Spec, breach: Breach, unit: str | None, person: str | None = None, name: str | None = None
            ) -> Finding:
    """The `Finding` of a rule's breach about a unit (and a person): the walk's, a kept row's, a unit's figures'."""
    return Finding(spec.id, spec.title, spec.severity, unit, person, breach.event_id, breach.message, spec.source,
                   breach.since, name, (spec.id, unit, person, breach.event_id, *breach.key))
