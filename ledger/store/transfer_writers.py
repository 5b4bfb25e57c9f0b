"""Who may write a district's transfers: the clerks of its bureaus, and for nothing else (PostgreSQL).

`ledger transfer-out` and `ledger accept-transfer` are run by a bureau's clerk, who must add a transfer to the
district's stream as well as the 调出 or the arrival to the bureau's own. A clerk of a bureau is not a clerk of the
district (who could register and remove bureaus); instead the district has a third group role,
`<district>_transfer`, granted to each registered bureau's clerk group (`<schema>_clerk`). It may read the district
and append to it as a clerk does — the events, the derived tables the writers keep, snapshots, the access log and
checkpoints through their functions — and a trigger on the district's events table refuses any row it inserts whose
topic is not a transfer's (the owner, superusers and the district's own clerks pass). A district auditor stays an
auditor: reads, and writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from ledger.store import access, blobs, guarded_writes
from ledger.store.dialect import Dialect

ROLE = "transfer"
TRIGGER = "ledger_transfers_only"
FUNCTION = "ledger_transfers_only"
TRANSFER_TOPICS = ("ledger.domain:Ledger.TransferSent", "ledger.domain:Ledger.TransferAccepted")


def body(transfer_group: str, clerk_group: str) -> str:
    """The trigger function's body: a member of the transfer group (and not of the district's clerks) inserts
    transfers only."""
    topics = ", ".join(f"'{t}'" for t in TRANSFER_TOPICS)
    return f"""
BEGIN
  IF pg_has_role(current_user, '{transfer_group}', 'MEMBER')
     AND NOT pg_has_role(current_user, '{clerk_group}', 'MEMBER')
     AND NEW.topic NOT IN ({topics}) THEN
    RAISE EXCEPTION 'a bureau''s clerk records only transfers in the district: % refused (role %)', NEW.topic,
      current_user USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END """


def install(d: Dialect, events: str, bureau_clerks: Sequence[str]) -> str:
    """Make the district's transfer group (idempotent), let it append transfers only, and grant it to the bureaus'
    clerk groups; run by the owner of the district, after `access.install`. Returns the group's name."""
    schema = d.config.schema or ""
    group = access.group_role(schema, ROLE)
    ident = access._ident
    g, clerk = ident(group), access.group_role(schema, "clerk")
    ev = d.table(events)
    conn = d.connect()
    try:
        others = [t for t in access.tables(conn, d) if t != events and t not in access.APPEND_ONLY]
        with d.transaction(conn):
            conn.execute(f"DO $$ BEGIN CREATE ROLE {g} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
            conn.execute(f"GRANT USAGE ON SCHEMA {ident(schema)} TO {g}")
            conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {ident(schema)} TO {g}")
            conn.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {ident(schema)} GRANT SELECT ON TABLES TO {g}")
            conn.execute(f"GRANT INSERT ON {ev} TO {g}")
            conn.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {ident(schema)} TO {g}")
            snapshots = [d.table(t) for t in others if t.endswith("_snapshots")]
            derived = [d.table(t) for t in others if not t.endswith("_snapshots")]
            if snapshots:
                conn.execute(f"GRANT INSERT ON {', '.join(snapshots)} TO {g}")
            if derived:
                conn.execute(f"GRANT INSERT, UPDATE, DELETE ON {', '.join(derived)} TO {g}")
            conn.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {ev} FROM {g}")
            conn.execute(f"REVOKE ALL ON {d.table(blobs.TABLE)} FROM {g}")
            conn.execute(f"GRANT SELECT ON {d.table(blobs.TABLE)} TO {g}")
            guarded_writes.install(conn, d, events, [g])
            fn = d.table(FUNCTION)
            conn.execute(f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS "
                         f"$${body(group, clerk)}$$")
            conn.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {ev}")
            conn.execute(f"CREATE TRIGGER {TRIGGER} BEFORE INSERT ON {ev} FOR EACH ROW EXECUTE FUNCTION {fn}()")
            for bureau_clerk in bureau_clerks:
                conn.execute(f"GRANT {g} TO {ident(bureau_clerk)}")
    finally:
        conn.close()
    return group
