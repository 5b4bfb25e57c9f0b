"""The ledger's recordings: each append is one batch recorded at one moment (docs/architecture.md §2), so the
moments at which the ledger's knowledge changed are exactly its recordings. Known-at is aimed by recording — its
number, its time to the second, who recorded it and what — not along a clock on which a hundred facts fall within
a second.

The list is read from the derived table of the recordings' times when it is current (two integers a recording,
whatever the ledger's size), else from the facts themselves; what one recording holds is read by its event ids.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ledger.app.ledger import PersonnelLedger
from ledger.store.beliefs import micros, steps_of

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FIRST_EVENT = 2  # the stream's first version opens it; facts start at the second
SUMMARISED = 500  # a recording of more events is described by its count alone (its events are not read)


@dataclass(frozen=True)
class Recording:
    """One recording: its number (1 = the first), the ids of its first and last event, and its moment."""

    number: int
    first: int
    last: int
    recorded: datetime

    def as_json(self) -> dict[str, Any]:
        return {"number": self.number, "first": self.first, "last": self.last,
                "recorded": self.recorded.isoformat(), "events": self.last - self.first + 1}


def recordings(app: PersonnelLedger) -> list[Recording]:
    """Every recording, in order."""
    position, top = app.timeline.current()
    if position and position == top:
        steps = app.timeline.recording_steps()
    else:
        steps = [(s[2], s[3]) for s in steps_of(app.facts())]
    out, first = [], FIRST_EVENT
    for n, (last, rec) in enumerate(steps, 1):
        out.append(Recording(n, first, last, EPOCH + timedelta(microseconds=rec)))
        first = last + 1
    return out


def recording_at(found: list[Recording], moment: datetime | None) -> Recording | None:
    """The last recording made by `moment` (None: the last of all); None when `moment` is before the first."""
    if not found:
        return None
    if moment is None:
        return found[-1]
    i = bisect_left([micros(r.recorded) for r in found], micros(moment) + 1)
    return found[i - 1] if i else None


def number_of(found: list[Recording], event_id: int) -> int | None:
    """The number of the recording that holds event `event_id`."""
    i = bisect_left([r.last for r in found], event_id)
    return found[i].number if i < len(found) and found[i].first <= event_id else None


def what_was_recorded(app: PersonnelLedger, recording: Recording) -> dict[str, Any]:
    """Who made the recording and what it holds: its events by type, most first (for a recording of more than
    `SUMMARISED` events, its count alone and the actor of its first event)."""
    ids = list(range(recording.first, recording.last + 1))
    facts = list(app.codec.facts(app.fact_log.stream.at(ids if len(ids) <= SUMMARISED else ids[:1]), app.fact_log.met))
    actors = sorted({f.actor for f in facts})
    kinds = Counter(f.event for f in facts) if len(ids) <= SUMMARISED else Counter()
    return {**recording.as_json(), "actor": "、".join(actors), "kinds": kinds.most_common()}
