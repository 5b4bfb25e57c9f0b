"""Signed checkpoints kept in the store: the latest one travels with the store's reports (the compliance snapshot).

A checkpoint proves something only against a public key kept elsewhere (`ledger.app.checkpoint` signs and checks
them); the store keeps a copy so that reports can name the last one. Append-only like the access log: its triggers
refuse UPDATE and DELETE, and nothing here rewrites a line. On PostgreSQL under access control, roles keep one only
through `ledger_keep_checkpoint` (`ledger.store.guarded_writes`), and a reader takes the last one that is signed
by the key it names over the store's own chain (`ledger.app.checkpoint.latest_checkpoint`).
"""

from __future__ import annotations

from typing import Any

from ledger.store.access_log import installed
from ledger.store.dialect import Dialect

TABLE = "checkpoints"
FORMAT = "personnel-ledger/checkpoint/v1"
KEEP_FUNCTION = "ledger_keep_checkpoint"  # PostgreSQL under access control: the only way roles keep one


def schema(d: Dialect) -> tuple[str, ...]:
    return (f"CREATE TABLE IF NOT EXISTS {d.table(TABLE)} (seq {d.integer} PRIMARY KEY, body TEXT NOT NULL)",)


def keep(d: Dialect, body: str) -> None:
    """Add a signed checkpoint (its JSON) to the store's list (a writer: the table is made if need be)."""
    conn: Any = d.connect()
    try:
        if d.creates_tables:
            for stmt in schema(d):
                conn.execute(stmt)
        if d.config.kind == "postgresql":
            if installed(conn, d):  # the database checks the checkpoint's shape (and its head) before keeping it
                with d.transaction(conn):
                    conn.execute("SET TRANSACTION READ WRITE")
                    conn.execute(f"SELECT {d.table(KEEP_FUNCTION)}({d.mark})", (body,))
                return
        with d.transaction(conn):
            row = conn.execute(f"SELECT MAX(seq) FROM {d.table(TABLE)}").fetchone()
            conn.execute(f"INSERT INTO {d.table(TABLE)} VALUES ({d.marks(2)})", (int(row[0] or 0) + 1, body))
    finally:
        conn.close()


def latest(d: Dialect) -> str | None:
    """The last checkpoint kept in the store (its JSON), or None (none kept, or no table: a read creates nothing)."""
    conn: Any = d.connect()
    try:
        row = conn.execute(f"SELECT body FROM {d.table(TABLE)} ORDER BY seq DESC LIMIT 1").fetchone()
    except Exception as e:
        if d.is_missing_table(e):
            return None
        raise
    finally:
        conn.close()
    return str(row[0]) if row else None


def kept(d: Dialect, limit: int = 100) -> list[tuple[int, str]]:
    """The last `limit` checkpoints kept in the store, newest first, as (line, JSON text); none without a table."""
    rows = d.rows_if_any(f"SELECT seq, body FROM {d.table(TABLE)} ORDER BY seq DESC LIMIT {int(limit)}")
    return [(int(s), str(b)) for s, b in rows]
