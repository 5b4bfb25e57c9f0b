"""Who may write, who may only read, and what the database itself refuses: PostgreSQL roles, grants and triggers.

A store under access control (`install`, run by the schema's owner; `ledger access grant` runs it) has:

- a guard on the events table: triggers that refuse UPDATE, DELETE and TRUNCATE for every role, the owner
  included (disabling them is a deliberate act, which `guard_presence` reports to `ledger verify`); the same guard
  on the images' table (`ledger.store.blobs`: a photo's image is inserted once, never rewritten or removed);
- the actor checked by the database: a trigger on insert sets the row's `recorded_by` column to the session's
  role (`current_user`), and refuses an event whose declared actor (in a plain store's JSON) is another name;
- two group roles per schema, `<schema>_clerk` (read; append through eventsourcing's insert function; insert
  images; keep the derived tables) and `<schema>_auditor` (read only; append to the access log), and login roles made members.

The access log's table (`ledger.store.access_log`) is made here too: it is part of the same protection. SQLite has
no roles: there the log and its triggers are installed, and the actor stays a declaration.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ledger.model.errors import StoreError
from ledger.store import blobs, checkpoints, guarded_writes
from ledger.store.access_log import LOG_TABLE, log_schema
from ledger.store.dialect import Dialect

ROLES = ("clerk", "auditor")
GUARD = "ledger_guard"  # the row trigger refusing UPDATE and DELETE of events
GUARD_TRUNCATE = "ledger_guard_truncate"
STAMP = "ledger_stamp_actor"  # the insert trigger recording the session's role
LOG_GUARD = "ledger_log_guard"
LOG_GUARD_TRUNCATE = "ledger_log_guard_truncate"
LOG_STAMP = "ledger_log_actor"
BLOB_GUARD = "ledger_blob_guard"  # the images' table: inserted once, never rewritten or removed
BLOB_GUARD_TRUNCATE = "ledger_blob_guard_truncate"
# Tables written only by appending, through grants of their own (not the clerks' derived tables).
APPEND_ONLY = (LOG_TABLE, checkpoints.TABLE, blobs.TABLE)
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
NAME_RULE = "a lower-case PostgreSQL role name: letters a–z, digits and '_', starting with a letter or '_', at most 63"


@dataclass(frozen=True)
class Member:
    """A login role and what it may do in this store."""

    name: str
    role: str  # clerk | auditor

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "as": self.role}


def group_role(schema: str, role: str) -> str:
    """The group role of a schema's clerks or auditors (a name PostgreSQL keeps whole: long schemas are hashed)."""
    name = f"{schema}_{role}"
    if len(name) <= 63:
        return name
    tag = hashlib.blake2b(schema.encode(), digest_size=4).hexdigest()
    return f"{schema[:63 - len(role) - 10]}_{tag}_{role}"


def check_name(name: str) -> None:
    if not _NAME.fullmatch(name) or name.startswith("pg_"):
        raise StoreError(f"role '{name}' is not usable: give {NAME_RULE} characters (not pg_…)")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _refuse_function(d: Dialect) -> str:
    return d.table("ledger_refuse_change")


# The guard functions' bodies, as PostgreSQL keeps them (`pg_proc.prosrc`): `ledger verify` compares the stored ones
# with these (`ledger.store.guard_definitions`), so a guard replaced by one that lets changes through is named.
REFUSE_BODY = """
BEGIN
  RAISE EXCEPTION 'the ledger''s % table is append-only: % refused (role %)', TG_TABLE_NAME, TG_OP, current_user
    USING ERRCODE = 'insufficient_privilege';
END """
STAMP_BODY = """
DECLARE declared TEXT;
BEGIN
  NEW.recorded_by := current_user;
  IF NEW.state IS NOT NULL AND length(NEW.state) > 0 AND get_byte(NEW.state, 0) = 123 THEN
    declared := convert_from(NEW.state, 'UTF8')::jsonb ->> 'actor';
    IF declared IS NOT NULL AND declared <> current_user::text THEN
      RAISE EXCEPTION 'the event declares actor %, but the session''s role is %: on this store the actor is the role',
        declared, current_user USING ERRCODE = 'insufficient_privilege';
    END IF;
  END IF;
  RETURN NEW;
END """


def _pg_install(conn: Any, d: Dialect, events: str, others: list[str]) -> None:
    """The guard, the actor stamp, the access log, the group roles and their grants (idempotent, one transaction)."""
    schema = d.config.schema
    assert schema is not None
    ev, log = d.table(events), d.table(LOG_TABLE)
    refuse, stamp, log_stamp = _refuse_function(d), d.table("ledger_stamp_actor"), d.table("ledger_log_actor")
    conn.execute(f"ALTER TABLE {ev} ADD COLUMN IF NOT EXISTS recorded_by TEXT")
    conn.execute(f"CREATE OR REPLACE FUNCTION {refuse}() RETURNS trigger LANGUAGE plpgsql AS $${REFUSE_BODY}$$")
    conn.execute(f"CREATE OR REPLACE FUNCTION {stamp}() RETURNS trigger LANGUAGE plpgsql AS $${STAMP_BODY}$$")
    conn.execute(guarded_writes.log_actor_sql(d))  # a line names the session's login role
    images = d.table(blobs.TABLE)
    for stmt in (*log_schema(d), *checkpoints.schema(d), *blobs.schema(d)):
        conn.execute(stmt)
    for table, row, truncate, stamp_name, stamp_fn in ((ev, GUARD, GUARD_TRUNCATE, STAMP, stamp),
                                                       (log, LOG_GUARD, LOG_GUARD_TRUNCATE, LOG_STAMP, log_stamp),
                                                       (images, BLOB_GUARD, BLOB_GUARD_TRUNCATE, None, None)):
        for name in (row, truncate, stamp_name):
            if name is not None:
                conn.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        conn.execute(f"CREATE TRIGGER {row} BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION "
                     f"{refuse}()")
        conn.execute(f"CREATE TRIGGER {truncate} BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION "
                     f"{refuse}()")
        if stamp_name is not None:
            conn.execute(f"CREATE TRIGGER {stamp_name} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION "
                         f"{stamp_fn}()")
    clerk, auditor = (_ident(group_role(schema, r)) for r in ROLES)
    for group in (clerk, auditor):
        conn.execute(f"DO $$ BEGIN CREATE ROLE {group} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        conn.execute(f"GRANT USAGE ON SCHEMA {_ident(schema)} TO {group}")
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {_ident(schema)} TO {group}")
        conn.execute(f"GRANT INSERT ON {log}, {d.table(checkpoints.TABLE)} TO {group}")  # reads logged, proofs kept
        conn.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {_ident(schema)} GRANT SELECT ON TABLES TO {group}")
    conn.execute(f"GRANT INSERT ON {ev}, {images} TO {clerk}")  # a clerk records photos; an auditor only reads them
    conn.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {_ident(schema)} TO {clerk}")
    derived = [d.table(t) for t in others]
    if derived:
        conn.execute(f"GRANT INSERT, UPDATE, DELETE ON {', '.join(derived)} TO {clerk}")
    conn.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {ev}, {log}, {images} FROM {clerk}, {auditor}")
    conn.execute(f"REVOKE INSERT ON {images} FROM {auditor}")
    guarded_writes.install(conn, d, events, [clerk, auditor])  # the log and checkpoints through functions only
    conn.execute(f"REVOKE CREATE ON SCHEMA {_ident(schema)} FROM PUBLIC")


def _sqlite_install(conn: Any, d: Dialect) -> None:
    for stmt in (*log_schema(d), *checkpoints.schema(d)):
        conn.execute(stmt)
    for op in ("UPDATE", "DELETE"):
        conn.execute(f"CREATE TRIGGER IF NOT EXISTS ledger_log_refuse_{op.lower()} BEFORE {op} ON {LOG_TABLE} "
                     f"BEGIN SELECT RAISE(ABORT, 'the ledger''s access log is append-only: {op} refused'); END")


def tables(conn: Any, d: Dialect) -> list[str]:
    """The names of the store's tables."""
    if d.config.kind == "postgresql":
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (d.config.schema,)).fetchall()
    else:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return [r[0] for r in rows]


def install(d: Dialect, events: str) -> None:
    """Put the store under access control (idempotent): run by the schema's owner, in one transaction."""
    conn = d.connect()
    try:
        if d.config.kind != "postgresql":
            with d.transaction(conn):
                _sqlite_install(conn, d)
            return
        _check_owner(conn, d)
        others = [t for t in tables(conn, d) if t != events and t not in APPEND_ONLY and not t.endswith("_snapshots")]
        snapshots = [t for t in tables(conn, d) if t.endswith("_snapshots")]
        with d.transaction(conn):
            _pg_install(conn, d, events, others)
            if snapshots:  # eventsourcing's snapshots: clerks add them, nobody rewrites them
                conn.execute(f"GRANT INSERT ON {', '.join(d.table(t) for t in snapshots)} TO "
                             f"{_ident(group_role(d.config.schema or '', 'clerk'))}")
    finally:
        conn.close()


def _check_owner(conn: Any, d: Dialect) -> None:
    row = conn.execute("SELECT pg_get_userbyid(nspowner), current_user FROM pg_namespace WHERE nspname = %s",
                       (d.config.schema,)).fetchone()
    if row is None:
        raise StoreError(f"no ledger at {d.config.location}: record into it first, then grant access")
    if row[0] != row[1]:
        raise StoreError(f"only the store's owner ({row[0]}) may change who has access; this session's role is "
                          f"{row[1]}")


def grant(d: Dialect, events: str, name: str, role: str) -> None:
    """Make `name` (a login role, created if need be) a clerk or an auditor of this store, and nothing else."""
    _pg_only(d)
    check_name(name)
    if role not in ROLES:
        raise StoreError(f"--as must be one of {', '.join(ROLES)}")
    install(d, events)
    schema = d.config.schema or ""
    conn = d.connect()
    try:
        owner = conn.execute("SELECT current_user").fetchone()[0]
        if name == owner:
            raise StoreError(f"{name} owns the store: it needs no grant, and cannot be made a {role}")
        with d.transaction(conn):
            conn.execute(f"DO $$ BEGIN CREATE ROLE {_ident(name)} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; "
                         "END $$")
            for other in ROLES:
                if other != role:
                    conn.execute(f"REVOKE {_ident(group_role(schema, other))} FROM {_ident(name)}")
            conn.execute(f"GRANT {_ident(group_role(schema, role))} TO {_ident(name)}")
    finally:
        conn.close()


def revoke(d: Dialect, name: str) -> Member:
    """Take `name`'s access to this store away (the login role itself stays: other stores may use it)."""
    _pg_only(d)
    check_name(name)
    found = [m for m in members(d) if m.name == name]
    if not found:
        raise StoreError(f"{name} has no access to this store to revoke (`ledger access list` shows who has)")
    conn = d.connect()
    try:
        _check_owner(conn, d)
        with d.transaction(conn):
            for role in ROLES:
                conn.execute(f"REVOKE {_ident(group_role(d.config.schema or '', role))} FROM {_ident(name)}")
    finally:
        conn.close()
    return found[0]


def members(d: Dialect) -> list[Member]:
    """Who is a clerk or an auditor of this store, by name."""
    _pg_only(d)
    schema = d.config.schema or ""
    groups = {group_role(schema, r): r for r in ROLES}
    with d.connect() as conn:
        rows = conn.execute("SELECT g.rolname, m.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid "
                            "JOIN pg_roles m ON m.oid = a.member WHERE g.rolname = ANY(%s) ORDER BY m.rolname",
                            (list(groups),)).fetchall()
    return [Member(m, groups[g]) for g, m in rows]


def _pg_only(d: Dialect) -> None:
    if d.config.kind != "postgresql":
        raise StoreError("roles are PostgreSQL's: a SQLite store is a file, and who may read or write it is the "
                         "file's permissions (`ledger access enable` still keeps the access log)")


Fetch = Callable[[str, Sequence[Any]], list[tuple]]


def session(d: Dialect, events: str, fetch: Fetch) -> tuple[str | None, bool, bool]:
    """(the database role this session logs in as, whether the store is under access control, whether the role
    may append events), asked through a connection the caller holds; (None, False, True) on SQLite, whose actor is
    declared."""
    if d.config.kind != "postgresql":
        return None, False, True
    row = fetch("SELECT current_user::text, EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND "
                "tgname = %s), has_table_privilege(%s, 'INSERT')", (d.table(events), GUARD, d.table(events)))[0]
    return str(row[0]), bool(row[1]), bool(row[2])




def guard_presence(d: Dialect, events: str) -> tuple[str | None, bool]:
    """What is wrong with the presence of a store's guards — a trigger disabled or dropped — and whether the store
    has guards at all (never put under access control: none, and nothing wrong). Whether the guards present are
    defined as the ledger defines them is `ledger.store.guard_definitions.guard_problem`'s."""
    if d.config.kind != "postgresql":
        return _sqlite_guard_presence(d)
    with d.connect() as conn:
        rows = dict(conn.execute("SELECT t.tgname, t.tgenabled FROM pg_trigger t WHERE t.tgrelid = ANY(ARRAY["
                                 "to_regclass(%s), to_regclass(%s), to_regclass(%s)]) AND NOT t.tgisinternal",
                                 (d.table(events), d.table(LOG_TABLE), d.table(blobs.TABLE))).fetchall())
    if not rows:
        return None, False
    for name in (GUARD, GUARD_TRUNCATE, STAMP, LOG_GUARD, LOG_GUARD_TRUNCATE, LOG_STAMP, BLOB_GUARD,
                 BLOB_GUARD_TRUNCATE):
        state = rows.get(name)
        if state is None:
            return f"the trigger {name} was dropped: the store no longer refuses rewrites by itself", True
        if state == "D":
            return (f"the trigger {name} is disabled: someone turned off the store's refusal of rewrites "
                    "(ALTER TABLE … ENABLE TRIGGER restores it; `ledger access grant` reinstalls it)"), True
    return None, True


SQLITE_LOG_TRIGGERS = ("ledger_log_refuse_update", "ledger_log_refuse_delete")


def recorded_by(d: Dialect, events: str, stream_key: Any, fetch: Fetch) -> dict[int, str]:
    """The role the database stamped on each event recorded under access control, by version (PostgreSQL)."""
    if d.config.kind != "postgresql":
        return {}
    try:
        rows = fetch(f"SELECT originator_version, recorded_by FROM {d.table(events)} WHERE originator_id = %s AND "
                     "recorded_by IS NOT NULL", (stream_key,))
    except Exception as e:  # a store never put under access control has no such column
        if "recorded_by" in str(e):
            return {}
        raise
    return {int(v): str(r) for v, r in rows}


def _sqlite_guard_presence(d: Dialect) -> tuple[str | None, bool]:
    """A SQLite store's access log without its triggers (dropped): its lines could be edited unseen until then."""
    conn = d.connect()
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND "
                                            "(name = ? OR tbl_name = ?)", (LOG_TABLE, LOG_TABLE)).fetchall()}
    finally:
        conn.close()
    if LOG_TABLE not in names:
        return None, False
    for trigger in SQLITE_LOG_TRIGGERS:
        if trigger not in names:
            return f"the trigger {trigger} was dropped: the access log no longer refuses edits by itself", True
    return None, True
