"""The access log: who read whose file, when and how; one append-only table, chained like the events.

Line n carries `chain` = SHA-256(chain of line n-1 ‖ its JSON [seq, at, actor, action, person, detail]), so a line
changed, removed or inserted breaks the chain from there on (`verify_lines`). Triggers refuse UPDATE and DELETE
(`ledger.store.access`); on PostgreSQL a trigger also refuses a line whose reader is not the session's role, and
readers (auditors) have INSERT on this table only, written in a transaction of its own that is not read-only even
in their read-only sessions. A read-only SQLite opening writes its lines through a connection of its own to the
file; where the file cannot be written, a person's file is not shown (`AccessLogError`).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from ledger.model.errors import StoreError
from ledger.store.dialect import Dialect, _key

LOG_TABLE = "access_log"
GENESIS = hashlib.sha256(b"personnel-ledger/access-log/v1").hexdigest()
COLUMNS = "seq, at, actor, action, person, detail, chain"
LOG_FUNCTION = "ledger_log_read"  # PostgreSQL under access control: the only way roles add a line
CAP = 2**62  # a line number above this is not one the ledger wrote (and the next after it would not fit)
_HEX = frozenset("0123456789abcdef")


def log_schema(d: Dialect) -> tuple[str, ...]:
    return (f"CREATE TABLE IF NOT EXISTS {d.table(LOG_TABLE)} (seq {d.integer} PRIMARY KEY, at TEXT NOT NULL, "
            "actor TEXT NOT NULL, action TEXT NOT NULL, person TEXT, detail TEXT, chain TEXT NOT NULL)",)


@dataclass(frozen=True)
class Line:
    """One read: its place in the log, when (UTC, ISO), who, what (the command or page), whose file, details."""

    seq: int
    at: str
    actor: str
    action: str
    person: str | None
    detail: str | None
    chain: str

    def as_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": self.at, "actor": self.actor, "action": self.action, "person": self.person,
                "detail": self.detail}


def link(prev: str, seq: int, at: str, actor: str, action: str, person: str | None, detail: str | None) -> str:
    return hashlib.sha256(bytes.fromhex(prev) + orjson.dumps([seq, at, actor, action, person, detail])).hexdigest()


class AccessLogError(StoreError):
    """The read cannot be logged: it is not shown."""


Probe = Callable[[str, Sequence[Any]], list[tuple]]


class AccessLog:
    """The store's access log, read and appended through connections of its own (made only once the store is
    found to keep a log: `probe` asks that through a connection the caller already holds)."""

    def __init__(self, dialect: Dialect, probe: Probe | None = None):
        self.dialect = dialect
        self._probe = probe
        self._conn: Any = None
        self._writer: Any = None
        self._enabled: bool | None = None
        self._function: bool | None = None  # PostgreSQL: whether lines go through LOG_FUNCTION

    def _connection(self) -> Any:
        if self._conn is None:
            self._conn = self.dialect.connect()
        return self._conn

    def _writing(self) -> Any:
        """The connection lines are written on: the store's own, except in a read-only SQLite opening, where only
        the log's lines are written, on a connection of their own."""
        d = self.dialect
        if not (d.config.kind == "sqlite" and d.config.read_only and d.config.path is not None):
            return self._connection()
        if self._writer is None:
            try:
                self._writer = sqlite3.connect(f"file:{d.config.path}?mode=rw", uri=True, timeout=60,
                                               isolation_level=None, check_same_thread=False)
            except sqlite3.OperationalError as e:
                raise AccessLogError(f"the access log of {d.config.location} cannot be written here ({e}): a "
                                     "person's file is not shown without logging the read") from None
        return self._writer

    def enabled(self) -> bool:
        """Whether this store keeps an access log (`ledger access enable`, or any grant, made it). Asked again
        while the answer is no: a long-running reader (the web view) starts logging once the log is made."""
        if not self._enabled:
            d = self.dialect
            probe = self._probe or (lambda sql, params: self._connection().execute(sql, params).fetchall())
            if d.config.kind == "postgresql":
                rows = probe("SELECT to_regclass(%s) IS NOT NULL", (d.table(LOG_TABLE),))
            else:
                rows = probe("SELECT count(*) > 0 FROM sqlite_master WHERE name = ?", (LOG_TABLE,))
            self._enabled = bool(rows[0][0])
        return self._enabled

    def append(self, actor: str, action: str, person: str | None = None, detail: str | None = None) -> int | None:
        """Log one read (None when the store keeps no log); returns the line's number."""
        if not self.enabled():
            return None
        d, conn = self.dialect, self._writing()
        table = d.table(LOG_TABLE)
        at = datetime.now(UTC).isoformat(timespec="microseconds")
        try:
            if d.config.kind == "postgresql":
                with conn.transaction():
                    conn.execute("SET TRANSACTION READ WRITE")  # allowed in a read-only-default session
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (_key(f"ledger-access:{d.config.schema}"),))
                    return self._insert(conn, table, at, actor, action, person, detail)
            conn.execute("BEGIN IMMEDIATE")
            try:
                seq = self._insert(conn, table, at, actor, action, person, detail)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return seq
        except sqlite3.OperationalError as e:
            raise AccessLogError(f"the access log of {d.config.location} cannot be written here ({e}): a person's "
                                 "file is not shown without logging the read") from None

    def _insert(self, conn: Any, table: str, at: str, actor: str, action: str, person: str | None,
                detail: str | None) -> int:
        d = self.dialect
        if d.config.kind == "postgresql":
            if self._function is None:
                self._function = installed(conn, d)
            if self._function:  # the database numbers, stamps and chains the line, as the session's role
                return int(conn.execute(f"SELECT {d.table(LOG_FUNCTION)}({d.marks(3)})",
                                        (action, person, detail)).fetchone()[0])
        seq, prev = last_line(conn, table)
        chain = link(prev, seq, at, actor, action, person, detail)
        conn.execute(f"INSERT INTO {table} ({COLUMNS}) VALUES ({d.marks(7)})",
                     (seq, at, actor, action, person, detail, chain))
        return seq

    def lines(self, person: str | None = None, actor: str | None = None, since: str | None = None) -> list[Line]:
        """The log's lines in order, those of one person, one reader, or from a moment on (ISO, UTC)."""
        if not self.enabled():
            return []
        d = self.dialect
        where, params = [], []
        for column, value, op in (("person", person, "="), ("actor", actor, "="), ("at", since, ">=")):
            if value is not None:
                where.append(f"{column} {op} {d.mark}")
                params.append(value)
        sql = (f"SELECT {COLUMNS} FROM {d.table(LOG_TABLE)}" + (f" WHERE {' AND '.join(where)}" if where else "") +
               " ORDER BY seq")
        return [Line(*r) for r in self._connection().execute(sql, params).fetchall()]

    def head(self) -> tuple[int, str] | None:
        """(number, chain) of the log's last line; None when the store keeps no log or it is empty."""
        if not self.enabled():
            return None
        row = self._connection().execute(f"SELECT seq, chain FROM {self.dialect.table(LOG_TABLE)} ORDER BY seq DESC "
                                         "LIMIT 1").fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def chain_at(self, seq: int) -> str | None:
        """The chain of line `seq` (None: no such line, or no log)."""
        if not self.enabled():
            return None
        d = self.dialect
        row = self._connection().execute(f"SELECT chain FROM {d.table(LOG_TABLE)} WHERE seq = {d.mark}",
                                         (seq,)).fetchone()
        return str(row[0]) if row else None

    def verify(self) -> str | None:
        """The first line that breaks the chain (changed, removed, inserted or reordered), or None."""
        if not self.enabled():
            return None
        return verify_lines(self.lines())

    def close(self) -> None:
        for conn in (self._conn, self._writer):
            if conn is not None:
                conn.close()
        self._conn = self._writer = None


def well_formed_chain(chain: Any) -> bool:
    return isinstance(chain, str) and len(chain) == 64 and set(chain) <= _HEX


def last_line(conn: Any, table: str) -> tuple[int, str]:
    """(number of the next line, chain it follows): after the highest plausible number, from the last line whose
    chain the ledger could have written — so a malformed line (inserted into the table by hand) never stops the
    next read from being logged; `verify_lines` names it."""
    rows = conn.execute(f"SELECT seq, chain FROM {table} WHERE seq BETWEEN 1 AND {CAP} ORDER BY seq DESC LIMIT 1000"
                        ).fetchall()
    prev = next((str(c) for _s, c in rows if well_formed_chain(c)), GENESIS)
    return (int(rows[0][0]) + 1 if rows else 1), prev


def malformed(line: Line) -> str | None:
    """Why a line cannot be one the ledger wrote (None: it could be)."""
    if not isinstance(line.seq, int) or not 1 <= line.seq <= CAP:
        return f"its number {str(line.seq)[:40]} is out of range"
    if not well_formed_chain(line.chain):
        return "its chain is not a SHA-256 hash"
    if not all(isinstance(v, str) for v in (line.at, line.actor, line.action)) or not all(
            v is None or isinstance(v, str) for v in (line.person, line.detail)):
        return "a field is not text"
    return None


def verify_lines(lines: Sequence[Line]) -> str | None:
    prev, expected = GENESIS, 1
    for line in lines:
        why = malformed(line)
        if why is not None:
            return (f"access-log line {str(line.seq)[:40]} is malformed ({why}): it was not written by the ledger but "
                    "inserted into the table directly")
        if line.seq < expected:
            return f"access-log line {line.seq} is out of order"
        if line.seq > expected:
            return (f"access-log line {expected} is missing (the log goes on at line {line.seq}): lines were deleted, "
                    f"or line {line.seq} was inserted into the table directly")
        linked = link(prev, line.seq, line.at, line.actor, line.action, line.person, line.detail) == line.chain
        if not linked:
            return f"access-log line {line.seq} was changed since it was written (it no longer matches its chain)"
        prev, expected = line.chain, expected + 1
    return None


def installed(conn: Any, d: Dialect) -> bool:
    """Whether this store writes its log through `ledger_log_read` (a store put under access control since)."""
    row = conn.execute("SELECT to_regprocedure(%s) IS NOT NULL",
                       (f"{d.table(LOG_FUNCTION)}(text, text, text)",)).fetchone()
    return bool(row[0])
