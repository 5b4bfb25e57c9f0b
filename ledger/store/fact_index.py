"""The yearly report of one unit without reading the whole stream: a persisted index of facts by subject.

`yearly_figures` (ledger.report) walks the timeline; for one unit only some facts can change its figures: every
structure fact (units, sections, quotas: few), and every fact of every person who was ever in the unit or a unit
under it (their own timeline, retractions of it included). Other people's facts change neither the unit's staff,
nor its posts' holders, nor what the unit's people held before a promotion or appointment.

Three tables in the same store, written in one transaction with their own tracking position:
- `report_subjects (fact_id, subject)`: each recorded fact's subject (a person's id, or STRUCTURE; a retraction
  has its target's subject), as ledger.fold.scope assigns it;
- `report_unit_people (unit, person)`: every person ever named with a unit (`unit`, `to_unit`);
- `report_names (fact_id, name)`: every recorded person's name (retracted facts included) — the names a redacted
  report must mask, whoever they are (encrypted, as the timeline's roster docs are, in an encrypted store).
Catching up reads only the events recorded since the tracking position (a cold process does not read the whole
stream); the report then reads the facts it needs by version. The figures equal the full walk's, except
`people` (every person's id → name), which holds the people in scope only; the names to mask are the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ledger.fold.scope import STRUCTURE, named_units, own_subject
from ledger.fold.walk import counting_facts, fold
from ledger.model.facts import Fact
from ledger.read.yearly import YearlyFigures, subtree, yearly_figures
from ledger.store.aggregate import TOPIC_NAMES

if TYPE_CHECKING:
    from ledger.app.ledger import PersonnelLedger
    from ledger.store.timeline import Timeline

NAME = "report_index"
CHUNK = 500


def _schema(t: Any, kind: str) -> tuple[str, ...]:
    big = "BIGINT" if kind == "postgresql" else "INTEGER"
    blob = "BYTEA" if kind == "postgresql" else "BLOB"
    return (
        f"CREATE TABLE IF NOT EXISTS {t('report_subjects')} (fact_id {big} PRIMARY KEY, subject TEXT NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS report_subjects_subject ON {t('report_subjects')} (subject)",
        f"CREATE TABLE IF NOT EXISTS {t('report_unit_people')} (unit TEXT NOT NULL, person TEXT NOT NULL, "
        "PRIMARY KEY (unit, person))",
        f"CREATE TABLE IF NOT EXISTS {t('report_names')} (fact_id {big} PRIMARY KEY, name {blob} NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {t('report_tracking')} (name TEXT PRIMARY KEY, position {big} NOT NULL)",
    )


class FactIndex:
    """The subjects index of one ledger, kept in the timeline's store through the timeline's connection."""

    def __init__(self, timeline: Timeline):
        self.tl = timeline
        self.app: PersonnelLedger = timeline.app
        self._ready = False

    def _ensure(self, conn: Any) -> None:
        """Create the tables (inside a transaction holding the timeline's tracking lock: no creation race)."""
        if self._ready:
            return
        tl = self.tl
        for stmt in _schema(tl._t, tl.kind):
            conn.execute(stmt)
        ins = ("INSERT INTO {t} VALUES (%s, 0) ON CONFLICT DO NOTHING" if tl.kind == "postgresql"
               else "INSERT OR IGNORE INTO {t} VALUES (?, 0)")
        conn.execute(ins.format(t=tl._t("report_tracking")), (NAME,))
        self._ready = True

    def position(self, conn: Any = None, lock: bool = False) -> int:
        tl = self.tl
        sql = f"SELECT position FROM {tl._t('report_tracking')} WHERE name = {tl._p}"
        if lock and tl.kind == "postgresql":
            sql += " FOR UPDATE"
        try:
            row = (conn or tl._connect()).execute(sql, (NAME,)).fetchone()
        except Exception as e:  # no table yet (outside a transaction: nothing is aborted)
            if conn is None and ("does not exist" in str(e) or "no such table" in str(e)):
                return 0
            raise
        return int(row[0]) if row else 0

    def catch_up(self) -> int:
        """Index every fact recorded since the tracking position (reading only those); returns the position."""
        tl = self.tl
        tl._ensure()
        top = tl._stream_top()
        if self.position() >= top:  # 0 for a new store: nothing to index (and no tables yet)
            return top
        with tl._write() as conn:
            tl.position(conn, lock=True)  # index writers take turns on the timeline's tracking row
            return self.sync(conn, None)

    def sync(self, conn: Any, facts: list[Fact] | None) -> int:
        """Inside the caller's transaction (holding the timeline's tracking lock): index the facts recorded since
        the position, from `facts` (every fact, recording order) or, when None, read from the store."""
        self._ensure(conn)
        pos = self.position(conn, lock=True)
        if facts is not None:
            if not facts or facts[-1].id <= pos:
                return pos
            new: Iterable[Fact] = (f for f in facts if f.id > pos)
        else:
            new = self._read_after(pos)
        pos = max(pos, self._add(conn, new))
        conn.execute(f"UPDATE {self.tl._t('report_tracking')} SET position = {self.tl._p} WHERE name = {self.tl._p}",
                     (pos, NAME))
        return pos

    def _read_after(self, pos: int) -> Iterator[Fact]:
        app = self.app
        for version, topic, state in app._select_rows(pos):
            name = TOPIC_NAMES.get(topic)
            if name is not None:
                yield app._to_fact(version, name, app._decode_state(state))

    def _add(self, conn: Any, facts: Iterable[Fact]) -> int:
        tl, p = self.tl, self.tl._p
        subjects: dict[int, str] = {}
        unit_people: set[tuple[str, str]] = set()
        names: list[tuple[int, str]] = []
        missing: list[Fact] = []  # retractions of facts indexed earlier: their subject is looked up
        last = 0
        for f in facts:
            last = f.id
            if f.event == "retracted":
                target = f.data["target"]
                if target in subjects:
                    subjects[f.id] = subjects[target]
                else:
                    missing.append(f)
                continue
            subject = subjects[f.id] = own_subject(f)
            if subject != STRUCTURE:
                unit_people.update((unit, subject) for unit in named_units(f))
                if f.event in ("hired", "assistant_engaged") and f.data.get("name"):
                    names.append((f.id, f.data["name"]))
        if missing:
            found = dict(self._subjects_of(conn, [f.data["target"] for f in missing]))
            for f in missing:
                subjects[f.id] = found.get(f.data["target"], STRUCTURE)
        cipher = self.app.mapper.cipher  # an encrypted store keeps the names encrypted here too
        encoded = [(i, cipher.encrypt(n.encode()) if cipher is not None else n.encode()) for i, n in names]
        conflict = " ON CONFLICT DO NOTHING" if tl.kind == "postgresql" else ""
        ignore = "" if tl.kind == "postgresql" else " OR IGNORE"
        with _cursor(conn, tl.kind) as c:
            c.executemany(f"INSERT{ignore} INTO {tl._t('report_subjects')} VALUES ({p}, {p}){conflict}",
                          list(subjects.items()))
            c.executemany(f"INSERT{ignore} INTO {tl._t('report_unit_people')} VALUES ({p}, {p}){conflict}",
                          sorted(unit_people))
            c.executemany(f"INSERT{ignore} INTO {tl._t('report_names')} VALUES ({p}, {p}){conflict}", encoded)
        return last

    def _subjects_of(self, conn: Any, ids: list[int]) -> Iterator[tuple[int, str]]:
        tl = self.tl
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i:i + CHUNK]
            yield from conn.execute(f"SELECT fact_id, subject FROM {tl._t('report_subjects')} "
                                    f"WHERE fact_id IN ({','.join([tl._p] * len(chunk))})", chunk).fetchall()

    # --- queries ----------------------------------------------------------------------------------------------
    def fact_ids(self, subjects: Iterable[str]) -> list[int]:
        tl, conn = self.tl, self.tl._connect()
        subjects = sorted(set(subjects))
        out: list[int] = []
        for i in range(0, len(subjects), CHUNK):
            chunk = subjects[i:i + CHUNK]
            out += [r[0] for r in conn.execute(f"SELECT fact_id FROM {tl._t('report_subjects')} "
                                               f"WHERE subject IN ({','.join([tl._p] * len(chunk))})", chunk)]
        return sorted(out)

    def people_of(self, units: Iterable[str]) -> set[str]:
        tl, conn = self.tl, self.tl._connect()
        units = sorted(set(units))
        out: set[str] = set()
        for i in range(0, len(units), CHUNK):
            chunk = units[i:i + CHUNK]
            out |= {r[0] for r in conn.execute(f"SELECT person FROM {tl._t('report_unit_people')} "
                                               f"WHERE unit IN ({','.join([tl._p] * len(chunk))})", chunk)}
        return out

    def recorded_person_names(self) -> list[str]:
        tl = self.tl
        rows = tl._connect().execute(f"SELECT name FROM {tl._t('report_names')} ORDER BY fact_id").fetchall()
        cipher = self.app.mapper.cipher
        if cipher is not None:
            return list(dict.fromkeys(cipher.decrypt(bytes(r[0])).decode() for r in rows))
        return list(dict.fromkeys(bytes(r[0]).decode() for r in rows))

    def read(self, ids: list[int]) -> list[Fact]:
        """The facts with these ids (stream versions), in recording order."""
        app = self.app
        table = app.recorder.events_table_name
        pg = self.tl.kind == "postgresql"
        out: list[Fact] = []
        with app.recorder.datastore.transaction(commit=False) as curs:
            for i in range(0, len(ids), CHUNK):
                chunk = ids[i:i + CHUNK]
                if pg:
                    # A join with the array: one primary-key look-up per id (`= ANY(...)` makes the planner scan
                    # the whole stream, its one originator, and filter).
                    sql = (f'SELECT e.originator_version, e.topic, e.state FROM unnest(%s::bigint[]) AS v(version) '
                           f'JOIN "{self.tl.schema}"."{table}" e '
                           "ON e.originator_id = %s AND e.originator_version = v.version")
                    curs.execute(sql, (chunk, app.ledger_id))
                    rows = [(r["originator_version"], r["topic"], bytes(r["state"])) for r in curs.fetchall()]
                else:
                    sql = (f"SELECT originator_version, topic, state FROM {table} WHERE originator_id = ? "
                           f"AND originator_version IN ({','.join('?' * len(chunk))})")
                    curs.execute(sql, (app.ledger_id.hex, *chunk))
                    rows = [(r[0], r[1], r[2]) for r in curs.fetchall()]
                for version, topic, state in rows:
                    name = TOPIC_NAMES.get(topic)
                    if name is not None:
                        out.append(app._to_fact(version, name, app._decode_state(state)))
        out.sort(key=lambda f: f.id)
        return out


class _cursor:
    """executemany on a psycopg connection needs a cursor; sqlite3's connection has it itself."""

    def __init__(self, conn: Any, kind: str):
        self.conn, self.kind, self.c = conn, kind, None

    def __enter__(self) -> Any:
        self.c = self.conn.cursor() if self.kind == "postgresql" else self.conn
        return self.c

    def __exit__(self, *exc: Any) -> None:
        if self.kind == "postgresql":
            self.c.close()


def scoped_facts(app: PersonnelLedger, unit: str | None, as_of: date,
                 known_at: datetime | None = None) -> tuple[list[Fact], str] | None:
    """The facts the report of `unit` (None: the top unit) on `as_of` needs, and the unit; None when the unit
    does not exist then (the full walk says why)."""
    index = FactIndex(app.timeline)
    if index.catch_up() == 0:
        return None  # nothing recorded
    structure = index.read(index.fact_ids([STRUCTURE]))
    end = fold(counting_facts(structure, known_at), as_of)
    if unit is None:
        tops = end.top_units()
        if not tops:
            return None
        unit = tops[0].unit
    if unit not in end.units:
        return None
    people = index.people_of(subtree(end, unit))
    mine = index.read(index.fact_ids(people)) if people else []
    facts = sorted([*structure, *mine], key=lambda f: f.id)
    return facts, unit


def unit_yearly_figures(app: PersonnelLedger, year: int, unit: str | None = None,
                        known_at: datetime | None = None, as_of: date | None = None) -> YearlyFigures:
    """`ledger.read.yearly.yearly_figures` of one unit from the facts that can matter for it (see the module doc)."""
    found = scoped_facts(app, unit, as_of or date(year, 12, 31), known_at)
    if found is None:
        return yearly_figures(app.facts(), year, unit, known_at, as_of=as_of)  # the full walk's error
    facts, unit = found
    figures = yearly_figures(facts, year, unit, known_at, as_of=as_of)
    index = FactIndex(app.timeline)
    figures.recorded_person_names = index.recorded_person_names()
    return figures
