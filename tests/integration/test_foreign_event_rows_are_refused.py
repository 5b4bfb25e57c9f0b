"""A row put into the events table by hand (a clerk's raw SQL INSERT on PostgreSQL, anyone's on a SQLite file), even
one carrying a correctly recomputed chain, is never read as a fact and never stops a read: every reader passes over
it with one notice naming it, without importing anything the row names; a writer refuses to record after it, naming
it; `ledger verify` names it as what it is; and once the owner quarantines it, reading and writing go on with no
notice."""

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
from tests.web_support import web_client

QUOTA = next(t for t, n in TOPIC_NAMES.items() if n == "quota_set")
PROMOTED = next(t for t, n in TOPIC_NAMES.items() if n == "rank_promoted")
OPENED = "ledger.domain:Ledger.Opened"
ZEN = "Beautiful is better than ugly"  # what `import this` prints
BAD_CHAIN = "0" * 64
GAP = 2  # a row inserted this many versions past the last


def _state(prev: str, topic: str, extra: dict) -> bytes:
    extra = dict(extra)
    chain, _step = extra.pop("chain", None), extra.pop("step", 1)
    state = {"timestamp": {"_type_": "datetime_iso", "_data_": "2022-01-01T00:00:00+00:00"},
             "effective": {"_type_": "date_iso", "_data_": "2022-01-01"}, **extra}
    body = orjson.dumps(state, option=orjson.OPT_SORT_KEYS)
    state["chain"] = chain or hashlib.sha256(bytes.fromhex(prev) + topic.encode() + b"\x00" + body).hexdigest()
    return orjson.dumps(state)


QUOTA_ROW = {"unit": "SJ", "establishment": "行政编制", "count": 9}
CASES = {  # what a clerk's INSERT holds, and what the ledger says of it
    "a module's topic": ("this:s", {}, "has the topic 'this:s', which is none of the ledger's event types"),
    "a second opening": (OPENED, {"name": "ledger"}, "claims to open the stream, which only event 1 does"),
    "five megabytes": (QUOTA, {"note": "x" * 5_000_000}, "bytes stored, more than any fact the ledger writes"),
    "fields missing": (QUOTA, {"actor": None}, "cannot be read as a quota_set fact"),
    "a version gap": (QUOTA, {"actor": "clerk", **QUOTA_ROW, "step": GAP}, "the numbers between are missing"),
    "a bad chain": (QUOTA, {"actor": "clerk", **QUOTA_ROW, "chain": BAD_CHAIN},
                    "chain does not follow the event before it"),
    "no such person": (PROMOTED, {"actor": "clerk", "person": "ZZ99", "rank": "一级主任科员"},
                       "about ZZ99, whom no fact brings into the ledger"),
    "the year 1": (QUOTA, {"actor": "clerk", **QUOTA_ROW, "effective": {"_type_": "date_iso", "_data_": "0001-01-01"}},
                   "is dated 0001-01-01"),
    "bidi text": (QUOTA, {"actor": "clerk", **QUOTA_ROW, "note": "批准\u202e"},
                  "holds an invisible format character (U+202E)"),
}
# verify finds these by the chain first, and says so as the chain's break
CHAIN_SAYS = {"a version gap": "missing from the store", "a bad chain": "its content was changed"}


def _insert_sqlite(store: str, topic: str, extra: dict) -> int:
    with sqlite3.connect(store) as conn:
        oid, version, state = conn.execute("SELECT originator_id, originator_version, state FROM stored_events "
                                           "ORDER BY originator_version DESC LIMIT 1").fetchone()
        step = extra.get("step", 1)
        conn.execute("INSERT INTO stored_events (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)",
                     (oid, version + step, topic, _state(orjson.loads(state)["chain"], topic, extra)))
    return version + step


def _insert_pg(url: str, role: str, topic: str, extra: dict) -> int:
    table = f'"{schema_of(url)}".{EVENTS}'
    with psycopg.connect(**{**PG_DSN, "user": role}, autocommit=True) as conn:
        oid, version, state = conn.execute(f"SELECT originator_id, originator_version, state FROM {table} "
                                           "ORDER BY originator_version DESC LIMIT 1").fetchone()
        if extra.get("actor", "") is None:
            extra = {**extra, "actor": None}
        step = extra.get("step", 1)
        conn.execute(f"INSERT INTO {table} (originator_id, originator_version, topic, state) VALUES (%s, %s, %s, %s)",
                     (uuid.UUID(str(oid)), version + step, topic, _state(orjson.loads(bytes(state))["chain"], topic,
                                                                              extra)))
    return version + step


def insert(owner: Ledger, clerk: str | None, case: str) -> int:
    """The case's row, inserted by hand (on PostgreSQL by the clerk's own login, its actor the clerk's role)."""
    topic, extra, _said = CASES[case]
    if clerk:
        extra = {**extra, "actor": clerk} if extra.get("actor") else extra
        return _insert_pg(owner.store, clerk, topic, extra)
    return _insert_sqlite(owner.store, topic, extra)


@pytest.fixture
def recorded(store: str, write_jsonl, bureau_lines) -> tuple[Ledger, str | None]:
    owner = Ledger(store)
    owner.ok("import", str(write_jsonl(bureau_lines)))
    if not store.startswith("postgresql"):
        return owner, None
    clerk = new_pg_role("rawclerk")
    owner.ok("access", "grant", clerk, "--as", "clerk")
    return owner, clerk


MORE = [{"event": "quota_set", "effective": "2022-06-01", "unit": "SJ", "establishment": "行政编制", "count": 9}]


def _notices(output: str, version: int) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(f"Note: event {version} was passed over")]


@pytest.mark.parametrize("case", CASES)
def test_a_row_inserted_by_hand_never_stops_a_read_and_the_owner_quarantines_it(recorded, write_jsonl,
                                                                               case: str) -> None:
    owner, clerk = recorded
    _topic, _extra, said = CASES[case]
    as_owner = (lambda *a: run(owner.store, *a)) if clerk else owner
    as_clerk = (lambda *a: run(as_role(owner.store, clerk), *a)) if clerk else owner
    roster = owner.json("roster", "--as-of", "2022-12-31")
    history = owner.json("history", "S03")
    before = owner.json("verify")["events"]
    version = insert(owner, clerk, case)

    # every reader reads as before, told once which row was passed over and why
    for who in (as_owner, as_clerk):
        r = who("roster", "--as-of", "2022-12-31", "--json")
        assert r.exit_code == 0, r.output
        assert _json(r.stdout) == roster
        notes = _notices(r.stderr, version)
        assert len(notes) == 1 and said in notes[0] and f"ledger quarantine {version}" in notes[0], r.stderr
        r = who("history", "S03", "--json")
        assert r.exit_code == 0 and _json(r.stdout) == history, r.output
        assert len(_notices(r.stderr, version)) == 1, r.stderr
        r = who("check", "--as-of", "2022-12-31")
        assert r.exit_code in (0, 1) and "Traceback" not in r.output and len(_notices(r.stderr, version)) == 1
    with web_client(owner.store if not clerk else as_role(owner.store, clerk)) as client:
        r = client.get("/api/roster", params={"as_of": "2022-12-31"})
        assert r.status_code == 200 and r.json()["people"] == roster["people"], r.text
        assert client.get("/api/units", params={"as_of": "2022-12-31"}).status_code == 200

    # a writer, any writer, refuses to record after it, naming it; nothing is written
    for who in (as_owner, as_clerk):
        r = who("import", str(write_jsonl(MORE)))
        assert r.exit_code == 1 and f"event {version} " in r.output and said in r.output, r.output
        assert f"ledger quarantine {version}" in r.output and "Traceback" not in r.output
    # verify names it as what it is
    r = as_owner("verify")
    assert r.exit_code == 1 and CHAIN_SAYS.get(case, said) in r.output, r.output
    if case not in CHAIN_SAYS:
        assert f"FAILED at event {version}" in r.output, r.output
    if case in ("a module's topic", "a second opening", "five megabytes"):  # the chain holds up to it
        assert f"Events 1–{before} verify" in r.output, r.output

    # the owner quarantines it: reading and writing go on, for everyone, with no notice
    r = as_owner("quarantine", str(version), "--reason", "inserted by hand with psql")
    assert r.exit_code == 0, r.output
    for who in (as_owner, as_clerk):
        r = who("roster", "--as-of", "2022-12-31", "--json")
        assert r.exit_code == 0 and _json(r.stdout) == roster and "Note:" not in r.stderr, r.output
    r = as_clerk("import", str(write_jsonl(MORE)))
    assert r.exit_code == 0 and "Note:" not in r.stderr, r.output
    r = as_owner("verify")
    assert r.exit_code == 0 and f"Quarantined: event {version} " in r.output, r.output
    r = as_owner("roster", "--as-of", "2022-12-31")
    assert r.exit_code == 0 and "Note:" not in r.stderr, r.output
    status = owner.json("verify")
    assert status["ok"] and status["quarantined"][0]["event_id"] == version


def _json(text: str):
    return orjson.loads(text)


def test_a_topic_naming_a_module_is_never_imported(recorded, write_jsonl) -> None:
    owner, clerk = recorded
    insert(owner, clerk, "a module's topic")
    path = write_jsonl(MORE, "more.jsonl")
    for args, code in ((("import", str(path)), 1), (("roster", "--as-of", "2022-12-31"), 0), (("verify",), 1)):
        r = run_ledger("--store", owner.store, "--actor", "tester", *args) if not clerk else \
            run_ledger("--store", owner.store, *args)
        assert r.returncode == code and ZEN not in r.stdout + r.stderr, (args, r.stdout, r.stderr)
        assert "'this:s'" in r.stdout + r.stderr
    if clerk:  # the clerk's own writer refuses too
        r = run_ledger("--store", as_role(owner.store, clerk), "import", str(path))
        assert r.returncode == 1 and ZEN not in r.stdout + r.stderr and "'this:s'" in r.stderr
