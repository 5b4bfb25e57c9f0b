"""The materialised timeline's rows derived from facts: each person's roster entry and each unit's structure as
intervals over the days (`derive`), and one walk that derives them and the unit figures together (`derive_all`).

The rows come from the fold's own walk (`ledger.fold.walk`), so they agree with the fold by construction. A walk
over every fact is most of a rebuild: `WholeWalks` lets the timeline's history and the figures' history of one
rebuild (each asks for its whole derivations, ledger.store.beliefs) share one walk per whole derivation.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import orjson

from ledger.fold.walk import Walker, counting_facts
from ledger.model.facts import Fact
from ledger.model.state import State
from ledger.store.unit_figures import FigureRow, _Figures, derive_figures

OPEN_END = "9999-12-31"
PersonRow = tuple[str, str, str, str, str, bytes]  # person, kind, unit, valid_from, valid_to, doc
UnitRow = tuple[str, int, str, str, bytes]  # unit, ord, valid_from, valid_to, doc


def _unit_doc(u: Any) -> bytes:
    return orjson.dumps({"name": u.name, "kind": u.kind, "levels": {p: q.level for p, q in u.post_quotas.items()}})


class Intervals:
    """The timeline's rows of one walk, fed each fact after the walk applied it: a row closes where a person's roster
    entry (or unit, or an assistant's) or a unit's structure changes."""

    def __init__(self, state: State, people: set[str] | None):
        self.state = state
        self.people = people
        # kind -> person -> (unit, valid_from, doc) of the row open now
        self.open_rows: dict[str, dict[str, tuple[str, str, bytes]]] = {"staff": {}, "assistant": {}}
        self.out: list[PersonRow] = []
        self.open_units: dict[str, tuple[int, str, bytes]] = {}
        self.unit_rows: list[UnitRow] = []
        self.order: dict[str, int] = {}

    def _close(self, kind: str, pid: str, day: str, new: tuple[str, bytes] | None) -> None:
        rows = self.open_rows[kind]
        cur = rows.get(pid)
        if cur is not None and new is not None and cur[0] == new[0] and cur[2] == new[1]:
            return
        if cur is not None:
            if cur[1] < day:
                self.out.append((pid, kind, cur[0], cur[1], day, cur[2]))
            del rows[pid]
        if new is not None:
            rows[pid] = (new[0], day, new[1])

    def take(self, f: Fact, day: str) -> None:
        """Take in the state after `f` (applied on `day`, ISO)."""
        state, data = self.state, f.data
        pid = data.get("person")
        if pid is not None:
            if self.people is not None and pid not in self.people:
                return
            p = state.people.get(pid)
            self._close("staff", pid, day,
                        (p.unit, orjson.dumps(p.roster_json())) if p is not None and p.left is None else None)
            a = state.assistants.get(pid)
            if a is not None or pid in self.open_rows["assistant"]:
                self._close("assistant", pid, day,
                            (a.unit, orjson.dumps(a.roster_json())) if a is not None and a.left is None else None)
        elif "unit" in data:
            code = data["unit"]
            u = state.units.get(code)
            if u is None:
                return
            order = self.order
            order.setdefault(code, len(order))
            doc = _unit_doc(u)
            cur = self.open_units.get(code)
            if cur is not None and cur[2] == doc:
                return
            if cur is not None and cur[1] < day:
                self.unit_rows.append((code, cur[0], cur[1], day, cur[2]))
            self.open_units[code] = (order[code], day, doc)

    def rows(self) -> tuple[list[PersonRow], list[UnitRow]]:
        """The rows: those closed, then those still open (to OPEN_END)."""
        out, unit_rows = list(self.out), list(self.unit_rows)
        for kind, rows in self.open_rows.items():
            out += [(pid, kind, unit, start, OPEN_END, doc) for pid, (unit, start, doc) in rows.items()]
        for code, (ord_, start, doc) in self.open_units.items():
            unit_rows.append((code, ord_, start, OPEN_END, doc))
        return out, unit_rows


def derive(facts: Iterable[Fact], people: set[str] | None = None) -> tuple[list[PersonRow], list[UnitRow]]:
    """The intervals of `people` (None: everyone) and of every unit, from facts that include their timelines."""
    walker = Walker()
    intervals = Intervals(walker.state, people)
    day: date | None = None
    iso = ""
    for f in counting_facts(facts):
        walker.apply(f)
        if f.effective != day:
            day = f.effective
            iso = day.isoformat()
        intervals.take(f, iso)
    return intervals.rows()


def derive_all(facts: Iterable[Fact]) -> tuple[list[PersonRow], list[UnitRow], list[FigureRow]]:
    """`derive(facts)` and `derive_figures(facts)` of everyone and every unit, in one walk."""
    figures = _Figures(None)
    intervals = Intervals(figures.state, None)
    day: date | None = None
    iso = ""
    for f in counting_facts(facts):
        if f.effective != day:
            if day is not None:
                figures.close_day(day)
            day = f.effective
            iso = day.isoformat()
        figures.apply(f)
        intervals.take(f, iso)
    if day is not None:
        figures.close_day(day)
    return (*intervals.rows(), figures.finish())


class WholeWalks:
    """The derivations of one rebuild's histories (the timeline's, then the figures'), over the same `facts`: a
    whole derivation (of everyone and every unit, from the first `end` facts) is one walk for both tables, kept
    until each has taken its part; the derivations of some people or units are their own walks."""

    def __init__(self, facts: list[Fact]):
        self.facts = facts
        self._kept: dict[int, list[Any]] = {}  # end -> [person rows, unit rows, figure rows] (None once taken)

    def _take(self, subset: list[Fact], part: int) -> Any:
        end = len(subset)
        assert subset[-1] is self.facts[end - 1], "a whole derivation of other facts"
        kept = self._kept.get(end)
        if kept is None:
            kept = self._kept[end] = list(derive_all(subset))
        found, kept[part] = kept[part], None
        if all(x is None for x in kept):
            del self._kept[end]
        return found

    def timeline(self, subset: list[Fact], people: set[str] | None) -> tuple[list[PersonRow], list[UnitRow]]:
        """`derive`, for `history`."""
        if people is None and subset:
            return self._take(subset, 0), self._take(subset, 1)
        return derive(subset, people)

    def figures(self, subset: list[Fact], units: set[str] | None) -> list[FigureRow]:
        """`derive_figures`, for `figure_history`."""
        if units is None and subset:
            return self._take(subset, 2)
        return derive_figures(subset, units)
