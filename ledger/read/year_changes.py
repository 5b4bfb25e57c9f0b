"""The year's changes the yearly report lists: rank promotions and post appointments (each with what the person
held the day before), assistants engaged and secondments started.

Counted in one walk of the fold's own `Walker`: before each day's facts are applied, note what the people the
year's facts are about held at the end of the day before; after them, where they are. O(events), whatever the
year holds. What it must not hold: the staffing on the report's date (`ledger.read.roster.unit_staffing`) or any
wording (exporters).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import groupby

from ledger.fold.walk import Walker
from ledger.model import vocabulary as v
from ledger.model.appointments import APPOINTMENT, HEAD_LEVEL_SUFFIX, RANK_LEVEL, appointment_kind  # noqa: F401
from ledger.model.facts import Fact
from ledger.model.opening import arrived_with, on_opening
from ledger.model.state import PersonState, Post, State, UnitState


@dataclass(frozen=True)
class Promotion:
    """A rank promotion (职级晋升) of the year."""

    person: str
    name: str
    unit: str
    rank: str
    previous_rank: str | None
    effective: date
    fact_id: int


@dataclass(frozen=True)
class Appointment:
    """A post appointment (任职) of the year, with what the person held just before."""

    person: str
    name: str
    unit: str
    unit_name: str
    post: str
    level: str
    section: str | None
    effective: date
    previous_rank: str | None
    previous_post: str | None  # the highest post held before, as "section+post"
    previous_section: str | None
    previous_post_name: str | None
    verb: str  # 提拔 or 任命
    fact_id: int


@dataclass(frozen=True)
class Engagement:
    """A self-hired assistant (自聘助理, 编外) engaged in the year."""

    person: str
    name: str
    role: str
    unit: str
    unit_name: str
    effective: date


@dataclass(frozen=True)
class Secondment:
    person: str
    name: str
    host: str
    kind: str
    effective: date
    until: date | None


@dataclass(frozen=True)
class Movement:
    """A way in (录用, 调入, 遴选 …) or out (退休, 调出, 辞职 …) of the report's units in the year."""

    person: str
    name: str
    way: str
    effective: date
    fact_id: int


# How a hire's mode and a separation's reason are named among the year's ways in and out (the seed's words).
WAY_IN = {"录用": "录用", "调任": "调入", "转任": "调入", "公开遴选": "遴选", "招聘": "招聘", "安置": "安置"}
WAYS_IN = tuple(dict.fromkeys(WAY_IN.values()))
WAYS_OUT = ("退休", "调出", "辞职", "辞退", "死亡", "开除", "其他")
OPENING_NOTE = "opening roster"  # how `ledger import-roster` notes the records of its rows (ledger.io.opening_roster)


@dataclass
class YearChanges:
    promotions: list[Promotion] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    engagements: list[Engagement] = field(default_factory=list)
    secondments: list[Secondment] = field(default_factory=list)
    ways_in: list[Movement] = field(default_factory=list)
    ways_out: list[Movement] = field(default_factory=list)

    def promoted_people(self) -> list[str]:
        """Ids of the people promoted or appointed, each once, in the order it took effect."""
        steps = sorted([*self.promotions, *self.appointments], key=lambda x: (x.effective, x.fact_id))
        return list(dict.fromkeys(x.person for x in steps))


def post_label(section: str | None, post: str, unit: UnitState | None, report_unit: str) -> str:
    """How a post is named in the report: `X科科长`; a subordinate unit's post carries the unit's name."""
    prefix = ""
    if unit is not None and unit.unit != report_unit:
        prefix = unit.name
    return f"{prefix}{section or ''}{post}"


def year_of(f: Fact) -> int:
    """The year a fact counts for: when it took effect, or an appointment's `since` when one is given (so
    opening-roster records of earlier appointments do not count as the year's)."""
    if f.event == "post_appointed" and f.get("since") is not None:
        return f.data["since"].year
    return f.effective.year


@dataclass(frozen=True)
class _Held:
    """What a person held at the end of a day: rank, unit and posts (None if not on the establishment)."""

    rank: str | None
    unit: str | None
    posts: tuple[Post, ...]

    @classmethod
    def of(cls, p: PersonState | None) -> _Held:
        if p is None or p.left is not None:
            return cls(None, None, ())
        return cls(p.rank, p.unit, tuple(p.posts))


def year_changes(facts: list[Fact], year: int, as_of: date, scope: set[str], report_unit: str) -> YearChanges:
    """The changes of `year` up to `as_of` in the units of `scope`; `facts` in `counting_facts` order."""
    wanted = {f.id for f in facts if year_of(f) == year and f.effective <= as_of}
    noting = _Noting(YearChanges(), scope, report_unit, facts[0].effective if facts else as_of)
    walker = Walker()
    for _day, group in groupby((f for f in facts if f.effective <= as_of), key=lambda f: f.effective):
        day = list(group)
        todo = [f for f in day if f.id in wanted]
        before = {f.data["person"]: _Held.of(walker.state.people.get(f.data["person"])) for f in todo if f.person}
        for f in day:
            walker.apply(f)
        walker.close_day()
        for f in todo:
            note = _NOTES.get(f.event)
            if note is not None:
                note(noting, f, before, walker.state)
    return noting.changes


@dataclass
class _Noting:
    """What one fact of the year adds to the changes, given the holdings before its day and the state after."""

    changes: YearChanges
    scope: set[str]
    report_unit: str
    opening: date  # the ledger's first day: its hires record who was there, not who came in

    def hired(self, f: Fact, before: dict[str, _Held], after: State) -> None:
        person = self._in_scope(f, after)
        opening = f.effective == self.opening or (f.get("note") or "").startswith(OPENING_NOTE) or \
            (person is not None and on_opening(after, person, f.effective))
        if person is not None and not opening:
            way = WAY_IN.get(f.data["mode"], f.data["mode"])
            self.changes.ways_in.append(Movement(person.person, person.name, way, f.effective, f.id))

    def separated(self, f: Fact, before: dict[str, _Held], after: State) -> None:
        person = after.people.get(f.data["person"])
        if person is not None and before[person.person].unit in self.scope:
            self.changes.ways_out.append(Movement(person.person, person.name, f.data["reason"], f.effective, f.id))

    def transferred(self, f: Fact, before: dict[str, _Held], after: State) -> None:
        """A move across the edge of the report's units is a way in (调入) or out (调出) of them."""
        person = after.people.get(f.data["person"])
        if person is None:
            return
        was, now = before[person.person].unit in self.scope, person.unit in self.scope
        if was != now:
            moved = self.changes.ways_in if now else self.changes.ways_out
            moved.append(Movement(person.person, person.name, "调入" if now else "调出", f.effective, f.id))

    def engaged(self, f: Fact, before: dict[str, _Held], after: State) -> None:
        d = f.data
        if d["unit"] in self.scope:
            u = after.units.get(d["unit"])
            self.changes.engagements.append(Engagement(d["person"], d["name"], d["role"], d["unit"],
                                                       u.name if u else d["unit"], f.effective))

    def promoted(self, f: Fact, before: dict[str, _Held], after: State) -> None:
        person = self._in_scope(f, after)
        if person is not None and not on_opening(after, person, f.effective):  # the opening is no act of the year
            self.changes.promotions.append(Promotion(person.person, person.name, person.unit, f.data["rank"],
                                                     before[person.person].rank, f.effective, f.id))

    def appointed(self, f: Fact, before: dict[str, _Held], after: State) -> None:
        """An appointment of the year; none for a post of the opening, and the post of a 转任/调任 arrival is a
        任命, never a 提拔 (whether it was one elsewhere is not this ledger's fact: docs/domain.md §7)."""
        person = self._in_scope(f, after)
        if person is None or on_opening(after, person, f.effective):
            return
        appointment = _appointment(f, before[person.person], after, person, self.report_unit)
        if arrived_with(person, f.effective):
            appointment = replace(appointment, verb=APPOINTMENT)
        self.changes.appointments.append(appointment)

    def seconded(self, f: Fact, before: dict[str, _Held], after: State) -> None:
        person = self._in_scope(f, after)
        if person is not None:
            self.changes.secondments.append(Secondment(person.person, person.name, f.data["host"], f.data["kind"],
                                                       f.effective, f.get("until")))

    def _in_scope(self, f: Fact, after: State) -> PersonState | None:
        person = after.people.get(f.data["person"])
        return person if person is not None and person.unit in self.scope else None


# The event types the report lists; every other fact only moves the walk along.
_NOTES: dict[str, Callable[[_Noting, Fact, dict[str, _Held], State], None]] = {
    "assistant_engaged": _Noting.engaged,
    "rank_promoted": _Noting.promoted,
    "post_appointed": _Noting.appointed,
    "secondment_started": _Noting.seconded,
    "hired": _Noting.hired,
    "separated": _Noting.separated,
    "transferred": _Noting.transferred,
}


def _appointment(f: Fact, before: _Held, after: State, person: PersonState, report_unit: str) -> Appointment:
    """An appointment with the rank and highest post the person held the day before it took effect."""
    unit = after.units[person.unit]
    level = unit.post_level(f.data["post"]) or ""
    prev_unit = after.units.get(before.unit or "")
    held, _level = _highest_post(before.posts, prev_unit)
    levels = [prev_unit.post_level(x.post) if prev_unit is not None else None for x in before.posts]
    verb = appointment_kind(level, levels, before.rank)  # 提拔 or 任命: ledger.model.appointments
    return Appointment(
        person.person, person.name, unit.unit, unit.name, f.data["post"], level, f.get("section"), f.effective,
        before.rank, held.post if held else None, held.section if held else None,
        post_label(held.section, held.post, prev_unit, report_unit) if held else None,
        verb, f.id)


def _highest_post(posts: tuple[Post, ...], unit: UnitState | None) -> tuple[Post | None, int]:
    """The highest of the posts held in `unit`, and its level's index (the first of equals; None, -1 if none)."""
    if not posts:
        return None, -1

    def level_of(x: Post) -> int:
        return v.post_level_index(unit.post_level(x.post)) if unit is not None else -1

    held = max(posts, key=level_of)
    return held, level_of(held)
