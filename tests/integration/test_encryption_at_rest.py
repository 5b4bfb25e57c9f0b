"""Encryption at rest and the store's files: no recorded name in the bytes of an encrypted store, the wrong key,
no key and mixed writes refused with nothing written; a new SQLite store and its -wal/-shm are owner-only."""

from __future__ import annotations

import base64
import os
import sqlite3
import stat
from pathlib import Path

import orjson
import pytest

from ledger.app.ledger import open_ledger
from ledger.app.sources import read_source
from ledger.model.facts import Draft
from ledger.store.crypto import new_key
from tests.audit_bureau import NAMES, opening, year_2022
from tests.conftest import Ledger


def drafts(lines: list[dict]) -> list[Draft]:
    return [Draft(line["event"], {k: v for k, v in line.items() if k != "event"}) for line in lines]


def needles() -> list[bytes]:
    """Each name as UTF-8 and as a JSON \\u escape, so neither spelling can hide in the store."""
    out = []
    for name in NAMES:
        out.append(name.encode())
        out.append(orjson.dumps(name).strip(b'"'))
        out.append(name.encode("unicode_escape").replace(b"\\u", b"\\\\u"))
        out.append(name.encode("unicode_escape"))
    return out


def names_in(data: bytes) -> list[str]:
    return sorted({n.decode("unicode_escape", "ignore") if b"\\" in n else n.decode() for n in needles() if n in data})


def store_bytes(path: Path) -> bytes:
    return b"".join(Path(f"{path}{suffix}").read_bytes() for suffix in ("", "-wal", "-shm")
                    if Path(f"{path}{suffix}").exists())


def row_count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM stored_events").fetchone()[0]


def key_env(key: str | None, compress: bool = False) -> dict[str, str | None]:
    return {"LEDGER_ENCRYPTION_KEY": key, "LEDGER_COMPRESS": "1" if compress else None}


@pytest.mark.parametrize("compress", [False, True], ids=["encrypted", "encrypted+compressed"])
def test_an_encrypted_sqlite_store_holds_no_name_in_its_file_or_wal(tmp_path: Path, compress: bool):
    path = tmp_path / "ledger.sqlite3"
    env = {"LEDGER_ENCRYPTION_KEY": new_key(), **({"LEDGER_COMPRESS": "1"} if compress else {})}
    app = open_ledger(str(path), extra_env=env)
    app.append(drafts(opening() + year_2022()), actor="clerk")
    wal = Path(f"{path}-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the connection is open: the latest pages are in the WAL
    assert names_in(store_bytes(path)) == []
    assert read_source(app).roster(__import__("datetime").date(2022, 12, 31))["people"][0]["name"] in NAMES
    app.close()
    assert names_in(store_bytes(path)) == []


def test_the_same_bureau_in_a_plain_store_shows_its_names(tmp_path: Path):
    """The control: the check above finds names where they are."""
    path = tmp_path / "ledger.sqlite3"
    app = open_ledger(str(path))
    app.append(drafts(opening() + year_2022()), actor="clerk")
    assert set(names_in(store_bytes(path))) == set(NAMES)
    app.close()


def test_an_encrypted_postgresql_table_holds_no_name(pg_store: str):
    import psycopg

    key = new_key()
    app = open_ledger(pg_store, extra_env={"LEDGER_ENCRYPTION_KEY": key})
    app.append(drafts(opening() + year_2022()), actor="clerk")
    e, table = app.config.env, f'"{app.config.schema}"."{app.recorder.events_table_name}"'
    app.close()
    with psycopg.connect(host=e["POSTGRES_HOST"], port=e["POSTGRES_PORT"], dbname=e["POSTGRES_DBNAME"],
                         user=e["POSTGRES_USER"]) as conn:
        rows = conn.execute(f"SELECT topic, state FROM {table}").fetchall()
    assert len(rows) == len(opening() + year_2022()) + 1
    assert names_in(b"".join(t.encode() + bytes(s) for t, s in rows)) == []
    reopened = open_ledger(pg_store, extra_env={"LEDGER_ENCRYPTION_KEY": key})
    assert {p["name"] for p in read_source(reopened).roster(__import__("datetime").date(2021, 1, 1))["people"]} <= set(NAMES)
    reopened.close()


@pytest.fixture
def encrypted(ledger: Ledger, write_jsonl) -> tuple[Ledger, str]:
    key = new_key()
    ledger.ok("import", str(write_jsonl(opening())), env=key_env(key))
    return ledger, key


def events(ledger: Ledger, key: str | None) -> int:
    r = ledger("log", "--json", env=key_env(key))
    assert r.exit_code == 0, r.output
    return len(orjson.loads(r.stdout))


def test_the_wrong_key_is_refused_and_nothing_is_written(encrypted, write_jsonl):
    ledger, key = encrypted
    before = events(ledger, key)
    wrong = key_env(new_key())
    r = ledger("log", env=wrong)
    assert r.exit_code == 1
    assert "Error: LEDGER_ENCRYPTION_KEY does not open" in r.output and "wrong key" in r.output
    r = ledger("import", str(write_jsonl(year_2022())), env=wrong)
    assert r.exit_code == 1 and "wrong key" in r.output
    assert events(ledger, key) == before
    assert ledger("verify", env=key_env(key)).exit_code == 0


def test_no_key_is_refused_and_nothing_is_written(encrypted, write_jsonl):
    ledger, key = encrypted
    before = events(ledger, key)
    for args in (("roster", "--as-of", "2022-01-01"), ("import", str(write_jsonl(year_2022()))), ("verify",)):
        r = ledger(*args, env=key_env(None))
        assert r.exit_code == 1, args
        assert "is encrypted: set LEDGER_ENCRYPTION_KEY" in r.output
    assert events(ledger, key) == before


def test_plain_writes_into_an_encrypted_store_and_the_reverse_are_refused(encrypted, write_jsonl, tmp_path: Path):
    ledger, key = encrypted
    plain = Ledger(str(tmp_path / "plain.sqlite3"))
    plain.ok("import", str(write_jsonl(opening())))
    n = plain.event_count()
    r = plain("import", str(write_jsonl(year_2022())), env=key_env(key))
    assert r.exit_code == 1
    assert "is not encrypted" in r.output and "refusing to mix" in r.output
    assert plain.event_count() == n
    r = ledger("hire", "T09", "--name", "张某", "--gender", "男", "--birth-date", "1990-01-01", "--unit", "TJ",
               "--establishment", "行政编制", "--rank", "一级科员", "--mode", "录用", "--effective", "2022-01-01",
               env=key_env(None))
    assert r.exit_code == 1 and "refusing to mix" in r.output


def test_compression_must_match_the_store(ledger: Ledger, write_jsonl):
    key = new_key()
    ledger.ok("import", str(write_jsonl(opening())), env=key_env(key, compress=True))
    r = ledger("log", env=key_env(key))
    assert r.exit_code == 1 and "written compressed: set LEDGER_COMPRESS=1" in r.output
    assert ledger("log", env=key_env(key, compress=True)).exit_code == 0


@pytest.mark.parametrize("bad", ["not a key!", base64.b64encode(b"0123456789").decode()])
def test_a_malformed_key_is_refused_with_how_to_make_one(sqlite_ledger: Ledger, bad: str):
    r = sqlite_ledger("log", env={"LEDGER_ENCRYPTION_KEY": bad})
    assert r.exit_code == 1
    assert "LEDGER_ENCRYPTION_KEY" in r.output and "ledger keygen" in r.output
    assert not Path(sqlite_ledger.store).exists()  # refused before the store was made


def test_tampering_with_an_encrypted_store_is_named(encrypted):
    ledger, key = encrypted
    env = key_env(key)
    assert ledger("verify", env=env).exit_code == 0
    from tests.store_tables import Table

    os.environ["LEDGER_ENCRYPTION_KEY"] = key
    try:
        table = Table(ledger.store)
    finally:
        del os.environ["LEDGER_ENCRYPTION_KEY"]
    (ta, sa), (tb, sb) = table.row(6), table.row(9)
    table.set_state(6, sb, tb)  # AES-GCM does not bind a payload to its row; the chain does
    table.set_state(9, sa, ta)
    r = ledger("verify", "--json", env=env)
    assert r.exit_code == 1 and orjson.loads(r.stdout)["problem"]["event_id"] == 6
    table.set_state(6, sa, ta)
    table.set_state(9, sb, tb)
    assert ledger("verify", env=env).exit_code == 0
    state = table.row(11)[1]
    table.set_state(11, state[:40] + bytes([state[40] ^ 0xFF]) + state[41:])  # one byte changed, whatever it was
    r = ledger("verify", env=env)
    assert r.exit_code == 1 and "event 11: its stored bytes were changed" in r.output


def test_keygen_prints_a_fresh_base64_aes_key(sqlite_ledger: Ledger):
    a, b = sqlite_ledger.ok("keygen").stdout.strip(), sqlite_ledger.ok("keygen").stdout.strip()
    assert a != b and len(base64.b64decode(a)) == 32
    assert len(base64.b64decode(sqlite_ledger.ok("keygen", "--bytes", "16").stdout.strip())) == 16
    assert not Path(sqlite_ledger.store).exists()  # keygen needs no store


def test_a_new_sqlite_store_and_its_wal_files_are_owner_only(tmp_path: Path):
    old = os.umask(0o022)  # a permissive umask, as a clerk's shell may have
    try:
        path = tmp_path / "ledger.sqlite3"
        app = open_ledger(str(path))
        app.append(drafts(opening()), actor="clerk")
        files = [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
        assert len(files) == 3
        for p in files:
            assert stat.S_IMODE(p.stat().st_mode) == 0o600, (p, oct(p.stat().st_mode))
        app.close()
    finally:
        os.umask(old)
