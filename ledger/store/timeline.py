"""The materialised timeline: each person's and each unit's state intervals, in tables of the same store.

`timeline_people` holds one row per (person, interval) in which what `ledger roster --json` shows of them stays
the same: unit, section, establishment, rank, posts, status (active/seconded), valid_from ≤ day < valid_to, and
the roster entry itself (`doc`). Assistants (编外) have rows of kind 'assistant'. `timeline_units` holds each
unit's structure per interval (name, order, post levels: what sorting a roster needs). An as-of roster is then
one indexed range query instead of a fold of the whole stream.

The rows are derived with the fold's own walk (`ledger.fold`), so they agree with the fold by construction;
a test on a generated city checks it on many random dates. The tracking position (the last fact folded in)
is written in the same transaction as the rows. SQLite has no subscriptions in eventsourcing 9.5, so the
projection catches up by polling before a query: it reads the stream's top version, and only when facts were
recorded since does it re-derive the intervals of the people those facts can change (ledger.fold.scope: a
back-dated fact or a retraction rewrites that person's whole timeline; a structure fact, its unit's people).

`known_at` queries (as the ledger knew it then) stay on the fold: rows describe the timeline as known now.
This module reads the stream through a `FactLog` and owns only its three tables (and, through `FactIndex` and
`UnitFigures`, the yearly report's index and the units' figures, written in the same transaction).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import orjson

from ledger.fold.scope import STRUCTURE
from ledger.fold.walk import (  # the projection is the fold's own walk, with intervals recorded
    Walker,
    counting_facts,
)
from ledger.model.facts import Fact
from ledger.model.state import roster_order
from ledger.store.derived import DerivedTables, Tracking
from ledger.store.dialect import Dialect
from ledger.store.fact_index import FactIndex
from ledger.store.log import FactLog
from ledger.store.unit_figures import UnitFigures

OPEN_END = "9999-12-31"
# When more than this share of the timeline is new, rebuild everything (one pass) instead of per person.
REBUILD_SHARE = 0.2


def _schema(d: Dialect) -> tuple[str, ...]:
    people, units = d.table("timeline_people"), d.table("timeline_units")
    return (
        f"CREATE TABLE IF NOT EXISTS {people} (person TEXT NOT NULL, kind TEXT NOT NULL, unit TEXT NOT NULL, "
        f"valid_from {d.day} NOT NULL, valid_to {d.day} NOT NULL, doc {d.blob} NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS timeline_people_unit ON {people} (unit, valid_from)",
        f"CREATE INDEX IF NOT EXISTS timeline_people_from ON {people} (valid_from)",
        f"CREATE INDEX IF NOT EXISTS timeline_people_person ON {people} (person)",
        f"CREATE TABLE IF NOT EXISTS {units} (unit TEXT NOT NULL, ord INTEGER NOT NULL, valid_from {d.day} NOT NULL, "
        f"valid_to {d.day} NOT NULL, doc {d.blob} NOT NULL)",
    )


# --- deriving intervals from facts ------------------------------------------------------------------------------
PersonRow = tuple[str, str, str, str, str, bytes]  # person, kind, unit, valid_from, valid_to, doc
UnitRow = tuple[str, int, str, str, bytes]  # unit, ord, valid_from, valid_to, doc


def _unit_doc(u: Any) -> bytes:
    return orjson.dumps({"name": u.name, "kind": u.kind, "levels": {p: q.level for p, q in u.post_quotas.items()}})


def derive(facts: Iterable[Fact], people: set[str] | None = None) -> tuple[list[PersonRow], list[UnitRow]]:
    """The intervals of `people` (None: everyone) and of every unit, from facts that include their timelines."""
    walker = Walker()
    state = walker.state
    open_rows: dict[tuple[str, str], tuple[str, str, bytes]] = {}  # (person, kind) -> (unit, valid_from, doc)
    out: list[PersonRow] = []
    open_units: dict[str, tuple[int, str, bytes]] = {}
    unit_rows: list[UnitRow] = []
    order: dict[str, int] = {}

    def close(key: tuple[str, str], day: str, new: tuple[str, bytes] | None) -> None:
        cur = open_rows.get(key)
        if cur is not None and new is not None and cur[0] == new[0] and cur[2] == new[1]:
            return
        if cur is not None:
            if cur[1] < day:
                out.append((key[0], key[1], cur[0], cur[1], day, cur[2]))
            del open_rows[key]
        if new is not None:
            open_rows[key] = (new[0], day, new[1])

    for f in counting_facts(facts):
        walker.apply(f)
        day = f.effective.isoformat()
        pid = f.data.get("person")
        if pid is not None:
            if people is not None and pid not in people:
                continue
            p = state.people.get(pid)
            close((pid, "staff"), day, (p.unit, orjson.dumps(p.roster_json())) if p is not None and p.left is None else None)
            a = state.assistants.get(pid)
            close((pid, "assistant"), day, (a.unit, orjson.dumps(a.roster_json())) if a is not None and a.left is None else None)
        elif "unit" in f.data:
            code = f.data["unit"]
            u = state.units.get(code)
            if u is None:
                continue
            order.setdefault(code, len(order))
            doc = _unit_doc(u)
            cur = open_units.get(code)
            if cur is not None and cur[2] == doc:
                continue
            if cur is not None and cur[1] < day:
                unit_rows.append((code, cur[0], cur[1], day, cur[2]))
            open_units[code] = (order[code], day, doc)
    for (pid, kind), (unit, start, doc) in open_rows.items():
        out.append((pid, kind, unit, start, OPEN_END, doc))
    for code, (ord_, start, doc) in open_units.items():
        unit_rows.append((code, ord_, start, OPEN_END, doc))
    return out, unit_rows


# --- the store side ---------------------------------------------------------------------------------------------
class Timeline:
    """The projection of one ledger: catch up from its stream, then answer as-of rosters by indexed queries."""

    def __init__(self, log: FactLog, dialect: Dialect):
        self.log = log
        self.dialect = dialect
        self.tables = DerivedTables(dialect)
        self.tracking = Tracking(self.tables, "timeline_tracking", "timeline")
        self.fact_index = FactIndex(log, self.tables, self.tracking)
        self.unit_figures = UnitFigures(self.tables, log.codec)
        self._ready = False

    def ensure(self) -> None:
        """Create the tables and the tracking row (the one every writer of derived tables locks)."""
        if not self._ready:
            self.tables.create(_schema(self.dialect))
            self.tracking.ensure()
            self._ready = True

    def position(self) -> int:
        """The last fact the rows hold."""
        return self.tracking.position()

    # --- catching up ----------------------------------------------------------------------------------------
    def catch_up(self) -> int:
        """Fold in every fact recorded since the tracking position; returns the new position."""
        self.ensure()
        top = self.log.stream.top()
        if self.position() >= top and self.unit_figures.position() >= top:
            return top
        facts = self.log.read()
        top = facts[-1].id if facts else top
        with self.tables.writing() as conn:
            pos = self.tracking.position(conn, lock=True)
            if pos < top:
                new = [f for f in facts if f.id > pos]
                if pos == 0 or len(new) > REBUILD_SHARE * len(facts):
                    self._replace(conn, facts, None)
                else:
                    self._replace(conn, facts, self._affected(new))
                self.tracking.move(conn, top)
                self.fact_index.sync(conn, facts)  # the yearly report's fact index, in the same transaction
            self.unit_figures.sync(conn, facts, self.log.scope_index())  # its own position, same transaction
        return max(pos, top)

    def rebuild(self) -> int:
        """Derive every row again from the whole stream (one pass)."""
        self.ensure()
        facts = self.log.read()
        top = facts[-1].id if facts else 0
        with self.tables.writing() as conn:
            self.tracking.position(conn, lock=True)  # wait for, then exclude, other writers of the projection
            self._replace(conn, facts, None)
            self.tracking.move(conn, top)
            self.unit_figures.ensure(conn)
            self.unit_figures.replace(conn, facts, None)
            self.unit_figures.tracking.move(conn, top)
        return top

    def _affected(self, new: list[Fact]) -> set[str]:
        index = self.log.scope_index()
        people: set[str] = set()
        for f in new:
            subject = index.subject_of.get(f.id, STRUCTURE)
            if subject != STRUCTURE:
                people.add(subject)
                continue
            target = index.by_id.get(f.data["target"]) if f.event == "retracted" else f
            unit = target.data.get("unit") if target is not None else None
            if unit:
                people |= index.unit_people.get(unit, set())
        return people

    def _replace(self, conn: Any, facts: list[Fact], people: set[str] | None) -> None:
        d = self.dialect
        if people is None:
            rows, units = derive(facts)
            conn.execute(f"DELETE FROM {d.table('timeline_people')}")
        else:
            index = self.log.scope_index()
            subset = list(index.by_subject[STRUCTURE])
            for pid in people:
                subset += index.by_subject.get(pid, ())
            rows, units = derive(subset, people)
            for marks, chunk in self.tables.chunks(sorted(people)):
                conn.execute(f"DELETE FROM {d.table('timeline_people')} WHERE person IN ({marks})", chunk)
        conn.execute(f"DELETE FROM {d.table('timeline_units')}")
        codec = self.log.codec  # an encrypted store keeps its roster docs (names) encrypted too
        d.bulk_insert(conn, "timeline_people", 6, codec.encrypt_last(rows))
        d.bulk_insert(conn, "timeline_units", 5, codec.encrypt_last(units))

    # --- queries --------------------------------------------------------------------------------------------
    def units_on(self, on: date) -> dict[str, tuple[int, dict[str, Any]]]:
        """Units existing on `on`: code -> (order, {name, kind, levels})."""
        d = self.dialect
        day = d.day_value(on)
        rows = self.tables.connection().execute(
            f"SELECT unit, ord, doc FROM {d.table('timeline_units')} WHERE valid_from <= {d.mark} AND valid_to > {d.mark}",
            (day, day)).fetchall()
        doc = self.log.codec.decode_doc
        return {r[0]: (r[1], doc(r[2])) for r in rows}

    def people_on(self, on: date, kind: str, unit: str | None = None) -> list[dict[str, Any]]:
        d = self.dialect
        day = d.day_value(on)
        # The whole city: a plain scan beats walking the valid_from index (~half the rows, each a table look-up).
        start = d.unindexed("valid_from") if unit is None else "valid_from"
        sql = (f"SELECT doc FROM {d.table('timeline_people')} WHERE {start} <= {d.mark} AND valid_to > {d.mark} "
               f"AND kind = {d.mark}")
        args: list[Any] = [day, day, kind]
        if unit is not None:
            sql += f" AND unit = {d.mark}"
            args.append(unit)
        doc = self.log.codec.decode_doc
        return [doc(r[0]) for r in self.tables.connection().execute(sql, args).fetchall()]

    def roster(self, on: date, unit: str | None = None) -> tuple[dict[str, tuple[int, dict[str, Any]]], list[dict], list[dict]]:
        """Units on `on`, and the roster's people and assistants in the roster's order (`roster_order`)."""
        self.catch_up()
        units = self.units_on(on)
        people = self.people_on(on, "staff", unit)

        def key(p: dict[str, Any]) -> tuple:
            u = units.get(p["unit"])
            levels = u[1]["levels"] if u else {}
            return roster_order(u[0] if u else 0, [levels.get(x["post"]) for x in p["posts"]], p["rank"], p["person"])

        people.sort(key=key)
        assistants = sorted(self.people_on(on, "assistant", unit), key=lambda a: a["person"])
        return units, people, assistants

    def figures(self, on: date, unit: str | None = None) -> list[dict[str, Any]]:
        """The `ledger units --json` entries of the units on `on` (or of `unit` alone), caught up first."""
        self.catch_up()
        return self.unit_figures.on(on, unit)

    def figure_intervals(self, unit: str) -> list[tuple[str, str, dict[str, Any]]]:
        """Every interval of one unit's figures (valid_from, valid_to, entry), caught up first."""
        self.catch_up()
        return self.unit_figures.intervals(unit)

    def close(self) -> None:
        self.tables.close()
