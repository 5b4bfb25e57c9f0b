"""Seals of the materialised timeline: how a read tells that rows were removed, added or edited after a writer
derived them, without deriving them again.

Each row of `timeline_people` and `timeline_units` carries `seal`, a 31-bit hash of its stored columns (the doc as
stored, so encrypted bytes in an encrypted store); `timeline_seals` holds, per unit, the number of its people's
rows, the sum of their seals and a sum of their dates (and the same for the units table). Writers keep both in
the transaction that writes the rows. A read checks the seal of every row it uses, and the count and sums of the
rows of the units it reads (one indexed aggregate): a row removed or added, an edited row it uses, and a date
edited to hide a row all show, and the read answers from the fold instead. Only edits made to agree with the sums
on purpose pass the read (never `ledger verify`).

In an encrypted store the hash is keyed with a key derived from the store's key: nobody without it can edit a row
and make its seal agree. In a plain store the hash is public, as the event chain's is: a careful forger can
recompute it; `ledger verify`, which derives every row again from the events, is the full check.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from typing import Any

from ledger.store.dialect import Dialect

SEAL_TABLE = "timeline_seals"
UNITS = "units"  # the seal of the whole `timeline_units` table; a unit's people rows are sealed as "unit:CODE"
_PUBLIC_KEY = b"personnel-ledger/timeline-seal/v1"


class TimelineMismatch(Exception):
    """The timeline's rows do not agree with their seals (or have none): they are not served."""


def schema(d: Dialect) -> tuple[str, ...]:
    return (f"CREATE TABLE IF NOT EXISTS {d.table(SEAL_TABLE)} (name TEXT PRIMARY KEY, rows {d.integer} NOT NULL, "
            f"total {d.integer} NOT NULL, days {d.integer} NOT NULL)",)


def _sums(d: Dialect) -> str:
    """The aggregate of a set of rows the seals record: how many, the sum of their seals, a sum of their dates."""
    return (f"COUNT(*), COALESCE(SUM(seal), 0), COALESCE(SUM({d.day_number('valid_from')} + "
            f"2 * {d.day_number('valid_to')}), 0)")


class Sealer:
    """Hashes rows as they are stored; keyed by the store's key when there is one."""

    def __init__(self, cipher: Any = None):
        key = getattr(cipher, "key", None)
        self._key = hashlib.sha256(_PUBLIC_KEY + key).digest() if key else hashlib.sha256(_PUBLIC_KEY).digest()
        # The keyed hash before any row: each row's hash is a copy of it, fed the row (half the cost of keying a
        # new hash per row, and the same digest).
        self._keyed = hashlib.blake2b(key=self._key, digest_size=4)

    def seal(self, row: Sequence[Any]) -> int:
        """The seal of a row's stored columns (dates as ISO text, the doc as stored)."""
        parts = [(v.isoformat() if isinstance(v, date) else str(v)).encode() if not isinstance(v, bytes | memoryview)
                 else bytes(v) for v in row]
        h = self._keyed.copy()
        h.update(b"\x1f".join(parts))
        return int.from_bytes(h.digest(), "big") & 0x7FFFFFFF

    def _quick(self, row: Sequence[Any]) -> int | None:
        """`seal` of a row whose doc (its bytes) is last and whose other columns are text, integers or dates (`str`
        of each is what `seal` hashes), without `seal`'s per-column checks: the same bytes, at a third of the cost;
        None for any other row."""
        doc = row[-1]
        if not isinstance(doc, bytes):
            return None
        h = self._keyed.copy()
        h.update("\x1f".join(map(str, row[:-1])).encode() + b"\x1f" + doc)
        return int.from_bytes(h.digest(), "big") & 0x7FFFFFFF

    def sealed(self, rows: list[tuple]) -> list[tuple]:
        """The rows with their seal appended."""
        out = []
        quick, seal = self._quick, self.seal
        for r in rows:
            found = quick(r)
            out.append((*r, seal(r) if found is None else found))
        return out

    def check_texts(self, rows: Sequence[Sequence[Any]]) -> None:
        """`check` of rows read as (what names the row, …, the text of its other columns as `Dialect.text_of` makes
        it, its doc, its seal): the same bytes hashed, without making the text of each column in Python."""
        copy, from_bytes = self._keyed.copy, int.from_bytes
        for r in rows:
            h = copy()
            try:
                h.update(r[-3].encode())
            except AttributeError:  # a NULL column: no text (`seal` would have hashed "None")
                raise TimelineMismatch(f"a timeline row of {r[0]} does not match its seal (edited)") from None
            doc = r[-2]
            h.update(doc if type(doc) is bytes else bytes(doc) if isinstance(doc, memoryview) else str(doc).encode())
            if from_bytes(h.digest(), "big") & 0x7FFFFFFF != r[-1]:
                raise TimelineMismatch(f"a timeline row of {r[0]} does not match its seal (edited)")

    def check(self, rows: Sequence[Sequence[Any]]) -> None:
        """Each row's last column must be the seal of the others."""
        for r in rows:
            body = r[:-1]
            seal = self._quick(body)
            if r[-1] != (self.seal(body) if seal is None else seal):
                raise TimelineMismatch(f"a timeline row of {r[0]} does not match its seal (edited)")


def reseal(conn: Any, d: Dialect, units: Sequence[str] | None, chunks: Any, units_table: bool = True) -> None:
    """Recompute the seals of these units' people rows (None: of every unit) and, if it was written, of the units
    table."""
    seals, people = d.table(SEAL_TABLE), d.table("timeline_people")
    aggregate = f"SELECT 'unit:' || unit, {_sums(d)} FROM {people}"
    if units is None:
        conn.execute(f"DELETE FROM {seals} WHERE name = {d.mark} OR name LIKE {d.mark}", (UNITS, "unit:%"))
        conn.execute(f"INSERT INTO {seals} {aggregate} GROUP BY unit")
    else:
        for marks, chunk in chunks(sorted(units)):
            conn.execute(f"DELETE FROM {seals} WHERE name IN ({marks})", [f"unit:{u}" for u in chunk])
            conn.execute(f"INSERT INTO {seals} {aggregate} WHERE unit IN ({marks}) GROUP BY unit", list(chunk))
        if not units_table:
            return
        conn.execute(f"DELETE FROM {seals} WHERE name = {d.mark}", (UNITS,))
    conn.execute(f"INSERT INTO {seals} SELECT {d.mark}, {_sums(d)} FROM {d.table('timeline_units')}", (UNITS,))


def reseal_table(conn: Any, d: Dialect, table: str, prefix: str, units: Sequence[str] | None, chunks: Any) -> None:
    """Recompute the seal totals of another sealed table's rows (with a `unit` column), per unit (named
    `prefix` + code): of these units (None: every unit's, the old totals of the table dropped)."""
    seals = d.table(SEAL_TABLE)
    aggregate = f"SELECT CAST({d.mark} AS TEXT) || unit, {_sums(d)} FROM {d.table(table)}"
    if units is None:
        conn.execute(f"DELETE FROM {seals} WHERE name LIKE {d.mark}", (prefix + "%",))
        conn.execute(f"INSERT INTO {seals} {aggregate} GROUP BY unit", (prefix,))
        return
    for marks, chunk in chunks(sorted(units)):
        conn.execute(f"DELETE FROM {seals} WHERE name IN ({marks})", [prefix + u for u in chunk])
        conn.execute(f"INSERT INTO {seals} {aggregate} WHERE unit IN ({marks}) GROUP BY unit", [prefix, *chunk])


def check_table(conn: Any, d: Dialect, table: str, prefix: str, unit: str | None) -> None:
    """The count and sums of another sealed table's rows (of `unit`, or all) must be the totals its writer
    recorded (`reseal_table`); `TimelineMismatch` otherwise (rows removed, added or edited)."""
    seals = d.table(SEAL_TABLE)
    if unit is None:
        want = _totals(conn.execute(f"SELECT COALESCE(SUM(rows), 0), COALESCE(SUM(total), 0), COALESCE(SUM(days), 0) "
                                    f"FROM {seals} WHERE name LIKE {d.mark}", (prefix + "%",)).fetchone())
        have = _totals(conn.execute(f"SELECT {_sums(d)} FROM {d.table(table)}").fetchone())
    else:
        row = conn.execute(f"SELECT rows, total, days FROM {seals} WHERE name = {d.mark}", (prefix + unit,)).fetchone()
        want = _totals(row) if row is not None else NONE
        have = _totals(conn.execute(f"SELECT {_sums(d)} FROM {d.table(table)} WHERE unit = {d.mark}",
                                    (unit,)).fetchone())
    if have != want:
        raise TimelineMismatch(f"the rows of {table} do not add up to their seal (rows removed, added or edited)")


def check_totals(conn: Any, d: Dialect, unit: str | None) -> None:
    """The count and sum of the seals of the unit's people rows (None: every unit's) and of the units table must be
    the ones the writer recorded; raises `TimelineMismatch` otherwise (rows removed, added or edited). One query:
    the recorded seals, and the sums of the units table and of the people rows (a district asks it of each of its
    bureaus)."""
    seals, people = d.table(SEAL_TABLE), d.table("timeline_people")
    of_people, args = (f"SELECT 2, NULL, {_sums(d)} FROM {people}", ()) if unit is None else (
        f"SELECT 2, NULL, {_sums(d)} FROM {people} WHERE unit = {d.mark}", (unit,))  # one unit: through its index
    try:
        rows = conn.execute(f"SELECT 0, name, rows, total, days FROM {seals} UNION ALL "
                            f"SELECT 1, NULL, {_sums(d)} FROM {d.table('timeline_units')} UNION ALL {of_people}",
                            args).fetchall()
    except Exception as e:
        if d.is_missing_table(e) and not d.has_table(conn, SEAL_TABLE):
            raise TimelineMismatch("the timeline was written before it was sealed") from None
        raise
    want = {r[1]: _totals(r[2:]) for r in rows  # (other tables' totals are theirs: `check_table`)
            if r[0] == 0 and (r[1] == UNITS or r[1].startswith("unit:"))}
    have = {UNITS: _totals(next(r[2:] for r in rows if r[0] == 1))}
    if unit is None:  # every unit at once: one ungrouped scan against the sum of the units' seals
        total = tuple(map(sum, zip(*(v for k, v in want.items() if k != UNITS), strict=True))) or NONE
        want = {UNITS: want.get(UNITS, NONE), "every unit": total}
        have["every unit"] = _totals(next(r[2:] for r in rows if r[0] == 2))
    else:
        have[f"unit:{unit}"] = _totals(next(r[2:] for r in rows if r[0] == 2))
        want = {k: want.get(k, NONE) for k in have}
    have = {k: v for k, v in have.items() if v != NONE or k in want}
    if have != want:
        changed = sorted(k for k in set(have) | set(want) if have.get(k) != want.get(k))
        raise TimelineMismatch(f"the timeline's rows of {changed[0]} do not add up to their seal (rows removed, "
                               "added or edited)")


NONE = (0, 0, 0)


def _totals(row: Sequence[Any]) -> tuple[int, int, int]:
    return int(row[0]), int(row[1] or 0), int(row[2] or 0)
