"""A PostgreSQL address names one bureau's schema, exactly: no silent `public`, no system schema, no name PostgreSQL
would fold or truncate (two ledgers can never merge), never a password in a message; and several processes opening
a new schema at once all succeed."""

from __future__ import annotations

import re
import subprocess
import sys

import psycopg
import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.conftest import PG_DSN, RUN_ID, new_pg_url, require_postgres

BASE = f"postgresql://{PG_DSN['user']}@{PG_DSN['host']}:{PG_DSN['port']}/{PG_DSN['dbname']}"
RULE = ("a lower-case name of at most 63 characters: letters a–z, digits and '_', starting with a letter or '_'; "
        "not public, information_schema or pg_…")


def run(store: str, *args: str):
    return CliRunner().invoke(cli, ["--store", store, *args], catch_exceptions=False)


# The schemas other test sessions may make meanwhile (xdist's other workers, another checkout's run): each one's
# `new_pg_url()`, t_<run id>_<n>, and PostgreSQL's per-session temporary schemas. A refused address is checked to
# make no other schema: the names it gives (tj, WenLv, t_<this run>_xxx…_bureau_of_culture, …) are never of these.
OTHER_SESSIONS = re.compile(r"t_[0-9a-f]{8}(gw\d+)?_\d+|pg_(toast_)?temp_\d+")


def schemas() -> set[str]:
    with psycopg.connect(**PG_DSN) as conn:
        return {r[0] for r in conn.execute("SELECT nspname FROM pg_namespace") if not OTHER_SESSIONS.fullmatch(r[0])}


@pytest.mark.parametrize("query,message", [
    ("", f"store URL {BASE} names no schema: add ?schema=NAME, one schema per bureau's ledger "
         f"(postgresql://USER@HOST:PORT/DB?schema=NAME; {RULE})"),
    ("?shema=tj", f"store URL {BASE}?shema=tj: unknown parameter 'shema'; the only one is ?schema=NAME "
                  "(postgresql://USER@HOST:PORT/DB?schema=NAME)"),
    ("?schema=", f"store URL {BASE}?schema= has an empty ?schema=: name the bureau's schema ({RULE})"),
    ("?schema=public", "schema 'public' is not a ledger's: give each bureau a schema of its own, e.g. "
                       "?schema=wenlv_ju (public and the system schemas are refused)"),
    ("?schema=pg_catalog", "schema 'pg_catalog' is not a ledger's: give each bureau a schema of its own, e.g. "
                           "?schema=wenlv_ju (public and the system schemas are refused)"),
    ("?schema=information_schema", "schema 'information_schema' is not a ledger's: give each bureau a schema of its "
                                   "own, e.g. ?schema=wenlv_ju (public and the system schemas are refused)"),
    ("?schema=WenLv", "schema 'WenLv' has capitals, which PostgreSQL folds away: write ?schema=wenlv"),
    ("?schema=wen-lv", f"schema 'wen-lv' is not usable: a schema is {RULE}"),
    ("?schema=tj&schema=sw", f"store URL {BASE}?schema=tj&schema=sw names the schema 2 times: give ?schema=NAME once"),
])
@pytest.mark.parametrize("command", [["roster"], ["org", "unit", "TJ", "--name", "区统计局", "--kind", "机关",
                                                  "--effective", "2021-01-01"]])
def test_an_address_without_a_valid_schema_is_refused_with_the_fix(query: str, message: str, command: list[str]) -> None:
    require_postgres()
    before = schemas()
    r = run(BASE + query, *command)
    assert r.exit_code == 1 and r.stderr == f"Error: {message}\n"
    assert schemas() == before


def test_two_long_names_are_never_truncated_into_one_schema() -> None:
    from ledger.model.errors import quoted

    require_postgres()
    before = schemas()
    for tail in ("_bureau_of_culture", "_bureau_of_commerce"):
        name = f"t_{RUN_ID}_" + "x" * 50 + tail  # both longer than 63 bytes, equal in their first 63
        r = run(f"{BASE}?schema={name}", "org", "unit", "TJ", "--name", "区统计局", "--kind", "机关",
                "--effective", "2021-01-01")
        shown = quoted(name)  # a refusal quotes at most 80 characters of a value
        assert r.exit_code == 1 and r.stderr == f"Error: schema {shown} is not usable: a schema is {RULE}\n"
    assert schemas() == before


@pytest.mark.parametrize("address,shown", [
    ("postgresql://clerk:hunter2@127.0.0.1:xx/test?schema=tj", "postgresql://clerk:***@127.0.0.1:xx/test?schema=tj"),
    ("postgresql://clerk:hunter2@/test?schema=tj", "postgresql://clerk:***@/test?schema=tj"),
    ("mysql://clerk:hunter2@db/x", "mysql://clerk:***@db/x"),
])
def test_a_password_is_never_printed(address: str, shown: str) -> None:
    r = run(address, "roster")
    assert r.exit_code == 1 and "hunter2" not in r.output and shown in r.stderr


def test_a_refused_login_does_not_print_the_password() -> None:
    require_postgres()
    url = new_pg_url().replace(f"{PG_DSN['user']}@", f"no_such_role_{RUN_ID}:hunter2@")
    r = run(url, "org", "unit", "TJ", "--name", "区统计局", "--kind", "机关", "--effective", "2021-01-01")
    assert r.exit_code == 1 and "hunter2" not in r.output
    assert r.stderr.startswith("Error: the PostgreSQL server refused the login for postgresql://no_such_role_")


def test_processes_opening_a_new_schema_at_once_all_succeed() -> None:
    """Each round: six processes open the same new schema at the same moment and record a unit each."""
    code = "from cli.main import cli; cli(prog_name='ledger')"
    for _round in range(3):
        url = new_pg_url()
        procs = [subprocess.Popen([sys.executable, "-c", code, "--store", url, "--actor", f"c{i}", "org", "unit",
                                   f"U{i}", "--name", f"区第{i}局", "--kind", "机关", "--effective", "2021-01-01"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(6)]
        results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
        assert all(code == 0 for code, _ in results), results
        r = run(url, "log", "--json")
        assert r.exit_code == 0 and r.stdout.count('"unit_established"') == 6
