"""A unit's staffing: `unit_staffing`, its 编制 and 领导职数 against who fills them on a date (the one count every
reader uses: the roster table, `ledger units`, the yearly report, the compliance snapshot, the materialised unit
figures); and `Staffing`, who is on each unit's establishment, and how many per establishment type and per post,
kept up to date fact by fact.

`State.staff(unit)` scans every person; a walk that judges quotas day after day (validation, the compliance
rules) would pay O(city) per day. `Staffing` pays O(1) per fact instead. It reads the state; call
`place(person)` after every fact about a person.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from ledger.model import vocabulary as v
from ledger.model.state import PersonState, State, UnitState

Place = tuple[str, str, frozenset[str]]  # unit, establishment type, posts held
_NO_POSTS: frozenset[str] = frozenset()


class Staffing:
    def __init__(self, state: State):
        self.state = state
        self._where: dict[str, Place] = {}
        self._members: dict[str, set[str]] = {}
        self._establishment: dict[str, Counter[str]] = {}
        self._posts: dict[str, Counter[str]] = {}
        self._changed: set[str] = set()

    def place(self, person: str) -> None:
        """Take in where the person is now (after a fact about them)."""
        p = self.state.people.get(person)
        was = self._where.get(person)
        if p is None or p.left is not None:
            now = None
        else:  # most people hold no post: no set made for them (a city's walk places every fact's person)
            posts = p.posts
            now = (p.unit, p.establishment, frozenset([x.post for x in posts]) if posts else _NO_POSTS)
        if now == was:
            return
        for place, step in ((was, -1), (now, 1)):
            if place is None:
                continue
            unit, establishment, posts = place
            members = self._members.get(unit)
            if members is None:  # a unit's first member: its containers (not one allocation per fact)
                members, self._establishment[unit], self._posts[unit] = set(), Counter(), Counter()
                self._members[unit] = members
            members.add(person) if step > 0 else members.discard(person)
            self._establishment[unit][establishment] += step
            held = self._posts[unit]
            for post in posts:
                held[post] += step
            self._changed.add(unit)
        if now is None:
            del self._where[person]
        else:
            self._where[person] = now

    def headcount(self, unit: str, establishment: str) -> int:
        """People on the unit's establishment of this type (`State.headcount`)."""
        return self._establishment.get(unit, Counter())[establishment]

    def holders(self, unit: str, post: str) -> int:
        """People holding the post in the unit (`len(State.post_holders)`)."""
        return self._posts.get(unit, Counter())[post]

    def establishments(self, unit: str) -> Counter[str]:
        return self._establishment.get(unit, Counter())

    def staff(self, unit: str) -> list[PersonState]:
        """The unit's people on establishment, by id."""
        people = self.state.people
        return [people[pid] for pid in sorted(self._members.get(unit, ()))]

    def members(self, unit: str) -> list[PersonState]:
        """The unit's people on establishment, in no particular order (enough to count them)."""
        people = self.state.people
        return [people[pid] for pid in self._members.get(unit, ())]

    def unit_changed(self, unit: str) -> None:
        """Note a change to the unit's quotas (its counts are unchanged, but their judgement is not)."""
        self._changed.add(unit)

    def take_changed(self) -> set[str]:
        """The units whose counts or quotas changed since the last call."""
        changed, self._changed = self._changed, set()
        return changed


@dataclass(frozen=True)
class EstablishmentFigure:
    """编制 of one type against the people on it."""

    establishment: str
    quota: int
    filled: int


@dataclass(frozen=True)
class PostFigure:
    """领导职数 of one post against the people holding it."""

    post: str
    level: str
    quota: int
    filled: int


@dataclass(frozen=True)
class UnitStaffing:
    """A unit's staffing on the state's date: quotas against who fills them, and who does."""

    unit: UnitState
    establishment: list[EstablishmentFigure]  # the unit's quota types, then types held without a quota (quota 0)
    posts: list[PostFigure]  # highest level first; posts of one level in the order their quotas were set
    headcount: int
    seconded: int
    non_leader_ranks: list[tuple[str, int]]  # non-leaders by rank, highest first, non-zero only
    assistants: int

    @property
    def non_leaders(self) -> int:
        return sum(n for _rank, n in self.non_leader_ranks)

    @property
    def quota(self) -> int:  # 编制, all types
        return sum(e.quota for e in self.establishment)

    @property
    def post_quota(self) -> int:  # 领导职数, all posts
        return sum(p.quota for p in self.posts)

    def as_json(self) -> dict[str, Any]:
        """The plain-dict shape the roster table and the compliance snapshot read."""
        u = self.unit
        return {
            "unit": u.unit,
            "name": u.name,
            "kind": u.kind,
            "funding": u.funding,
            "parent": u.parent,
            "establishment": [{"establishment": e.establishment, "quota": e.quota, "filled": e.filled}
                              for e in self.establishment],
            "posts": [{"post": p.post, "level": p.level, "quota": p.quota, "filled": p.filled} for p in self.posts],
            "headcount": self.headcount,
            "seconded": self.seconded,
            "non_leaders": self.non_leaders,
            "non_leader_ranks": [{"rank": r, "count": n} for r, n in self.non_leader_ranks],
            "assistants": self.assistants,
        }


def unit_staffing(state: State, unit_code: str, staff: list[PersonState] | None = None,
                  assistants: int | None = None) -> UnitStaffing:
    """A unit's 编制 and 领导职数 against who fills them on the state's date, and its non-leaders by rank.

    `staff` and `assistants` (the unit's people on establishment, its engaged assistants' count) may be given by
    a walk that keeps them per unit (`Staffing`): found in the state, they cost a scan of every person."""
    staff = state.staff(unit_code) if staff is None else staff
    tally = Tally()
    for p in staff:
        tally.add(_share(p), 1)
    return tally.staffing(state.units[unit_code],
                          len(state.active_assistants(unit_code)) if assistants is None else assistants)


Share = tuple[str, frozenset[str], str | None, bool]  # establishment, posts held, rank if no post, seconded


NO_POSTS: frozenset[str] = frozenset()


def _share(p: PersonState) -> Share:
    """What one person adds to their unit's counts (most hold no post: one shared empty set, made once — a walk
    counting a city's units asks this after every fact about a person)."""
    posts = frozenset([x.post for x in p.posts]) if p.posts else NO_POSTS
    return p.establishment, posts, None if posts else p.rank, p.secondment is not None


class Tally:
    """One unit's counts, as `unit_staffing` reads them: kept person by person (`UnitTallies`), or counted once."""

    def __init__(self) -> None:
        self.on_type: Counter[str] = Counter()
        self.holders: Counter[str] = Counter()  # a person counts once per post
        self.ranks: Counter[str] = Counter()  # non-leaders
        self.headcount = 0
        self.seconded = 0

    def add(self, share: Share, step: int) -> None:
        establishment, posts, rank, seconded = share
        self.on_type[establishment] += step
        if posts:
            holders = self.holders
            for post in posts:
                holders[post] += step
        if rank is not None:
            self.ranks[rank] += step
        self.headcount += step
        if seconded:
            self.seconded += step

    def staffing(self, unit: UnitState, assistants: int) -> UnitStaffing:
        on_type = self.on_type
        establishment = [EstablishmentFigure(e, q, on_type[e]) for e, q in unit.quotas.items()]
        establishment += [EstablishmentFigure(e, 0, on_type[e]) for e in sorted(set(on_type) - set(unit.quotas))
                          if on_type[e] > 0]
        by_level = sorted(unit.post_quotas.items(), key=lambda kv: -v.post_level_index(kv[1].level))  # stable
        posts = [PostFigure(post, pq.level, pq.count, self.holders[post]) for post, pq in by_level]
        return UnitStaffing(
            unit=unit,
            establishment=establishment,
            posts=posts,
            headcount=self.headcount,
            seconded=self.seconded,
            non_leader_ranks=sorted(((r, n) for r, n in self.ranks.items() if n > 0),
                                    key=lambda kv: v.rank_sort_key(kv[0])),
            assistants=assistants,
        )


class UnitTallies:
    """Every unit's `Tally`, kept up to date fact by fact: a walk that counts units day after day (the materialised
    unit figures) pays O(1) per fact instead of O(unit) per unit and day. Call `place(person)` after every fact
    about a person."""

    def __init__(self, state: State):
        self.state = state
        self._where: dict[str, tuple[str, Share]] = {}
        self.units: dict[str, Tally] = {}

    def place(self, person: str) -> None:
        p = self.state.people.get(person)
        now = (p.unit, _share(p)) if p is not None and p.left is None else None
        was = self._where.get(person)
        if now == was:
            return
        if was is not None:
            self.units[was[0]].add(was[1], -1)
        if now is None:
            del self._where[person]
        else:
            tally = self.units.get(now[0])
            if tally is None:
                tally = self.units[now[0]] = Tally()
            tally.add(now[1], 1)
            self._where[person] = now

    def tally(self, unit: str) -> Tally:
        return self.units.get(unit) or Tally()
