"""The ledger's opening (期初, docs/domain.md §7): what a fact records that was true before the ledger saw it.

A unit's first day records who was already there, in which posts and ranks: the opening state, never a new act
(never a 提拔, a probation, a publicity or a tenure check, never a year's figure). A post taken on the day of a
转任/调任 arrival is the post the person arrived in: whether it was a 提拔 elsewhere is not this ledger's fact.
Pure predicates over the state; the fold, the rules and the yearly report ask them here, so they agree.
"""

from __future__ import annotations

from datetime import date

from ledger.model.state import PersonState, State

ARRIVAL_MODES: tuple[str, ...] = ("转任", "调任")  # ways in that bring a post held elsewhere (《公务员法》第69–71条)


def on_opening(state: State, p: PersonState, on: date) -> bool:
    """`p`'s fact on `on` records the opening: they joined their unit on its first day, which is `on`."""
    unit = state.units.get(p.unit)
    return unit is not None and p.joined == on == unit.established


def arrived_with(p: PersonState, on: date) -> bool:
    """A post taken on `on` is the one `p` arrived in: they came in by 转任 or 调任 that day."""
    return p.joined == on and p.mode in ARRIVAL_MODES


def held_from_before(state: State, p: PersonState, on: date) -> bool:
    """A post appointed on `on` records one held from before (the opening, or a 转任/调任 arrival's): no 提拔,
    no probation, no publicity, no tenure check."""
    return on_opening(state, p, on) or arrived_with(p, on)
