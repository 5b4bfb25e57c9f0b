"""Writes the database itself checks: on PostgreSQL, clerks and auditors add access-log lines and checkpoints only
through functions owned by the store's owner (SECURITY DEFINER), never by INSERT.

Why: a role with INSERT on the access log could add a line the ledger would never write (a line number at the top
of BIGINT, a chain that is not hex), after which every logged read failed for everyone, and the owner could not
remove it (the log is append-only). Now the database numbers each line, stamps its time and reader (the session's
login role) and computes its chain, so a role can add only true lines; `ledger_keep_checkpoint` takes a
checkpoint's JSON only in the checkpoint's shape and, in a plain store, only when its head is the chain the store
holds at its event count (its Ed25519 signature is checked by the ledger when it reads a kept checkpoint back).

`install` is called by `ledger.store.access` when a store is put under access control (idempotent); the expected
definitions are also what `ledger verify` compares the database's with (`ledger.store.guard_definitions`).
"""

from __future__ import annotations

from typing import Any

from ledger.store import checkpoints
from ledger.store.access_log import CAP, GENESIS, LOG_FUNCTION, LOG_TABLE
from ledger.store.dialect import Dialect

TEXT_LIMIT = 200  # an access-log field longer than this is not one the ledger writes
CHECKPOINT_LIMIT = 8192  # bytes of a checkpoint's JSON


def log_actor_sql(d: Dialect) -> str:
    """The access log's insert trigger: a line names the session's login role (through `ledger_log_read`, whose
    own role is the owner's, `session_user` is still the reader's)."""
    return f"""CREATE OR REPLACE FUNCTION {d.table("ledger_log_actor")}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.actor IS DISTINCT FROM session_user::text THEN
    RAISE EXCEPTION 'an access-log line names reader %, but the session''s role is %', NEW.actor, session_user
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$"""


def log_function_sql(d: Dialect) -> str:
    """`ledger_log_read(action, person, detail)`: one line, numbered, timed and chained by the database, in the
    same JSON the ledger hashes (`ledger.store.access_log.link`)."""
    log = d.table(LOG_TABLE)
    checks = " OR ".join(f"({a} IS NOT NULL AND (length({a}) > {TEXT_LIMIT} OR {a} ~ '[[:cntrl:]]'))"
                         for a in ("p_action", "p_person", "p_detail"))
    return f"""CREATE OR REPLACE FUNCTION {d.table(LOG_FUNCTION)}(p_action text, p_person text, p_detail text)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  next_seq bigint; prev text; stamp text; line text; who text := session_user::text;
BEGIN
  IF p_action IS NULL OR {checks} THEN
    RAISE EXCEPTION 'an access-log line holds plain text of at most {TEXT_LIMIT} characters'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  LOCK TABLE {log} IN SHARE ROW EXCLUSIVE MODE;
  SELECT max(seq) INTO next_seq FROM {log} WHERE seq BETWEEN 1 AND {CAP};
  next_seq := coalesce(next_seq, 0) + 1;
  SELECT chain INTO prev FROM {log} WHERE seq BETWEEN 1 AND {CAP} AND chain ~ '^[0-9a-f]{{64}}$'
    ORDER BY seq DESC LIMIT 1;
  prev := coalesce(prev, '{GENESIS}');
  stamp := to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '+00:00';
  line := '[' || next_seq || ',' || to_json(stamp)::text || ',' || to_json(who)::text || ','
    || to_json(p_action)::text || ',' || coalesce(to_json(p_person)::text, 'null') || ','
    || coalesce(to_json(p_detail)::text, 'null') || ']';
  INSERT INTO {log} (seq, at, actor, action, person, detail, chain)
    VALUES (next_seq, stamp, who, p_action, p_person, p_detail,
            encode(sha256(decode(prev, 'hex') || convert_to(line, 'UTF8')), 'hex'));
  RETURN next_seq;
END $$"""


def checkpoint_function_sql(d: Dialect, events: str) -> str:
    """`ledger_keep_checkpoint(body)`: a checkpoint kept only in its shape, and (plain store) at the true head."""
    table, ev = d.table(checkpoints.TABLE), d.table(events)
    return f"""CREATE OR REPLACE FUNCTION {d.table(checkpoints.KEEP_FUNCTION)}(body text)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  doc jsonb; n bigint; stored bytea; next_seq bigint;
BEGIN
  IF body IS NULL OR octet_length(body) > {CHECKPOINT_LIMIT} THEN
    RAISE EXCEPTION 'a checkpoint is a JSON object of at most {CHECKPOINT_LIMIT} bytes'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  BEGIN
    doc := body::jsonb;
  EXCEPTION WHEN others THEN
    RAISE EXCEPTION 'a checkpoint is a JSON object' USING ERRCODE = 'invalid_parameter_value';
  END;
  IF jsonb_typeof(doc) <> 'object' OR doc->>'format' IS DISTINCT FROM '{checkpoints.FORMAT}'
     OR jsonb_typeof(doc->'events') <> 'number' OR coalesce(doc->>'head', '') !~ '^[0-9a-f]{{64}}$'
     OR jsonb_typeof(doc->'signature') <> 'string' OR jsonb_typeof(doc->'public_key') <> 'string' THEN
    RAISE EXCEPTION 'not a signed checkpoint ({checkpoints.FORMAT}): refused'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  n := (doc->>'events')::bigint;
  SELECT e.state INTO stored FROM {ev} e WHERE e.originator_version = n
    ORDER BY e.originator_version LIMIT 1;
  IF stored IS NULL THEN
    RAISE EXCEPTION 'the checkpoint names event %, which the store does not hold: refused', n
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF get_byte(stored, 0) = 123
     AND (convert_from(stored, 'UTF8')::jsonb ->> 'chain') IS DISTINCT FROM doc->>'head' THEN
    RAISE EXCEPTION 'the checkpoint''s head is not the chain the store holds at event %: refused', n
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE;
  SELECT coalesce(max(seq), 0) + 1 INTO next_seq FROM {table};
  INSERT INTO {table} (seq, body) VALUES (next_seq, body);
  RETURN next_seq;
END $$"""


def install(conn: Any, d: Dialect, events: str, groups: list[str]) -> None:
    """Make the functions, and let the group roles write the log and checkpoints through them only."""
    log, kept = d.table(LOG_TABLE), d.table(checkpoints.TABLE)
    conn.execute(log_function_sql(d))
    conn.execute(checkpoint_function_sql(d, events))
    functions = (f"{d.table(LOG_FUNCTION)}(text, text, text), {d.table(checkpoints.KEEP_FUNCTION)}(text)")
    conn.execute(f"REVOKE ALL ON FUNCTION {functions} FROM PUBLIC")
    for group in groups:
        conn.execute(f"REVOKE INSERT ON {log}, {kept} FROM {group}")
        conn.execute(f"GRANT EXECUTE ON FUNCTION {functions} TO {group}")


