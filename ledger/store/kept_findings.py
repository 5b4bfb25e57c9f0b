"""The kept findings: every person's compliance findings over time, in a table of the same store beside the
materialised timeline, so that `ledger check` of a city reads them instead of walking every fact.

`findings_kept` holds the rows `ledger.rules.kept` derives: a fact rule's finding on its fact's date, and a person
rule's finding over the days it holds (valid_from ≤ day < valid_to), each with its message's form (made again in
the reader's language, judged on the reader's date) — and, as kind "link", each appointment that names a selection,
so that a selection's step recorded later re-derives the findings of who it appointed. Rows are sealed like the
timeline's (`ledger.store.seals`: each row's seal, and per unit their count and sums), and encrypted like its docs.

The rows are written in the timeline's catch-up transaction, with their own tracking position and the digest of
the rules they were judged by (`ledger.rules.kept.rulebook_digest`, the position of a second tracking row): a
recording re-derives the people whose findings it can change — those whose timelines it changes, and the
appointees of the selections it names — from their facts and the structure's; a change of the rules (the store's
settings, a ledger.toml edited), or many new facts, derives every row again. They hold what the ledger knows now
(a question as known at an earlier moment walks the facts), and are served only when their position is the
stream's last event and their digest is the rules asked with; otherwise `ledger check` walks, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import orjson

from ledger.fold.scope import STRUCTURE, TimelineIndex, affected_by
from ledger.fold.walk import counting_facts
from ledger.model.facts import Fact, recorded_after
from ledger.rules.catalogue import Rulebook
from ledger.rules.kept import KeptRow, kept_rows, rulebook_digest
from ledger.store import seals
from ledger.store.derived import DerivedTables, Tracking, derive_whole, first_difference
from ledger.store.seals import Sealer

TABLE = "findings_kept"
COLUMNS = "person, unit, kind, selection, valid_from, valid_to, doc"
PREFIX = "findings:"  # a unit's rows' seal totals are named "findings:CODE" in `timeline_seals`
# people -> their facts (and every structure fact), read through the fact index: for appointees out of scope
FactsOf = Callable[[set[str]], list[Fact]]


def _stored(rows: Iterable[KeptRow]) -> list[tuple]:
    return [(r.person, r.unit, r.kind, r.selection, r.valid_from.isoformat(), r.valid_to.isoformat(), r.doc)
            for r in rows]


class KeptFindings:
    """The kept findings of one ledger, in the derived tables (written in turns with the timeline)."""

    def __init__(self, tables: DerivedTables, codec: Any, sealer: Sealer):
        self.tables = tables
        self.dialect = tables.dialect
        self.codec, self.sealer = codec, sealer
        self.tracking = Tracking(tables, "timeline_tracking", "kept_findings")
        self.rules = Tracking(tables, "timeline_tracking", "kept_findings_rules")  # the digest, as a position
        self._ready = False

    def schema(self) -> tuple[str, ...]:
        d = self.dialect
        return (f"CREATE TABLE IF NOT EXISTS {d.table(TABLE)} (person TEXT NOT NULL, unit TEXT NOT NULL, "
                f"kind TEXT NOT NULL, selection TEXT, valid_from {d.day} NOT NULL, valid_to {d.day} NOT NULL, "
                f"doc {d.blob} NOT NULL, seal {d.integer} NOT NULL)",
                f"CREATE INDEX IF NOT EXISTS findings_kept_person ON {d.table(TABLE)} (person)",
                f"CREATE INDEX IF NOT EXISTS findings_kept_unit ON {d.table(TABLE)} (unit)",  # (a unit's seal totals)
                f"CREATE INDEX IF NOT EXISTS findings_kept_day ON {d.table(TABLE)} (valid_from, valid_to)",
                f"CREATE INDEX IF NOT EXISTS findings_kept_selection ON {d.table(TABLE)} (selection)")

    def ensure(self, conn: Any) -> None:
        """Create the table and its tracking rows, inside the caller's transaction (holding the turn's lock)."""
        if self._ready:
            return
        if self.dialect.creates_tables:
            for stmt in self.schema():
                conn.execute(stmt)
        self.tracking.start(conn)
        self.rules.start(conn)
        self._ready = True

    def position(self) -> int:
        """The last fact the rows hold (0: none yet, or no table)."""
        try:
            return self.tracking.position()
        except Exception as e:  # outside a transaction: nothing is aborted
            if self.dialect.is_missing_table(e):
                return 0
            raise

    def judged_by(self) -> int:
        """The digest of the rules the rows were judged by (0: none yet)."""
        try:
            return self.rules.position()
        except Exception as e:
            if self.dialect.is_missing_table(e):
                return 0
            raise

    def stale(self, rulebook: Rulebook | None) -> bool:
        """Whether the rows were judged by other rules than `rulebook` (the next writer derives them again)."""
        if rulebook is None:
            return False
        digest = rulebook_digest(rulebook)
        return self.judged_by() not in (digest, -digest)

    def sync(self, conn: Any, facts: list[Fact], index: TimelineIndex, rulebook: Rulebook, facts_of: FactsOf,
             whole: bool, upto: int = 0, again: bool = False) -> None:
        """Inside the caller's transaction: take in the facts recorded since the position (`facts`: every fact
        (`whole`), or the new ones and their scope; `index`: theirs; `upto`: the last row they cover); `again`:
        derive every row again."""
        self.ensure(conn)
        pos = self.tracking.position(conn, lock=True)
        top = max(facts[-1].id if facts else 0, upto)
        digest = rulebook_digest(rulebook)
        judged_by = self.rules.position(conn)
        if pos >= top and judged_by in (digest, -digest) and not again:
            return
        if judged_by == -digest and not again:  # rules that fail to judge (a rules file's): none kept, none served
            self.tracking.move(conn, top)
            return
        new = recorded_after(facts, pos)
        if again or judged_by != digest or derive_whole(pos, len(new), len(facts)) and whole:
            if not whole:  # (`Timeline.catch_up` reads every fact when these rows need them): the next writer will
                self.tracking.move(conn, 0)
                return
            people: set[str] | None = None
        else:
            people = self._affected(conn, new, index)
            missing = {p for p in people if p not in index.by_subject}
            # Their facts and the structure's only (a process holding every fact walks no one else's)
            mine = [f for s in (STRUCTURE, *sorted(people)) for f in index.by_subject.get(s, ())]
            if missing:  # appointees of a selection outside the scope read: their facts too
                mine += facts_of(missing)
            facts = sorted({f.id: f for f in mine}.values(), key=lambda f: f.id)
        try:
            rows = kept_rows(counting_facts(facts), rulebook, people)
        except Exception:  # rules that fail on some date (a rules file's parameters): the timeline is kept all
            # the same, and `ledger check` walks — and says what fails, on the dates it is asked about
            self.replace(conn, [], None)
            self.tracking.move(conn, top)
            self.rules.move(conn, -digest)
            return
        self.replace(conn, rows, people)
        self.tracking.move(conn, top)
        self.rules.move(conn, digest)

    def _affected(self, conn: Any, new: list[Fact], index: TimelineIndex) -> set[str]:
        """The people whose findings the new facts can change: those whose facts they are (a retraction: its
        target's), everyone who belonged to a unit whose structure they change, and who was appointed through a
        selection they name."""
        people = affected_by(index, new)[0]
        selections: set[str] = set()
        for f in new:
            target = index.by_id.get(f.data["target"]) if f.event == "retracted" else f
            if target is not None and target.data.get("selection"):
                selections.add(target.data["selection"])
        if selections:
            d = self.dialect
            for marks, chunk in self.tables.chunks(sorted(selections)):
                people |= {r[0] for r in conn.execute(
                    f"SELECT DISTINCT person FROM {d.table(TABLE)} WHERE selection IN ({marks})", chunk).fetchall()}
            people |= {f.person for f in index.by_id.values() if f.person and f.data.get("selection") in selections}
        return people

    def replace(self, conn: Any, rows: list[KeptRow], people: set[str] | None) -> None:
        """Put `rows` (`kept_rows` of `people`, None: of everyone) in place of those people's old ones."""
        d = self.dialect
        stored = _stored(rows)
        units: set[str] | None = None
        if people is None:
            conn.execute(f"DELETE FROM {d.table(TABLE)}")
        else:
            units = {r[1] for r in stored}
            for marks, chunk in self.tables.chunks(sorted(people)):
                units |= {r[0] for r in conn.execute(
                    f"SELECT DISTINCT unit FROM {d.table(TABLE)} WHERE person IN ({marks})", chunk).fetchall()}
                conn.execute(f"DELETE FROM {d.table(TABLE)} WHERE person IN ({marks})", chunk)
        d.bulk_insert(conn, TABLE, 8, self.sealer.sealed(self.codec.encrypt_last(stored)))
        seals.reseal_table(conn, d, TABLE, PREFIX, None if units is None else sorted(units), self.tables.chunks)

    # --- queries --------------------------------------------------------------------------------------------
    def on(self, as_of: date, since: date, unit: str | None = None) -> list[tuple[str, str, str, dict[str, Any]]]:
        """(person, unit, kind, doc) of the findings of the facts effective in [since, as_of] and of the states on
        `as_of` (of `unit` alone, if given). `seals.TimelineMismatch` when the rows do not agree with their seals."""
        d = self.dialect
        conn = self.tables.connection()
        seals.check_table(conn, d, TABLE, PREFIX, unit)
        day, start = d.day_value(as_of), d.day_value(since)
        where = f" AND unit = {d.mark}" if unit is not None else ""
        extra = [unit] if unit is not None else []
        rows = conn.execute(
            f"SELECT {COLUMNS}, seal FROM {d.table(TABLE)} WHERE ((kind = 'fact' AND valid_from >= {d.mark} AND "
            f"valid_from <= {d.mark}) OR (kind = 'state' AND valid_from <= {d.mark} AND valid_to > {d.mark})){where}",
            [start, day, day, day, *extra]).fetchall()
        self.sealer.check(rows)
        decode = self.codec.decode_doc
        return [(r[0], r[1], r[2], decode(r[6])) for r in rows]

    def differences(self, facts: list[Fact], rulebook: Rulebook) -> str | None:
        """The first difference between the stored rows and those derived again from `facts` (every fact), as
        judged by `rulebook` (`ledger verify`); None when they agree."""
        d = self.dialect
        try:
            stored = self.tables.connection().execute(f"SELECT {COLUMNS}, seal FROM {d.table(TABLE)}").fetchall()
        except Exception as e:
            if d.is_missing_table(e):
                return None  # never written (a store from before, not yet caught up): nothing to compare
            raise
        if self.judged_by() != rulebook_digest(rulebook):
            return None  # judged by other rules: the next writer derives them again, and no reader serves them
        try:
            self.sealer.check(stored)
            seals.check_table(self.tables.connection(), d, TABLE, PREFIX, None)
        except seals.TimelineMismatch as e:
            return f"{TABLE}: {e}"
        decode = self.codec.decode_doc

        def keyed(rows: Iterable[tuple]) -> dict[tuple, Any]:
            out: dict[tuple, Any] = {}
            for person, unit, kind, selection, start, end, doc in rows:
                key = (person, kind, str(start)[:10], selection or "", orjson.dumps(doc).decode())
                out[key] = (unit, str(end)[:10])
            return out

        have = keyed((*r[:6], decode(r[6])) for r in stored)
        want = keyed((*r[:6], orjson.loads(r[6])) for r in _stored(kept_rows(counting_facts(facts), rulebook)))
        if len(have) != len(stored):
            return f"{TABLE}: a row is there twice"
        found = first_difference(have, want)
        return None if found is None else f"{TABLE}: {found}"
