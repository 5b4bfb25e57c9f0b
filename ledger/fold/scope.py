"""Who a batch can affect: an in-process index of the recorded facts by person and by unit, for scoped validation.

Validation (`ledger.fold.walk.validate`) checks each person's own timeline against the structure (units, sections,
quotas) and the 编制/领导职数 counts of the units on each day. So a batch can only create problems in
- the timelines of the people it names (and of people named as a retraction's target or replacement),
- the counts of the units those people ever belonged to, when the batch hires, moves, appoints or separates
  them (event types that change membership), or of the units it restructures,
and those counts depend only on the people who ever belonged to those units. `TimelineIndex.scope` returns
exactly that part of the timeline: every structure fact, plus every fact (and retraction) of every such person.
Validating the scope with the batch finds the same new problems as validating the whole city: facts outside
it neither change nor are changed, and a change that ripples outwards (a refused hire leaves someone elsewhere)
starts with a new problem inside the scope, which refuses the batch already.

The index is plain in-memory data, rebuilt incrementally from `PersonnelLedger.facts()`; it never reads the
store.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Protocol

from ledger.model.events import EVENT_TYPES
from ledger.model.facts import Fact

STRUCTURE = "#structure"  # the subject of unit, section and quota facts (always in scope: they are few)
# Only facts whose type changes membership (`EventType.membership`: who is on a unit's establishment or holds its
# posts) and structure facts can change the 编制/领导职数 counts other people's facts are judged by. A promotion or
# a secondment changes its own person's timeline only; if it changes how that person's later facts turn out, that
# shows as a new problem in the person's own facts, which refuses the batch.


def own_subject(f: Fact) -> str:
    """The subject of a fact that is not a retraction: its person, or STRUCTURE (a retraction has its target's)."""
    subject = EVENT_TYPES[f.event].subject(f)
    return subject if subject is not None else STRUCTURE


def named_units(f: Fact) -> list[str]:
    """The units a fact names (a unit's own facts, a hire's unit, a transfer's destination …)."""
    return EVENT_TYPES[f.event].units(f)


def changes_membership(f: Fact) -> bool:
    return EVENT_TYPES[f.event].membership
# Scoping costs a few dict look-ups per fact; beyond this share of the timeline, validate everything.
WHOLE_TIMELINE_SHARE = 0.5


class TimelineIndex:
    """Recorded facts grouped by subject (a person's id, or STRUCTURE), and the people each unit ever had."""

    def __init__(self) -> None:
        self.count = 0
        self.by_subject: dict[str, list[Fact]] = {STRUCTURE: []}
        self.subject_of: dict[int, str] = {}
        self.unit_people: dict[str, set[str]] = {}
        self.person_units: dict[str, set[str]] = {}
        self.by_id: dict[int, Fact] = {}

    def sync(self, facts: list[Fact]) -> None:
        """Take in the facts recorded since the last call (`facts` is the whole recording-order list)."""
        for f in facts[self.count:]:
            self._add(f)
        self.count = len(facts)

    def _subject(self, f: Fact) -> str:
        """A recorded fact's subject; a retraction's is its target's."""
        if f.event == "retracted":
            return self.subject_of.get(f.data["target"], STRUCTURE)
        return own_subject(f)

    def _add(self, f: Fact) -> None:
        subject = self._subject(f)
        self.subject_of[f.id] = subject
        self.by_id[f.id] = f
        self.by_subject.setdefault(subject, []).append(f)
        if subject != STRUCTURE and f.event != "retracted":
            for unit in named_units(f):
                self.unit_people.setdefault(unit, set()).add(subject)
                self.person_units.setdefault(subject, set()).add(unit)

    # --- the `Lookup` a scope is computed through (here: in memory) ---------------------------------------------
    def recorded(self, ids: Iterable[int]) -> dict[int, Fact]:
        return {i: self.by_id[i] for i in ids if i in self.by_id}

    def subjects(self, ids: Iterable[int]) -> dict[int, str]:
        return {i: self.subject_of[i] for i in ids if i in self.subject_of}

    def units_of(self, people: Iterable[str], since: date | None = None) -> set[str]:
        """Every unit one of these people ever belonged to (the index keeps no dates: `since` is not narrowed by)."""
        return set().union(*(self.person_units.get(p, set()) for p in people))

    def people_of(self, units: Iterable[str], since: date | None = None) -> set[str]:
        """Everyone who ever belonged to one of these units (`since`, as in `units_of`, is a hint it cannot use)."""
        return set().union(*(self.unit_people.get(u, set()) for u in units))

    def scope(self, new: Iterable[Fact]) -> list[Fact] | None:
        """The recorded facts a batch's validation needs, or None when that is most of the timeline anyway (or the
        batch outnumbers the timeline: validating all of it then costs less than finding the scope)."""
        new = list(new)
        if len(new) >= self.count:
            return None
        people = validation_people(self, new)
        people |= self.replaced(people)
        size = len(self.by_subject[STRUCTURE]) + sum(len(self.by_subject.get(p, ())) for p in people)
        if size > WHOLE_TIMELINE_SHARE * max(self.count, 1):
            return None
        out = list(self.by_subject[STRUCTURE])
        for p in people:
            out += self.by_subject.get(p, ())
        return out

    def replaced(self, people: set[str]) -> set[str]:
        """A retraction in scope may name a replacement about someone outside it: their timeline comes along."""
        out: set[str] = set()
        for p in people:
            for f in self.by_subject.get(p, ()):
                rep = f.data.get("replacement") if f.event == "retracted" else None
                if rep is not None and self.subject_of.get(rep, STRUCTURE) != STRUCTURE:
                    out.add(self.subject_of[rep])
        return out


class Lookup(Protocol):
    """What a scope is computed through: recorded facts by id, their subjects, and who belonged to which unit — kept
    in memory (`TimelineIndex`) or in the store's fact index (`ledger.store.scoped`)."""

    def recorded(self, ids: Iterable[int]) -> dict[int, Fact]: ...

    def subjects(self, ids: Iterable[int]) -> dict[int, str]: ...

    def units_of(self, people: Iterable[str], since: date | None = None) -> set[str]:
        """The units these people belonged to (on `since` or later, where the lookup can tell; else ever)."""

    def people_of(self, units: Iterable[str], since: date | None = None) -> set[str]:
        """The people who belonged to these units (on `since` or later, where the lookup can tell; else ever)."""


def touched(lookup: Lookup, new: list[Fact]) -> list[tuple[Fact, str]]:
    """The batch's facts, and the facts its retractions name (as target or replacement), recorded or not — and
    theirs in turn: retracting a retraction restores the fact that one retracted. Each with its subject (a
    retraction has its target's when that is recorded)."""
    pending = {f.id: f for f in new}
    seen = set(pending)
    out: list[Fact] = []
    named = list(reversed(new))
    while named:
        g = named.pop()
        out.append(g)
        if g.event != "retracted":
            continue
        refs = [r for r in (g.data.get("target"), g.data.get("replacement")) if r is not None]
        found = lookup.recorded([r for r in refs if r not in pending])
        for ref in refs:
            other = found.get(ref) or pending.get(ref)
            if other is not None and other.id not in seen:
                seen.add(other.id)
                named.append(other)
    targets = lookup.subjects({f.data["target"] for f in out if f.event == "retracted"})
    return [(f, targets.get(f.data["target"], STRUCTURE) if f.event == "retracted" else own_subject(f))
            for f in out]


def validation_people(lookup: Lookup, new: list[Fact]) -> set[str]:
    """The people whose timelines a batch's validation needs (`TimelineIndex.scope`, before replacements): those
    it names, and, where it changes who belongs to a unit or restructures one, everyone who ever belonged to the
    units concerned (a mover's every unit)."""
    people: set[str] = set()
    movers: set[str] = set()  # people whose membership of units the batch can change
    units: set[str] = set()
    for t, subject in touched(lookup, new):
        if subject != STRUCTURE:
            people.add(subject)
            if changes_membership(t):
                movers.add(subject)
        if subject == STRUCTURE or changes_membership(t):
            units.update(named_units(t))
    units |= lookup.units_of(movers)
    return people | lookup.people_of(units)


def derivation_people(lookup: Lookup, new: list[Fact]) -> set[str]:
    """The people whose facts validation and the derived tables need to take in `new` facts: those they name, and
    everyone who belonged, on the day before the earliest date the batch changes or later (`cut_day`), to a unit
    they name or their people belonged to then. Nothing before that day changes: each unit's counts from then on
    are those of exactly these people, so validating them, or deriving a unit's figures from that day on, finds
    what the whole timeline would (`ledger.store.unit_figures` keeps the figures before it as they were). One read
    of them serves validation (`TimelineIndex.scope` of what was read) and the derived tables."""
    found = touched(lookup, new)
    cut = cut_day([t for t, _subject in found])
    people: set[str] = set()
    units: set[str] = set()
    for t, subject in found:
        if subject != STRUCTURE:
            people.add(subject)
        units.update(named_units(t))
    units |= lookup.units_of(people, cut)
    return people | lookup.people_of(units, cut)


def own_people(new: list[Fact]) -> set[str] | None:
    """The people a batch names, when they are all its recording must read besides the structure: every fact of it
    is about a person (none a retraction) and moves no one (`changes_membership`), so validating it needs their own
    timelines only (`validation_people`), and the figures of their units are carried on from the rows the store
    believes (`ledger.store.unit_figures.carried`) instead of derived from everyone who belonged to them. None for
    any other batch (`derivation_people` then says whom to read)."""
    people: set[str] = set()
    for f in new:
        if f.event == "retracted" or changes_membership(f):
            return None
        subject = own_subject(f)
        if subject == STRUCTURE:
            return None
        people.add(subject)
    return people


def affected_by(index: TimelineIndex, new: list[Fact]) -> tuple[set[str], bool]:
    """The people whose timelines `new` facts can change (their own; a structure fact's unit's: everyone who ever
    belonged to it), and whether they change the units' structure."""
    people: set[str] = set()
    structural = False
    for f in new:
        subject = index.subject_of.get(f.id, STRUCTURE)
        if subject != STRUCTURE:
            people.add(subject)
            continue
        structural = True
        target = index.by_id.get(f.data["target"]) if f.event == "retracted" else f
        unit = target.data.get("unit") if target is not None else None
        if unit:
            people |= index.unit_people.get(unit, set())
    return people, structural


def cut_day(facts: Iterable[Fact]) -> date | None:
    """The day before the earliest effective date among `facts` (a batch and the facts its retractions name): the
    last day whose state the batch leaves as it was. None for no facts."""
    earliest = min((f.effective for f in facts), default=None)
    return None if earliest is None else earliest - timedelta(days=1)
