"""Re-keying an encrypted store: every stored payload decrypted with the old key and encrypted with the new, in one
transaction. The hash chain is over the events' content, not their bytes, so the head digest does not move.

The derived tables hold bytes encrypted (and seals keyed) with the store's key: in the same transaction their
tracking positions go back to 0, so that readers answer from the events until they are derived again under the
new key (`PersonnelLedger.rebuild`, which the re-key runs next).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ledger.store.access import BLOB_GUARD, GUARD
from ledger.store.dialect import Dialect

TRACKING = ("timeline_tracking", "report_tracking")


def _rekey_table(conn: Any, d: Dialect, table: str, old: Any, new: Any) -> int:
    rows = conn.execute(f"SELECT originator_id, originator_version, state FROM {d.table(table)}").fetchall()
    again = [(new.encrypt(old.decrypt(bytes(r[2]))), r[0], r[1]) for r in rows]
    d.executemany(conn, f"UPDATE {d.table(table)} SET state = {d.mark} WHERE originator_id = {d.mark} AND "
                  f"originator_version = {d.mark}", again)
    return len(again)


def _rekey_images(conn: Any, d: Dialect, old: Any, new: Any) -> int:
    """The photos' images (`ledger.store.blobs`), encrypted with the store's key like the events."""
    try:
        conn.execute("SAVEPOINT images")
        rows = conn.execute(f"SELECT sha256, body FROM {d.table('blobs')}").fetchall()
        conn.execute("RELEASE SAVEPOINT images")
    except Exception as e:  # a store that never kept an image
        if not d.is_missing_table(e):
            raise
        conn.execute("ROLLBACK TO SAVEPOINT images")
        return 0
    d.executemany(conn, f"UPDATE {d.table('blobs')} SET body = {d.mark} WHERE sha256 = {d.mark}",
                  [(new.encrypt(old.decrypt(bytes(r[1]))), r[0]) for r in rows])
    return 0  # rows of the stream only are counted


def rekey(d: Dialect, tables: Sequence[str], old: Any, new: Any) -> int:
    """Re-encrypt the payloads of `tables` (eventsourcing's events and snapshots tables) from cipher `old` to `new`,
    in one transaction; returns how many rows. A store under access control has its guard lifted for that
    transaction only (PostgreSQL's DDL is transactional: a failure leaves it in place)."""
    conn = d.connect()
    try:
        with d.transaction(conn):
            guarded = d.config.kind == "postgresql" and conn.execute(
                "SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND tgname = %s",
                (d.table(tables[0]), GUARD)).fetchone() is not None
            if guarded:
                conn.execute(f"ALTER TABLE {d.table(tables[0])} DISABLE TRIGGER {GUARD}")
            count = sum(_rekey_table(conn, d, t, old, new) for t in tables)
            if guarded:
                conn.execute(f"ALTER TABLE {d.table(tables[0])} ENABLE TRIGGER {GUARD}")
            images_guarded = d.config.kind == "postgresql" and conn.execute(
                "SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND tgname = %s",
                (d.table("blobs"), BLOB_GUARD)).fetchone() is not None
            if images_guarded:  # the images' guard lifted likewise, for this transaction only
                conn.execute(f"ALTER TABLE {d.table('blobs')} DISABLE TRIGGER {BLOB_GUARD}")
            count += _rekey_images(conn, d, old, new)
            if images_guarded:
                conn.execute(f"ALTER TABLE {d.table('blobs')} ENABLE TRIGGER {BLOB_GUARD}")
            for tracking in TRACKING:
                try:
                    conn.execute("SAVEPOINT tracking")
                    conn.execute(f"UPDATE {d.table(tracking)} SET position = 0")
                    conn.execute("RELEASE SAVEPOINT tracking")
                except Exception as e:  # a store whose derived tables were never made
                    if not d.is_missing_table(e):
                        raise
                    conn.execute("ROLLBACK TO SAVEPOINT tracking")
    finally:
        conn.close()
    return count
