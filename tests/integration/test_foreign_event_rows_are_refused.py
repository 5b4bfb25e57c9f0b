"""A row put into the events table by hand (a clerk's raw SQL INSERT on PostgreSQL, anyone's on a SQLite file), even
one carrying a correctly recomputed chain, is never read as a fact: the writer refuses to record after it, naming
it, without importing anything the row names, and `ledger verify` names it as what it is."""

from __future__ import annotations

import hashlib
import sqlite3
import uuid

import orjson
import psycopg
import pytest

from ledger.store.aggregate import TOPIC_NAMES
from tests.conftest import PG_DSN, Ledger, new_pg_role, run_ledger
from tests.integration.test_access_roles_and_log import EVENTS, as_role, run, schema_of

QUOTA = next(t for t, n in TOPIC_NAMES.items() if n == "quota_set")
OPENED = "ledger.domain:Ledger.Opened"
ZEN = "Beautiful is better than ugly"  # what `import this` prints


def _state(prev: str, topic: str, extra: dict) -> bytes:
    state = {"timestamp": {"_type_": "datetime_iso", "_data_": "2022-01-01T00:00:00+00:00"},
             "effective": {"_type_": "date_iso", "_data_": "2022-01-01"}, **extra}
    body = orjson.dumps(state, option=orjson.OPT_SORT_KEYS)
    state["chain"] = hashlib.sha256(bytes.fromhex(prev) + topic.encode() + b"\x00" + body).hexdigest()
    return orjson.dumps(state)


CASES = {
    "a module's topic": ("this:s", {}, "has the topic 'this:s', which is none of the ledger's event types"),
    "a second opening": (OPENED, {"name": "ledger"}, "claims to open the stream, which only event 1 does"),
    "five megabytes": (QUOTA, {"note": "x" * 5_000_000}, "bytes stored, more than any fact the ledger writes"),
    "fields missing": (QUOTA, {"actor": None}, "cannot be read as a quota_set fact"),
}


def _insert_sqlite(store: str, topic: str, extra: dict) -> int:
    with sqlite3.connect(store) as conn:
        oid, version, state = conn.execute("SELECT originator_id, originator_version, state FROM stored_events "
                                           "ORDER BY originator_version DESC LIMIT 1").fetchone()
        conn.execute("INSERT INTO stored_events (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)",
                     (oid, version + 1, topic, _state(orjson.loads(state)["chain"], topic, extra)))
    return version + 1


def _insert_pg(url: str, role: str, topic: str, extra: dict) -> int:
    table = f'"{schema_of(url)}".{EVENTS}'
    with psycopg.connect(**{**PG_DSN, "user": role}, autocommit=True) as conn:
        oid, version, state = conn.execute(f"SELECT originator_id, originator_version, state FROM {table} "
                                           "ORDER BY originator_version DESC LIMIT 1").fetchone()
        if extra.get("actor", "") is None:
            extra = {**extra, "actor": None}
        conn.execute(f"INSERT INTO {table} (originator_id, originator_version, topic, state) VALUES (%s, %s, %s, %s)",
                     (uuid.UUID(str(oid)), version + 1, topic, _state(orjson.loads(bytes(state))["chain"], topic,
                                                                           extra)))
    return version + 1


@pytest.fixture
def recorded(store: str, write_jsonl, bureau_lines) -> tuple[Ledger, str | None]:
    owner = Ledger(store)
    owner.ok("import", str(write_jsonl(bureau_lines)))
    if not store.startswith("postgresql"):
        return owner, None
    clerk = new_pg_role("rawclerk")
    owner.ok("access", "grant", clerk, "--as", "clerk")
    return owner, clerk


@pytest.mark.parametrize("case", CASES)
def test_a_row_inserted_by_hand_is_refused_by_the_writer_and_named_by_verify(recorded, write_jsonl,
                                                                             case: str) -> None:
    owner, clerk = recorded
    topic, extra, said = CASES[case]
    before = owner.json("verify")["events"]
    version = (_insert_pg(owner.store, clerk, topic, extra) if clerk else _insert_sqlite(owner.store, topic, extra))
    line = [{"event": "quota_set", "effective": "2022-06-01", "unit": "SJ", "establishment": "行政编制", "count": 9}]
    as_owner = (lambda *a: run(owner.store, *a)) if clerk else owner
    r = as_owner("import", str(write_jsonl(line, "more.jsonl")))
    assert r.exit_code == 1 and f"event {version} " in r.output and said in r.output, r.output
    assert "Traceback" not in r.output and "LEDGER_DEBUG" not in r.output
    r = as_owner("--lang", "en", "verify")
    assert r.exit_code == 1 and said in r.output, r.output
    assert f"FAILED at event {version}" in r.output
    if case != "fields missing":  # its chain holds: the rows before it are not named
        assert f"Events 1–{before} verify" in r.output


def test_a_topic_naming_a_module_is_never_imported(recorded, write_jsonl) -> None:
    owner, clerk = recorded
    if clerk:
        _insert_pg(owner.store, clerk, "this:s", {})
    else:
        _insert_sqlite(owner.store, "this:s", {})
    path = write_jsonl([{"event": "quota_set", "effective": "2022-06-01", "unit": "SJ", "establishment": "行政编制",
                         "count": 9}], "more.jsonl")
    for args in (("import", str(path)), ("roster", "--as-of", "2022-12-31"), ("verify",)):
        r = run_ledger("--store", owner.store, "--actor", "tester", *args) if not clerk else \
            run_ledger("--store", owner.store, *args)
        assert r.returncode == 1 and ZEN not in r.stdout + r.stderr, (args, r.stdout, r.stderr)
        assert "'this:s'" in r.stdout + r.stderr
    if clerk:  # the clerk's own writer refuses too
        r = run_ledger("--store", as_role(owner.store, clerk), "import", str(path))
        assert r.returncode == 1 and ZEN not in r.stdout + r.stderr and "'this:s'" in r.stderr


PROMOTED = next(t for t, n in TOPIC_NAMES.items() if n == "rank_promoted")
WELL_SHAPED = {  # a row of a known type, every field there, its chain recomputed: what the entry rules refuse
    "bidi text": (QUOTA, {"actor": "clerk", "unit": "SJ", "establishment": "行政编制", "count": 9,
                          "note": "批准\u202e"}, "holds an invisible format character (U+202E)"),
    "the year 1": (QUOTA, {"actor": "clerk", "unit": "SJ", "establishment": "行政编制", "count": 9,
                           "effective": {"_type_": "date_iso", "_data_": "0001-01-01"}}, "is dated 0001-01-01"),
    "no such person": (PROMOTED, {"actor": "clerk", "person": "ZZ99", "rank": "一级主任科员"},
                       "about ZZ99, whom no fact brings into the ledger"),
}


@pytest.mark.parametrize("case", WELL_SHAPED)
def test_a_well_shaped_row_the_ledger_would_not_write_is_named_by_verify(recorded, case: str) -> None:
    owner, clerk = recorded
    topic, extra, said = WELL_SHAPED[case]
    extra = {**extra, "actor": clerk} if clerk else extra  # on PostgreSQL the database checks the actor is the role
    assert owner.json("verify")["ok"]
    version = (_insert_pg(owner.store, clerk, topic, extra) if clerk else _insert_sqlite(owner.store, topic, extra))
    r = owner("--lang", "en", "verify")
    assert r.exit_code == 1 and said in r.output and f"FAILED at event {version}" in r.output, r.output
