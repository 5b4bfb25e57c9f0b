"""The materialised timeline: each person's and each unit's state intervals, in tables of the same store.

`timeline_people` holds one row per (person, interval) in which what `ledger roster --json` shows of them stays
the same: unit, section, establishment, rank, posts, status (active/seconded), valid_from ≤ day < valid_to, and
the roster entry itself (`doc`). Assistants (编外) have rows of kind 'assistant'. `timeline_units` holds each
unit's structure per interval (name, order, post levels: what sorting a roster needs). An as-of roster is then
one indexed range query instead of a fold of the whole stream.

The rows are derived with the fold's own walk (`ledger.fold`), so they agree with the fold by construction;
a test on a generated city checks it on many random dates. The tracking position (the last fact folded in)
is written in the same transaction as the rows. Writers catch it up after each append (SQLite has no
subscriptions in eventsourcing 9.5, so it polls the stream's top version): only when facts were recorded since
does it re-derive the intervals of the people those facts can change (ledger.fold.scope: a back-dated fact or a
retraction rewrites that person's whole timeline; a structure fact, its unit's people). Readers never write: they
use the rows only when the tracking position is the stream's last event (`current`), and otherwise answer from
the fold. `ledger verify` derives the rows again and compares (`differences`); `ledger rebuild` rewrites them.

With encryption at rest, each row's `doc` (the roster entry: names, ranks, birth dates …) is encrypted; the
columns the queries select on stay readable: person id, kind, unit code and the interval's two dates.

`known_at` queries (as the ledger knew it then) stay on the fold: rows describe the timeline as known now.
This module reads the stream through a `FactLog` and owns only its three tables (and, through `FactIndex` and
`UnitFigures`, the yearly report's index and the units' figures, written in the same transaction).
"""

from __future__ import annotations

from bisect import bisect_right
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
from ledger.store import seals
from ledger.store.derived import DerivedTables, Tracking, first_difference
from ledger.store.dialect import Dialect
from ledger.store.fact_index import FactIndex
from ledger.store.log import FactLog
from ledger.store.seals import Sealer, TimelineMismatch
from ledger.store.unit_figures import UnitFigures

OPEN_END = "9999-12-31"
UNREADABLE = "<bytes that no longer decrypt or decode>"
# When more than this share of the timeline is new, rebuild everything (one pass) instead of per person.
REBUILD_SHARE = 0.2


def _schema(d: Dialect) -> tuple[str, ...]:
    people, units = d.table("timeline_people"), d.table("timeline_units")
    return (
        f"CREATE TABLE IF NOT EXISTS {people} (person TEXT NOT NULL, kind TEXT NOT NULL, unit TEXT NOT NULL, "
        f"valid_from {d.day} NOT NULL, valid_to {d.day} NOT NULL, doc {d.blob} NOT NULL, seal {d.integer} NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS timeline_people_unit ON {people} (unit, valid_from)",
        f"CREATE INDEX IF NOT EXISTS timeline_people_from ON {people} (valid_from)",
        f"CREATE INDEX IF NOT EXISTS timeline_people_person ON {people} (person)",
        f"CREATE TABLE IF NOT EXISTS {units} (unit TEXT NOT NULL, ord INTEGER NOT NULL, valid_from {d.day} NOT NULL, "
        f"valid_to {d.day} NOT NULL, doc {d.blob} NOT NULL, seal {d.integer} NOT NULL)",
        *seals.schema(d),
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
def _id(f: Fact) -> int:
    return f.id


class Timeline:
    """The projection of one ledger: catch up from its stream, then answer as-of rosters by indexed queries."""

    def __init__(self, log: FactLog, dialect: Dialect):
        self.log = log
        self.dialect = dialect
        self.tables = DerivedTables(dialect)
        self.tracking = Tracking(self.tables, "timeline_tracking", "timeline")
        self.fact_index = FactIndex(log, self.tables, self.tracking)
        self.unit_figures = UnitFigures(self.tables, log.codec)
        self.sealer = Sealer(log.codec.cipher)
        self._ready = False

    def ensure(self) -> None:
        """Create the tables and the tracking row (the one every writer of derived tables locks); tables written
        before rows were sealed are dropped, to be derived again."""
        if not self._ready:
            if self._unsealed():
                self._drop()
            self.tables.create(_schema(self.dialect))
            self.tracking.ensure()
            self._ready = True

    def _unsealed(self) -> bool:
        """Whether the people table exists without its `seal` column (written by an earlier version)."""
        d = self.dialect
        try:
            self.tables.connection().execute(f"SELECT seal FROM {d.table('timeline_people')} WHERE 1 = 0").fetchall()
        except Exception as e:
            text = str(e)
            if "no such column" in text or "column \"seal\" does not exist" in text:
                return True
            if d.is_missing_table(e):
                return False
            raise
        return False

    def _drop(self) -> None:
        d = self.dialect
        with self.tables.writing() as conn:
            for table in ("timeline_people", "timeline_units"):
                conn.execute(f"DROP TABLE IF EXISTS {d.table(table)}")
            conn.execute(f"UPDATE {d.table(self.tracking.table)} SET position = 0 WHERE name = {d.mark}",
                         (self.tracking.name,))

    def position(self) -> int:
        """The last fact the rows hold; 0 before the tables exist (a read creates nothing)."""
        return self.tracking.position()

    def current(self) -> tuple[int, int]:
        """(the rows' position, the stream's last event): the rows may be served only when the two are equal. The
        position is the least of the timeline's, the unit figures' and the fact index's (each tracks its own)."""
        position = self.position()
        if position:
            position = min(position, self.unit_figures.position(), self.fact_index.position())
        return position, self.log.stream.top()

    # --- catching up (writers only) -----------------------------------------------------------------------------
    def catch_up(self) -> int:
        """Fold in every fact recorded since the tracking position, and index it for the yearly report (one
        transaction); returns the new position."""
        self.ensure()
        top = self.log.stream.top()
        if self.position() >= top and self.fact_index.position() >= top and self.unit_figures.position() >= top:
            return top
        facts = self.log.read()
        top = facts[-1].id if facts else top
        with self.tables.writing() as conn:
            pos = self.tracking.position(conn, lock=True)
            if pos < top:
                new = facts[bisect_right(facts, pos, key=_id):]  # facts are in recording (id) order
                if pos == 0 or len(new) > REBUILD_SHARE * len(facts):
                    self._replace(conn, facts, None)
                else:
                    self._replace(conn, facts, *self._affected(new))
                self.tracking.move(conn, top)
            self.fact_index.sync(conn, facts)  # the yearly report's fact index, in the same transaction
            self.unit_figures.sync(conn, facts, self.log.scope_index())  # its own position, same transaction
        return top

    def rebuild(self) -> int:
        """Derive every row again from the whole stream (one pass), the fact index too."""
        self.ensure()
        facts = self.log.read()
        top = facts[-1].id if facts else 0
        with self.tables.writing() as conn:
            self.tracking.position(conn, lock=True)  # wait for, then exclude, other writers of the projection
            self._replace(conn, facts, None)
            self.tracking.move(conn, top)
            self.fact_index.reset(conn)
            self.fact_index.sync(conn, facts)
            self.unit_figures.ensure(conn)
            self.unit_figures.replace(conn, facts, None)
            self.unit_figures.tracking.move(conn, top)
        return top

    # --- checking (ledger verify) -------------------------------------------------------------------------------
    def stored_rows(self) -> tuple[list[tuple], list[tuple]]:
        """Every row of the two tables as `derive` gives them (dates as ISO text, docs decrypted and decoded)."""
        d, conn, decode_doc = self.dialect, self.tables.connection(), self.log.codec.decode_doc

        def iso(day: Any) -> str:
            return day if isinstance(day, str) else day.isoformat()

        def decode(doc: Any) -> Any:
            try:
                return decode_doc(doc)
            except Exception:  # bytes that no longer decrypt or decode: they were changed
                return UNREADABLE

        people = [(r[0], r[1], r[2], iso(r[3]), iso(r[4]), decode(r[5])) for r in conn.execute(
            f"SELECT person, kind, unit, valid_from, valid_to, doc FROM {d.table('timeline_people')}").fetchall()]
        units = [(r[0], r[1], iso(r[2]), iso(r[3]), decode(r[4])) for r in conn.execute(
            f"SELECT unit, ord, valid_from, valid_to, doc FROM {d.table('timeline_units')}").fetchall()]
        return people, units

    def differences(self, facts: list[Fact]) -> str | None:
        """The first difference between the stored rows (and the fact index) and those derived again from `facts`
        (every fact), or None when they agree."""
        rows, units = derive(facts)
        have_people, have_units = self.stored_rows()
        # Keyed by person, kind and start (units: code and start): one row each in a true table.
        for table, have, want in (
                ("timeline_people", have_people, [(*r[:5], orjson.loads(r[5])) for r in rows]),
                ("timeline_units", have_units, [(*r[:4], orjson.loads(r[4])) for r in units])):
            people = table == "timeline_people"
            keyed = [{(r[0], r[1], r[3]) if people else (r[0], r[2]): r for r in x} for x in (have, want)]
            if len(keyed[0]) != len(have):
                return f"{table}: a row is there twice"
            found = first_difference(*keyed)
            if found is not None:
                return f"{table}: {found}"
        if self.sealed():
            try:
                self.check_seals()
            except TimelineMismatch as e:
                return f"timeline seals: {e}"
        return self.fact_index.differences(facts) or self.unit_figures.differences(facts)

    def sealed(self) -> bool:
        """Whether the rows carry seals (tables written by an earlier version do not, until re-derived)."""
        return not self._unsealed()

    def check_seals(self) -> None:
        """Every row's seal, and the seals' totals; `TimelineMismatch` at the first that does not agree."""
        d, conn = self.dialect, self.tables.connection()
        self.sealer.check(conn.execute(f"SELECT person, kind, unit, valid_from, valid_to, doc, seal FROM "
                                       f"{d.table('timeline_people')}").fetchall())
        self.sealer.check(conn.execute(f"SELECT unit, ord, valid_from, valid_to, doc, seal FROM "
                                       f"{d.table('timeline_units')}").fetchall())
        seals.check_totals(conn, d, None)

    def _affected(self, new: list[Fact]) -> tuple[set[str], bool]:
        """The people whose intervals the new facts can change, and whether they change the units' structure."""
        index = self.log.scope_index()
        people: set[str] = set()
        structural = False
        for f in new:
            subject = index.subject_of.get(f.id, STRUCTURE)
            if subject != STRUCTURE:
                people.add(subject)
                continue
            structural = True
            target = index.by_id.get(f.data["target"]) if f.event == "retracted" else f
            unit = target.data.get("unit") if target is not None else None
            if unit:
                people |= index.unit_people.get(unit, set())
        return people, structural

    def _replace(self, conn: Any, facts: list[Fact], people: set[str] | None, structural: bool = True) -> None:
        """Write the intervals of `people` (None: everyone) again; the units' rows too when the structure changed."""
        d = self.dialect
        touched: set[str] | None = None  # the units whose people rows change (None: all)
        if people is None:
            rows, units = derive(facts)
            conn.execute(f"DELETE FROM {d.table('timeline_people')}")
        else:
            index = self.log.scope_index()
            subset = list(index.by_subject[STRUCTURE])
            for pid in people:
                subset += index.by_subject.get(pid, ())
            rows, units = derive(subset, people)
            touched = {r[2] for r in rows}
            for marks, chunk in self.tables.chunks(sorted(people)):
                touched |= {r[0] for r in conn.execute(
                    f"SELECT DISTINCT unit FROM {d.table('timeline_people')} WHERE person IN ({marks})", chunk)}
                conn.execute(f"DELETE FROM {d.table('timeline_people')} WHERE person IN ({marks})", chunk)
        codec, sealer = self.log.codec, self.sealer  # an encrypted store keeps its roster docs (names) encrypted too
        d.bulk_insert(conn, "timeline_people", 7, sealer.sealed(codec.encrypt_last(rows)))
        structural = structural or people is None
        if structural:
            conn.execute(f"DELETE FROM {d.table('timeline_units')}")
            d.bulk_insert(conn, "timeline_units", 6, sealer.sealed(codec.encrypt_last(units)))
        seals.reseal(conn, d, None if touched is None else sorted(touched), self.tables.chunks, structural)

    # --- queries --------------------------------------------------------------------------------------------
    def units_on(self, on: date) -> dict[str, tuple[int, dict[str, Any]]]:
        """Units existing on `on`: code -> (order, {name, kind, levels})."""
        d = self.dialect
        day = d.day_value(on)
        rows = self.tables.connection().execute(
            f"SELECT unit, ord, valid_from, valid_to, doc, seal FROM {d.table('timeline_units')} WHERE valid_from <= "
            f"{d.mark} AND valid_to > {d.mark}", (day, day)).fetchall()
        self.sealer.check(rows)
        doc = self.log.codec.decode_doc
        return {r[0]: (r[1], doc(r[4])) for r in rows}

    def people_on(self, on: date, kind: str, unit: str | None = None) -> list[dict[str, Any]]:
        d = self.dialect
        day = d.day_value(on)
        # The whole city: a plain scan beats walking the valid_from index (~half the rows, each a table look-up).
        start = d.unindexed("valid_from") if unit is None else "valid_from"
        sql = (f"SELECT person, kind, unit, valid_from, valid_to, doc, seal FROM {d.table('timeline_people')} WHERE "
               f"{start} <= {d.mark} AND valid_to > {d.mark} AND kind = {d.mark}")
        args: list[Any] = [day, day, kind]
        if unit is not None:
            sql += f" AND unit = {d.mark}"
            args.append(unit)
        rows = self.tables.connection().execute(sql, args).fetchall()
        self.sealer.check(rows)
        doc = self.log.codec.decode_doc
        return [doc(r[5]) for r in rows]

    def roster(self, on: date, unit: str | None = None) -> tuple[dict[str, tuple[int, dict[str, Any]]], list[dict], list[dict]]:
        """Units on `on`, and the roster's people and assistants in the roster's order (`roster_order`), as the
        rows hold them (the caller has checked that they are `current`). `TimelineMismatch` when the rows do not
        agree with their seals."""
        seals.check_totals(self.tables.connection(), self.dialect, unit)
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
        """The `ledger units --json` entries of the units on `on` (or of `unit` alone), as the rows hold them (the
        caller has checked that they are `current`)."""
        return self.unit_figures.on(on, unit)

    def figure_intervals(self, unit: str) -> list[tuple[str, str, dict[str, Any]]]:
        """Every interval of one unit's figures (valid_from, valid_to, entry), as the rows hold them (the caller has
        checked that they are `current`)."""
        return self.unit_figures.intervals(unit)

    def close(self) -> None:
        self.tables.close()



