"""Images of the cadre's files (the photo), kept once each by their SHA-256 beside the events.

An event never holds the bytes (the stream stays small and its chain covers the hash): `photo_recorded` names the
image by its SHA-256, and this table keeps the image under that key, encrypted like the events in an encrypted
store. Append-only: a key is inserted once and never rewritten (the same image recorded twice is one row); under
access control the database refuses UPDATE, DELETE and TRUNCATE of it (`ledger.store.access`: clerks insert,
auditors read).
`ledger verify` re-hashes every row and checks that every image an event names is here (`problem`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from ledger.model.errors import StoreError
from ledger.store.codec import Codec
from ledger.store.dialect import Dialect

TABLE = "blobs"


def schema(d: Dialect) -> tuple[str, ...]:
    return (f"CREATE TABLE IF NOT EXISTS {d.table(TABLE)} (sha256 TEXT PRIMARY KEY, media_type TEXT NOT NULL, "
            f"body {d.blob} NOT NULL)",)


def keep(d: Dialect, codec: Codec, media_type: str, data: bytes) -> str:
    """Keep an image (a writer: the table is made if need be); its SHA-256, the key the event names."""
    key = hashlib.sha256(data).hexdigest()
    conn: Any = d.connect()
    try:
        if d.creates_tables:
            for stmt in schema(d):
                conn.execute(stmt)
        with d.transaction(conn):
            conn.execute(d.insert_or_ignore(TABLE, 3), (key, media_type, codec.encrypt(data)))
    except Exception as e:
        if d.is_missing_table(e):  # a role granted access before the table existed: the owner makes it
            raise StoreError(f"{d.config.location} has no table for images yet: its owner runs `ledger access grant` "
                             "once more (it makes the table and its grants); nothing was written") from None
        raise
    finally:
        conn.close()
    return key


def fetch(d: Dialect, codec: Codec, key: str) -> bytes | None:
    """The image kept under `key` (checked against it), or None when there is none."""
    rows = d.rows_if_any(f"SELECT body FROM {d.table(TABLE)} WHERE sha256 = {d.mark}", (key,))
    if not rows:
        return None
    data = codec.decrypt(rows[0][0])
    return data if hashlib.sha256(data).hexdigest() == key else None


def kept(d: Dialect) -> set[str]:
    """The keys of every image kept."""
    return {str(r[0]) for r in d.rows_if_any(f"SELECT sha256 FROM {d.table(TABLE)}")}


def problem(d: Dialect, codec: Codec, named: Iterable[tuple[int, str]]) -> str | None:
    """The first break of the images: a row whose bytes no longer hash to its key (or no longer decrypt), or an
    image an event names (event id, key) that is not kept. None when they hold."""
    keys = set()
    for key, body in d.rows_if_any(f"SELECT sha256, body FROM {d.table(TABLE)} ORDER BY sha256"):
        try:
            data = codec.decrypt(body)
        except Exception:
            return f"the image kept as {key} no longer decrypts: the blob table was edited"
        if hashlib.sha256(data).hexdigest() != key:
            return f"the image kept as {key} no longer has that SHA-256: the blob table was edited"
        keys.add(str(key))
    for event_id, key in named:
        if key not in keys:
            return f"event {event_id} names the image {key}, which the blob table does not hold"
    return None
