"""Who may write, who may only read, who looked at whose file: PostgreSQL roles, the guard, the access log.

A bureau's owner puts its store under access control with `ledger access grant`; clerks and auditors then log in
as their own PostgreSQL roles. Each forbidden act is tried directly in SQL (logged in as the role with psycopg) and
through the CLI.
"""

from __future__ import annotations

import sqlite3
from urllib.parse import parse_qs, urlparse

import orjson
import psycopg
import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from tests.conftest import PG_DSN, Ledger, new_pg_role, new_pg_url

EVENTS = "personnelledger_events"


def as_role(url: str, role: str) -> str:
    return url.replace(f"//{PG_DSN['user']}@", f"//{role}@", 1)


def run(store: str, *args: str, actor: str | None = None) -> Result:
    """The CLI as a person logged in to `store` runs it (no --actor unless given)."""
    head = ["--store", store] + (["--actor", actor] if actor else [])
    return CliRunner().invoke(cli, [*head, *args], catch_exceptions=False)


def ok(store: str, *args: str) -> Result:
    r = run(store, *args)
    assert r.exit_code == 0, f"ledger {' '.join(args)} exited {r.exit_code}:\n{r.output}"
    return r


def sql(role: str, statement: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(**{**PG_DSN, "user": role}, autocommit=True) as conn:
        cur = conn.execute(statement, params)
        return cur.fetchall() if cur.description else []


def schema_of(url: str) -> str:
    return parse_qs(urlparse(url).query)["schema"][0]


@pytest.fixture(scope="module")
def bureau(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A PostgreSQL store with a small bureau recorded by its owner, one clerk and one auditor."""
    from tests.scenarios import small_bureau

    url = new_pg_url()
    path = tmp_path_factory.mktemp("bureau") / "bureau.jsonl"
    path.write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in small_bureau()))
    owner = Ledger(url)
    owner.ok("import", str(path))
    clerk, auditor = new_pg_role("clerk"), new_pg_role("auditor")
    assert "now a clerk" in owner.ok("--lang", "en", "access", "grant", clerk, "--as", "clerk").output
    assert "now an auditor" in owner.ok("--lang", "en", "access", "grant", auditor, "--as", "auditor").output
    return {"owner": url, "clerk": clerk, "auditor": auditor, "schema": schema_of(url), "dir": str(path.parent)}


def write_event(folder: str, name: str, count: int) -> str:
    path = f"{folder}/{name}.jsonl"
    with open(path, "wb") as f:
        f.write(orjson.dumps({"event": "quota_set", "effective": "2022-01-01", "unit": "SJ",
                              "establishment": "行政编制", "count": count}) + b"\n")
    return path


def events(url: str) -> int:
    return len(orjson.loads(ok(url, "log", "--json").stdout))


def test_access_list_names_each_role_and_what_it_may_do(bureau: dict[str, str]) -> None:
    listed = orjson.loads(ok(bureau["owner"], "access", "list", "--json").stdout)
    assert {"name": bureau["clerk"], "as": "clerk"} in listed
    assert {"name": bureau["auditor"], "as": "auditor"} in listed


def test_an_auditor_reads_every_answer_and_creates_nothing(bureau: dict[str, str]) -> None:
    owner, auditor = bureau["owner"], as_role(bureau["owner"], bureau["auditor"])
    tables = "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s"
    before = sql(PG_DSN["user"], tables, (bureau["schema"],))
    for args in (("roster", "--as-of", "2022-12-31", "--json"), ("history", "S03", "--json"), ("log", "--json"),
                 ("units", "--as-of", "2022-12-31", "--json"), ("diff", "--from", "2021-01-01", "--to", "2022-12-31",
                                                                 "--json"), ("verify", "--json")):
        assert ok(auditor, *args).stdout == ok(owner, *args).stdout, args
    checked = run(auditor, "check", "--as-of", "2022-12-31", "--json")  # exit 1: the bureau has findings
    assert checked.stdout == run(owner, "check", "--as-of", "2022-12-31", "--json").stdout
    assert sql(PG_DSN["user"], tables, (bureau["schema"],)) == before


def test_an_auditor_reads_correctly_when_the_timeline_is_behind(bureau: dict[str, str]) -> None:
    owner, auditor = bureau["owner"], as_role(bureau["owner"], bureau["auditor"])
    current = ok(auditor, "roster", "--as-of", "2022-12-31", "--json").stdout
    table = f'"{bureau["schema"]}".timeline_tracking'
    sql(PG_DSN["user"], f"UPDATE {table} SET position = position - 3")
    try:
        behind = run(auditor, "roster", "--as-of", "2022-12-31", "--json")
        assert behind.exit_code == 0 and behind.stdout == current
        assert "answered from the events" in behind.stderr
    finally:
        ok(owner, "rebuild")


@pytest.mark.parametrize("statement", [
    "INSERT INTO {s}.{e} (originator_id, originator_version, topic, state) VALUES (gen_random_uuid(), 1, 't', '')",
    "UPDATE {s}.{e} SET topic = topic",
    "DELETE FROM {s}.{e}",
    "TRUNCATE {s}.{e}",
    "CREATE TABLE {s}.mine (x int)",
    "UPDATE {s}.timeline_people SET unit = unit",
])
def test_an_auditor_cannot_append_change_delete_or_create_in_sql(bureau: dict[str, str], statement: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        sql(bureau["auditor"], statement.format(s=f'"{bureau["schema"]}"', e=EVENTS))


def test_an_auditor_cannot_record_through_the_cli(bureau: dict[str, str]) -> None:
    auditor = as_role(bureau["owner"], bureau["auditor"])
    before = events(bureau["owner"])
    r = run(auditor, "import", write_event(bureau["dir"], "auditor", 11))
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "may not record" in r.output and "nothing was written" in r.output
    assert events(bureau["owner"]) == before


def test_a_clerk_appends_as_its_role_and_another_actor_is_refused(bureau: dict[str, str]) -> None:
    clerk = as_role(bureau["owner"], bureau["clerk"])
    before = events(bureau["owner"])
    refused = run(clerk, "import", write_event(bureau["dir"], "forged", 12), actor="区委组织部部长")
    assert refused.exit_code == 1
    assert "is not this session's database role" in refused.output and "nothing was written" in refused.output
    assert events(bureau["owner"]) == before
    ok(clerk, "import", write_event(bureau["dir"], "clerk", 13))
    last = orjson.loads(ok(bureau["owner"], "log", "--json").stdout)[-1]
    assert last["actor"] == bureau["clerk"] and last["count"] == 13
    row = sql(PG_DSN["user"], f'SELECT recorded_by FROM "{bureau["schema"]}".{EVENTS} ORDER BY notification_id DESC '
                              "LIMIT 1")
    assert row == [(bureau["clerk"],)]  # written by the database itself


def test_the_database_refuses_an_event_whose_actor_is_not_the_role(bureau: dict[str, str]) -> None:
    state = orjson.dumps({"actor": "区委组织部部长", "effective": {"_type_": "date_iso", "_data_": "2022-01-01"}})
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="the session's role is"):
        sql(bureau["clerk"], f'INSERT INTO "{bureau["schema"]}".{EVENTS} (originator_id, originator_version, topic, '
                             "state) VALUES (gen_random_uuid(), 1, 't', %s)", (state,))


@pytest.mark.parametrize("statement", ["UPDATE {s}.{e} SET topic = topic", "DELETE FROM {s}.{e}", "TRUNCATE {s}.{e}",
                                       "UPDATE {s}.access_log SET actor = actor", "DELETE FROM {s}.access_log"])
def test_a_clerk_cannot_change_or_delete_events_or_the_access_log(bureau: dict[str, str], statement: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        sql(bureau["clerk"], statement.format(s=f'"{bureau["schema"]}"', e=EVENTS))


@pytest.mark.parametrize("statement", ["UPDATE {s}.{e} SET topic = topic", "DELETE FROM {s}.{e}", "TRUNCATE {s}.{e}"])
def test_even_the_owner_cannot_change_or_delete_events(bureau: dict[str, str], statement: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        sql(PG_DSN["user"], statement.format(s=f'"{bureau["schema"]}"', e=EVENTS))


def test_every_read_of_a_persons_file_is_logged_with_the_readers_role(bureau: dict[str, str]) -> None:
    auditor, clerk = as_role(bureau["owner"], bureau["auditor"]), as_role(bureau["owner"], bureau["clerk"])
    ok(auditor, "history", "S02")
    ok(clerk, "resume", "S02")
    ok(auditor, "roster", "--as-of", "2022-12-31")
    lines = orjson.loads(ok(auditor, "access", "log", "--person", "S02", "--json").stdout)
    assert [(x["actor"], x["action"]) for x in lines] == [(bureau["auditor"], "history"), (bureau["clerk"], "resume")]
    mine = orjson.loads(ok(auditor, "access", "log", "--actor", bureau["auditor"], "--json").stdout)
    assert mine[-1]["action"] == "roster_overview" and mine[-1]["person"] is None  # a whole roster: one line
    assert ok(auditor, "verify").exit_code == 0


def test_disabling_the_guard_is_reported_by_verify(bureau: dict[str, str]) -> None:
    table = f'"{bureau["schema"]}".{EVENTS}'
    sql(PG_DSN["user"], f"ALTER TABLE {table} DISABLE TRIGGER ledger_guard")
    try:
        r = run(bureau["owner"], "verify")
        assert r.exit_code == 1 and "ledger_guard is disabled" in r.output
    finally:
        sql(PG_DSN["user"], f"ALTER TABLE {table} ENABLE TRIGGER ledger_guard")
    assert ok(bureau["owner"], "verify").exit_code == 0


def test_an_access_log_line_changed_by_the_owner_is_caught_by_verify(tmp_path) -> None:
    url = own_bureau(tmp_path)
    auditor = new_pg_role("peeker")
    ok(url, "access", "grant", auditor, "--as", "auditor")
    ok(as_role(url, auditor), "history", "S01")
    log = f'"{schema_of(url)}".access_log'
    sql(PG_DSN["user"], f"ALTER TABLE {log} DISABLE TRIGGER ledger_log_guard")
    try:
        sql(PG_DSN["user"], f"UPDATE {log} SET person = 'S09' WHERE person = 'S01'")
    finally:
        sql(PG_DSN["user"], f"ALTER TABLE {log} ENABLE TRIGGER ledger_log_guard")
    r = run(url, "verify")
    assert r.exit_code == 1 and "FAILED at the access log" in r.output and "was changed" in r.output


def own_bureau(tmp_path) -> str:
    """A PostgreSQL store of its own with the small bureau recorded (for tests that damage it)."""
    from tests.scenarios import small_bureau

    url = new_pg_url()
    path = tmp_path / "b.jsonl"
    path.write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in small_bureau()))
    Ledger(url).ok("import", str(path))
    return url


def test_revoked_roles_lose_their_access(tmp_path) -> None:
    url = own_bureau(tmp_path)
    clerk = new_pg_role("gone")
    ok(url, "access", "grant", clerk, "--as", "clerk")
    assert "no longer a clerk" in ok(url, "access", "revoke", clerk).output
    assert orjson.loads(ok(url, "access", "list", "--json").stdout) == []
    r = run(as_role(url, clerk), "import", write_event(str(tmp_path), "late", 14))
    assert r.exit_code == 1 and "lacks a permission" in r.output  # no longer even reads the schema
    again = run(url, "access", "revoke", clerk)
    assert again.exit_code == 1 and "has no access" in again.output


def test_a_role_other_than_the_owner_cannot_grant(bureau: dict[str, str]) -> None:
    r = run(as_role(bureau["owner"], bureau["clerk"]), "access", "grant", bureau["auditor"], "--as", "clerk")
    assert r.exit_code == 1 and "only the store's owner" in r.output


def test_sqlite_keeps_the_access_log_and_catches_a_changed_line(sqlite_ledger: Ledger, bureau_lines, write_jsonl) -> None:
    sqlite_ledger.ok("import", str(write_jsonl(bureau_lines)))
    sqlite_ledger.ok("access", "enable")
    sqlite_ledger.ok("history", "S03")  # read-only opening: the line is written on a connection of its own
    sqlite_ledger.ok("roster", "--as-of", "2022-12-31")
    lines = sqlite_ledger.json("access", "log")
    assert [(x["actor"], x["action"], x["person"]) for x in lines] == [("tester", "history", "S03"),
                                                                       ("tester", "roster_overview", None)]
    conn = sqlite3.connect(sqlite_ledger.store)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM access_log")
    conn.execute("DROP TRIGGER ledger_log_refuse_update")
    conn.execute("UPDATE access_log SET actor = 'someone' WHERE seq = 1")
    conn.commit()
    conn.close()
    r = sqlite_ledger("verify")
    assert r.exit_code == 1 and "ledger_log_refuse_update was dropped" in r.output
    sqlite_ledger.ok("access", "enable")  # the trigger back: the changed line is still evident
    r = sqlite_ledger("verify")
    assert r.exit_code == 1 and "access-log line 1 was changed" in r.output


def test_exports_naming_a_person_or_a_roster_are_logged(sqlite_ledger: Ledger, bureau_lines, write_jsonl,
                                                        tmp_path) -> None:
    sqlite_ledger.ok("import", str(write_jsonl(bureau_lines)))
    sqlite_ledger.ok("access", "enable")
    sqlite_ledger.ok("export", "appointment-form", "--person", "S03", "--as-of", "2022-12-31", "-o",
                     str(tmp_path / "form.lrmx"))
    sqlite_ledger.ok("export", "roster", "--as-of", "2022-12-31", "--format", "json", "-o", str(tmp_path / "r.json"))
    lines = sqlite_ledger.json("access", "log")
    assert [(x["action"], x["person"]) for x in lines] == [("appointment_form", "S03"), ("roster", None)]


def test_roles_are_postgresqls_a_sqlite_store_says_so(sqlite_ledger: Ledger, bureau_lines, write_jsonl) -> None:
    sqlite_ledger.ok("import", str(write_jsonl(bureau_lines)))
    r = sqlite_ledger("access", "grant", "someone", "--as", "clerk")
    assert r.exit_code == 1 and "roles are PostgreSQL's" in r.output


def test_the_web_person_page_is_one_logged_read(sqlite_ledger: Ledger, bureau_lines, write_jsonl) -> None:
    from tests.web_support import web_client

    sqlite_ledger.ok("import", str(write_jsonl(bureau_lines)))
    sqlite_ledger.ok("access", "enable")
    with web_client(sqlite_ledger.store) as client:
        assert client.get("/person/S03").status_code == 200
        assert client.get("/api/history/S02").status_code == 200
    lines = sqlite_ledger.json("access", "log")
    assert [(x["action"], x["person"], x["detail"]) for x in lines] == [("person_page", "S03", "web"),
                                                                         ("history", "S02", "web")]


def test_an_auditor_reading_as_a_subprocess_is_logged(bureau: dict[str, str]) -> None:
    from tests.conftest import run_ledger

    auditor = as_role(bureau["owner"], bureau["auditor"])
    r = run_ledger("--store", auditor, "history", "S01", "--json")
    assert r.returncode == 0, r.stderr
    last = orjson.loads(ok(bureau["owner"], "access", "log", "--json").stdout)[-1]
    assert (last["actor"], last["action"], last["person"]) == (bureau["auditor"], "history", "S01")


def test_an_auditor_signs_and_checks_a_checkpoint_kept_in_the_store(bureau: dict[str, str], tmp_path) -> None:
    auditor = as_role(bureau["owner"], bureau["auditor"])
    key = tmp_path / "auditor-key"
    ok(auditor, "keygen", "--signing", "-o", str(key))
    ok(auditor, "checkpoint", "--key", str(key), "-o", str(tmp_path / "c.json"))
    r = ok(auditor, "verify", "--checkpoint", str(tmp_path / "c.json"), "--public-key", f"{key}.pub")
    assert r.output.startswith("OK:")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        sql(bureau["auditor"], f'DELETE FROM "{bureau["schema"]}".checkpoints')


def test_an_actor_forged_inside_an_encrypted_event_is_caught_by_verify(tmp_path) -> None:
    """The insert trigger cannot read an encrypted payload; the role it stamps on the row shows the forgery."""
    from ledger.app import new_key
    from ledger.app.ledger import open_ledger
    from ledger.model.facts import Draft

    key = {"LEDGER_ENCRYPTION_KEY": new_key()}
    url = new_pg_url()
    owner = Ledger(url)
    path = tmp_path / "b.jsonl"
    from tests.scenarios import small_bureau

    path.write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in small_bureau()))
    owner.ok("import", str(path), env=key)
    clerk = new_pg_role("forger")
    owner.ok("access", "grant", clerk, "--as", "clerk", env=key)
    app = open_ledger(as_role(url, clerk), extra_env=key)
    try:
        app._role = (clerk, False, True)  # a client that skips the ledger's own check of --actor
        app.append([Draft("quota_set", {"effective": "2022-01-01", "unit": "SJ", "establishment": "行政编制",
                                        "count": "15"})], actor="区委组织部部长")
    finally:
        app.close()
    r = owner("verify", env=key)
    assert r.exit_code == 1 and "names 区委组织部部长 as its actor, but the database recorded it from the role" \
        in r.output
