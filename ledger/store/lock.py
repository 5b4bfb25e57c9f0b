"""One clerk at a time: a store-wide lock that serialises appends across processes.

Appends are optimistic (the stream's version check refuses a stale write, and the append is retried), which is
correct under any load; but when several processes append flat out, the one whose load-validate-save cycle
happens to be slowest can lose every race and starve. Holding this lock from reading the timeline to saving
makes appenders take turns instead, so no work is thrown away. The version check stays as the safety net.

SQLite: an advisory `flock` on a file beside the database (`<store>.append-lock`, owner-only).
PostgreSQL: a session advisory lock keyed by the schema, on a connection of its own.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ledger.store.config import StoreConfig


class WriterLock:
    def __init__(self, config: StoreConfig | None):
        self.config = config
        self._pg: Any = None

    @contextmanager
    def hold(self) -> Iterator[None]:
        config = self.config
        if config is None:
            yield
        elif config.kind == "postgresql":
            conn = self._connection()
            key = int.from_bytes(hashlib.blake2b(f"ledger:{config.schema}".encode(), digest_size=8).digest(), "big",
                                 signed=True)
            conn.execute("SELECT pg_advisory_lock(%s)", (key,))
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
        elif config.path is not None and str(config.path) != ":memory:":
            import fcntl

            fd = os.open(f"{config.path}.append-lock", os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)  # closing releases the lock
        else:
            yield

    def _connection(self) -> Any:
        if self._pg is None or self._pg.closed:
            import psycopg

            e = self.config.env  # type: ignore[union-attr]
            self._pg = psycopg.connect(host=e["POSTGRES_HOST"], port=e["POSTGRES_PORT"], dbname=e["POSTGRES_DBNAME"],
                                       user=e["POSTGRES_USER"], password=e["POSTGRES_PASSWORD"] or None,
                                       connect_timeout=10, autocommit=True)
        return self._pg
