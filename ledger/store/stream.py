"""The ledger's stream as stored: every read of eventsourcing's events and snapshots tables.

The fold's streaming scan, the raw rows with their table position that integrity verifies, the first and last rows
that crypto probes, the stream's top version, and rows by version for the fact index. Rows come back as stored
(version, topic, bytes); turning bytes into facts is the codec's (`ledger.store.codec`). eventsourcing writes these
tables (the application saves the aggregate); nothing here writes them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ledger.store.dialect import Dialect, StoredRow

CHUNK = 500  # versions looked up per query


@dataclass(frozen=True)
class Row:
    """One stored event as the table holds it: its place in the table (SQLite rowid / PostgreSQL notification
    id), its version in the stream, its topic and its stored bytes."""

    position: int
    version: int
    topic: str
    state: bytes


class EventStream:
    """One stream (the ledger's) in eventsourcing's tables, read through its recorders' datastores."""

    def __init__(self, dialect: Dialect, recorder: Any, stream_id: UUID, snapshots: Any = None):
        """`recorder` and `snapshots` are eventsourcing's recorders of the events and the snapshots tables."""
        self.dialect = dialect
        self.stream_id = stream_id
        self._datastore = recorder.datastore
        self._events = dialect.table(recorder.events_table_name)
        self._snapshots = snapshots
        self._key = dialect.stream_key(stream_id)

    def scan(self, after: int = 0) -> Iterator[StoredRow]:
        """The rows after version `after`, by version, streamed: a city's million events never sit in memory."""
        return self.dialect.scan(self._datastore, self._events, self.stream_id, after)

    def at(self, versions: Sequence[int]) -> Iterator[StoredRow]:
        """The rows with these versions, in no particular order, a chunk at a time (so a caller decoding them holds
        one chunk of stored bytes, not all)."""
        for i in range(0, len(versions), CHUNK):
            yield from self.dialect.at_versions(self._datastore, self._events, self.stream_id, versions[i:i + CHUNK])

    def with_topic(self, topic: str) -> list[StoredRow]:
        """The rows of one topic (the owner's quarantines: few, and asked only when a foreign row is met)."""
        d = self.dialect
        sql = (f"SELECT originator_version, topic, state FROM {self._events} WHERE originator_id = {d.mark} AND "
               f"topic = {d.mark} ORDER BY originator_version")
        try:
            rows = d.fetch(self._datastore, sql, (self._key, topic))
        except Exception as e:
            if d.is_missing_table(e):
                return []
            raise
        return [(r[0], r[1], bytes(r[2])) for r in rows]

    def rows(self, page: int = 10_000) -> Iterator[Row]:
        """Every row with its table position, by version, read in pages (integrity verifies these)."""
        d = self.dialect
        sql = (f"SELECT {d.position}, originator_version, topic, state FROM {self._events} WHERE originator_id = "
               f"{d.mark} AND originator_version > {d.mark} ORDER BY originator_version LIMIT {page}")
        after = -1
        while True:
            rows = d.fetch(self._datastore, sql, (self._key, after))
            for r in rows:
                yield Row(r[0], r[1], r[2], bytes(r[3]))
            if len(rows) < page:
                return
            after = rows[-1][1]

    def edge_states(self) -> list[bytes]:
        """The stored bytes of the first three rows and the last row of the events table (any stream): enough to
        tell how the store was written before anything is read into the ledger or written."""
        d = self.dialect
        out: list[bytes] = []
        for direction, n in (("ASC", 3), ("DESC", 1)):
            sql = f"SELECT state FROM {self._events} ORDER BY {d.position} {direction} LIMIT {n}"
            out += [bytes(r[0]) for r in d.fetch(self._datastore, sql, ())]
        return out

    def top(self) -> int:
        """The stream's last version (one indexed MAX); 0 for a new store, whose tables may not exist yet."""
        d = self.dialect
        sql = f"SELECT MAX(originator_version) FROM {self._events} WHERE originator_id = {d.mark}"
        try:
            rows = d.fetch(self._datastore, sql, (self._key,))
        except Exception as e:
            if d.is_missing_table(e):
                return 0
            raise
        return int(rows[0][0] or 0) if rows else 0

    def count(self) -> int:
        """How many rows the stream holds (its top, unless rows were inserted past a gap: a foreign row)."""
        d = self.dialect
        rows = d.fetch(self._datastore, f"SELECT COUNT(*) FROM {self._events} WHERE originator_id = {d.mark}",
                       (self._key,))
        return int(rows[0][0]) if rows else 0

    def last(self) -> StoredRow | None:
        """The stream's last row (one indexed look-up): its version and stored bytes are the head a new event chains
        onto. None for a new store."""
        d = self.dialect
        sql = (f"SELECT originator_version, topic, state FROM {self._events} WHERE originator_id = {d.mark} "
               "ORDER BY originator_version DESC LIMIT 1")
        try:
            rows = d.fetch(self._datastore, sql, (self._key,))
        except Exception as e:
            if d.is_missing_table(e):
                return None
            raise
        return (rows[0][0], rows[0][1], bytes(rows[0][2])) if rows else None

    def exists(self) -> bool:
        """Whether the store holds the ledger's tables (a read never creates them)."""
        d = self.dialect
        try:
            d.fetch(self._datastore, f"SELECT 1 FROM {self._events} WHERE originator_id = {d.mark} LIMIT 1", (self._key,))
        except Exception as e:
            if d.is_missing_table(e):
                return False
            raise
        return True

    def snapshot_versions(self) -> list[int]:
        """Versions of the stream's stored snapshots (none when snapshotting is off or nothing was snapshotted)."""
        recorder = self._snapshots
        name = getattr(recorder, "events_table_name", None)
        if not name:
            return []
        d = self.dialect
        sql = f"SELECT originator_version FROM {d.table(name)} WHERE originator_id = {d.mark}"
        return [r[0] for r in d.fetch(recorder.datastore, sql, (self._key,))]
