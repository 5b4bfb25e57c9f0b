"""Store configuration: turns `--store PATH|URL` into eventsourcing's environment. Which store is configuration only.

A path is an embedded SQLite file (created owner-only); `postgresql://USER[:PASSWORD]@HOST[:PORT]/DB?schema=NAME`
is PostgreSQL through eventsourcing's own postgres module. What differs between the two beyond their settings
(SQL, connecting, creating the file or schema) is `ledger.store.dialect`'s.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from ledger.model.errors import StoreError

DEFAULT_STORE = "ledger.sqlite3"


@dataclass(frozen=True)
class StoreConfig:
    kind: str  # "sqlite" or "postgresql"
    env: dict[str, str]
    location: str  # what to show a user: the file path, or the URL without its password
    path: Path | None = None
    schema: str | None = None


def resolve_store(store: str | None = None) -> str:
    """The store to use: the option, else $LEDGER_STORE, else ./ledger.sqlite3."""
    return store or os.environ.get("LEDGER_STORE") or DEFAULT_STORE


def parse_store(store: str | None = None) -> StoreConfig:
    """Parse a store argument into the eventsourcing environment that opens it."""
    spec = resolve_store(store)
    if spec.startswith(("postgresql://", "postgres://")):
        return _postgres(spec)
    if "://" in spec:
        raise StoreError(f"unsupported store '{spec}': give a SQLite file path or a postgresql:// URL")
    path = Path(spec).expanduser()
    if path.is_dir():
        raise StoreError(f"store '{spec}' is a directory; give a file path such as {path / DEFAULT_STORE}")
    return StoreConfig(
        kind="sqlite",
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path), "SQLITE_LOCK_TIMEOUT": "30"},
        location=str(path),
        path=path,
    )


def _postgres(spec: str) -> StoreConfig:
    url = urlparse(spec)
    dbname = url.path.lstrip("/")
    if not dbname or not url.hostname:
        raise StoreError(f"store URL '{spec}' needs a host and a database: postgresql://USER@HOST:PORT/DB?schema=NAME")
    query = parse_qs(url.query)
    schema = (query.get("schema") or ["public"])[0]
    if not schema.replace("_", "").isalnum():
        raise StoreError(f"schema '{schema}' must be letters, digits and underscores")
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        "POSTGRES_HOST": url.hostname,
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": unquote(url.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
        "POSTGRES_SCHEMA": schema,
        "POSTGRES_CONNECT_TIMEOUT": "10",
        "POSTGRES_LOCK_TIMEOUT": "30",
        # Insert a save's events with one call of eventsourcing's insert function, not an executemany in pipeline
        # mode: with psycopg 3.3 that pipeline deadlocks on large saves (a 16,000-event import hung forever).
        "POSTGRES_ENABLE_DB_FUNCTIONS": "y",
    }
    shown = f"postgresql://{env['POSTGRES_USER']}@{url.hostname}:{env['POSTGRES_PORT']}/{dbname}?schema={schema}"
    return StoreConfig(kind="postgresql", env=env, location=shown, schema=schema)
