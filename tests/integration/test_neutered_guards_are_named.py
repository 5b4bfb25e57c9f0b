"""A guard left in place but made harmless (its function's body replaced, its trigger given a condition that is
never true, the log's writing function no longer run as the owner, a SQLite trigger replaced by `SELECT 1`) is
named by `ledger verify`, as a dropped or disabled one always was; reinstalling the guards makes verify pass."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import PG_DSN, Ledger, new_pg_role
from tests.integration.test_access_roles_and_log import EVENTS, ok, own_bureau, run, schema_of, sql

NEUTERED = {
    "refuse body": ("CREATE OR REPLACE FUNCTION {s}.ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$BEGIN RETURN COALESCE(NEW, OLD); END$$", "the guard function ledger_refuse_change was replaced"),
    "stamp body": ("CREATE OR REPLACE FUNCTION {s}.ledger_stamp_actor() RETURNS trigger LANGUAGE plpgsql AS "
                   "$$BEGIN RETURN NEW; END$$", "the guard function ledger_stamp_actor was replaced"),
    "never-true condition": ("DROP TRIGGER ledger_guard ON {s}.{e}\nCREATE TRIGGER ledger_guard BEFORE UPDATE OR "
                             "DELETE ON {s}.{e} FOR EACH ROW WHEN (false) EXECUTE FUNCTION {s}.ledger_refuse_change()",
                             "the trigger ledger_guard was redefined"),
    "another function": ("CREATE FUNCTION {s}.nothing() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; "
                         "END$$\nDROP TRIGGER ledger_log_guard ON {s}.access_log\nCREATE TRIGGER ledger_log_guard "
                         "BEFORE UPDATE OR DELETE ON {s}.access_log FOR EACH ROW EXECUTE FUNCTION {s}.nothing()",
                         "the trigger ledger_log_guard was redefined"),
    "log writer as the caller": ("ALTER FUNCTION {s}.ledger_log_read(text, text, text) SECURITY INVOKER",
                                 "the guard function ledger_log_read was replaced"),
}


@pytest.mark.parametrize("case", NEUTERED)
def test_a_neutered_postgresql_guard_is_named_by_verify(tmp_path: Path, case: str) -> None:
    url = own_bureau(tmp_path)
    auditor = new_pg_role("guardcheck")
    ok(url, "access", "grant", auditor, "--as", "auditor")
    assert ok(url, "verify").exit_code == 0
    statement, said = NEUTERED[case]
    for part in statement.split("\n"):  # one statement a line
        sql(PG_DSN["user"], part.format(s=f'"{schema_of(url)}"', e=EVENTS))
    r = run(url, "--lang", "en", "verify")
    assert r.exit_code == 1 and "FAILED at the store's guard" in r.output and said in r.output, r.output
    if case == "refuse body":  # what the neutered guard let through
        sql(PG_DSN["user"], f'UPDATE "{schema_of(url)}".{EVENTS} SET topic = topic WHERE originator_version = 1')
    ok(url, "access", "grant", auditor, "--as", "auditor")  # reinstalls every guard as the ledger defines it
    assert ok(url, "verify").exit_code == 0


def test_a_sqlite_trigger_replaced_by_select_1_is_named_by_verify(sqlite_ledger: Ledger, bureau_lines,
                                                                  write_jsonl) -> None:
    sqlite_ledger.ok("import", str(write_jsonl(bureau_lines)))
    sqlite_ledger.ok("access", "enable")
    sqlite_ledger.ok("history", "S03")
    sqlite_ledger.ok("verify")
    with sqlite3.connect(sqlite_ledger.store) as conn:
        conn.execute("DROP TRIGGER ledger_log_refuse_update")
        conn.execute("CREATE TRIGGER ledger_log_refuse_update BEFORE UPDATE ON access_log BEGIN SELECT 1; END")
    r = sqlite_ledger("--lang", "en", "verify")
    assert r.exit_code == 1 and "the trigger ledger_log_refuse_update was replaced by another definition" in r.output
