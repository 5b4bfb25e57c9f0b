"""Read models computed from a folded `State`: per-unit staffing against quotas, rank counts. Plain dicts out.

The roster table, the yearly report and the compliance snapshot all count from here, so they always agree.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ledger.model import vocabulary as v
from ledger.model.errors import NotFound
from ledger.model.state import State, roster_sort_key


def unit_summary(state: State, unit_code: str) -> dict[str, Any]:
    """A unit's 编制 and 领导职数 against who fills them on the state's date, and its non-leaders by rank."""
    unit = state.units[unit_code]
    staff = state.staff(unit_code)
    establishment = [
        {"establishment": e, "quota": q, "filled": sum(1 for p in staff if p.establishment == e)}
        for e, q in unit.quotas.items()
    ]
    for e in sorted({p.establishment for p in staff} - set(unit.quotas)):
        establishment.append({"establishment": e, "quota": 0, "filled": sum(1 for p in staff if p.establishment == e)})
    posts = [
        {"post": post, "level": pq.level, "quota": pq.count, "filled": len(state.post_holders(unit_code, post))}
        for post, pq in sorted(unit.post_quotas.items(), key=lambda kv: -_level(kv[1].level))
    ]
    non_leaders = [p for p in staff if not p.posts]
    ranks: dict[str, int] = {}
    for p in sorted(non_leaders, key=lambda p: v.rank_sort_key(p.rank)):
        ranks[p.rank] = ranks.get(p.rank, 0) + 1
    return {
        "unit": unit.unit,
        "name": unit.name,
        "kind": unit.kind,
        "funding": unit.funding,
        "parent": unit.parent,
        "establishment": establishment,
        "posts": posts,
        "headcount": len(staff),
        "seconded": sum(1 for p in staff if p.secondment),
        "non_leaders": len(non_leaders),
        "non_leader_ranks": [{"rank": r, "count": n} for r, n in ranks.items()],
        "assistants": len(state.active_assistants(unit_code)),
    }


def _level(level: str) -> int:
    return v.post_level_index(level) if level in v.POST_LEVELS else -1


def roster_view(state: State, on: date, known_at: datetime | None = None, unit: str | None = None) -> dict[str, Any]:
    """A folded state as `ledger roster --json` shows it (DESIGN.md §6): staff by unit, leaders first; assistants apart."""
    if unit is not None and unit not in state.units:
        raise NotFound(f"no unit '{unit}' on {on} (units: {', '.join(state.units) or 'none'})")
    staff = sorted(state.staff(unit), key=lambda p: roster_sort_key(p, state))
    return {
        "as_of": on.isoformat(),
        "known_at": known_at.isoformat() if known_at else None,
        "people": [p.roster_json() for p in staff],
        "assistants": [a.roster_json() for a in sorted(state.active_assistants(unit), key=lambda a: a.person)],
    }
