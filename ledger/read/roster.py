"""Read models computed from a folded `State`: a unit's 编制 and 领导职数 against who fills them, its non-leaders by
rank, and the roster as `ledger roster --json` shows it.

The roster table, the yearly report and the compliance snapshot all count from `unit_staffing`, so they always
agree. Nothing here folds or reads the store: callers pass the state on the date they want.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ledger.model import vocabulary as v
from ledger.model.errors import NotFound, no_unit
from ledger.model.state import State, UnitState, roster_sort_key


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


def unit_staffing(state: State, unit_code: str) -> UnitStaffing:
    """A unit's 编制 and 领导职数 against who fills them on the state's date, and its non-leaders by rank."""
    unit = state.units[unit_code]
    staff = state.staff(unit_code)
    on_type = Counter(p.establishment for p in staff)
    establishment = [EstablishmentFigure(e, q, on_type[e]) for e, q in unit.quotas.items()]
    establishment += [EstablishmentFigure(e, 0, on_type[e]) for e in sorted(set(on_type) - set(unit.quotas))]
    holders = Counter(post for p in staff for post in {x.post for x in p.posts})  # a person counts once per post
    by_level = sorted(unit.post_quotas.items(), key=lambda kv: -v.post_level_index(kv[1].level))  # stable
    posts = [PostFigure(post, pq.level, pq.count, holders[post]) for post, pq in by_level]
    ranks = Counter(p.rank for p in staff if not p.posts)
    return UnitStaffing(
        unit=unit,
        establishment=establishment,
        posts=posts,
        headcount=len(staff),
        seconded=sum(1 for p in staff if p.secondment),
        non_leader_ranks=sorted(ranks.items(), key=lambda kv: v.rank_sort_key(kv[0])),
        assistants=len(state.active_assistants(unit_code)),
    )


def unit_summary(state: State, unit_code: str) -> dict[str, Any]:
    """`unit_staffing` in its JSON shape."""
    return unit_staffing(state, unit_code).as_json()


def roster_view(state: State, on: date, known_at: datetime | None = None, unit: str | None = None) -> dict[str, Any]:
    """A folded state as `ledger roster --json` shows it (DESIGN.md §6): staff by unit, leaders first; assistants apart."""
    if unit is not None and unit not in state.units:
        raise NotFound(no_unit(unit, on, state.units))
    staff = sorted(state.staff(unit), key=lambda p: roster_sort_key(p, state))
    return {
        "as_of": on.isoformat(),
        "known_at": known_at.isoformat() if known_at else None,
        "people": [p.roster_json() for p in staff],
        "assistants": [a.roster_json() for a in sorted(state.active_assistants(unit), key=lambda a: a.person)],
    }
