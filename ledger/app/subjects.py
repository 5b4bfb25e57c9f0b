"""The facts one page of the web view (or one query) needs, found through the store's fact index instead of reading
the whole stream: a person's own facts, or everything that can change a unit's figures — each with every structure
fact (units, sections, quotas: few), and with the retractions of them.

At a city's scale (a million facts) a person's timeline or a unit's series then reads a few thousand facts by
version; the answers equal those of the whole stream, because no other fact can change them (see
`ledger.store.fact_index` and `ledger.app.yearly`, whose report reads the same way).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

import orjson

from ledger.app.ledger import PersonnelLedger
from ledger.fold.scope import STRUCTURE
from ledger.fold.walk import fold
from ledger.model.errors import NotFound, no_unit
from ledger.model.facts import Fact
from ledger.model.state import State
from ledger.store.fact_index import IndexRows
from ledger.store.unit_figures import decode_rows, derive_figures


def subject_facts(app: PersonnelLedger, subjects: Iterable[str]) -> list[Fact]:
    """Every fact about these subjects (people's ids, or STRUCTURE), retractions of them included, in recording
    order; none when nothing is recorded. Read through the store's fact index when it is complete; otherwise
    (behind, or opened for reading before a writer built it) from the events themselves: reads write nothing."""
    index = app.timeline.fact_index
    if index.complete(app.stream.top()):
        return index.read(index.fact_ids(subjects))
    facts, rows = _subjects_from_events(app)
    wanted = set(subjects)
    return [f for f in facts if rows.subjects.get(f.id) in wanted]


def facts_about(app: PersonnelLedger, event_id: int) -> list[Fact]:
    """Every fact of the subject event `event_id` is about (its person's, or the structure's), retractions of them
    included, and of the subjects its corrections' replacements are about: what tells whether it still counts and
    what corrected it. Read through the fact index when it is complete, else every fact; none for no such event."""
    index = app.timeline.fact_index
    if not index.complete(app.stream.top()):
        return app.facts()
    subjects = set(index.subjects([event_id]).values())
    facts = subject_facts(app, subjects) if subjects else []
    while True:
        replacements = {f.data["replacement"] for f in facts if f.event == "retracted" and f.data.get("replacement")}
        more = set(index.subjects(replacements).values()) - subjects
        if not more:
            return facts
        subjects |= more
        facts = subject_facts(app, subjects)


def named_state(app: PersonnelLedger, same_name: Callable[[str], bool] | None,
                same_id: Callable[[str], bool] | None = None) -> State | None:
    """The state after every fact of the units and of the people recorded under a name `same_name` accepts (None:
    of no one), read through the fact index: a name is looked up at a city's scale as an id is. None when the
    index is behind (the caller folds everything)."""
    index = app.timeline.fact_index
    if not index.complete(app.stream.top()):
        return None
    people = ({p for p, name in index.person_names() if same_name(name) or (same_id is not None and same_id(p))}
              if same_name is not None else set())
    return fold(subject_facts(app, [STRUCTURE, *sorted(people)]))


def person_facts(app: PersonnelLedger, person: str) -> list[Fact]:
    """The structure facts and the person's own facts (and their retractions)."""
    return subject_facts(app, [STRUCTURE, person])


def unit_facts(app: PersonnelLedger, unit: str) -> list[Fact]:
    """The structure facts and the facts of everyone ever named with the unit: all that can change its figures."""
    index = app.timeline.fact_index
    if index.complete(app.stream.top()):
        return subject_facts(app, [STRUCTURE, *index.people_of([unit])])
    facts, rows = _subjects_from_events(app)
    wanted = {STRUCTURE} | {person for u, person in rows.unit_people if u == unit}
    return [f for f in facts if rows.subjects.get(f.id) in wanted]


def _subjects_from_events(app: PersonnelLedger) -> tuple[list[Fact], IndexRows]:
    """Every fact and the index's rows for them, derived in memory (what the fact index would hold)."""
    notice = ("the store's index of facts is behind the events: answered from the events themselves (`ledger "
              "verify` checks the derived tables, `ledger rebuild` re-derives them)")
    if app.timeline.fact_index.position() and notice not in app.notices:
        app.notices.append(notice)
    facts = app.facts()
    return facts, IndexRows.of(facts)


def person_history(app: PersonnelLedger, person: str) -> tuple[list[Fact], list[Fact]]:
    """What `PersonnelLedger.history(person)` lists (the person's facts and the retractions of them, in effective
    order), and every fact of the person's subject (retractions of retractions too: what settles which stand)."""
    mine = subject_facts(app, [person])
    own = [f for f in mine if f.person == person]
    if not own:
        raise NotFound(f"no person '{person}' in the ledger")
    ids = {f.id for f in own}
    listed = own + [f for f in mine if f.event == "retracted" and f.data["target"] in ids]
    return sorted(listed, key=lambda f: (f.effective, f.id)), mine


def unit_state(app: PersonnelLedger, unit: str, on: date, known_at: datetime | None,
               facts: list[Fact] | None = None) -> State:
    """The fold on `on` of the facts that can change the unit (`facts`, if already read: every unit is in it, the
    unit's people are whole); the unit not there then is NotFound, worded as the whole fold words it."""
    state = fold(unit_facts(app, unit) if facts is None else facts, on, known_at)
    if unit not in state.units:
        raise NotFound(no_unit(unit, on, state.units))
    return state


def unit_intervals(app: PersonnelLedger, unit: str, known_at: datetime | None) -> list[tuple[str, str, dict[str, Any]]]:
    """The intervals of the unit's figures as known at `known_at`, derived from the facts that can change them
    (what the materialised figures hold as known now)."""
    rows = derive_figures(unit_facts(app, unit), {unit}, known_at)
    return decode_rows(sorted((r[2], r[3], r[4]) for r in rows), orjson.loads)


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
