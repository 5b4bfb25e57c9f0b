"""The guards as defined, not only present: `ledger verify` hashes each guard's definition in the database and
compares it with the one this version of the ledger installs.

Dropping or disabling a trigger was always reported; replacing a guard function's body (`CREATE OR REPLACE
FUNCTION ledger_refuse_change() … RETURN COALESCE(NEW, OLD)`), giving a trigger a `WHEN (false)` condition, or
pointing it at another function, left the trigger in place and the store unguarded. PostgreSQL: each guard
function's body (`pg_proc.prosrc`), whether it runs as its owner, and each guard trigger's timing, events, level,
condition and function. SQLite: each trigger's SQL as `sqlite_master` keeps it.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ledger.store import access, blobs, checkpoints, guarded_writes, transfer_writers
from ledger.store.access_log import LOG_FUNCTION, LOG_TABLE
from ledger.store.dialect import Dialect

# pg_trigger.tgtype bits: ROW 1, BEFORE 2, INSERT 4, DELETE 8, UPDATE 16, TRUNCATE 32
_ROW_CHANGE, _TRUNCATE, _INSERT = 1 | 2 | 8 | 16, 2 | 32, 1 | 2 | 4
REFUSE, STAMP, LOG_STAMP = "ledger_refuse_change", "ledger_stamp_actor", "ledger_log_actor"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _body(sql: str) -> str:
    """The body of a `CREATE FUNCTION … AS $$body$$` statement, as PostgreSQL keeps it."""
    return sql.split("$$")[1]


def expected_functions(d: Dialect, events: str) -> dict[str, tuple[str, bool]]:
    """Each guard function's name → (hash of its body, whether it runs as its owner)."""
    return {
        REFUSE: (digest(access.REFUSE_BODY), False),
        STAMP: (digest(access.STAMP_BODY), False),
        LOG_STAMP: (digest(_body(guarded_writes.log_actor_sql(d))), False),
        LOG_FUNCTION: (digest(_body(guarded_writes.log_function_sql(d))), True),
        checkpoints.KEEP_FUNCTION: (digest(_body(guarded_writes.checkpoint_function_sql(d, events))), True),
    }


def expected_triggers(events: str) -> dict[tuple[str, str], tuple[int, str]]:
    """(table, trigger) → (its tgtype, the function it runs)."""
    found = {}
    for table, stamp in ((events, STAMP), (LOG_TABLE, LOG_STAMP)):
        row, truncate, stamp_trigger = ((access.GUARD, access.GUARD_TRUNCATE, access.STAMP) if table == events else
                                        (access.LOG_GUARD, access.LOG_GUARD_TRUNCATE, access.LOG_STAMP))
        found[(table, row)] = (_ROW_CHANGE, REFUSE)
        found[(table, truncate)] = (_TRUNCATE, REFUSE)
        found[(table, stamp_trigger)] = (_INSERT, stamp)
    found[(blobs.TABLE, access.BLOB_GUARD)] = (_ROW_CHANGE, REFUSE)  # the images: inserted, never rewritten
    found[(blobs.TABLE, access.BLOB_GUARD_TRUNCATE)] = (_TRUNCATE, REFUSE)
    return found


def pg_problem(conn: Any, d: Dialect, events: str) -> str | None:
    """The first guard whose definition is not the ledger's (None: all are, or the store has none yet)."""
    schema = d.config.schema
    functions = {name: (digest(src), bool(secdef)) for name, src, secdef in conn.execute(
        "SELECT p.proname, p.prosrc, p.prosecdef FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = %s", (schema,)).fetchall()}
    if REFUSE not in functions:
        return None  # never put under access control
    for name, (body, secdef) in expected_functions(d, events).items():
        if name in (LOG_FUNCTION, checkpoints.KEEP_FUNCTION) and name not in functions:
            continue  # a store put under access control before these functions: `ledger access grant` adds them
        if name not in functions:
            return f"the guard function {name} was dropped: the store no longer refuses rewrites by itself"
        if functions[name] != (body, secdef):
            return (f"the guard function {name} was replaced by another definition (its body no longer hashes to the "
                    "ledger's): the store may no longer refuse what it should; `ledger access grant` reinstalls it")
    problem = _transfer_guard_problem(functions, schema or "")
    if problem is not None:
        return problem
    triggers = {(table, name): (int(kind), fn, qual) for table, name, kind, fn, qual in conn.execute(
        "SELECT c.relname, t.tgname, t.tgtype, p.proname || CASE WHEN pn.nspname = %s THEN '' ELSE '@other' END, "
        "t.tgqual IS NOT NULL FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON "
        "n.oid = c.relnamespace JOIN pg_proc p ON p.oid = t.tgfoid JOIN pg_namespace pn ON pn.oid = p.pronamespace "
        "WHERE n.nspname = %s AND NOT t.tgisinternal", (schema, schema)).fetchall()}
    expected = expected_triggers(events)
    if transfer_writers.FUNCTION in functions:  # a district whose bureaus' clerks may record transfers
        expected[(events, transfer_writers.TRIGGER)] = (_INSERT, transfer_writers.FUNCTION)
        if (events, transfer_writers.TRIGGER) not in triggers:
            return (f"the trigger {transfer_writers.TRIGGER} was dropped: a bureau's clerk may record more than "
                    "transfers in the district; `ledger district access allow-transfers` reinstalls it")
    for key, (kind, fn) in expected.items():
        found = triggers.get(key)
        if found is not None and found != (kind, fn, False):
            return (f"the trigger {key[1]} was redefined (it no longer runs {fn} before every change it guards, "
                    "unconditionally): the store may no longer refuse rewrites; `ledger access grant` reinstalls it")
    return None


def _transfer_guard_problem(functions: dict[str, tuple[str, bool]], schema: str) -> str | None:
    """The district's transfer guard (`ledger.store.transfer_writers`), where it was installed: its body is the one
    this version installs for this schema's groups, run as the caller."""
    found = functions.get(transfer_writers.FUNCTION)
    if found is None:
        return None
    wanted = transfer_writers.body(access.group_role(schema, transfer_writers.ROLE), access.group_role(schema, "clerk"))
    if found != (digest(wanted), False):
        return (f"the guard function {transfer_writers.FUNCTION} was replaced by another definition (its body no "
                "longer hashes to the ledger's): a bureau's clerk may record more than transfers in the district; "
                "`ledger district access allow-transfers` reinstalls it")
    return None


def sqlite_expected(op: str) -> str:
    return (f"CREATE TRIGGER ledger_log_refuse_{op.lower()} BEFORE {op} ON {LOG_TABLE} "
            f"BEGIN SELECT RAISE(ABORT, 'the ledger''s access log is append-only: {op} refused'); END")


def sqlite_problem(conn: Any) -> str | None:
    """A SQLite access-log trigger whose SQL is not the ledger's (None: each is, or is absent: reported apart)."""
    stored = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                               (LOG_TABLE,)).fetchall())
    for op in ("UPDATE", "DELETE"):
        name = f"ledger_log_refuse_{op.lower()}"
        if name in stored and digest(str(stored[name])) != digest(sqlite_expected(op)):
            return (f"the trigger {name} was replaced by another definition (its SQL no longer hashes to the "
                    "ledger's): the access log may no longer refuse edits; drop it and run `ledger access enable`")
    return None


def guard_problem(d: Dialect, events: str) -> str | None:
    """What is wrong with the guards of a store under access control: one dropped or disabled
    (`access.guard_presence`), else one present but not defined as the ledger defines it (None: all well, or the
    store was never put under access control)."""
    found, guarded = access.guard_presence(d, events)
    if found is not None or not guarded:
        return found
    conn: Any = d.connect()
    try:
        return pg_problem(conn, d, events) if d.config.kind == "postgresql" else sqlite_problem(conn)
    finally:
        conn.close()
