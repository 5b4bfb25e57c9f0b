"""The two databases a store can be, SQLite and PostgreSQL: every difference between them lives here.

Parameter marks, qualified table names, column types, insert-or-ignore, bulk inserts, row locks, connecting,
"no such table", reading eventsourcing's datastore in streams and pages, the writers' lock (a file lock beside
SQLite, an advisory lock on PostgreSQL), and opening a store: for writing (creating the file or schema, one
process at a time), or for reading only (nothing created; SQLite's `mode=ro`, or `immutable` on read-only media;
a PostgreSQL session whose transactions are read-only, which works for a role with no write grants at all). The rest of the store floor writes its SQL once, through these
names, and never asks which database it is on.
"""

from __future__ import annotations

import errno
import hashlib
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote
from uuid import UUID

from ledger.model.errors import NoLedger, StoreError
from ledger.store.config import StoreConfig

try:
    import fcntl
except ImportError:  # Windows: filelock's msvcrt locking
    fcntl = None  # type: ignore[assignment]

StoredRow = tuple[int, str, bytes]  # (version in the stream, topic, stored bytes)
PAGE = 5000  # rows fetched at a time by a streaming scan
READ_ONLY_SESSION = "-c default_transaction_read_only=on"  # PostgreSQL: every transaction of the session reads only


def no_ledger(where: str, why: str = "") -> NoLedger:
    """The one wording of "there is no ledger there" (a read never creates one)."""
    return NoLedger(f"no ledger at {where}{why}: check --store (or $LEDGER_STORE); a ledger is created by the "
                      "first event recorded into it, never by a read")


def _flocked(path: str) -> int | None:
    """The lock file at `path` (made owner-only if new, never through a symbolic link) opened and locked with
    `flock`, waiting for the writer holding it; None where flock is not to be had (no `fcntl`, or a file system
    without it), for `filelock` to lock it. On POSIX this is the lock filelock takes too, without importing its
    machinery, which cost each clerk's append in a fresh process about 10 ms."""
    if fcntl is None:
        return None
    flags = os.O_RDWR | getattr(os, "O_NOFOLLOW", 0)
    while True:
        try:
            fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            try:
                fd = os.open(path, flags)
            except FileNotFoundError:  # removed meanwhile: make it again
                continue
        else:
            with suppress(PermissionError):
                os.fchmod(fd, 0o600)  # owner-only whatever the umask
        break
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError as e:
        os.close(fd)
        if e.errno == errno.ENOSYS:
            return None
        raise
    except BaseException:
        os.close(fd)
        raise
    return fd


def _key(text: str) -> int:
    """A 64-bit advisory-lock key of a text."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True)


class Dialect:
    """What the store floor's SQL needs to know about its database: `SQLiteDialect` or `PostgresDialect`."""

    mark: str  # the driver's parameter mark
    integer: str  # a 64-bit integer column
    blob: str
    day: str  # a date column
    position: str  # the events table's own recording order (the place of a row in the table)
    lock_row: str  # appended to a SELECT that must lock the rows it reads until the transaction ends

    def __init__(self, config: StoreConfig):
        self.config = config
        # Whether this session may create the store's tables (not a PostgreSQL role granted access to them).
        self.creates_tables = config.env.get("CREATE_TABLE") != "n"

    def marks(self, n: int) -> str:
        return ", ".join([self.mark] * n)

    @staticmethod
    def is_missing_table(error: Exception) -> bool:
        text = str(error)
        return "no such table" in text or "does not exist" in text

    @staticmethod
    def is_denied(error: Exception) -> bool:
        """Whether the session's role may not do what it asked (PostgreSQL's grants)."""
        text = str(error)
        return "permission denied" in text or "insufficient privilege" in text

    def rows_if_any(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Every row of one query on a connection of its own; none when its table does not exist yet (a store
        that never kept one: a read creates nothing)."""
        conn: Any = self.connect()
        try:
            return list(conn.execute(sql, params).fetchall())
        except Exception as e:
            if self.is_missing_table(e):
                return []
            raise
        finally:
            conn.close()

    def close(self) -> None:
        """Close what the dialect holds open (PostgreSQL: the writers' lock connection)."""

    def has_table(self, conn: Any, name: str) -> bool:
        """Whether the store holds the table `name` (asked of the catalogue: no error inside a transaction)."""
        raise NotImplementedError

    def table(self, name: str) -> str:
        raise NotImplementedError

    def insert_or_ignore(self, table: str, width: int) -> str:
        raise NotImplementedError

    def unindexed(self, column: str) -> str:
        """The column, in a form that keeps the planner from walking its index (a plain scan is faster there)."""
        raise NotImplementedError

    def day_value(self, day: date) -> Any:
        raise NotImplementedError

    def day_number(self, column: str) -> str:
        """SQL giving a date column as a whole number of days (for sums that change when a date is edited)."""
        raise NotImplementedError

    def text_of(self, columns: Sequence[str], days: Sequence[str]) -> str:
        """SQL giving the columns as one text, each as Python's `str` of the value read would be (the `days` as ISO
        dates) and each followed by the unit separator: what a row's seal hashes before its doc
        (`ledger.store.seals`), made by the server rather than in Python for every row read."""
        raise NotImplementedError

    def select(self, conn: Any, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Every row of one query on an own connection (PostgreSQL: in the binary format, which brings BYTEA as it
        is rather than as hex text to decode)."""
        return list(conn.execute(sql, params).fetchall())

    def stream_key(self, stream_id: UUID) -> Any:
        """The stream id as the events table holds it."""
        raise NotImplementedError

    def prepare(self) -> dict[str, str]:
        """Make the store ready to open; returns settings to add to eventsourcing's environment.

        For writing: create what eventsourcing does not (the SQLite file, the PostgreSQL schema). For reading: check
        that there is a store (`no_ledger` otherwise), create nothing, and ask eventsourcing to create nothing.
        """
        raise NotImplementedError

    def opening(self) -> AbstractContextManager[None]:
        """Held while a writer opens the store (creating its schema and tables): one process at a time."""
        return _nothing()

    def connect(self) -> Any:
        """A connection of the store floor's own (autocommit), beside eventsourcing's."""
        raise NotImplementedError

    # Derived tables need each commit whole (rows and position together), not each commit to survive a power cut:
    # a commit lost leaves them behind the events, which readers notice and the next writer repairs. So their
    # commits do not wait for the disk (which would double the waits of every append).
    lazy_commits: str = ""

    def connect_derived(self) -> Any:
        """A connection for the derived tables: commits atomic, not each flushed to disk."""
        conn = self.connect()
        if self.lazy_commits and not self.config.read_only:
            conn.execute(self.lazy_commits)
        return conn

    def transaction(self, conn: Any) -> AbstractContextManager[Any]:
        """One write transaction on an own connection."""
        raise NotImplementedError

    def executemany(self, conn: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError

    def bulk_insert(self, conn: Any, table: str, width: int, rows: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError

    def analyze(self, conn: Any, tables: Sequence[str]) -> None:
        """Refresh the planner's statistics of tables just filled in bulk (inside the writer's transaction), so
        that their first readers get index look-ups rather than scans planned for an empty table."""

    def writers_turn(self) -> AbstractContextManager[None]:
        """Hold the store-wide writers' lock until the block ends: one clerk at a time, across processes.

        Appends are optimistic (the stream's version check refuses a stale write, and the append is retried),
        which is correct under any load; but when several processes append flat out, the one whose
        load-validate-save cycle happens to be slowest can lose every race and starve. Holding this lock from
        reading the timeline to saving makes appenders take turns instead, so no work is thrown away.
        """
        raise NotImplementedError

    def fetch(self, datastore: Any, sql: str, params: Sequence[Any]) -> list[tuple]:
        """Every row of one query, as tuples, in a read transaction of eventsourcing's datastore."""
        raise NotImplementedError

    def scan(self, datastore: Any, table: str, stream_id: UUID, after: int) -> Iterator[StoredRow]:
        """The stream's rows after version `after`, by version, streamed (a cold read holds one copy of them)."""
        raise NotImplementedError

    def at_versions(self, datastore: Any, table: str, stream_id: UUID, versions: Sequence[int]) -> list[StoredRow]:
        """The stream's rows with these versions (at most a few hundred: the caller chunks)."""
        raise NotImplementedError


class SQLiteDialect(Dialect):
    mark = "?"
    integer = "INTEGER"
    blob = "BLOB"
    day = "TEXT"
    position = "rowid"
    lock_row = ""  # BEGIN IMMEDIATE already holds the database's write lock
    lazy_commits = "PRAGMA synchronous = NORMAL"  # in WAL mode: consistent, flushed at checkpoints

    # --- writing SQL --------------------------------------------------------------------------------------------
    def table(self, name: str) -> str:
        return name

    def insert_or_ignore(self, table: str, width: int) -> str:
        return f"INSERT OR IGNORE INTO {self.table(table)} VALUES ({self.marks(width)})"

    def has_table(self, conn: Any, name: str) -> bool:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() \
            is not None

    def unindexed(self, column: str) -> str:
        return f"+{column}"

    def day_value(self, day: date) -> Any:
        return day.isoformat()

    def day_number(self, column: str) -> str:
        return f"CAST(julianday({column}) AS INTEGER)"

    def text_of(self, columns: Sequence[str], days: Sequence[str]) -> str:
        return " || ".join(f"{c} || char(31)" for c in columns)  # days are ISO text already

    def stream_key(self, stream_id: UUID) -> Any:
        return stream_id.hex

    # --- the store and its own connections ------------------------------------------------------------------------
    def __init__(self, config: StoreConfig):
        super().__init__(config)
        self.address = config.env["SQLITE_DBNAME"]  # a path, or (reading) a URI that opens it read-only

    def prepare(self) -> dict[str, str]:
        """Writing: create an owner-only SQLite file. Reading: open the file read-only (nothing is created)."""
        path = self.config.path
        if path is None:
            return {}
        if self.config.read_only:
            return self._read_only(path)
        if not path.parent.exists():
            raise StoreError(f"cannot create store {path}: folder {path.parent} does not exist")
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        return {}

    def _read_only(self, path: Path) -> dict[str, str]:
        """`mode=ro`; on read-only media, where SQLite cannot make the WAL's shared-memory file, `immutable` —
        safe only when no write-ahead log is left (nobody can be writing there, and nothing is unmerged)."""
        if not path.is_file():
            raise no_ledger(str(path))
        uri = f"file:{quote(str(path.resolve()))}?mode=ro"
        try:
            mode, tables = self._probe(uri)
        except sqlite3.OperationalError as e:
            if "readonly" not in str(e) and "unable to open" not in str(e):
                raise
            if Path(f"{path}-wal").exists():
                raise StoreError(f"{path} cannot be read here: its write-ahead log ({path}-wal) holds changes not "
                                 "yet merged and this folder cannot be written; open it once where it can be "
                                 "written (any ledger command), then read it here") from None
            uri += "&immutable=1"
            mode, tables = self._probe(uri)
        if not tables:
            raise no_ledger(str(path), " (it holds no ledger)")
        if mode != "wal" and "immutable" not in uri:  # a copy in another journal mode: eventsourcing would switch it
            raise StoreError(f"{path} is not in write-ahead-log mode, which the ledger reads in: record into it once "
                             "(or copy the store with its own tools) to switch it")
        self.address = uri
        return {"SQLITE_DBNAME": uri, "CREATE_TABLE": "n"}

    @staticmethod
    def _probe(uri: str) -> tuple[str, int]:
        """The file's journal mode and whether it holds eventsourcing's events table (reading only)."""
        probe = sqlite3.connect(uri, uri=True)
        try:
            mode = probe.execute("PRAGMA journal_mode").fetchone()[0]
            tables = probe.execute("SELECT count(*) FROM sqlite_master WHERE name = 'stored_events'").fetchone()[0]
        finally:
            probe.close()
        return str(mode).lower(), int(tables)

    def connect(self) -> Any:
        return sqlite3.connect(self.address, timeout=60, isolation_level=None, check_same_thread=False, uri=True)

    @contextmanager
    def transaction(self, conn: Any) -> Iterator[Any]:
        """SQLite takes the database's write lock at BEGIN IMMEDIATE: the writers of derived tables take turns."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def executemany(self, conn: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        conn.executemany(sql, rows)

    def bulk_insert(self, conn: Any, table: str, width: int, rows: Sequence[Sequence[Any]]) -> None:
        conn.executemany(f"INSERT INTO {self.table(table)} VALUES ({self.marks(width)})", rows)

    @contextmanager
    def writers_turn(self) -> Iterator[None]:
        """Hold the store-wide writers' lock on `<store>.append-lock` (owner-only): an advisory lock, `flock` on
        POSIX (`_flocked`), `filelock`'s where there is no flock (Windows: `msvcrt` locking)."""
        path = self.config.path
        if path is None or str(path) == ":memory:":
            yield
            return
        lock = f"{path}.append-lock"
        fd = _flocked(lock)
        if fd is None:
            from filelock import FileLock

            with FileLock(lock, mode=0o600):
                yield
            return
        try:
            yield
        finally:
            os.close(fd)  # closing the file releases its lock

    # --- reading eventsourcing's tables through its datastore -----------------------------------------------------
    def fetch(self, datastore: Any, sql: str, params: Sequence[Any]) -> list[tuple]:
        with datastore.transaction(commit=False) as curs:
            curs.execute(sql, params)
            return [tuple(r) for r in curs.fetchall()]

    def scan(self, datastore: Any, table: str, stream_id: UUID, after: int) -> Iterator[StoredRow]:
        # From the start, a table scan in rowid (= recording) order reads ~1.6x faster than the primary-key index.
        where = ("+originator_id = ? AND +originator_version > ? ORDER BY rowid" if after == 0 else
                 "originator_id = ? AND originator_version > ? ORDER BY originator_version")
        with datastore.transaction(commit=False) as curs:
            curs.execute(f"SELECT originator_version, topic, state FROM {table} WHERE {where}",
                         (self.stream_key(stream_id), after))
            raw = curs.sqlite_cursor  # the sqlite3 cursor under eventsourcing's wrapper, which has no fetchmany
            raw.row_factory = None  # plain (version, topic, state) tuples, not eventsourcing's `sqlite3.Row`s
            while rows := raw.fetchmany(PAGE):
                yield from rows

    def at_versions(self, datastore: Any, table: str, stream_id: UUID, versions: Sequence[int]) -> list[StoredRow]:
        sql = (f"SELECT originator_version, topic, state FROM {table} WHERE originator_id = ? "
               f"AND originator_version IN ({self.marks(len(versions))})")
        return [(r[0], r[1], bytes(r[2])) for r in self.fetch(datastore, sql, (self.stream_key(stream_id), *versions))]


class PostgresDialect(Dialect):
    mark = "%s"
    integer = "BIGINT"
    blob = "BYTEA"
    day = "DATE"
    position = "notification_id"
    lock_row = " FOR UPDATE"
    lazy_commits = "SET synchronous_commit = off"

    def __init__(self, config: StoreConfig):
        super().__init__(config)
        self._lock: Any = None  # the writers' lock's own connection

    def table(self, name: str) -> str:
        return f'"{self.config.schema}"."{name}"'

    def insert_or_ignore(self, table: str, width: int) -> str:
        return f"INSERT INTO {self.table(table)} VALUES ({self.marks(width)}) ON CONFLICT DO NOTHING"

    def has_table(self, conn: Any, name: str) -> bool:
        return conn.execute("SELECT to_regclass(%s) IS NOT NULL", (self.table(name),)).fetchone()[0]

    def unindexed(self, column: str) -> str:
        return column

    def day_value(self, day: date) -> Any:
        return day

    def day_number(self, column: str) -> str:
        return f"({column} - DATE '1970-01-01')"

    def text_of(self, columns: Sequence[str], days: Sequence[str]) -> str:
        # to_char, not ::text: a date's text follows the session's DateStyle
        return " || ".join((f"to_char({c}, 'YYYY-MM-DD')" if c in days else f"{c}::text") + " || chr(31)"
                           for c in columns)

    def select(self, conn: Any, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return list(conn.execute(sql, params, binary=True).fetchall())

    def stream_key(self, stream_id: UUID) -> Any:
        return stream_id

    def prepare(self) -> dict[str, str]:
        """Writing: create the schema (eventsourcing creates its tables in it, not the schema itself). Reading:
        check that the schema is there, in a read-only session."""
        with self.connect() as conn:
            if not self.config.read_only:
                # A role granted access (a clerk) appends into the owner's tables and creates nothing.
                if conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s AND NOT has_schema_privilege(nspname, "
                                "'CREATE')", (self.config.schema,)).fetchone():
                    self.creates_tables = False
                    return {"CREATE_TABLE": "n"}
                conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.config.schema}"')
                return {}
            found = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (self.config.schema,)).fetchone()
        if found is None:
            raise no_ledger(self.config.location, f" (there is no schema {self.config.schema})")
        return {"CREATE_TABLE": "n"}

    @contextmanager
    def opening(self) -> Iterator[None]:
        """A session advisory lock keyed by the schema, held while this process creates the schema and
        eventsourcing creates its tables and types: processes opening a new schema at once take turns (their
        CREATE … IF NOT EXISTS would otherwise race on PostgreSQL's catalog)."""
        if self.config.read_only:
            yield
            return
        with self.connect() as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (_key(f"ledger-open:{self.config.schema}"),))
            yield  # closing the connection releases the lock

    def connect(self) -> Any:
        lent = self.config.lent
        if lent is not None and self.config.read_only:
            return lent.own()
        import psycopg

        e = self.config.env
        options = {"options": READ_ONLY_SESSION} if self.config.read_only else {}
        return psycopg.connect(host=e["POSTGRES_HOST"], port=e["POSTGRES_PORT"], dbname=e["POSTGRES_DBNAME"],
                               user=e["POSTGRES_USER"], password=e["POSTGRES_PASSWORD"] or None, connect_timeout=10,
                               autocommit=True, **options)

    @contextmanager
    def transaction(self, conn: Any) -> Iterator[Any]:
        with conn.transaction():
            yield conn

    def executemany(self, conn: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with conn.cursor() as curs:  # psycopg's connection has no executemany of its own
            curs.executemany(sql, rows)

    def analyze(self, conn: Any, tables: Sequence[str]) -> None:
        # Autovacuum may be off (or not have come round yet); a role that does not own a table is skipped with a
        # warning by the server, never refused.
        conn.execute(f"ANALYZE {', '.join(self.table(t) for t in tables)}")

    def bulk_insert(self, conn: Any, table: str, width: int, rows: Sequence[Sequence[Any]]) -> None:
        with conn.cursor() as curs, curs.copy(f"COPY {self.table(table)} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    @contextmanager
    def writers_turn(self) -> Iterator[None]:
        """Hold the store-wide writers' lock: a session advisory lock keyed by the schema, on a connection of its
        own (kept open between turns)."""
        conn = self._lock_connection()
        key = _key(f"ledger:{self.config.schema}")
        conn.execute("SELECT pg_advisory_lock(%s)", (key,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (key,))

    def _lock_connection(self) -> Any:
        if self._lock is None or self._lock.closed:
            self._lock = self.connect()
        return self._lock

    def fetch(self, datastore: Any, sql: str, params: Sequence[Any]) -> list[tuple]:
        # One statement on eventsourcing's connection (autocommit: no BEGIN and ROLLBACK around it), in tuples (its
        # cursors give dicts).
        from psycopg.rows import tuple_row

        with datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(sql, params)
            return curs.fetchall()

    def scan(self, datastore: Any, table: str, stream_id: UUID, after: int) -> Iterator[StoredRow]:
        sql = (f"SELECT originator_version, topic, state FROM {table} "
               "WHERE originator_id = %s AND originator_version > %s ORDER BY originator_version")
        with datastore.transaction(commit=False) as curs:
            # A server-side cursor streams the rows in pages (a plain one would hold them all at once), as plain
            # tuples (eventsourcing's connections make a dict of each row).
            from psycopg.rows import tuple_row

            with curs.connection.cursor(name="ledger_facts", row_factory=tuple_row) as rows:
                rows.execute(sql, (stream_id, after))
                while page := rows.fetchmany(PAGE):
                    if type(page[0][2]) is bytes:
                        yield from page
                    else:
                        yield from ((v, t, bytes(s)) for v, t, s in page)

    def at_versions(self, datastore: Any, table: str, stream_id: UUID, versions: Sequence[int]) -> list[StoredRow]:
        # A join with the array: one primary-key look-up per version (`= ANY(...)` makes the planner scan the
        # whole stream, its one originator, and filter).
        sql = (f"SELECT e.originator_version, e.topic, e.state FROM unnest(%s::bigint[]) AS v(version) "
               f"JOIN {table} e ON e.originator_id = %s AND e.originator_version = v.version")
        return [(r[0], r[1], bytes(r[2])) for r in self.fetch(datastore, sql, (list(versions), stream_id))]

    def close(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None


@contextmanager
def _nothing() -> Iterator[None]:
    yield


class LentSessions:
    """Read-only PostgreSQL sessions lent to the ledgers a roll-up opens one after another on each of its threads
    (`StoreConfig.lent`): a district's bureaus are schemas of one database, read as one role, and a ledger opened on
    its own connects three or four sessions — each a server process started and ended — for a read of a few
    milliseconds. A thread holds two: the store floor's own (tuples) and eventsourcing's (dicts, through `pool`)."""

    def __init__(self, env: dict[str, str]):
        """`env`: the store environment whose host, database, role and password every session uses."""
        self.env = env
        self._local = threading.local()
        self._made: list[Any] = []
        self._lock = threading.Lock()

    def _connect(self, row_factory: Any = None, kept: bool = True) -> Any:
        """A new read-only session (`kept`: closed by `close`, else by the caller)."""
        import psycopg

        e = self.env
        options = {"row_factory": row_factory} if row_factory is not None else {}
        conn = psycopg.connect(host=e["POSTGRES_HOST"], port=e["POSTGRES_PORT"], dbname=e["POSTGRES_DBNAME"],
                               user=e["POSTGRES_USER"], password=e["POSTGRES_PASSWORD"] or None, connect_timeout=10,
                               autocommit=True, options=READ_ONLY_SESSION, **options)
        if kept:
            with self._lock:
                self._made.append(conn)
        return conn

    def _held(self, name: str) -> Any:
        """This thread's session `name`, if it is still usable (open, and no transaction left on it)."""
        from psycopg.pq import TransactionStatus

        conn = getattr(self._local, name, None)
        if conn is not None and (conn.closed or conn.info.transaction_status != TransactionStatus.IDLE):
            conn.close()
            conn = None
        return conn

    def own(self) -> Any:
        """This thread's session for the store floor's own SQL (`Dialect.connect`): closing it leaves it open."""
        conn = self._held("own")
        if conn is None:
            conn = self._local.own = self._connect()
        return _Lent(conn)

    def pool(self, configure: Any) -> _LentPool:
        """What eventsourcing's datastore takes for its pool, over this thread's session for its SQL (`configure`d as
        the pool would have it)."""
        return _LentPool(self, configure)

    @contextmanager
    def events(self, configure: Any) -> Iterator[Any]:
        """This thread's session for eventsourcing's SQL, dicts for rows; inside another use of it (a streamed scan
        still open), a session of its own for the while, as a pool would give."""
        from psycopg.rows import dict_row

        if getattr(self._local, "busy", False):
            conn = self._connect(dict_row, kept=False)
            configure(conn)
            try:
                yield conn
            finally:
                conn.close()
            return
        conn = self._held("events")
        if conn is None:
            conn = self._local.events = self._connect(dict_row)
            configure(conn)
        self._local.busy = True
        try:
            yield conn
        finally:
            self._local.busy = False

    def close(self) -> None:
        """Close every session lent (after the ledgers that borrowed them are closed)."""
        with self._lock:
            made, self._made = self._made, []
        for conn in made:
            conn.close()

    def __enter__(self) -> LentSessions:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Lent:
    """A lent session as its borrower sees a connection: everything but closing it."""

    def __init__(self, conn: Any):
        self._conn = conn

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def close(self) -> None:
        """The session stays open for the next borrower."""

    def __enter__(self) -> _Lent:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class _LentPool:
    """The part of psycopg_pool's `ConnectionPool` eventsourcing's datastore uses, over lent sessions."""

    def __init__(self, sessions: LentSessions, configure: Any):
        self._sessions = sessions
        self._configure = configure

    def open(self, wait: bool = False, timeout: float = 30.0) -> None:
        """Nothing to open: the sessions are the lender's."""

    def connection(self, timeout: float | None = None) -> AbstractContextManager[Any]:
        return self._sessions.events(self._configure)

    def close(self, timeout: float = 5.0) -> None:
        """Nothing to close: the lender closes the sessions."""

    def __enter__(self) -> _LentPool:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def dialect_for(config: StoreConfig) -> Dialect:
    """The dialect of a configured store."""
    return PostgresDialect(config) if config.kind == "postgresql" else SQLiteDialect(config)
