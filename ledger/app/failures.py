"""What went wrong, in a sentence a clerk can act on: the one translation of the store's and the system's raw
exceptions (SQLite, PostgreSQL, eventsourcing's wrappers of them, the file system) into `StoreError`s.

Every such failure leaves the ledger as it was (a refused or failed write rolls back its transaction), and the
sentence says so, says what happened, and what to do. Entry points call `explain_failure` on any exception the ledger did
not raise on purpose; `None` means it is not one of these, and is shown as an unexpected error. Passwords are
never shown: every text taken from an exception passes `without_password`.
"""

from __future__ import annotations

import errno

from ledger.model.errors import LedgerError, StoreError, clipped
from ledger.store.config import parse_store, resolve_store, without_password

UNCHANGED = "nothing was written"

# (words in the exception's text, lower-case) -> what to say; the first match wins. `{where}` is the store.
_BY_TEXT: tuple[tuple[tuple[str, ...], str], ...] = (
    (("database or disk is full", "no space left", "could not extend file", "disk full"),
     "the disk holding {where} is full; " + UNCHANGED + " (the ledger is as it was). Free some space and run the "
     "command again"),
    (("database is locked", "database table is locked"),
     "the store {where} is busy: another program kept it locked for 30 seconds (a long import, or a program that "
     "hangs); " + UNCHANGED + ". Try again once it has finished"),
    (("attempt to write a readonly database", "read-only transaction", "readonly database"),
     "the store {where} may only be read here (read-only file or folder, or a session that may only read); "
     + UNCHANGED + ". Recording needs write access"),
    (("file is not a database", "file is encrypted or is not a database"),
     "{where} is not a ledger store (not a SQLite database); check --store"),
    (("disk i/o error", "input/output error"),
     "the disk holding {where} failed to read or write (I/O error); " + UNCHANGED + " as far as the store "
     "could tell: run `ledger verify` once the disk is healthy"),
    (("password authentication failed", "no pg_hba.conf entry", "fatal:  role \""),
     "the PostgreSQL server refused the login for {where}: check the user and the password (or ask its "
     "administrator for access); " + UNCHANGED),
    (("fatal:  database \"",),
     "the PostgreSQL server has no such database ({detail}): check the database in {where}"),
    (("connection refused", "could not connect", "timeout expired", "could not translate host name",
      "connection failed", "server closed the connection", "name or service not known"),
     "cannot open {where}: the PostgreSQL server does not answer ({detail}); is it running, and is the address "
     "right? "
     + UNCHANGED),
    (("permission denied for", "must be owner of", "insufficient privilege"),
     "the PostgreSQL role of {where} lacks a permission the command needs ({detail}); " + UNCHANGED + ". Reading "
     "needs USAGE on the schema and SELECT on its tables; recording also needs INSERT, UPDATE, DELETE and CREATE"),
    (("composite type", "does not exist"),
     "{where} is not set up as a ledger (its tables or types are missing: {detail}); a ledger is created by "
     "the first event recorded into it"),
    (("database disk image is malformed", "malformed database schema"),
     "{where} is damaged (SQLite says: {detail}); " + UNCHANGED + ". Restore it from a backup and run `ledger verify`"),
    (("value out of range", "out of range for type", "numeric field overflow", "value too long for type", "invalid input syntax",
      "non-hexadecimal number", "integer overflow"),
     "a row of {where} holds a value no ledger writes ({detail}); " + UNCHANGED + ". Run `ledger verify`, which "
     "names the row (the owner can quarantine it)"),
    (("unable to open database file",),
     "cannot open {where}: the file or its folder cannot be read or written here; check the path and its "
     "permissions"),
)


def _os_error(e: OSError) -> str | None:
    name = f" {without_password(e.filename)}" if e.filename else ""
    if e.errno == errno.ENOSPC:
        return f"the disk is full{name and ' (writing' + name + ')'}: free some space and run the command again"
    if isinstance(e, FileNotFoundError):
        return f"no such file or folder:{name or ' (unnamed)'}"
    if isinstance(e, PermissionError):
        return f"permission denied:{name}: the file or its folder may not be read or written by this user"
    if e.errno == errno.EFBIG:
        return f"a file would grow beyond what this system allows{name and ' (writing' + name + ')'}; " + UNCHANGED
    if isinstance(e, FileExistsError):
        return f"{name.strip()} exists where a folder or a new file was expected"
    if isinstance(e, IsADirectoryError):
        return f"{name.strip()} is a folder, not a file"
    if isinstance(e, NotADirectoryError):
        return f"a part of the path{name} is a file, not a folder"
    return None


def explain_failure(error: BaseException, where: str = "the store") -> StoreError | None:
    """The raw exception `error`, met while using the store `where`, as a `StoreError` with a sentence saying
    what happened and what to do; None when it is not a failure this module knows."""
    if isinstance(error, MemoryError):
        return StoreError("out of memory: the input or the ledger is too large for this machine; " + UNCHANGED)
    if isinstance(error, RecursionError):
        return StoreError("the input is nested too deeply to be read (lists or tables within each other hundreds "
                          "of levels down); " + UNCHANGED)
    if isinstance(error, UnicodeError):
        return StoreError(f"a text could not be read or written as UTF-8 ({clipped(str(error))}); " + UNCHANGED)
    if isinstance(error, OverflowError):
        return StoreError(f"a number or a date is beyond what can be computed ({clipped(str(error))}); "
                          + UNCHANGED)
    if isinstance(error, OSError) and not _is_driver_error(error):
        said = _os_error(error)
        return StoreError(said) if said is not None else None
    text = without_password(str(error).strip())
    lower = text.lower()
    for words, sentence in _BY_TEXT:
        if any(w in lower for w in words):
            detail = clipped(text.splitlines()[0]) if text else type(error).__name__
            return StoreError(sentence.format(where=where, detail=detail))
    return None


def _is_driver_error(error: BaseException) -> bool:
    """psycopg's errors are OSErrors of no file; theirs are the texts above."""
    return type(error).__module__.startswith(("psycopg", "eventsourcing", "sqlite3"))


def store_location(store: str | None) -> str:
    """The store as messages name it: the file path, or the URL without its password."""
    try:
        return parse_store(store).location
    except LedgerError:
        return without_password(resolve_store(store))
