"""Read models computed from a folded `State`: a unit's 编制 and 领导职数 against who fills them, its non-leaders by
rank, and the roster as `ledger roster --json` shows it.

The roster table, the yearly report, the compliance snapshot and the materialised unit figures all count with
`unit_staffing` (ledger.model.staffing, where the store's projection can reach it too), so they always agree.
Nothing here folds or reads the store: callers pass the state on the date they want.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ledger.model.errors import NotFound, no_unit
from ledger.model.staffing import EstablishmentFigure, PostFigure, UnitStaffing, unit_staffing
from ledger.model.state import State, roster_sort_key

__all__ = ["EstablishmentFigure", "PostFigure", "UnitStaffing", "roster_view", "unit_staffing", "unit_summary"]


def unit_summary(state: State, unit_code: str) -> dict[str, Any]:
    """`unit_staffing` in its JSON shape."""
    return unit_staffing(state, unit_code).as_json()


def roster_view(state: State, on: date, known_at: datetime | None = None, unit: str | None = None) -> dict[str, Any]:
    """A folded state as `ledger roster --json` shows it (docs/architecture.md §6): staff by unit, leaders first; assistants apart."""
    if unit is not None and unit not in state.units:
        raise NotFound(no_unit(unit, on, state.units))
    staff = sorted(state.staff(unit), key=lambda p: roster_sort_key(p, state))
    return {
        "as_of": on.isoformat(),
        "known_at": known_at.isoformat() if known_at else None,
        "people": [p.roster_json() for p in staff],
        "assistants": [a.roster_json() for a in sorted(state.active_assistants(unit), key=lambda a: a.person)],
    }
