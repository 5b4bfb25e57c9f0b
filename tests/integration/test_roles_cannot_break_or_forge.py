"""Nobody inside the database can break or forge the access log or the checkpoints (issue 25's findings, each tried
as the role that found it, logged in with psycopg).

An auditor once could INSERT one line into the access log (`seq` at the top of BIGINT, a chain that is not hex) and
every logged read failed for everyone; a clerk or an auditor could INSERT a forged checkpoint that the compliance
snapshot then carried. Now roles write both only through functions the database checks, a malformed line (left
by the owner, or by a store from before) never stops a read, and `verify` names it as what it is.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import orjson
import psycopg
import pytest

from ledger.store.access_log import GENESIS, link
from tests.conftest import PG_DSN, Ledger, new_pg_role, new_pg_url
from tests.integration.test_access_roles_and_log import as_role, ok, run, schema_of, sql

HUGE = 9223372036854775807
FORGED = orjson.dumps({"forged": True, "format": "personnel-ledger/checkpoint/v1", "events": 3,
                       "head": "0" * 64, "signature": "AA==", "public_key": "AA=="}).decode()


@pytest.fixture(scope="module")
def bureau(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    from tests.scenarios import small_bureau

    url = new_pg_url()
    path = tmp_path_factory.mktemp("forge") / "bureau.jsonl"
    path.write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in small_bureau()))
    Ledger(url).ok("import", str(path))
    clerk, auditor = new_pg_role("fclerk"), new_pg_role("fauditor")
    ok(url, "access", "grant", clerk, "--as", "clerk")
    ok(url, "access", "grant", auditor, "--as", "auditor")
    return {"owner": url, "clerk": clerk, "auditor": auditor, "s": f'"{schema_of(url)}"'}


@pytest.mark.parametrize("who", ["auditor", "clerk"])
def test_a_role_cannot_insert_into_the_access_log(bureau: dict[str, str], who: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        sql(bureau[who], f"INSERT INTO {bureau['s']}.access_log VALUES ({HUGE}, now()::text, %s, 'x', NULL, NULL, "
                         "'x')", (bureau[who],))
    auditor = as_role(bureau["owner"], bureau["auditor"])
    ok(auditor, "history", "S01")  # every reader still reads, and is logged
    assert ok(bureau["owner"], "verify").exit_code == 0


@pytest.mark.parametrize("who", ["auditor", "clerk"])
def test_a_role_cannot_insert_or_keep_a_forged_checkpoint(bureau: dict[str, str], who: str) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        sql(bureau[who], f"INSERT INTO {bureau['s']}.checkpoints VALUES (99, %s)", (FORGED,))
    for body in (FORGED, '{"forged":true}', "not json", "x" * 10000):
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            sql(bureau[who], f"SELECT {bureau['s']}.ledger_keep_checkpoint(%s)", (body,))
    assert ok(bureau["owner"], "verify").exit_code == 0


def test_lines_added_through_the_function_are_numbered_stamped_and_chained_by_the_database(
        bureau: dict[str, str]) -> None:
    seq = sql(bureau["auditor"], f"SELECT {bureau['s']}.ledger_log_read('history', %s, %s)",
              ('S"0\\1 中', "网页 \u2028"))[0][0]
    line = sql(PG_DSN["user"], f"SELECT seq, at, actor, action, person, detail, chain FROM {bureau['s']}.access_log "
                               "WHERE seq = %s", (seq,))[0]
    assert line[2] == bureau["auditor"]  # the reader is the session's role, whatever the caller claims
    prev = sql(PG_DSN["user"], f"SELECT chain FROM {bureau['s']}.access_log WHERE seq = %s", (seq - 1,))
    assert link(prev[0][0] if prev else GENESIS, *line[:6]) == line[6]  # the ledger's own hash of the line
    assert ok(bureau["owner"], "verify").exit_code == 0
    for bad in (("history", "x" * 201, None), ("history", "S01\x1b[31m", None), (None, None, None)):
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            sql(bureau["auditor"], f"SELECT {bureau['s']}.ledger_log_read(%s, %s, %s)", bad)


def test_a_malformed_line_left_in_the_log_stops_no_read_and_verify_names_it(tmp_path: Path) -> None:
    """As if left by a store from before (the owner may still INSERT): at the top of BIGINT, chain not hex."""
    from tests.integration.test_access_roles_and_log import own_bureau

    url = own_bureau(tmp_path)
    auditor = new_pg_role("fpeek")
    ok(url, "access", "grant", auditor, "--as", "auditor")
    ok(as_role(url, auditor), "history", "S01")
    s = f'"{schema_of(url)}"'
    sql(PG_DSN["user"], f"INSERT INTO {s}.access_log VALUES ({HUGE}, now()::text, %s, 'x', NULL, NULL, 'x')",
        (PG_DSN["user"],))
    sql(PG_DSN["user"], f"INSERT INTO {s}.access_log VALUES (2, now()::text, %s, 'x', NULL, NULL, 'zz')",
        (PG_DSN["user"],))
    for reader in (as_role(url, auditor), url):
        ok(reader, "history", "S02")  # logged after them, by every reader
    lines = orjson.loads(ok(url, "access", "log", "--json").stdout)
    assert [x["seq"] for x in lines] == [1, 2, 3, 4, HUGE]
    r = run(url, "verify")
    assert r.exit_code == 1 and "access-log line 2 is malformed (its chain is not a SHA-256 hash)" in r.output
    assert "inserted into the table directly" in r.output and "deleted" not in r.output


def test_a_forged_checkpoint_left_by_the_owner_is_not_carried_and_verify_names_it(tmp_path: Path) -> None:
    from tests.integration.test_access_roles_and_log import own_bureau

    url = own_bureau(tmp_path)
    key = tmp_path / "k"
    ok(url, "keygen", "--signing", "-o", str(key))
    ok(url, "checkpoint", "--key", str(key), "-o", str(tmp_path / "c.json"))
    sql(PG_DSN["user"], f'INSERT INTO "{schema_of(url)}".checkpoints VALUES (2, %s)', (FORGED,))
    out = tmp_path / "snap.json"
    ok(url, "export", "compliance-snapshot", "--as-of", "2022-12-31", "-o", str(out))
    carried = orjson.loads(out.read_bytes())["ledger"]["checkpoint"]
    assert carried == orjson.loads((tmp_path / "c.json").read_bytes())  # the sound one, not the forgery
    r = run(url, "verify")
    assert r.exit_code == 1 and "checkpoint 2 kept in the store does not hold (it is not signed" in r.output


def test_sqlite_a_malformed_line_stops_no_read_and_verify_names_it(sqlite_ledger: Ledger, bureau_lines,
                                                                    write_jsonl) -> None:
    sqlite_ledger.ok("import", str(write_jsonl(bureau_lines)))
    sqlite_ledger.ok("access", "enable")
    sqlite_ledger.ok("history", "S03")
    with sqlite3.connect(sqlite_ledger.store) as conn:
        conn.execute(f"INSERT INTO access_log VALUES ({HUGE}, 'now', 'x', 'x', NULL, NULL, 'x')")
        conn.execute("INSERT INTO checkpoints VALUES (1, ?)", (FORGED,))
    sqlite_ledger.ok("history", "S02")
    assert [x["seq"] for x in sqlite_ledger.json("access", "log")] == [1, 2, HUGE]
    r = sqlite_ledger("verify")
    assert r.exit_code == 1 and f"access-log line {HUGE} is malformed (its number" in r.output
