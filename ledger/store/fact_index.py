"""The yearly report of one unit without reading the whole stream: a persisted index of facts by subject.

`yearly_figures` (ledger.read.yearly) walks the timeline; for one unit only some facts can change its figures: every
structure fact (units, sections, quotas: few), and every fact of every person who was ever in the unit or a unit
under it (their own timeline, retractions of it included). Other people's facts change neither the unit's staff,
nor its posts' holders, nor what the unit's people held before a promotion or appointment.

Three tables in the same store, written in one transaction with their own tracking position:
- `report_subjects (fact_id, subject)`: each recorded fact's subject (a person's id, or STRUCTURE; a retraction
  has its target's subject), as ledger.fold.scope assigns it;
- `report_unit_people (unit, person)`: every person ever named with a unit (`unit`, `to_unit`);
- `report_names (fact_id, name)`: every recorded person's name (retracted facts included) — the names a redacted
  report must mask, whoever they are (encrypted, as the timeline's roster docs are, in an encrypted store);
- `report_id_numbers (fact_id, lookup)`: each profile giving a 身份证号 (retracted ones included), under a key of
  the number (`Codec.lookup_key`, keyed in an encrypted store): who else holds a number is found without reading
  the city (`ledger.app.drafts_checks`).
Catching up reads only the events recorded since the tracking position (a cold process does not read the whole
stream); the report then reads the facts it needs by version. The index answers only "facts by subject",
"people of units" and "recorded names"; composing the report from them is the application's (ledger.app.yearly).
Writers keep it up to date (with the timeline); readers use it only when its position is the stream's last
event, and `ledger verify` derives it again from the events and compares (`differences`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ledger.fold.scope import STRUCTURE, TimelineIndex, named_units, own_subject
from ledger.model.facts import Fact
from ledger.store.derived import DerivedTables, Tracking, first_difference
from ledger.store.dialect import Dialect
from ledger.store.log import FactLog, paused_gc

READ_CACHE = 200_000  # decoded facts kept by `FactIndex.read` (~1 KB each)
TABLES = ("report_subjects", "report_unit_people", "report_names", "report_id_numbers")
NAMED = ("hired", "assistant_engaged")  # the facts that record a person's name
INDEXES = ("report_subjects_subject", "report_unit_people_person", "report_id_numbers_lookup")  # (`_schema`'s)
ID_NUMBERS = "report_id_numbers"  # the newest table: an index written before it is derived again (`_ensure`)


def _schema(d: Dialect) -> tuple[str, ...]:
    return (
        f"CREATE TABLE IF NOT EXISTS {d.table('report_subjects')} (fact_id {d.integer} PRIMARY KEY, "
        "subject TEXT NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS report_subjects_subject ON {d.table('report_subjects')} (subject)",
        f"CREATE TABLE IF NOT EXISTS {d.table('report_unit_people')} (unit TEXT NOT NULL, person TEXT NOT NULL, "
        "PRIMARY KEY (unit, person))",
        # A writer's scope asks which units a person ever belonged to (ledger.store.scoped).
        f"CREATE INDEX IF NOT EXISTS report_unit_people_person ON {d.table('report_unit_people')} (person)",
        f"CREATE TABLE IF NOT EXISTS {d.table('report_names')} (fact_id {d.integer} PRIMARY KEY, name {d.blob} "
        "NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {d.table(ID_NUMBERS)} (fact_id {d.integer} PRIMARY KEY, lookup TEXT NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS report_id_numbers_lookup ON {d.table(ID_NUMBERS)} (lookup)",
    )


def id_numbers(facts: Iterable[Fact]) -> list[tuple[int, str]]:
    """(fact id, 身份证号) of each profile that gives one."""
    return [(f.id, str(f.data["id_number"])) for f in facts
            if f.event == "profile_recorded" and f.data.get("id_number")]


@dataclass
class IndexRows:
    """The index's rows for a run of facts in recording order: each fact's subject, the (unit, person) pairs and
    the recorded names; `missing`: retractions whose target came before the run (their subject is looked up)."""

    subjects: dict[int, str] = field(default_factory=dict)
    unit_people: set[tuple[str, str]] = field(default_factory=set)
    names: list[tuple[int, str]] = field(default_factory=list)
    id_numbers: list[tuple[int, str]] = field(default_factory=list)
    missing: list[Fact] = field(default_factory=list)
    last: int = 0

    @classmethod
    def of(cls, facts: Iterable[Fact]) -> IndexRows:
        rows = cls()
        subjects = rows.subjects
        for f in facts:
            rows.last = f.id
            if f.event == "retracted":
                target = f.data["target"]
                if target in subjects:
                    subjects[f.id] = subjects[target]
                else:
                    rows.missing.append(f)
                continue
            subject = subjects[f.id] = own_subject(f)
            if subject != STRUCTURE:
                rows.unit_people.update((unit, subject) for unit in named_units(f))
                if f.event in NAMED and f.data.get("name"):
                    rows.names.append((f.id, f.data["name"]))
                elif f.event == "profile_recorded" and f.data.get("id_number"):
                    rows.id_numbers.append((f.id, str(f.data["id_number"])))
        return rows


class FactIndex:
    """The subjects index of one ledger, in the derived tables beside the materialised timeline.

    `turn` is the tracking whose row every writer of derived tables locks (the timeline's): the index and the
    timeline are written in turns, and the timeline's catch-up writes both in one transaction.
    """

    def __init__(self, log: FactLog, tables: DerivedTables, turn: Tracking):
        self.log = log
        self.tables = tables
        self.dialect = tables.dialect
        self.turn = turn
        self.tracking = Tracking(tables, "report_tracking", "report_index")
        self._ready = False
        self._read_cache: dict[int, Fact] = {}
        self._counted = 0  # the stream position at which `complete` last counted one subject per fact

    def _ensure(self, conn: Any) -> None:
        """Create the tables (inside a transaction holding the turn's lock: no creation race)."""
        if self._ready:
            return
        for stmt in (*_schema(self.dialect), *self.tracking.schema()) if self.dialect.creates_tables else ():
            conn.execute(stmt)
        self.tracking.start(conn)
        self._ready = True

    def outdated(self) -> bool:
        """Whether the index was written before its 身份证号 table (by an earlier version)."""
        conn, d = self.tables.connection(), self.dialect
        return d.has_table(conn, "report_subjects") and not d.has_table(conn, ID_NUMBERS)

    def restart(self, conn: Any) -> None:
        """Inside the caller's transaction (holding the turn's lock): index every fact again from the start, the
        rows already there kept (an index written before its 身份证号 table gets it whole)."""
        self._ensure(conn)
        self.tracking.move(conn, 0)

    def position(self) -> int:
        """The last fact indexed; 0 before the index's tables exist."""
        return self.tracking.position()

    def catch_up(self) -> int:
        """Index every fact recorded since the tracking position (reading only those); returns the position."""
        self.turn.ensure()
        top = self.log.stream.top()
        if self.position() >= top:  # 0 for a new store: nothing to index (and no tables yet)
            return top
        with self.tables.writing() as conn:
            self.turn.position(conn, lock=True)  # index writers take turns
            return self.sync(conn, None)

    def sync(self, conn: Any, facts: list[Fact] | None, upto: int = 0) -> int:
        """Inside the caller's transaction (holding the turn's lock): index the facts recorded since the position,
        from `facts` (every fact, recording order; `upto`: the last row they cover) or, when None, read from the
        store (up to a foreign row the owner has not quarantined: `FactLog.vetted_since`)."""
        self._ensure(conn)
        pos = self.tracking.position(conn, lock=True)
        if facts is not None:
            if (not facts or facts[-1].id <= pos) and upto <= pos:
                return pos
            new: Iterable[Fact] = facts[bisect_right(facts, pos, key=lambda f: f.id):]  # in id order
        else:
            new, upto = self.log.vetted_since(pos)
        pos = max(pos, self._add(conn, new), upto)
        self.tracking.move(conn, pos)
        return pos

    def _add(self, conn: Any, facts: Iterable[Fact]) -> int:
        rows = IndexRows.of(facts)
        if rows.missing:
            found = dict(self._subjects_of(conn, [f.data["target"] for f in rows.missing]))
            for f in rows.missing:
                rows.subjects[f.id] = found.get(f.data["target"], STRUCTURE)
        self._insert(conn, rows)
        return rows.last

    def fill(self, conn: Any, facts: list[Fact], index: TimelineIndex, upto: int = 0) -> None:
        """Inside the caller's transaction, after `reset`: index every fact (`facts`, recording order) from their
        scope index (the same subjects and units, found once for the timeline: `IndexRows.of` would walk the
        facts again)."""
        self._ensure(conn)
        rows = IndexRows(dict(index.subject_of),
                         {(unit, person) for unit, people in index.unit_people.items() for person in people},
                         [(f.id, f.data["name"]) for f in facts if f.event in NAMED and f.data.get("name")],
                         id_numbers(facts))
        d = self.dialect
        rebuilt = d.creates_tables  # (a role granted access writes into the indexes the owner made)
        if rebuilt:  # the empty tables filled in bulk, their indexes built after, in one pass each
            for name in INDEXES:
                conn.execute(f"DROP INDEX IF EXISTS {d.table(name)}")
        self._insert(conn, rows, bulk=True)
        if rebuilt:
            for stmt in _schema(d):
                conn.execute(stmt)
        self.tracking.move(conn, max(facts[-1].id if facts else 0, upto))

    def _insert(self, conn: Any, rows: IndexRows, bulk: bool = False) -> None:
        """Write the rows: into empty tables in bulk (`bulk`), else skipping those already there."""
        d = self.dialect

        def write(table: str, values: list[tuple]) -> None:
            if bulk:
                d.bulk_insert(conn, table, 2, values)
            else:
                d.executemany(conn, d.insert_or_ignore(table, 2), values)

        subjects, unit_people, names = rows.subjects, rows.unit_people, rows.names
        # An encrypted store keeps the names encrypted here too.
        encoded = self.log.codec.encrypt_last([(i, n.encode()) for i, n in names])
        write("report_subjects", list(subjects.items()))
        write("report_unit_people", sorted(unit_people))
        write("report_names", encoded)
        lookup = self.log.codec.lookup_key
        write(ID_NUMBERS, [(i, lookup(n)) for i, n in rows.id_numbers])

    def reset(self, conn: Any) -> None:
        """Empty the index and move its position back to the start (inside the caller's transaction)."""
        self._ensure(conn)
        for table in TABLES:
            conn.execute(f"DELETE FROM {self.dialect.table(table)}")
        self.tracking.move(conn, 0)

    def differences(self, facts: list[Fact]) -> str | None:
        """The first difference between the stored index and the index derived again from `facts` (every fact),
        or None when they agree."""
        want = IndexRows.of(facts)
        for f in want.missing:  # every fact was given: a target not among them is none (as `_add` finds it)
            want.subjects[f.id] = STRUCTURE
        conn, d, decrypt = self.tables.connection(), self.dialect, self.log.codec.decrypt
        stored = {
            "report_subjects": dict(conn.execute(f"SELECT fact_id, subject FROM {d.table('report_subjects')}").fetchall()),
            "report_unit_people": {tuple(r) for r in conn.execute(
                f"SELECT unit, person FROM {d.table('report_unit_people')}").fetchall()},
            "report_names": {r[0]: decrypt(r[1]).decode() for r in conn.execute(
                f"SELECT fact_id, name FROM {d.table('report_names')}").fetchall()},
            ID_NUMBERS: dict(conn.execute(f"SELECT fact_id, lookup FROM {d.table(ID_NUMBERS)}").fetchall()),
        }
        lookup = self.log.codec.lookup_key
        derived = {"report_subjects": want.subjects, "report_unit_people": want.unit_people,
                   "report_names": dict(want.names), ID_NUMBERS: {i: lookup(n) for i, n in want.id_numbers}}
        for table, rows in derived.items():
            found = first_difference(stored[table], rows)
            if found is not None:
                return f"{table}: {found}"
        return None

    def _subjects_of(self, conn: Any, ids: list[int]) -> Iterator[tuple[int, str]]:
        for marks, chunk in self.tables.chunks(ids):
            yield from conn.execute(f"SELECT fact_id, subject FROM {self.dialect.table('report_subjects')} "
                                    f"WHERE fact_id IN ({marks})", chunk).fetchall()

    def complete(self, top: int) -> bool:
        """Whether the index is as far as the stream's last event `top` and holds one subject per fact (a cheap
        check before a report is counted from it: rows removed or added show; `differences` is the full one).
        The rows are counted once per stream position in a process: a long-lived reader (the web view) asks before
        every unit's answer, and a count of a city's million rows is most of such an answer on PostgreSQL."""
        if self.position() != top or top == 0:
            return False
        if self._counted == top:
            return True
        (rows,) = self.tables.connection().execute(f"SELECT COUNT(*) FROM {self.dialect.table('report_subjects')}"
                                                   ).fetchone()
        # every event but the stream's opening one is a fact, but for each quarantine and the row it sets aside
        if int(rows) != top - 1 and (not self.log.quarantines() or
                                     int(rows) != self.log.stream.count() - 1 - 2 * len(self.log.quarantined)):
            return False
        self._counted = top
        return True

    # --- queries ----------------------------------------------------------------------------------------------
    def fact_ids(self, subjects: Iterable[str], upto: int | None = None) -> list[int]:
        """The ids of every fact about these subjects (people's ids, or STRUCTURE), retractions of them included
        (up to event `upto`, if given)."""
        conn, out = self.tables.connection(), []
        for marks, chunk in self.tables.chunks(sorted(set(subjects))):
            out += [r[0] for r in conn.execute(f"SELECT fact_id FROM {self.dialect.table('report_subjects')} "
                                               f"WHERE subject IN ({marks})", chunk)]
        return sorted(out) if upto is None else sorted(i for i in out if i <= upto)

    def subjects(self, ids: Iterable[int]) -> dict[int, str]:
        """The subject of each of these facts that the index holds."""
        return dict(self._subjects_of(self.tables.connection(), sorted(set(ids))))

    def units_of(self, people: Iterable[str]) -> set[str]:
        """Every unit one of these people was ever named with."""
        return self._pairs("unit", "person", people)

    def people_of(self, units: Iterable[str]) -> set[str]:
        """Every person ever named with one of these units."""
        return self._pairs("person", "unit", units)

    def people_in_any_case(self, ids: Iterable[str]) -> set[str]:
        """Every recorded person id equal to one of `ids` but for case (P13 for p13): ids are one person's in any
        case. (A scan of the people's ids: no index on lower(); a city's few ten thousand rows.)"""
        conn, out = self.tables.connection(), set()
        for marks, chunk in self.tables.chunks(sorted({i.lower() for i in ids})):
            out |= {r[0] for r in conn.execute(f"SELECT DISTINCT person FROM {self.dialect.table('report_unit_people')}"
                                               f" WHERE lower(person) IN ({marks})", chunk)}
        return out

    def _pairs(self, wanted: str, given: str, values: Iterable[str]) -> set[str]:
        """The `wanted` column of the (unit, person) pairs whose `given` column is one of `values`."""
        conn, out = self.tables.connection(), set()
        for marks, chunk in self.tables.chunks(sorted(set(values))):
            out |= {r[0] for r in conn.execute(f"SELECT {wanted} FROM {self.dialect.table('report_unit_people')} "
                                               f"WHERE {given} IN ({marks})", chunk)}
        return out

    def id_number_facts(self, numbers: Iterable[str]) -> list[int]:
        """The ids of the profiles that gave one of these 身份证号 (retracted ones included: their retractions are
        among their person's facts), found by the numbers' lookup keys."""
        conn, lookup = self.tables.connection(), self.log.codec.lookup_key
        keys, out = sorted({lookup(n) for n in numbers}), []
        for marks, chunk in self.tables.chunks(keys):
            out += [int(r[0]) for r in conn.execute(f"SELECT fact_id FROM {self.dialect.table(ID_NUMBERS)} "
                                                    f"WHERE lookup IN ({marks})", chunk)]
        return sorted(out)

    def recorded_person_names(self) -> list[str]:
        """Every recorded person's name (retracted facts included), in recording order, each once."""
        rows = self.tables.connection().execute(
            f"SELECT name FROM {self.dialect.table('report_names')} ORDER BY fact_id").fetchall()
        decrypt = self.log.codec.decrypt
        return list(dict.fromkeys(decrypt(r[0]).decode() for r in rows))

    def person_names(self) -> list[tuple[str, str]]:
        """Every recorded person's id and name (a hire's, an engagement's; retracted ones included), in recording
        order: who a name typed where an id is asked may mean, without folding the city."""
        rows = self.tables.connection().execute(
            f"SELECT s.subject, n.name FROM {self.dialect.table('report_names')} n "
            f"JOIN {self.dialect.table('report_subjects')} s ON s.fact_id = n.fact_id ORDER BY n.fact_id").fetchall()
        decrypt = self.log.codec.decrypt
        return [(r[0], decrypt(r[1]).decode()) for r in rows]

    def read(self, ids: list[int]) -> list[Fact]:
        """The facts with these ids (stream versions), in recording order.

        Decoded facts are kept (up to READ_CACHE of them: a recorded fact never changes), so that the questions a
        long-lived reader asks again and again — every unit page reads every structure fact — read each row once."""
        cache = self._read_cache
        missing = [i for i in ids if i not in cache]
        if missing:
            if len(cache) + len(missing) > READ_CACHE:
                cache.clear()
                missing = list(ids)
            with paused_gc():  # a bulk read, like FactLog.read: thousands of dicts and no cycles
                for f in self.log.codec.facts(self.log.stream.at(missing), self.log.met):
                    cache[f.id] = f
        return sorted((cache[i] for i in set(ids) if i in cache), key=lambda f: f.id)  # a missing id: no such fact
