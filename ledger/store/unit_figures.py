"""The materialised unit figures: each unit's 编制 and 领导职数 against who fills them, as intervals, in a table of the
same store beside the materialised timeline.

`timeline_unit_figures` holds one row per (unit, interval) in which the unit's `ledger units --json` entry stays
the same — the doc is that entry, counted by `unit_staffing` (ledger.model.staffing), the count every reader
uses — with the unit's order among units (the order they were established) and valid_from ≤ day < valid_to. The
units on a date, with their figures, are then one range query instead of a fold of the city: what the web view's
unit tree, gauges and unit series read (as known now; `known_at` stays on the fold).

The rows are derived with the fold's own walk (`derive_figures`): after each day's facts, the figures of every
unit a fact of that day touched (its own structure facts; the units a person or an assistant was in before and
after a fact about them) are counted again from the walk's per-unit membership (`Staffing`), and a row closes
where they change. A test on a generated city checks them against the fold on many dates.

The table has its own tracking position (a row of the timeline's tracking table), written in the same
transaction as the rows, and is caught up inside the timeline's catch-up: facts recorded since change the
figures of the units they name and of every unit their people ever belonged to, which are derived again from
every structure fact and the facts of everyone who ever belonged to them (`ledger.fold.scope`'s index); past a
share of the timeline, or for a store that never had the table, everything is derived again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import orjson

from ledger.fold.scope import STRUCTURE, TimelineIndex, named_units
from ledger.fold.walk import Walker, counting_facts
from ledger.model.facts import Fact
from ledger.model.staffing import Staffing, unit_staffing
from ledger.store.derived import DerivedTables, Tracking, first_difference

OPEN_END = "9999-12-31"
REBUILD_SHARE = 0.2  # beyond this share of the timeline new, derive every unit again (one pass)
FigureRow = tuple[str, int, str, str, bytes]  # unit, ord, valid_from, valid_to, doc
TABLE = "timeline_unit_figures"


class _Figures:
    """One walk's figures: the per-unit membership beside the state, the units touched today, the open rows."""

    def __init__(self, units: set[str] | None):
        self.walker = Walker()
        self.state = self.walker.state
        self.staffing = Staffing(self.state)
        self.assistants: dict[str, set[str]] = {}
        self.only = units
        self.touched: set[str] = set()
        self.order: dict[str, int] = {}
        self.open: dict[str, tuple[str, bytes]] = {}  # unit -> (valid_from, doc)
        self.rows: list[FigureRow] = []

    def _units_of(self, pid: str) -> set[str]:
        p, a = self.state.people.get(pid), self.state.assistants.get(pid)
        return {x.unit for x in (p, a) if x is not None and x.left is None}

    def apply(self, f: Fact) -> None:
        pid = f.person
        if pid is None:
            self.walker.apply(f)
            for code in named_units(f):
                if code in self.state.units:
                    self.order.setdefault(code, len(self.order))
                self.touched.add(code)
            return
        before = self._units_of(pid)
        self.walker.apply(f)
        after = self._units_of(pid)
        self.staffing.place(pid)
        for code in before - after:
            self.assistants.get(code, set()).discard(pid)
        a = self.state.assistants.get(pid)
        if a is not None and a.left is None:
            self.assistants.setdefault(a.unit, set()).add(pid)
        self.touched |= before | after

    def close_day(self, day: date) -> None:
        """Count the touched units again (as they are at the end of `day`); a changed figure opens a new row."""
        start = day.isoformat()
        for code in self.touched:
            if code not in self.state.units or (self.only is not None and code not in self.only):
                continue
            s = unit_staffing(self.state, code, self.staffing.members(code), len(self.assistants.get(code, ())))
            doc = orjson.dumps(s.as_json())
            cur = self.open.get(code)
            if cur is not None and cur[1] == doc:
                continue
            if cur is not None and cur[0] < start:
                self.rows.append((code, self.order[code], cur[0], start, cur[1]))
            self.open[code] = (start, doc)
        self.touched = set()

    def finish(self) -> list[FigureRow]:
        for code, (start, doc) in self.open.items():
            self.rows.append((code, self.order[code], start, OPEN_END, doc))
        return self.rows


def derive_figures(facts: Iterable[Fact], units: set[str] | None = None,
                   known_at: datetime | None = None) -> list[FigureRow]:
    """The figure rows of `units` (None: every unit) from facts that include every structure fact and the whole
    timeline of everyone who ever belonged to those units; as known at `known_at` (None: now)."""
    figures = _Figures(units)
    day: date | None = None
    for f in counting_facts(facts, known_at):
        if day is not None and f.effective != day:
            figures.close_day(day)
        day = f.effective
        figures.apply(f)
    if day is not None:
        figures.close_day(day)
    return figures.finish()


def decode_rows(rows: Iterable[tuple[Any, Any, Any]], decode: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """(valid_from, valid_to, doc) rows as ISO dates and the decoded `ledger units --json` entry."""
    return [(str(a)[:10], str(b)[:10], decode(doc)) for a, b, doc in rows]


class UnitFigures:
    """The unit figures of one ledger, in the derived tables (written in turns with the timeline)."""

    def __init__(self, tables: DerivedTables, codec: Any):
        self.tables = tables
        self.dialect = tables.dialect
        self.codec = codec  # an encrypted store keeps the docs (unit names) encrypted too
        self.tracking = Tracking(tables, "timeline_tracking", "unit_figures")
        self._ready = False

    def ensure(self, conn: Any) -> None:
        """Create the table and its position row, inside the caller's transaction (holding the turn's lock)."""
        if self._ready:
            return
        d = self.dialect
        if d.creates_tables:  # (a role granted access appends into the tables the owner made)
            conn.execute(f"CREATE TABLE IF NOT EXISTS {d.table(TABLE)} (unit TEXT NOT NULL, ord INTEGER NOT NULL, "
                         f"valid_from {d.day} NOT NULL, valid_to {d.day} NOT NULL, doc {d.blob} NOT NULL)")
            conn.execute(f"CREATE INDEX IF NOT EXISTS timeline_unit_figures_unit ON {d.table(TABLE)} (unit, valid_from)")
            # The units on a date: the index finds the ~one row per unit in force without reading the others' docs.
            conn.execute(f"CREATE INDEX IF NOT EXISTS timeline_unit_figures_day ON {d.table(TABLE)} "
                         "(valid_from, valid_to)")
        self.tracking.start(conn)
        self._ready = True

    def position(self) -> int:
        """The last fact the rows hold (0: none yet, or no table)."""
        try:
            return self.tracking.position()
        except Exception as e:  # outside a transaction: nothing is aborted
            if self.dialect.is_missing_table(e):
                return 0
            raise

    def sync(self, conn: Any, facts: list[Fact], index: TimelineIndex) -> None:
        """Inside the caller's transaction: take in the facts recorded since the position (`facts`: every fact,
        recording order; `index`: the scope index of exactly those facts)."""
        self.ensure(conn)
        pos = self.tracking.position(conn, lock=True)
        top = facts[-1].id if facts else 0
        if pos >= top:
            return
        new = [f for f in facts if f.id > pos]
        if pos == 0 or len(new) > REBUILD_SHARE * len(facts):
            self.replace(conn, facts, None)
        else:
            units = self._affected(new, index)
            people = set().union(*(index.unit_people.get(u, set()) for u in units)) if units else set()
            subset = list(index.by_subject[STRUCTURE])
            for pid in people:
                subset += index.by_subject.get(pid, ())
            self.replace(conn, subset, units)
        self.tracking.move(conn, top)

    @staticmethod
    def _affected(new: list[Fact], index: TimelineIndex) -> set[str]:
        """The units whose figures the new facts can change: those they name (a retraction: its target's), and
        every unit their people ever belonged to."""
        units: set[str] = set()
        for f in new:
            subject = index.subject_of.get(f.id, STRUCTURE)
            if subject != STRUCTURE:
                units |= index.person_units.get(subject, set())
            target = index.by_id.get(f.data["target"]) if f.event == "retracted" else f
            if target is not None:
                units.update(named_units(target))
        return units

    def replace(self, conn: Any, facts: list[Fact], units: set[str] | None) -> None:
        """Derive the rows of `units` (None: all) again from `facts` and put them in place of the old ones."""
        d = self.dialect
        rows = derive_figures(facts, units)
        if units is None:
            conn.execute(f"DELETE FROM {d.table(TABLE)}")
        else:
            for marks, chunk in self.tables.chunks(sorted(units)):
                conn.execute(f"DELETE FROM {d.table(TABLE)} WHERE unit IN ({marks})", chunk)
        d.bulk_insert(conn, TABLE, 5, self.codec.encrypt_last(rows))

    # --- queries --------------------------------------------------------------------------------------------
    def on(self, day: date, unit: str | None = None) -> list[dict[str, Any]]:
        """The `ledger units --json` entries of the units existing on `day` (or of `unit` alone), in their order."""
        d = self.dialect
        sql = (f"SELECT doc FROM {d.table(TABLE)} WHERE valid_from <= {d.mark} AND valid_to > {d.mark}"
               + (f" AND unit = {d.mark}" if unit is not None else "") + " ORDER BY ord")
        value = d.day_value(day)
        args = [value, value, *([unit] if unit is not None else [])]
        decode = self.codec.decode_doc
        return [decode(r[0]) for r in self.tables.connection().execute(sql, args).fetchall()]

    def differences(self, facts: list[Fact]) -> str | None:
        """The first difference between the stored rows and those derived again from `facts` (every fact), keyed
        by unit and start (`ledger verify`); None when they agree."""
        d = self.dialect
        try:
            stored = self.tables.connection().execute(
                f"SELECT unit, ord, valid_from, valid_to, doc FROM {d.table(TABLE)}").fetchall()
        except Exception as e:
            if d.is_missing_table(e):
                return f"{TABLE}: the table is missing"
            raise
        have = {(u, str(a)[:10]): (o, str(b)[:10], self.codec.decode_doc(doc)) for u, o, a, b, doc in stored}
        if len(have) != len(stored):
            return f"{TABLE}: a row is there twice"
        want = {(u, a): (o, b, orjson.loads(doc)) for u, o, a, b, doc in derive_figures(facts)}
        found = first_difference(have, want)
        return None if found is None else f"{TABLE}: {found}"

    def intervals(self, unit: str) -> list[tuple[str, str, dict[str, Any]]]:
        """Every row of one unit: (valid_from, valid_to, its `ledger units --json` entry), in date order."""
        d = self.dialect
        rows = self.tables.connection().execute(
            f"SELECT valid_from, valid_to, doc FROM {d.table(TABLE)} WHERE unit = {d.mark} ORDER BY valid_from",
            (unit,)).fetchall()
        return decode_rows(rows, self.codec.decode_doc)
