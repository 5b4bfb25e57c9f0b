"""Corrections: a retraction takes a recorded fact out of the timeline from the moment it is recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger.model.change import Change
from ledger.model.events.base import EventType, Field, Verb

if TYPE_CHECKING:
    from ledger.model.facts import Fact

EVENT_ID_MAX = 2**63 - 1  # event ids are the stream's versions: a 64-bit integer column


class Retracted(EventType):
    name = "retracted"
    label = "retraction"
    stored_as = "Retracted"
    precedence = 150
    effective_label = "Date the retraction takes effect (更正时间)"
    about_person = False  # about its target's subject: the scope and the indexes look the target up
    effective_when_recorded = True  # a correction takes effect when it is made
    fields = (
        Field("target", int, True, "Id of the event to retract.", minimum=1, maximum=EVENT_ID_MAX, label="target"),
        Field("reason", required=True, help="Why the event no longer counts, e.g. wrong effective date.", label="reason"),
        Field("replacement", int, help="Id of the event that replaces the retracted one.", minimum=1,
              maximum=EVENT_ID_MAX, label="replacement"),
    )
    verb = Verb("retract", "target", "Retract a recorded event: from now on it no longer counts (queries --known-at "
                "an earlier moment still see it).", 'ledger retract 57 --reason "wrong effective date"')

    def apply(self, change: Change, f: Fact) -> None:
        """Nothing to apply: retractions are resolved before the walk (`ledger.fold.walk.counting_facts`)."""
