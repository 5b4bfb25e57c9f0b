"""Store configuration: turns `--store PATH|URL` into eventsourcing's environment. Which store is configuration only.

A path is an embedded SQLite file (created owner-only); `postgresql://USER[:PASSWORD]@HOST[:PORT]/DB?schema=NAME`
is PostgreSQL through eventsourcing's own postgres module. One schema holds one ledger, so the schema is required
and must be a name PostgreSQL keeps as written (`SCHEMA_RULE`): never `public` by default, never a system schema,
never two long names truncated into one. A password in the URL is never shown: `location` and every message
name the store without it. What differs between the two beyond their settings (SQL, connecting, creating the
file or schema, opening read-only) is `ledger.store.dialect`'s.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from ledger.model.errors import StoreError

DEFAULT_STORE = "ledger.sqlite3"
SCHEMA_MAX_BYTES = 63  # PostgreSQL truncates longer identifiers: two long names would become one schema
SCHEMA_RULE = (f"a lower-case name of at most {SCHEMA_MAX_BYTES} characters: letters a–z, digits and '_', starting "
               "with a letter or '_'; not public, information_schema or pg_…")
_SCHEMA = re.compile(r"[a-z_][a-z0-9_]*")
_PASSWORD = re.compile(r"(://[^:/@]*):[^@]*@")
PG_EXAMPLE = "postgresql://USER@HOST:PORT/DB?schema=NAME"


@dataclass(frozen=True)
class StoreConfig:
    kind: str  # "sqlite" or "postgresql"
    env: dict[str, str]
    location: str  # what to show a user: the file path, or the URL without its password
    path: Path | None = None
    schema: str | None = None
    read_only: bool = False  # opened for reading: nothing is created, nothing can be written
    # Opened for reading, on PostgreSQL: sessions to borrow instead of connecting its own
    # (`ledger.store.dialect.LentSessions`; a district's roll-up lends its threads' sessions to the bureaus it reads).
    lent: Any = field(default=None, compare=False, repr=False)


def resolve_store(store: str | None = None) -> str:
    """The store to use: the option, else $LEDGER_STORE, else ./ledger.sqlite3."""
    return store or os.environ.get("LEDGER_STORE") or DEFAULT_STORE


def without_password(text: str) -> str:
    """`text` with the password of any URL in it replaced by ***."""
    return _PASSWORD.sub(r"\1:***@", text)


def parse_store(store: str | None = None, read_only: bool = False) -> StoreConfig:
    """Parse a store argument into the eventsourcing environment that opens it (for reading only, if asked)."""
    spec = resolve_store(store)
    if spec.startswith(("postgresql://", "postgres://")):
        return _postgres(spec, read_only)
    if "://" in spec:
        raise StoreError(f"unsupported store '{without_password(spec)}': give a SQLite file path or a "
                         f"postgresql:// URL ({PG_EXAMPLE})")
    path = Path(spec).expanduser()
    if path.is_dir():
        raise StoreError(f"store '{spec}' is a directory; give a file path such as {path / DEFAULT_STORE}")
    return StoreConfig(
        kind="sqlite",
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path), "SQLITE_LOCK_TIMEOUT": "30"},
        location=str(path),
        path=path,
        read_only=read_only,
    )


def check_schema(schema: str, shown: str) -> None:
    """Refuse a schema name PostgreSQL would not keep as written, or one that is not a ledger's to use."""
    size = len(schema.encode())
    if not schema:
        raise StoreError(f"store URL {shown} has an empty ?schema=: name the bureau's schema ({SCHEMA_RULE})")
    if schema.lower() != schema and _SCHEMA.fullmatch(schema.lower()):
        raise StoreError(f"schema '{schema}' has capitals, which PostgreSQL folds away: write ?schema={schema.lower()}")
    if not _SCHEMA.fullmatch(schema) or size > SCHEMA_MAX_BYTES:
        raise StoreError(f"schema '{schema}' is not usable: a schema is {SCHEMA_RULE}")
    if schema in ("public", "information_schema") or schema.startswith("pg_"):
        raise StoreError(f"schema '{schema}' is not a ledger's: give each bureau a schema of its own, e.g. "
                         "?schema=wenlv_ju (public and the system schemas are refused)")


def _postgres(spec: str, read_only: bool) -> StoreConfig:
    shown_spec = without_password(spec)
    try:
        url = urlparse(spec)
        port = url.port or 5432
    except ValueError as e:
        raise StoreError(f"store URL {shown_spec} is not a valid address ({e}); expected {PG_EXAMPLE}") from None
    dbname = url.path.lstrip("/")
    if not dbname or not url.hostname:
        raise StoreError(f"store URL {shown_spec} needs a host and a database: {PG_EXAMPLE}")
    query = parse_qs(url.query, keep_blank_values=True)
    unknown = sorted(k for k in query if k != "schema")
    if unknown:
        raise StoreError(f"store URL {shown_spec}: unknown parameter {', '.join(repr(k) for k in unknown)}; the only "
                         f"one is ?schema=NAME ({PG_EXAMPLE})")
    schemas = query.get("schema")
    if not schemas:
        raise StoreError(f"store URL {shown_spec} names no schema: add ?schema=NAME, one schema per bureau's ledger "
                         f"({PG_EXAMPLE}; {SCHEMA_RULE})")
    if len(schemas) > 1:
        raise StoreError(f"store URL {shown_spec} names the schema {len(schemas)} times: give ?schema=NAME once")
    schema = schemas[0]
    check_schema(schema, shown_spec)
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": url.hostname,
        "POSTGRES_PORT": str(port),
        "POSTGRES_USER": unquote(url.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
        "POSTGRES_SCHEMA": schema,
        "POSTGRES_CONNECT_TIMEOUT": "10",
        "POSTGRES_LOCK_TIMEOUT": "30",
        # Insert a save's events with one call of eventsourcing's insert function, not an executemany in pipeline
        # mode: with psycopg 3.3 that pipeline deadlocks on large saves (a 16,000-event import hung forever).
        "POSTGRES_ENABLE_DB_FUNCTIONS": "y",
        # One connection kept (more opened only when asked for at once, up to eventsourcing's overflow), not
        # eventsourcing's five opened up front: a `ledger` command asks one question at a time, a district's view
        # keeps a ledger open per bureau, and the server's limit (~100) is shared by every clerk and auditor.
        "POSTGRES_POOL_SIZE": "1",
    }
    shown = f"postgresql://{env['POSTGRES_USER']}@{url.hostname}:{env['POSTGRES_PORT']}/{dbname}?schema={schema}"
    return StoreConfig(kind="postgresql", env=env, location=shown, schema=schema, read_only=read_only)
