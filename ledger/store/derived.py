"""What the store derives from the stream (the materialised timeline, the fact index) is written on a connection of
its own, so that a read model's rows and its tracking position commit in one transaction.

`DerivedTables` holds that connection; `Tracking` is one read model's position in the stream: one row of its
tracking table, read with a row lock by whoever writes the model (so that two processes catching up take turns).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ledger.store.dialect import Dialect

# Past this share of the facts new since a table's position, a writer derives the table whole (one pass, bulk
# inserts) instead of person by person or unit by unit.
REBUILD_SHARE = 0.2


def derive_whole(position: int, new: int, known: int) -> bool:
    """Whether a derived table at `position` (0: never written), with `new` of the `known` facts recorded since,
    is derived whole again rather than caught up for what the new facts touch."""
    return position == 0 or new > REBUILD_SHARE * known

CHUNK = 500  # values per `IN (…)` list


class DerivedTables:
    """The store's own connection for its derived tables (eventsourcing keeps its own for the events)."""

    def __init__(self, dialect: Dialect):
        self.dialect = dialect
        self._conn: Any = None

    def connection(self) -> Any:
        if self._conn is None:
            self._conn = self.dialect.connect_derived()
        return self._conn

    def create(self, statements: Sequence[str]) -> None:
        """Run CREATE … IF NOT EXISTS statements outside a transaction."""
        if not self.dialect.creates_tables:  # a role granted access: the owner made them
            return
        conn = self.connection()
        for stmt in statements:
            try:
                conn.execute(stmt)
            except Exception as e:  # two processes creating the same table at once (PostgreSQL's catalog race)
                if "already exists" not in str(e) and "duplicate key" not in str(e):
                    raise

    @contextmanager
    def writing(self) -> Iterator[Any]:
        """One write transaction on the connection."""
        with self.dialect.transaction(self.connection()) as conn:
            yield conn

    def chunks(self, values: Sequence[Any]) -> Iterator[tuple[str, Sequence[Any]]]:
        """`values` in chunks the drivers accept in one `IN (…)` list, each with the list's parameter marks."""
        for i in range(0, len(values), CHUNK):
            chunk = values[i:i + CHUNK]
            yield self.dialect.marks(len(chunk)), chunk

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def first_difference(stored: Any, derived: Any) -> str | None:
    """How a stored table first differs from the same table derived again from the events (`ledger verify`):
    both as dicts (key -> the rest of the row) or as sets of rows. None when they agree."""
    if isinstance(derived, dict):
        missing, extra = set(derived) - set(stored), set(stored) - set(derived)
        for key in sorted(set(stored) | set(derived), key=str):
            if key in missing:
                return f"row {_shown(key)} is missing ({len(missing)} missing, {len(extra)} not from the events)"
            if key in extra:
                return f"row {_shown(key)} is not derived from the events ({len(extra)} such rows)"
            if stored[key] != derived[key]:
                return f"row {_shown(key)} differs: the table holds {stored[key]!r}, the events give {derived[key]!r}"
        return None
    return first_difference(dict.fromkeys(stored, True), dict.fromkeys(derived, True))


def _shown(key: Any) -> str:
    return " ".join(str(k) for k in key) if isinstance(key, tuple) else str(key)


class Tracking:
    """A read model's position in the stream: the last fact it holds. Its row is created with the table."""

    def __init__(self, tables: DerivedTables, table: str, name: str):
        self.tables, self.table, self.name = tables, table, name
        d = tables.dialect
        self._select = f"SELECT position FROM {d.table(table)} WHERE name = {d.mark}"
        self._ready = False

    def ensure(self) -> None:
        """Create the table and the position row, outside a transaction (once per process)."""
        if not self._ready:
            self.tables.create(self.schema())
            self.start(self.tables.connection())
            self._ready = True

    def schema(self) -> tuple[str, ...]:
        d = self.tables.dialect
        return (f"CREATE TABLE IF NOT EXISTS {d.table(self.table)} (name TEXT PRIMARY KEY, position {d.integer} "
                "NOT NULL)",)

    def start(self, conn: Any) -> None:
        """Put in the position row (0) if it is not there: the row every writer of the model locks."""
        conn.execute(self.tables.dialect.insert_or_ignore(self.table, 2), (self.name, 0))

    def position(self, conn: Any = None, lock: bool = False) -> int:
        """The position; with `lock`, inside the caller's transaction, holding the row until it ends. Outside a
        transaction, 0 before the table exists (a reader creates nothing)."""
        sql = self._select + (self.tables.dialect.lock_row if lock else "")
        try:
            row = (conn or self.tables.connection()).execute(sql, (self.name,)).fetchone()
        except Exception as e:  # no table yet (outside a transaction: nothing is aborted)
            if conn is None and self.tables.dialect.is_missing_table(e):
                return 0
            raise
        return int(row[0]) if row else 0

    def move(self, conn: Any, position: int) -> None:
        d = self.tables.dialect
        conn.execute(f"UPDATE {d.table(self.table)} SET position = {d.mark} WHERE name = {d.mark}",
                     (position, self.name))
