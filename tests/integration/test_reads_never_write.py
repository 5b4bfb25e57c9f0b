"""Reading never writes: a read of a store that is not there says "no ledger at …" and creates nothing; reads work on
read-only media, in a read-only PostgreSQL session and for a role that may only SELECT."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.audit_bureau import opening, year_2022
from tests.conftest import PG_DSN, ROOT, RUN_ID, Ledger, new_pg_url
from tests.safety import fingerprint

NO_LEDGER = "check --store (or $LEDGER_STORE); a ledger is created by the first event recorded into it, never by a read"
READS = [
    ("roster", "--as-of", "2022-12-31"), ("roster", "--json"), ("history", "T02"), ("log", "--json"),
    ("diff", "--from", "2021-12-31", "--to", "2022-12-31"), ("check", "--as-of", "2022-12-31"), ("verify",),
    ("digest",),
]


def answered(args: tuple[str, ...], code: int) -> bool:
    """A read answered: exit 0, or for `check` 1 when it lists findings (its documented exit code)."""
    return code == 0 or (args[0] == "check" and code == 1)


@pytest.mark.parametrize("args", READS, ids=lambda a: " ".join(a[:2]))
def test_a_read_of_a_missing_sqlite_store_creates_nothing(tmp_path: Path, args: tuple[str, ...]) -> None:
    store = tmp_path / "ledgr.sqlite3"  # a typo for ledger.sqlite3
    r = Ledger(str(store))(*args)
    assert r.exit_code == 1 and r.stderr == f"Error: no ledger at {store}: {NO_LEDGER}\n"
    assert list(tmp_path.iterdir()) == []


def test_an_export_of_a_missing_store_writes_no_document(tmp_path: Path) -> None:
    r = Ledger(str(tmp_path / "ledgr.sqlite3"))("export", "roster", "--as-of", "2022-12-31", "-o",
                                                 str(tmp_path / "roster.csv"))
    assert r.exit_code == 1 and "no ledger at" in r.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content,why", [(b"", " (it holds no ledger)"), (b"name,rank\n", None)])
def test_a_file_that_holds_no_ledger_is_not_one(tmp_path: Path, content: bytes, why: str | None) -> None:
    store = tmp_path / "ledger.sqlite3"
    store.write_bytes(content)
    r = Ledger(str(store))("roster")
    assert r.exit_code == 1
    if why is not None:
        assert r.stderr == f"Error: no ledger at {store}{why}: {NO_LEDGER}\n"
    else:
        assert r.stderr == f"Error: {store} is not a ledger store (not a SQLite database); check --store\n"
    assert store.read_bytes() == content and sorted(p.name for p in tmp_path.iterdir()) == ["ledger.sqlite3"]


def test_a_read_of_a_missing_postgres_schema_creates_nothing() -> None:
    url = new_pg_url()
    schema = url.rsplit("=", 1)[1]
    r = Ledger(url)("roster")
    assert r.exit_code == 1 and r.stderr == (f"Error: no ledger at {url} (there is no schema {schema}): {NO_LEDGER}\n")
    with psycopg.connect(**PG_DSN, autocommit=True) as conn:
        assert conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone() is None
        conn.execute(f'CREATE SCHEMA "{schema}"')  # a schema, but no ledger in it
    r = Ledger(url)("log")
    assert r.exit_code == 1 and r.stderr == f"Error: no ledger at {url} (it holds no ledger): {NO_LEDGER}\n"
    with psycopg.connect(**PG_DSN) as conn:
        assert conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = %s",
                            (schema,)).fetchone()[0] == 0


# --- read-only media --------------------------------------------------------------------------------------------
@pytest.fixture
def read_only_copy(sqlite_ledger: Ledger, write_jsonl) -> Iterator[Path]:
    """The bureau's store copied into a folder where neither it nor its folder can be written (by `nobody`)."""
    sqlite_ledger.ok("import", str(write_jsonl([*opening(), *year_2022()])))
    folder = Path(tempfile.mkdtemp(prefix="ledger-ro-"))
    store = folder / "ledger.sqlite3"
    shutil.copy(sqlite_ledger.store, store)
    os.chmod(store, 0o444)
    os.chmod(folder, 0o555)
    yield store
    os.chmod(folder, 0o755)
    shutil.rmtree(folder)


def as_reader(*args: str) -> subprocess.CompletedProcess:
    """The `ledger` command as a user that cannot write the copy. Root may write anything: it runs in a user
    namespace of its own (`unshare --user`), where it keeps its files but loses the power to override their modes."""
    code = "from cli.main import cli; cli(prog_name='ledger')"
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("unshare") is None or subprocess.run(["unshare", "--user", "true"]).returncode != 0:
            pytest.skip("running as root without user namespaces: cannot make a file read-only to the test")
        prefix = ["unshare", "--user"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([*prefix, sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
                          env=env, cwd="/")


def test_reads_work_on_read_only_media_and_change_nothing(read_only_copy: Path) -> None:
    before = fingerprint(str(read_only_copy))
    for args in READS + [("export", "roster", "--as-of", "2022-12-31", "--format", "json", "-o", "/dev/stdout")]:
        r = as_reader("--store", str(read_only_copy), *args)
        assert answered(args, r.returncode), (args, r.stderr)
        assert "Traceback" not in r.stderr and not r.stderr.startswith("Error"), (args, r.stderr)
    assert fingerprint(str(read_only_copy)) == before
    assert sorted(p.name for p in read_only_copy.parent.iterdir()) == ["ledger.sqlite3"]


def test_recording_on_read_only_media_is_refused_in_a_sentence(read_only_copy: Path) -> None:
    before = fingerprint(str(read_only_copy))
    r = as_reader("--store", str(read_only_copy), "promote", "T05", "--rank", "四级主任科员", "--effective", "2025-01-01")
    assert r.returncode == 1 and r.stderr.startswith("Error: ") and "Traceback" not in r.stderr, r.stderr
    assert fingerprint(str(read_only_copy)) == before


# --- PostgreSQL sessions and roles that may only read --------------------------------------------------------------
@pytest.fixture
def pg_bureau(pg_store: str, write_jsonl) -> Ledger:
    ledger = Ledger(pg_store)
    ledger.ok("import", str(write_jsonl([*opening(), *year_2022()])))
    return ledger


def test_reads_work_in_a_read_only_postgres_session(pg_bureau: Ledger, tmp_path: Path) -> None:
    env = {"PGOPTIONS": "-c default_transaction_read_only=on"}
    before = fingerprint(pg_bureau.store)
    for args in READS:
        r = pg_bureau(*args, env=env)
        assert answered(args, r.exit_code) and not r.stderr.startswith("Error"), (args, r.stderr)
    r = pg_bureau("promote", "T05", "--rank", "四级主任科员", "--effective", "2025-01-01", env=env)
    assert r.exit_code == 1 and r.stderr.startswith(f"Error: the store {pg_bureau.store} may only be read here")
    assert fingerprint(pg_bureau.store) == before


@pytest.fixture
def reader_role(pg_bureau: Ledger) -> Iterator[str]:
    """A role that may only read the bureau's schema: USAGE on it and SELECT on its tables, nothing else."""
    schema, role = pg_bureau.store.rsplit("=", 1)[1], f"reader_{RUN_ID}"
    with psycopg.connect(**PG_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN')
        conn.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"')
        conn.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"')
    yield pg_bureau.store.replace(f"//{PG_DSN['user']}@", f"//{role}@")
    with psycopg.connect(**PG_DSN, autocommit=True) as conn:
        conn.execute(f'DROP OWNED BY "{role}"')
        conn.execute(f'DROP ROLE "{role}"')


def test_a_role_that_may_only_select_reads_everything(pg_bureau: Ledger, reader_role: str, tmp_path: Path) -> None:
    reader = Ledger(reader_role)
    before = fingerprint(pg_bureau.store)
    for args in READS:
        r = reader(*args)
        assert answered(args, r.exit_code) and not r.stderr.startswith("Error"), (args, r.output)
    assert reader("roster", "--as-of", "2022-12-31", "--json").stdout == \
        pg_bureau("roster", "--as-of", "2022-12-31", "--json").stdout
    out = tmp_path / "report.docx"
    assert reader("export", "yearly-report", "--year", "2022", "-o", str(out)).exit_code == 0
    r = reader("promote", "T05", "--rank", "四级主任科员", "--effective", "2025-01-01")
    assert r.exit_code == 1 and r.stderr.startswith("Error: ") and "Traceback" not in r.output, r.output
    assert fingerprint(pg_bureau.store) == before
