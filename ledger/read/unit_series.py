"""A unit over the years: its 编制 and 领导职数 against who fills them on 31 December of each year, for the unit page's
lines.

Each point is `unit_summary` (the `ledger units --json` entry) of the state on that day, taken from one walk of the
facts in the fold's order — the same figures `ledger units --as-of YYYY-12-31` prints. The years run from the
unit's establishment to the last fact that counts. Nothing here reads the store; the caller passes the facts that
can matter for the unit (every structure fact, and the facts of everyone who was ever in it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from ledger.fold.walk import Walker, counting_facts
from ledger.model.errors import NotFound, no_unit
from ledger.model.facts import Fact
from ledger.read.roster import unit_summary


def unit_series(facts: Iterable[Fact], unit: str, known_at: datetime | None = None) -> dict[str, Any]:
    """`{"unit", "name", "known_at", "points": [{"date", **unit_summary}]}`, one point per 31 December."""
    counting = counting_facts(facts, known_at)
    founded = next((f.effective for f in counting if f.event == "unit_established" and f.data["unit"] == unit), None)
    if founded is None:
        raise NotFound(no_unit(unit, "any date", sorted({f.data["unit"] for f in counting
                                                         if f.event == "unit_established"})))
    last = max(f.effective for f in counting)
    days = [date(y, 12, 31) for y in range(founded.year, last.year + 1)]
    walker, points, i = Walker(), [], 0
    for f in counting:
        while i < len(days) and f.effective > days[i]:
            points.append(_point(walker, unit, days[i]))
            i += 1
        walker.apply(f)
    points += [_point(walker, unit, day) for day in days[i:]]
    name = walker.state.units[unit].name if unit in walker.state.units else unit
    return {"unit": unit, "name": name, "known_at": known_at.isoformat() if known_at else None,
            "points": [p for p in points if p is not None]}


def _point(walker: Walker, unit: str, day: date) -> dict[str, Any] | None:
    if unit not in walker.state.units:
        return None
    return {"date": day.isoformat(), **unit_summary(walker.state, unit)}
