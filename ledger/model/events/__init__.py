"""The event vocabulary: every kind of fact the ledger records, each declared once (`base.EventType`).

`EVENT_TYPES` maps the vocabulary's names (the JSON "event", a contract) to their declarations, in the order
the vocabulary is documented. To add an event type, declare it in the module of its family (or a new one
imported below) — `CONTRIBUTING.md` walks through an example.
"""

from __future__ import annotations

from ledger.model.errors import Problem
from ledger.model.events import assistants, corrections, people, posts, secondments, structure
from ledger.model.events.base import COMMON_FIELDS, EventType, Field, Verb

_DECLARED: tuple[type[EventType], ...] = (
    structure.UnitEstablished, structure.SectionEstablished, structure.SectionAbolished, structure.QuotaSet,
    structure.PostQuotaSet,
    people.Hired, people.RankPromoted, posts.PostAppointed, posts.PostVacated, people.Transferred,
    secondments.SecondmentStarted, secondments.SecondmentEnded,
    assistants.AssistantEngaged, assistants.AssistantReleased,
    people.Separated,
    corrections.Retracted,
)
EVENT_TYPES: dict[str, EventType] = {cls.name: cls() for cls in _DECLARED}


def event_type(name: str) -> EventType:
    """The declaration of an event type; `UnknownEventType` names the known ones."""
    try:
        return EVENT_TYPES[name]
    except KeyError:
        raise UnknownEventType(name) from None


class UnknownEventType(KeyError):
    def __init__(self, name: str):
        super().__init__(name)
        self.problem = Problem("unknown_event", f"unknown event type '{name}' (known: {', '.join(EVENT_TYPES)})")

    def __str__(self) -> str:
        return self.problem.message


__all__ = ["COMMON_FIELDS", "EVENT_TYPES", "EventType", "Field", "UnknownEventType", "Verb", "event_type"]
