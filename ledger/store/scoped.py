"""A writer's scope read from the store: the facts a batch can touch, found through the fact index, never the stream.

A recording (and a writer catching the derived tables up) needs every structure fact and the whole timeline of the
people the batch can affect (`ledger.fold.scope`). Which people that is, is asked of the fact index
(`ledger.store.fact_index`: facts by subject, people by unit) — the same `Lookup` the in-memory index answers —
and their facts are then read by version. So the cost of a recording is its scope, whatever the stream's length.
The fact index must be as far as the stream (`position`): the caller catches it up first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from ledger.fold.scope import STRUCTURE, Lookup, TimelineIndex, derivation_people, own_people
from ledger.model.facts import Fact
from ledger.store.fact_index import FactIndex


class Members(Protocol):
    """Who belonged to which unit on a day or later, as the materialised timeline held it after an event
    (`ledger.store.timeline.Timeline`: its rows have dates, the fact index has none)."""

    def units_of(self, people: Iterable[str], since: date, after: int) -> set[str]: ...

    def people_of(self, units: Iterable[str], since: date, after: int) -> set[str]: ...


class IndexedLookup:
    """The fact index as a scope's `Lookup` (recorded facts up to `position`); with `members`, the people and units
    of a day or later come from the materialised timeline."""

    def __init__(self, index: FactIndex, members: Members | None = None, position: int = 0):
        self.index = index
        self.members = members
        self.position = position

    def recorded(self, ids: Iterable[int]) -> dict[int, Fact]:
        return {f.id: f for f in self.index.read(sorted(set(ids)))}

    def subjects(self, ids: Iterable[int]) -> dict[int, str]:
        return self.index.subjects(ids)

    def units_of(self, people: Iterable[str], since: date | None = None) -> set[str]:
        if since is None or self.members is None:
            return self.index.units_of(people)
        return self.members.units_of(people, since, self.position)

    def people_of(self, units: Iterable[str], since: date | None = None) -> set[str]:
        if since is None or self.members is None:
            return self.index.people_of(units)
        return self.members.people_of(units, since, self.position)


@dataclass
class Scope:
    """The recorded facts a batch can touch (every structure fact, the whole timeline of each person in scope),
    in recording order, with their in-memory index; `position`: the last event recorded when they were read."""

    facts: list[Fact]
    index: TimelineIndex
    position: int
    covers: int = 0  # the last event of the batch whose scope this is (recorded after `position`)
    unit_people: bool = True  # it holds the people of the units its batch touches (False: its own only, `own_people`)

    def serves(self, position: int, new: list[Fact]) -> bool:
        """Whether the scope can take in `new` facts, recorded after `position`: it was read at that position for a
        batch that holds them all."""
        return self.position == position and all(f.id <= self.covers for f in new)

    def with_new(self, new: list[Fact]) -> Scope:
        """The scope grown by facts recorded after it (each once, in recording order); its index is taken along
        (the scope read for a batch's validation serves the derived tables' catch-up after it is recorded)."""
        known = self.facts[-1].id if self.facts else 0
        later = [f for f in new if f.id > known]
        if len(later) == len(new):  # the usual case: only facts recorded since
            facts = [*self.facts, *later]
            self.index.sync(facts)
            return Scope(facts, self.index, max(self.position, known if not later else later[-1].id),
                         unit_people=self.unit_people)
        ids = {f.id for f in self.facts}
        facts = sorted([*self.facts, *(f for f in new if f.id not in ids)], key=lambda f: f.id)
        index = TimelineIndex()
        index.sync(facts)
        return Scope(facts, index, max(self.position, facts[-1].id if facts else 0), unit_people=self.unit_people)


def read_scope(index: FactIndex, new: list[Fact], position: int, members: Members | None = None,
               people_of: Callable[[Lookup, list[Fact]], set[str]] = derivation_people, own: bool = False) -> Scope:
    """The scope of `new` facts (recorded after `position`, or not yet recorded) as the fact index (and, with
    `members`, the materialised timeline) holds it, with the people named as a replacement by a retraction in
    scope (their timelines come along, as in `TimelineIndex.scope`). With `own`, a batch that moves no one reads
    only its own people (`own_people`: a clerk's secondment, promotion or profile need not read their units)."""
    lookup = IndexedLookup(index, members, position)
    mine = own_people(new) if own else None
    people = mine if mine is not None else people_of(lookup, new)
    facts = index.read(index.fact_ids([STRUCTURE, *people], upto=position))
    more = people
    while more:
        replacements = {f.data["replacement"] for f in facts
                        if f.event == "retracted" and f.data.get("replacement") is not None}
        more = {s for s in lookup.subjects(replacements).values() if s != STRUCTURE} - people
        if more:
            people |= more
            facts = sorted([*facts, *index.read(index.fact_ids(more, upto=position))], key=lambda f: f.id)
    scoped = TimelineIndex()
    scoped.sync(facts)
    return Scope(facts, scoped, position, max((f.id for f in new), default=position),
                 unit_people=mine is None)
