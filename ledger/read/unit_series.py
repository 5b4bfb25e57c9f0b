"""A unit over the years: its 编制 and 领导职数 against who fills them on 31 December of each year, for the unit page's
lines.

Each point is the unit's `ledger units --json` entry on that day, read off the intervals of its figures
(`ledger.store.unit_figures`: materialised as known now, or derived from the unit's facts as known at a moment) —
the same figures `ledger units --as-of YYYY-12-31 --unit U` prints. The years run from the unit's establishment to
the last change of its figures. Nothing here reads the store.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

Interval = tuple[str, str, dict[str, Any]]  # valid_from, valid_to (ISO; exclusive), the units entry


def unit_series(intervals: list[Interval], unit: str, known_at: datetime | None = None) -> dict[str, Any]:
    """`{"unit", "name", "known_at", "points": [{"date", **entry}]}`, one point per 31 December, from the unit's
    figure intervals in date order (at least one)."""
    first, last = date.fromisoformat(intervals[0][0]), date.fromisoformat(intervals[-1][0])
    points = []
    for year in range(first.year, last.year + 1):
        day = date(year, 12, 31).isoformat()
        entry = next((doc for start, end, doc in intervals if start <= day < end), None)
        if entry is not None:
            points.append({"date": day, **entry})
    return {"unit": unit, "name": intervals[-1][2]["name"], "known_at": known_at.isoformat() if known_at else None,
            "points": points}
