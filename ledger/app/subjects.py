"""The facts one page of the web view (or one query) needs, found through the store's fact index instead of reading
the whole stream: a person's own facts, or everything that can change a unit's figures — each with every structure
fact (units, sections, quotas: few), and with the retractions of them.

At a city's scale (a million facts) a person's timeline or a unit's series then reads a few thousand facts by
version; the answers equal those of the whole stream, because no other fact can change them (see
`ledger.store.fact_index` and `ledger.app.yearly`, whose report reads the same way).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ledger.app.ledger import PersonnelLedger
from ledger.fold.scope import STRUCTURE
from ledger.model.facts import Fact


def subject_facts(app: PersonnelLedger, subjects: Iterable[str]) -> list[Fact]:
    """Every fact about these subjects (people's ids, or STRUCTURE), retractions of them included, in recording
    order; none when nothing is recorded."""
    index = app.timeline.fact_index
    if index.catch_up() == 0:
        return []
    return index.read(index.fact_ids(subjects))


def person_facts(app: PersonnelLedger, person: str) -> list[Fact]:
    """The structure facts and the person's own facts (and their retractions)."""
    return subject_facts(app, [STRUCTURE, person])


def unit_facts(app: PersonnelLedger, unit: str) -> list[Fact]:
    """The structure facts and the facts of everyone ever named with the unit: all that can change its figures."""
    index = app.timeline.fact_index
    if index.catch_up() == 0:
        return []
    return subject_facts(app, [STRUCTURE, *index.people_of([unit])])


def ledger_span(app: PersonnelLedger) -> dict[str, Any]:
    """The first and the last recorded fact's effective date and recorded time, and how many events are stored:
    the ends of the web view's sliders (two rows read by version, whatever the ledger's size)."""
    stream = app.fact_log.stream
    top = stream.top()
    ends = sorted(app.codec.facts(stream.at(sorted({2, top}))), key=lambda f: f.id) if top >= 2 else []
    first, last = (ends[0], ends[-1]) if ends else (None, None)

    def moment(t: datetime | None) -> str | None:
        return t.isoformat() if t else None

    return {"events": top, "first_effective": first.effective.isoformat() if first else None,
            "last_effective": last.effective.isoformat() if last else None,
            "first_recorded": moment(first.recorded) if first else None,
            "last_recorded": moment(last.recorded) if last else None}
