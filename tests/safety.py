"""What the safety tests share: a fingerprint of everything a store holds, and the check that a refused command
left it exactly as it was (its bytes, its event count)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.conftest import PG_DSN, Ledger

SIBLINGS = ("-journal",)  # the writers' lock file (.append-lock) is empty: no content to change


def fingerprint(store: str) -> tuple[Any, ...]:
    """SQLite: the file's bytes, its write-ahead log's (an empty or absent log are the same: a reader may leave
    SQLite's empty -wal and its -shm index behind), and which other companion files exist; PostgreSQL: the content
    of every table of the schema."""
    if not store.startswith("postgresql://"):
        path, wal = Path(store), Path(f"{store}-wal")
        data = path.read_bytes() if path.exists() else None
        log = wal.read_bytes() if wal.exists() else b""
        return (hashlib.sha256(data).hexdigest() if data is not None else None,
                hashlib.sha256(log).hexdigest() if log else None,
                tuple(s for s in SIBLINGS if Path(f"{store}{s}").exists()))
    import psycopg

    schema = store.rsplit("schema=", 1)[1]
    with psycopg.connect(**PG_DSN) as conn:
        tables = [r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
                                             "ORDER BY table_name", (schema,))]
        out = []
        for table in tables:
            (digest,) = conn.execute(f'SELECT md5(coalesce(string_agg(t::text, \'|\' ORDER BY t::text), \'\')) '
                                     f'FROM "{schema}"."{table}" t').fetchone()
            out.append((table, digest))
    return tuple(out)


def event_count(ledger: Ledger) -> int | None:
    """The number of recorded events (None: there is no ledger at all)."""
    r = ledger("log", "--json")
    if r.exit_code != 0:
        assert "no ledger at" in r.stderr, r.output
        return None
    import orjson

    return len(orjson.loads(r.stdout))


@contextmanager
def unchanged(ledger: Ledger) -> Iterator[None]:
    """Within it, commands may be refused; after it, the store's bytes and its event count are as before."""
    count, before = event_count(ledger), fingerprint(ledger.store)
    yield
    assert fingerprint(ledger.store) == before, "the store changed"
    assert event_count(ledger) == count


def refused(ledger: Ledger, *args: str, exit_code: int = 1, env: dict[str, str] | None = None) -> str:
    """Run a command that must be refused and leave the store as it was; returns its stderr."""
    with unchanged(ledger):
        r = ledger(*args, env=env)
        assert r.exit_code == exit_code, f"ledger {' '.join(args)} exited {r.exit_code}:\n{r.output}"
        assert "Traceback" not in r.output
    return r.stderr
