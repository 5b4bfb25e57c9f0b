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
This module reads the stream through `PersonnelLedger.facts()` and owns only its three tables.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

import orjson

from ledger.fold.scope import STRUCTURE
from ledger.fold.walk import (  # the projection is the fold's own walk, with intervals recorded
    Walker,
    counting_facts,
)
from ledger.model import vocabulary as v
from ledger.model.facts import Fact
from ledger.store.fact_index import FactIndex

if TYPE_CHECKING:
    from ledger.app.ledger import PersonnelLedger

OPEN_END = "9999-12-31"
NAME = "timeline"
# When more than this share of the timeline is new, rebuild everything (one pass) instead of per person.
REBUILD_SHARE = 0.2

SQLITE_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS timeline_people (person TEXT NOT NULL, kind TEXT NOT NULL, unit TEXT NOT NULL, "
    "valid_from TEXT NOT NULL, valid_to TEXT NOT NULL, doc BLOB NOT NULL)",
    "CREATE INDEX IF NOT EXISTS timeline_people_unit ON timeline_people (unit, valid_from)",
    "CREATE INDEX IF NOT EXISTS timeline_people_from ON timeline_people (valid_from)",
    "CREATE INDEX IF NOT EXISTS timeline_people_person ON timeline_people (person)",
    "CREATE TABLE IF NOT EXISTS timeline_units (unit TEXT NOT NULL, ord INTEGER NOT NULL, valid_from TEXT NOT NULL, "
    "valid_to TEXT NOT NULL, doc BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS timeline_tracking (name TEXT PRIMARY KEY, position INTEGER NOT NULL)",
)


def _pg_schema(schema: str) -> tuple[str, ...]:
    s = f'"{schema}"'
    return (
        f"CREATE TABLE IF NOT EXISTS {s}.timeline_people (person TEXT NOT NULL, kind TEXT NOT NULL, unit TEXT NOT NULL, "
        "valid_from DATE NOT NULL, valid_to DATE NOT NULL, doc BYTEA NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS timeline_people_unit ON {s}.timeline_people (unit, valid_from)",
        f"CREATE INDEX IF NOT EXISTS timeline_people_from ON {s}.timeline_people (valid_from)",
        f"CREATE INDEX IF NOT EXISTS timeline_people_person ON {s}.timeline_people (person)",
        f"CREATE TABLE IF NOT EXISTS {s}.timeline_units (unit TEXT NOT NULL, ord INTEGER NOT NULL, "
        "valid_from DATE NOT NULL, valid_to DATE NOT NULL, doc BYTEA NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {s}.timeline_tracking (name TEXT PRIMARY KEY, position BIGINT NOT NULL)",
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

    def __init__(self, app: PersonnelLedger):
        self.app = app
        config = app.config
        self.kind = config.kind if config is not None else "sqlite"
        self.schema = config.schema if config is not None else None
        self._sqlite: sqlite3.Connection | None = None
        self._pg: Any = None
        self._ready = False

    # connections: one of our own, so that rows and tracking position commit together
    def _connect(self) -> Any:
        if self.kind == "postgresql":
            if self._pg is None:
                import psycopg

                e = self.app.config.env  # type: ignore[union-attr]
                self._pg = psycopg.connect(host=e["POSTGRES_HOST"], port=e["POSTGRES_PORT"], dbname=e["POSTGRES_DBNAME"],
                                           user=e["POSTGRES_USER"], password=e["POSTGRES_PASSWORD"] or None,
                                           connect_timeout=10, autocommit=True)
            return self._pg
        if self._sqlite is None:
            path = self.app.config.env["SQLITE_DBNAME"] if self.app.config else self.app.env.get("SQLITE_DBNAME")  # type: ignore[union-attr]
            self._sqlite = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        return self._sqlite

    def _t(self, table: str) -> str:
        return f'"{self.schema}".{table}' if self.kind == "postgresql" else table

    @property
    def _p(self) -> str:  # the driver's parameter mark
        return "%s" if self.kind == "postgresql" else "?"

    def _ensure(self) -> None:
        if self._ready:
            return
        conn = self._connect()
        for stmt in (_pg_schema(self.schema or "public") if self.kind == "postgresql" else SQLITE_SCHEMA):
            try:
                conn.execute(stmt)
            except Exception as e:  # two processes creating the same table at once (PostgreSQL's catalog race)
                if "already exists" not in str(e) and "duplicate key" not in str(e):
                    raise
        ins = ("INSERT INTO {t} VALUES (%s, 0) ON CONFLICT DO NOTHING" if self.kind == "postgresql"
               else "INSERT OR IGNORE INTO {t} VALUES (?, 0)")
        conn.execute(ins.format(t=self._t("timeline_tracking")), (NAME,))  # the row every writer locks
        self._ready = True

    @contextmanager
    def _write(self) -> Iterator[Any]:
        """One transaction holding the tracking row's lock (SQLite: the write lock, taken at BEGIN)."""
        conn = self._connect()
        if self.kind == "postgresql":
            with conn.transaction():
                yield conn
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def position(self, conn: Any = None, lock: bool = False) -> int:
        conn = conn or self._connect()
        sql = f"SELECT position FROM {self._t('timeline_tracking')} WHERE name = {self._p}"
        if lock and self.kind == "postgresql":
            sql += " FOR UPDATE"
        row = conn.execute(sql, (NAME,)).fetchone()
        return int(row[0]) if row else 0

    def _stream_top(self) -> int:
        """The stream's last version (cheap: one indexed MAX); 0 for a new store."""
        app = self.app
        table = app.recorder.events_table_name
        if self.kind == "postgresql":
            sql = f'SELECT MAX(originator_version) AS v FROM "{self.schema}"."{table}" WHERE originator_id = %s'
            key: Any = app.ledger_id
        else:
            sql = f"SELECT MAX(originator_version) AS v FROM {table} WHERE originator_id = ?"
            key = app.ledger_id.hex
        try:
            with app.recorder.datastore.transaction(commit=False) as curs:
                curs.execute(sql, (key,))
                row = curs.fetchone()
        except Exception as e:  # no events table yet: nothing recorded
            if "does not exist" in str(e) or "no such table" in str(e):
                return 0
            raise
        val = row["v"] if isinstance(row, dict) else row[0]
        return int(val or 0)

    # --- catching up ----------------------------------------------------------------------------------------
    def catch_up(self) -> int:
        """Fold in every fact recorded since the tracking position; returns the new position."""
        self._ensure()
        top = self._stream_top()
        if self.position() >= top:
            return top
        facts = self.app.facts()
        top = facts[-1].id if facts else top
        with self._write() as conn:
            pos = self.position(conn, lock=True)
            if pos >= top:
                return pos
            new = [f for f in facts if f.id > pos]
            if pos == 0 or len(new) > REBUILD_SHARE * len(facts):
                self._replace(conn, facts, None)
            else:
                self._replace(conn, facts, self._affected(facts, new))
            self._set_position(conn, top)
            FactIndex(self).sync(conn, facts)  # the yearly report's fact index, in the same transaction
        return top

    def rebuild(self) -> int:
        """Derive every row again from the whole stream (one pass)."""
        self._ensure()
        facts = self.app.facts()
        top = facts[-1].id if facts else 0
        with self._write() as conn:
            self.position(conn, lock=True)  # wait for, then exclude, other writers of the projection
            self._replace(conn, facts, None)
            self._set_position(conn, top)
        return top

    def _affected(self, facts: list[Fact], new: list[Fact]) -> set[str]:
        index = self.app._index
        index.sync(facts)
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
        p = self._p
        if people is None:
            rows, units = derive(facts)
            conn.execute(f"DELETE FROM {self._t('timeline_people')}")
        else:
            index = self.app._index
            subset = list(index.by_subject[STRUCTURE])
            for pid in people:
                subset += index.by_subject.get(pid, ())
            rows, units = derive(subset, people)
            ids = sorted(people)
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                conn.execute(f"DELETE FROM {self._t('timeline_people')} WHERE person IN ({','.join([p] * len(chunk))})", chunk)
        conn.execute(f"DELETE FROM {self._t('timeline_units')}")
        self._insert(conn, "timeline_people", 6, rows)
        self._insert(conn, "timeline_units", 5, units)

    def _insert(self, conn: Any, table: str, width: int, rows: list[tuple]) -> None:
        cipher = self.app.mapper.cipher  # an encrypted store keeps its roster docs (names) encrypted too
        if cipher is not None:
            rows = [(*r[:-1], cipher.encrypt(r[-1])) for r in rows]
        sql = f"INSERT INTO {self._t(table)} VALUES ({','.join([self._p] * width)})"
        if self.kind == "postgresql":
            with conn.cursor() as curs:
                with curs.copy(f"COPY {self._t(table)} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            return
        conn.executemany(sql, rows)

    def _set_position(self, conn: Any, top: int) -> None:
        conn.execute(f"UPDATE {self._t('timeline_tracking')} SET position = {self._p} WHERE name = {self._p}", (top, NAME))

    # --- queries --------------------------------------------------------------------------------------------
    def units_on(self, on: date) -> dict[str, tuple[int, dict[str, Any]]]:
        """Units existing on `on`: code -> (order, {name, kind, levels})."""
        d = on.isoformat() if self.kind == "sqlite" else on
        rows = self._connect().execute(
            f"SELECT unit, ord, doc FROM {self._t('timeline_units')} WHERE valid_from <= {self._p} AND valid_to > {self._p}",
            (d, d)).fetchall()
        return {r[0]: (r[1], self._doc(r[2])) for r in rows}

    def people_on(self, on: date, kind: str, unit: str | None = None) -> list[dict[str, Any]]:
        d = on.isoformat() if self.kind == "sqlite" else on
        # The whole city: a plain scan beats walking the valid_from index (~half the rows, each a table look-up).
        start = "+valid_from" if unit is None and self.kind == "sqlite" else "valid_from"
        sql = f"SELECT doc FROM {self._t('timeline_people')} WHERE {start} <= {self._p} AND valid_to > {self._p} AND kind = {self._p}"
        args: list[Any] = [d, d, kind]
        if unit is not None:
            sql += f" AND unit = {self._p}"
            args.append(unit)
        return [self._doc(r[0]) for r in self._connect().execute(sql, args).fetchall()]

    def _doc(self, stored: bytes) -> dict[str, Any]:
        cipher = self.app.mapper.cipher
        return orjson.loads(cipher.decrypt(bytes(stored)) if cipher is not None else stored)

    def roster(self, on: date, unit: str | None = None) -> tuple[dict[str, tuple[int, dict[str, Any]]], list[dict], list[dict]]:
        """Units on `on`, and the roster's people and assistants in the fold's order (ledger.model.state.roster_sort_key)."""
        self.catch_up()
        units = self.units_on(on)
        people = self.people_on(on, "staff", unit)

        def key(p: dict[str, Any]) -> tuple:
            u = units.get(p["unit"])
            levels = u[1]["levels"] if u else {}
            found = [v.post_level_index(levels[x["post"]]) for x in p["posts"]
                     if x["post"] in levels and levels[x["post"]] in v.POST_LEVELS]
            return (u[0] if u else 0, -max(found, default=-1), v.rank_sort_key(p["rank"]), p["person"])

        people.sort(key=key)
        assistants = sorted(self.people_on(on, "assistant", unit), key=lambda a: a["person"])
        return units, people, assistants

    def close(self) -> None:
        for conn in (self._sqlite, self._pg):
            if conn is not None:
                conn.close()
        self._sqlite = self._pg = None
