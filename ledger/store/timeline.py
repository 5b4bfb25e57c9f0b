"""The materialised timeline: each person's and each unit's state intervals, in tables of the same store.

`timeline_people` holds one row per (person, interval) in which what `ledger roster --json` shows of them stays
the same: unit, section, establishment, rank, posts, status (active/seconded), valid_from ≤ day < valid_to, and
the roster entry itself (`doc`). Assistants (编外) have rows of kind 'assistant'. `timeline_units` holds each
unit's structure per interval (name, order, post levels: what sorting a roster needs). An as-of roster is then
one indexed range query instead of a fold of the whole stream.

The rows are derived with the fold's own walk (`ledger.fold`, through `ledger.store.intervals`), so they agree with
the fold by construction; a test on a generated city checks it on many random dates. The tracking position (the last fact folded in)
is written in the same transaction as the rows. Writers catch it up after each append (SQLite has no
subscriptions in eventsourcing 9.5, so it polls the stream's top version): only when facts were recorded since
does it re-derive the intervals of the people those facts can change (ledger.fold.scope: a back-dated fact or a
retraction rewrites that person's whole timeline; a structure fact, its unit's people). Readers never write: they
use the rows only when the tracking position is the stream's last event (`current`), and otherwise answer from
the fold. `ledger verify` derives the rows again and compares (`differences`); `ledger rebuild` rewrites them.

With encryption at rest, each row's `doc` (the roster entry: names, ranks, birth dates …) is encrypted; the
columns the queries select on stay readable: person id, kind, unit code and the interval's two dates.

Rows are bitemporal (ledger.store.beliefs): each also carries the recordings through which the ledger believed it
(`recorded_from` ≤ position < `recorded_to`), and `timeline_steps` each recording's time, so a roster as known at a
moment is the same indexed query at that moment's position. A back-dated fact or a retraction closes the beliefs
it changes and opens new ones; nothing is deleted from the past of the ledger's knowledge.
This module reads the stream through a `FactLog` and owns only its three tables (and, through `FactIndex` and
`UnitFigures`, the yearly report's index and the units' figures, written in the same transaction).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

import orjson

from ledger.fold.scope import STRUCTURE, TimelineIndex, affected_by
from ledger.model.facts import Fact, fact_id, recorded_after
from ledger.model.state import roster_order
from ledger.rules.catalogue import Rulebook
from ledger.store import seals
from ledger.store.beliefs import OPEN, Step, history, micros, steps_of
from ledger.store.derived import DerivedTables, Tracking, derive_whole, first_difference
from ledger.store.dialect import Dialect
from ledger.store.fact_index import TABLES as FACT_INDEX_TABLES
from ledger.store.fact_index import FactIndex
from ledger.store.intervals import WholeWalks, derive
from ledger.store.kept_findings import TABLE as KEPT_TABLE
from ledger.store.kept_findings import KeptFindings
from ledger.store.log import FactLog, paused_gc
from ledger.store.scoped import Scope, read_scope
from ledger.store.seals import Sealer, TimelineMismatch
from ledger.store.unit_figures import TABLE as FIGURES_TABLE
from ledger.store.unit_figures import UnitFigures

STEPS = "timeline_steps"  # each recording's last event and recorded time: a moment's position (ledger.store.beliefs)
UNREADABLE = "<bytes that no longer decrypt or decode>"


def _schema(d: Dialect) -> tuple[str, ...]:
    people, units = d.table("timeline_people"), d.table("timeline_units")
    return (
        f"CREATE TABLE IF NOT EXISTS {people} (person TEXT NOT NULL, kind TEXT NOT NULL, unit TEXT NOT NULL, "
        f"valid_from {d.day} NOT NULL, valid_to {d.day} NOT NULL, recorded_from {d.integer} NOT NULL, "
        f"recorded_to {d.integer} NOT NULL, doc {d.blob} NOT NULL, seal {d.integer} NOT NULL)",
        *_indexes(d),
        f"CREATE TABLE IF NOT EXISTS {units} (unit TEXT NOT NULL, ord INTEGER NOT NULL, valid_from {d.day} NOT NULL, "
        f"valid_to {d.day} NOT NULL, recorded_from {d.integer} NOT NULL, recorded_to {d.integer} NOT NULL, "
        f"doc {d.blob} NOT NULL, seal {d.integer} NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {d.table(STEPS)} (position {d.integer} PRIMARY KEY, recorded {d.integer} NOT NULL)",
        *seals.schema(d),
    )


def _indexes(d: Dialect) -> tuple[str, ...]:
    people = d.table("timeline_people")
    return (f"CREATE INDEX IF NOT EXISTS timeline_people_unit ON {people} (unit, valid_from)",
            f"CREATE INDEX IF NOT EXISTS timeline_people_from ON {people} (valid_from)",
            f"CREATE INDEX IF NOT EXISTS timeline_people_person ON {people} (person)")


def _index_names(d: Dialect) -> tuple[str, ...]:
    """The people table's indexes, as DROP INDEX names them (PostgreSQL: in the store's schema)."""
    return tuple(d.table(name) for name in ("timeline_people_unit", "timeline_people_from", "timeline_people_person"))


# --- deriving intervals from facts ------------------------------------------------------------------------------
PEOPLE_COLUMNS = "person, kind, unit, valid_from, valid_to, recorded_from, recorded_to, doc"
UNIT_COLUMNS = "unit, ord, valid_from, valid_to, recorded_from, recorded_to, doc"


def _sealed_text(d: Dialect, columns: str) -> str:
    """SQL giving what a row's seal hashes of its columns before the doc (`Sealer.check_texts`)."""
    return d.text_of(columns.split(", ")[:-1], ("valid_from", "valid_to"))


def _stored(rows: list[tuple]) -> list[tuple]:
    """`history`'s rows (…, doc, recorded_from, recorded_to) in the tables' column order (the doc last)."""
    return [(*r[:-3], r[-2], r[-1], r[-3]) for r in rows]


def _iso(day: Any) -> str:
    """A stored date as ISO text (SQLite keeps text, PostgreSQL gives dates)."""
    return day if isinstance(day, str) else day.isoformat()


EveryoneRead = Callable[[], tuple[list[Fact], TimelineIndex, list[Step]]]  # a scope of everyone in the units, read


def _scope_facts(scope: Scope, new: list[Fact], low: int) -> tuple[list[Fact], TimelineIndex, list[Step]]:
    """A catch-up's facts from the scope read for `new` facts recorded after `low`: the scope grown by them, its
    index, and its recordings cut at `low` (those before it are only read, never written)."""
    scope = scope.with_new(new)
    cut = bisect_left(scope.facts, low + 1, key=fact_id)
    return scope.facts, scope.index, steps_of(scope.facts, cut, steps_of(scope.facts[:cut]))


def _index_of(facts: list[Fact]) -> TimelineIndex:
    index = TimelineIndex()
    index.sync(facts)
    return index


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
        self.sealer = Sealer(log.codec.cipher)
        self.kept = KeptFindings(self.tables, log.codec, self.sealer)
        # The rules in force, from facts that hold every structure fact (the application's settings; None: no
        # findings kept, or rules that cannot be read — readers then walk and say why)
        self.rulebook: Callable[[list[Fact]], Rulebook | None] | None = None
        self._ready = False
        self._steps: list[Step] = []
        self._stepped = 0  # how many facts `_steps` covers
        self._whole = True  # whether the last `_facts_since` read every fact (else a scope)

    def ensure(self) -> None:
        """Create the tables and the tracking row (the one every writer of derived tables locks); tables written
        before rows were sealed are dropped, to be derived again."""
        if not self._ready:
            if self._outdated():
                self._drop()
            self.tables.create((*_schema(self.dialect), *self.kept.schema()))  # (before `ledger access` grants)
            self.tracking.ensure()
            if self.unit_figures.outdated():
                with self.tables.writing() as conn:
                    self.tracking.position(conn, lock=True)  # the turn every writer of derived tables takes
                    self.unit_figures.drop(conn)
            if self.dialect.creates_tables and self.fact_index.outdated():
                with self.tables.writing() as conn:
                    self.tracking.position(conn, lock=True)
                    self.fact_index.restart(conn)
            self._ready = True

    def _unsealed(self) -> bool:
        """Whether the people table exists without its `seal` column (written by an earlier version)."""
        return self._lacks("seal")

    def _lacks(self, *columns: str) -> bool:
        """Whether the people table exists without one of `columns` (written by an earlier version)."""
        d = self.dialect
        for column in columns:
            try:
                self.tables.connection().execute(
                    f"SELECT {column} FROM {d.table('timeline_people')} WHERE 1 = 0").fetchall()
            except Exception as e:
                text = str(e)
                if "no such column" in text or f"column \"{column}\" does not exist" in text:
                    return True
                if d.is_missing_table(e):
                    return False
                raise
        return False

    def _outdated(self) -> bool:
        """Whether the tables were written by an earlier version: without seals, or without recorded times."""
        return self._lacks("seal", "recorded_from")

    def _drop(self) -> None:
        d = self.dialect
        with self.tables.writing() as conn:
            for table in ("timeline_people", "timeline_units", STEPS):
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
        if position and self._lacks("recorded_from"):  # written by an earlier version: the next writer re-derives
            position = 0
        return position, self.log.stream.top()

    # --- catching up (writers only) -----------------------------------------------------------------------------
    def catch_up(self, scope: Scope | None = None) -> int:
        """Fold in every fact recorded since the tracking position, and index it for the yearly report (one
        transaction); returns the new position. A few new facts are taken in with their scope alone, read through
        the fact index (`ledger.store.scoped`) — or given: the scope a writer read for the batch it just recorded,
        when nothing else was recorded since it was read; many (or a first derivation) with the whole stream."""
        self.ensure()
        top = self.log.stream.top()
        low = min(self.position(), self.fact_index.position(), self.unit_figures.position())
        if self.rulebook is not None:
            low = min(low, self.kept.position())
        if low >= top:
            return top
        facts, index, steps, top, everyone = self._facts_since(low, top, scope)  # up to a foreign row, if any
        known = top - 1  # every event but the stream's opening one is a fact
        if top <= low:  # a foreign row next: nothing is taken in until the owner sets it aside
            return low
        rulebook = self.rulebook(facts) if self.rulebook is not None else None
        whole = self._whole
        if rulebook is not None and not whole and self.kept.stale(rulebook):  # new rules: every fact judged again
            facts, index, top = self._vetted_facts()
            steps, whole, everyone = self.steps(facts), True, None
        walks = WholeWalks(facts)  # a whole derivation of both tables: one walk
        with self.tables.writing() as conn:
            pos = self.tracking.position(conn, lock=True)
            if pos < top:
                new = recorded_after(facts, pos)
                if derive_whole(pos, len(new), known):
                    self._replace(conn, facts, index, steps, None, walks=walks)
                else:
                    self._replace(conn, facts, index, steps, *affected_by(index, new))
                self.tracking.move(conn, top)
            self.fact_index.sync(conn, facts, upto=top)  # the yearly report's fact index, in the same transaction
            self.unit_figures.sync(conn, facts, index, steps,  # same transaction
                                   self._units_since, known, walks, upto=top, everyone=everyone)
            if rulebook is not None:  # the findings kept, in the same transaction
                self._keep_findings(conn, facts, index, rulebook, whole, top)
            if derive_whole(low, len(recorded_after(facts, low)), known):
                self._analyze(conn)
        return top

    def _facts_since(self, low: int, top: int, scope: Scope | None
                     ) -> tuple[list[Fact], TimelineIndex, list[Step], int, EveryoneRead | None]:
        """The facts a catch-up from position `low` needs, their index, their recordings and the last row they
        cover: with few new facts, the new ones and their scope (`ledger.store.scoped`: every fact of the people
        they name and of those in the units they touch from the day before their earliest date on — or, for the
        scope a writer read for a batch that moves no one, of its own people only: then also how to read the
        former, should the unit figures need it); else (or when the process holds every fact already) every fact.
        A scope's recordings are cut at `low`: those before it are only read, never written. Only rows the ledger
        wrote are taken in: the facts stop before the first foreign row the owner has not quarantined
        (`FactLog.vetted_since`), so none is ever derived."""
        if low and not self.log.loaded and self.fact_index.position() >= low:
            self.log.known_person = self._recorded_person
            new, end = self.log.vetted_since(low)
            if not derive_whole(low, len(new), top - 1):
                if scope is None or not scope.serves(low, new):
                    scope = read_scope(self.fact_index, new, low, self)
                everyone = None if scope.unit_people else \
                    (lambda: _scope_facts(read_scope(self.fact_index, new, low, self), new, low))
                self._whole = False
                return (*_scope_facts(scope, new, low), end, everyone)
        facts, index, end = self._vetted_facts()
        self._whole = True
        return facts, index, self.steps(facts), end, None

    def _keep_findings(self, conn: Any, facts: list[Fact], index: TimelineIndex, rulebook: Rulebook, whole: bool,
                       top: int) -> None:
        """The findings kept, in the catch-up's transaction but apart from it: a writer that may not write them (a
        clerk's role in a store whose owner has not granted the table since it was added: `ledger access enable`)
        keeps the other tables; the findings stay behind, and `ledger check` walks."""
        conn.execute("SAVEPOINT kept_findings")
        try:
            self.kept.sync(conn, facts, index, rulebook, self._facts_of, whole, upto=top)
        except Exception as e:
            if not self.dialect.is_denied(e) and not self.dialect.is_missing_table(e):
                raise
            conn.execute("ROLLBACK TO SAVEPOINT kept_findings")
        conn.execute("RELEASE SAVEPOINT kept_findings")

    def _facts_of(self, people: set[str]) -> list[Fact]:
        """The facts of these people and every structure fact, through the fact index (in recording order)."""
        index = self.fact_index
        return index.read(index.fact_ids([STRUCTURE, *people]))

    def _vetted_facts(self) -> tuple[list[Fact], TimelineIndex, int]:
        """Every fact before the first foreign row not quarantined, their index, and the last row they cover."""
        facts = self.log.read()
        stop = self.log.first_foreign()
        if stop is None:
            return facts, self.log.scope_index(), self.log.head[0] if self.log.head else 0
        kept = facts[:bisect_left(facts, stop, key=fact_id)]
        return kept, _index_of(kept), stop - 1

    def _recorded_person(self, person: str) -> bool:
        """Whether the fact index holds the person (a fact before the catch-up's new ones brings them in)."""
        return bool(self.fact_index.fact_ids([person]))  # (an indexed look-up by subject)

    # --- who belonged where (a writer's scope: ledger.store.scoped.Members) ----------------------------------------
    def units_of(self, people: Iterable[str], since: date, after: int) -> set[str]:
        """The units these people (on the establishment or assistants) belonged to on `since` or later, in the rows
        believed after event `after` (still held, or closed since)."""
        return self._pairs("unit", "person", people, since, after)

    def people_of(self, units: Iterable[str], since: date, after: int) -> set[str]:
        """The people (on the establishment or assistants) who belonged to these units on `since` or later, in the
        rows believed after event `after`."""
        return self._pairs("person", "unit", units, since, after)

    def _pairs(self, wanted: str, given: str, values: Iterable[str], since: date, after: int) -> set[str]:
        d, conn, out = self.dialect, self.tables.connection(), set()
        for marks, chunk in self.tables.chunks(sorted(set(values))):
            out |= {r[0] for r in conn.execute(
                f"SELECT DISTINCT {wanted} FROM {d.table('timeline_people')} WHERE {given} IN ({marks}) AND "
                f"valid_to > {d.mark} AND recorded_to > {d.mark}", [*chunk, d.day_value(since), after]).fetchall()}
        return out

    def _units_since(self, person: str, day: date, after: int) -> set[str]:
        """The units the person (on the establishment or an assistant) belonged to on the day before `day` or later,
        in the rows believed after event `after`: those still held and those closed since (read on the connection
        of the catch-up's transaction, which has already written the timeline's new beliefs)."""
        return self.units_of([person], day - timedelta(days=1), after)

    def _analyze(self, conn: Any) -> None:
        """The planner's statistics of every derived table, after they were filled in bulk."""
        self.dialect.analyze(conn, ("timeline_people", "timeline_units", STEPS, seals.SEAL_TABLE, FIGURES_TABLE, KEPT_TABLE,
                                    *FACT_INDEX_TABLES))

    def rebuild(self) -> int:
        """Derive every row again from the whole stream (one pass), the fact index too."""
        self.ensure()
        facts, index, top = self._vetted_facts()
        with self.tables.writing() as conn:
            self.tracking.position(conn, lock=True)  # wait for, then exclude, other writers of the projection
            steps = self.steps(facts)
            walks = WholeWalks(facts)  # each whole derivation: one walk for the timeline and the figures
            self._replace(conn, facts, index, steps, None, walks=walks)
            self.tracking.move(conn, top)
            self.fact_index.reset(conn)
            self.fact_index.fill(conn, facts, index, top)
            self.unit_figures.ensure(conn)
            self.unit_figures.replace(conn, facts, None, index, steps, walks=walks,  # the timeline's rows are written
                                      units_since=self._units_since)
            self.unit_figures.tracking.move(conn, top)
            rulebook = self.rulebook(facts) if self.rulebook is not None else None
            if rulebook is not None:
                self.kept.ensure(conn)
                self.kept.sync(conn, facts, index, rulebook, self._facts_of, True, upto=top, again=True)
            self._analyze(conn)
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

        people = [(r[0], r[1], r[2], iso(r[3]), iso(r[4]), int(r[5]), int(r[6]), decode(r[7])) for r in conn.execute(
            f"SELECT {PEOPLE_COLUMNS} FROM {d.table('timeline_people')}").fetchall()]
        units = [(r[0], r[1], iso(r[2]), iso(r[3]), int(r[4]), int(r[5]), decode(r[6])) for r in conn.execute(
            f"SELECT {UNIT_COLUMNS} FROM {d.table('timeline_units')}").fetchall()]
        return people, units

    def differences(self, facts: list[Fact]) -> str | None:
        """The first difference between the stored rows (and the fact index) and those derived again from `facts`
        (every fact), or None when they agree."""
        index, walks = _index_of(facts), WholeWalks(facts)
        rows, units = history(facts, steps_of(facts), index, walks.timeline, lambda new: affected_by(index, new))
        have_people, have_units = self.stored_rows()
        # Keyed by person, kind, start and first recording (units: code, start and first recording): one row each
        # in a true table.
        for table, have, want in (
                ("timeline_people", have_people, [(*r[:7], orjson.loads(r[7])) for r in _stored(rows)]),
                ("timeline_units", have_units, [(*r[:6], orjson.loads(r[6])) for r in _stored(units)])):
            people = table == "timeline_people"
            keyed = [{(r[0], r[1], r[3], f"as known from event {r[5]}") if people else
                      (r[0], r[2], f"as known from event {r[4]}"): r for r in x} for x in (have, want)]
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
        stored = [tuple(map(int, r)) for r in self.tables.connection().execute(
            f"SELECT position, recorded FROM {self.dialect.table(STEPS)}").fetchall()]
        if sorted(stored) != [(s[2], s[3]) for s in steps_of(facts)]:
            return f"{STEPS}: the recordings' times differ from the events'"
        rulebook = self.rulebook(facts) if self.rulebook is not None else None
        return (self.fact_index.differences(facts) or self.unit_figures.differences(facts, walks)
                or (self.kept.differences(facts, rulebook) if rulebook is not None else None))

    def sealed(self) -> bool:
        """Whether the rows carry seals (tables written by an earlier version do not, until re-derived)."""
        return not self._unsealed()

    def check_seals(self) -> None:
        """Every row's seal, and the seals' totals; `TimelineMismatch` at the first that does not agree."""
        d, conn = self.dialect, self.tables.connection()
        self.sealer.check(conn.execute(f"SELECT {PEOPLE_COLUMNS}, seal FROM "
                                       f"{d.table('timeline_people')}").fetchall())
        self.sealer.check(conn.execute(f"SELECT {UNIT_COLUMNS}, seal FROM "
                                       f"{d.table('timeline_units')}").fetchall())
        seals.check_totals(conn, d, None)

    def steps(self, facts: list[Fact]) -> list[Step]:
        """The recordings of `facts` (every fact, in id order), extended from those found by the last call."""
        if self._stepped > len(facts):
            self._steps, self._stepped = [], 0
        self._steps = steps_of(facts, self._stepped, self._steps)
        self._stepped = len(facts)
        return self._steps

    def _replace(self, conn: Any, facts: list[Fact], index: TimelineIndex, steps: list[Step],
                 people: set[str] | None, structural: bool = True, walks: WholeWalks | None = None) -> None:
        """Write the intervals of `people` (None: everyone) again, each belief with the recordings it held
        through; the units' rows too when the structure changed; the recordings' times. `facts` hold every fact
        (or, for some people, their scope: `_facts_since`), `index` is theirs, `steps` their recordings; `walks`
        the derivations this run shares with the unit figures' (every fact given)."""
        d = self.dialect
        touched: set[str] | None = None  # the units whose people rows change (None: all)
        structural = structural or people is None
        pos = 0 if people is None else self.tracking.position(conn)
        if people is None:
            derive_rows = walks.timeline if walks is not None else derive
            rows, units = history(facts, steps, index, derive_rows, lambda new: affected_by(index, new))
        else:  # the beliefs still held, carried through the recordings since; closed ones never change
            held, held_units = self._held(conn, people, structural)
            rows, units = history(facts, steps, index, derive, lambda new: affected_by(index, new), people,
                                  after=pos, held=held, held_units=held_units)
        rows, units = _stored(rows), _stored(units)
        if people is None:  # every row again: the indexes are built after the insert, in one pass each
            conn.execute(f"DELETE FROM {d.table('timeline_people')}")
            for name in _index_names(d):
                conn.execute(f"DROP INDEX IF EXISTS {name}")
        else:
            touched = {r[2] for r in rows}
            for marks, chunk in self.tables.chunks(sorted(people)):
                touched |= {r[0] for r in conn.execute(
                    f"SELECT DISTINCT unit FROM {d.table('timeline_people')} WHERE person IN ({marks})", chunk)}
                conn.execute(f"DELETE FROM {d.table('timeline_people')} WHERE recorded_to = {d.mark} AND person IN "
                             f"({marks})", [OPEN, *chunk])
        codec, sealer = self.log.codec, self.sealer  # an encrypted store keeps its roster docs (names) encrypted too
        d.bulk_insert(conn, "timeline_people", 9, sealer.sealed(codec.encrypt_last(rows)))
        if people is None:
            for stmt in _indexes(d):
                conn.execute(stmt)
        if structural:
            if people is None:
                conn.execute(f"DELETE FROM {d.table('timeline_units')}")
            else:
                conn.execute(f"DELETE FROM {d.table('timeline_units')} WHERE recorded_to = {d.mark}", (OPEN,))
            d.bulk_insert(conn, "timeline_units", 8, sealer.sealed(codec.encrypt_last(units)))
        # The recordings' times: those after the position, and the one holding it if a new fact joined it (a
        # scope's earlier recordings are cut short: they are never written again).
        k = 0 if people is None else bisect_left([s[2] for s in steps], pos + 1)
        grown = k < len(steps) and steps[k][0] < bisect_left(facts, pos + 1, key=fact_id)
        after = pos - 1 if grown else pos
        conn.execute(f"DELETE FROM {d.table(STEPS)} WHERE position > {d.mark}", (after,))
        d.bulk_insert(conn, STEPS, 2, [(s[2], s[3]) for s in steps[k:]])
        seals.reseal(conn, d, None if touched is None else sorted(touched), self.tables.chunks, structural)

    def _held(self, conn: Any, people: set[str], structural: bool,
              ) -> tuple[dict[str, dict[tuple, int]], dict[tuple, int] | None]:
        """The stored rows still believed: of `people` (person -> {row as `derive` gives it without the person:
        recorded_from}), and of the units when `structural` (row -> recorded_from)."""
        d, decrypt = self.dialect, self.log.codec.decrypt
        held: dict[str, dict[tuple, int]] = {pid: {} for pid in people}
        for marks, chunk in self.tables.chunks(sorted(people)):
            for pid, kind, unit, start, end, doc, since in conn.execute(
                    f"SELECT person, kind, unit, valid_from, valid_to, doc, recorded_from FROM "
                    f"{d.table('timeline_people')} WHERE recorded_to = {d.mark} AND person IN ({marks})",
                    [OPEN, *chunk]).fetchall():
                held[pid][(kind, unit, _iso(start), _iso(end), decrypt(doc))] = int(since)
        if not structural:
            return held, None
        units = {(code, int(ord_), _iso(start), _iso(end), decrypt(doc)): int(since)
                 for code, ord_, start, end, doc, since in conn.execute(
                     f"SELECT unit, ord, valid_from, valid_to, doc, recorded_from FROM {d.table('timeline_units')} "
                     f"WHERE recorded_to = {d.mark}", (OPEN,)).fetchall()}
        return held, units

    def recording_steps(self) -> list[tuple[int, int]]:
        """Each recording's last event and recorded time (whole microseconds, UTC), in recording order: what the
        web view's known-at control steps through (served only when the tables are current)."""
        rows = self.tables.connection().execute(f"SELECT position, recorded FROM {self.dialect.table(STEPS)}").fetchall()
        return sorted((int(p), int(r)) for p, r in rows)

    def known_position(self, known_at: datetime) -> int | None:
        """The last event the ledger held at `known_at` (0: none yet), or None when the recordings up to then are
        not a prefix of the stream (recorded times that do not rise with it: answer from the fold)."""
        d, moment = self.dialect, micros(known_at)
        row = self.tables.connection().execute(
            f"SELECT MAX(CASE WHEN recorded <= {d.mark} THEN position END), "
            f"MIN(CASE WHEN recorded > {d.mark} THEN position END) FROM {d.table(STEPS)}", (moment, moment)).fetchone()
        known, later = (row[0] or 0), row[1]
        if later is not None and later < known:
            return None
        return int(known)

    # --- queries --------------------------------------------------------------------------------------------
    def _believed(self, at: int | None) -> tuple[str, list[Any]]:
        """The condition on a row's recordings: believed after event `at` (None: still believed), and its values."""
        d = self.dialect
        if at is None:
            return f" AND recorded_to = {d.mark}", [OPEN]
        return f" AND recorded_from <= {d.mark} AND recorded_to > {d.mark}", [at, at]

    def units_on(self, on: date, at: int | None = None, unit: str | None = None) -> dict[str, tuple[int, dict[str, Any]]]:
        """Units existing on `on` (`unit` alone, if given), as the ledger held them after event `at` (None: now):
        code -> (order, {name, kind, levels})."""
        d = self.dialect
        day = d.day_value(on)
        held, args = self._believed(at)
        if unit is not None:
            held, args = f"{held} AND unit = {d.mark}", [*args, unit]
        rows = d.select(self.tables.connection(),
                        f"SELECT unit, ord, {_sealed_text(d, UNIT_COLUMNS)}, doc, seal FROM {d.table('timeline_units')} "
                        f"WHERE valid_from <= {d.mark} AND valid_to > {d.mark}{held}", (day, day, *args))
        self.sealer.check_texts(rows)
        doc = self.log.codec.decode_doc
        return {r[0]: (r[1], doc(r[3])) for r in rows}

    def people_on(self, on: date, unit: str | None = None, at: int | None = None,
                  ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The roster entries of the people and of the assistants (编外) on `on` (of `unit` alone, if given), as the
        ledger held them after event `at` (None: now): one query for both."""
        d = self.dialect
        day = d.day_value(on)
        # The whole city: a plain scan beats walking the valid_from index (~half the rows, each a table look-up).
        start = d.unindexed("valid_from") if unit is None else "valid_from"
        held, believed = self._believed(at)
        sql = (f"SELECT person, kind, {_sealed_text(d, PEOPLE_COLUMNS)}, doc, seal FROM {d.table('timeline_people')} "
               f"WHERE {start} <= {d.mark} AND valid_to > {d.mark}{held}")
        args: list[Any] = [day, day, *believed]
        if unit is not None:
            sql += f" AND unit = {d.mark}"
            args.append(unit)
        with paused_gc():  # a whole city's rows are tens of thousands of dicts without cycles
            rows = d.select(self.tables.connection(), sql, args)
            self.sealer.check_texts(rows)
            doc = self.log.codec.decode_doc
            staff = [doc(r[3]) for r in rows if r[1] == "staff"]
            return staff, [doc(r[3]) for r in rows if r[1] == "assistant"]

    def roster(self, on: date, unit: str | None = None, at: int | None = None,
               ) -> tuple[dict[str, tuple[int, dict[str, Any]]], list[dict], list[dict]]:
        """Units on `on` (`unit` alone, if given), and the roster's people and assistants in the roster's order
        (`roster_order`), as the rows hold them — as the ledger held them after event `at` (`known_position`; None:
        now); the caller has checked that they are `current`. `TimelineMismatch` when the rows do not agree with
        their seals."""
        seals.check_totals(self.tables.connection(), self.dialect, unit)
        units = self.units_on(on, at, unit)
        people, assistants = self.people_on(on, unit, at)
        heads: dict[tuple[str, str], tuple] = {}  # `roster_order` but the id, of a unit's people of a rank without
        # posts (most of a roster): asked once

        def key(p: dict[str, Any]) -> tuple:
            u = units.get(p["unit"])
            posts = p["posts"]
            if posts and u:
                return roster_order(u[0], [u[1]["levels"].get(x["post"]) for x in posts], p["rank"], p["person"])
            head = heads.get((p["unit"], p["rank"]))
            if head is None:
                head = heads[p["unit"], p["rank"]] = roster_order(u[0] if u else 0, (), p["rank"], "")[:-1]
            return (*head, p["person"])

        with paused_gc():
            people.sort(key=key)
        assistants.sort(key=lambda a: a["person"])
        return units, people, assistants

    def figures(self, on: date, unit: str | None = None, at: int | None = None) -> list[dict[str, Any]]:
        """The `ledger units --json` entries of the units on `on` (or of `unit` alone), as the rows hold them —
        as the ledger held them after event `at` (`known_position`; None: now); the caller has checked that they
        are `current`."""
        return self.unit_figures.on(on, unit, at)

    def figure_intervals(self, unit: str) -> list[tuple[str, str, dict[str, Any]]]:
        """Every interval of one unit's figures (valid_from, valid_to, entry), as the rows hold them (the caller has
        checked that they are `current`)."""
        return self.unit_figures.intervals(unit)

    def close(self) -> None:
        self.tables.close()



