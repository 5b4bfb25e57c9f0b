"""Tamper evidence: rows altered, deleted, reordered and inserted straight in the real SQLite file or PostgreSQL
table are caught by `ledger verify`, which names the first bad event; an untouched store verifies."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.app.ledger import open_ledger
from ledger.store.integrity import CHAIN_FIELD, link, verify_rows
from ledger.store.stream import Row
from tests.audit_bureau import opening
from tests.store_tables import Table

FACTS = len(opening())  # the bureau's facts; the stream also holds its opening event (version 1)
EVENTS = FACTS + 1


@pytest.fixture
def recorded(ledger, write_jsonl):
    """The small bureau recorded through the CLI; returns the CLI driver and the raw table."""
    ledger.ok("import", str(write_jsonl(opening())))
    return ledger, Table(ledger.store)


def failed_at(ledger, event_id: int | None, *args: str) -> str:
    r = ledger("verify", *args)
    assert r.exit_code == 1, r.output
    data = orjson.loads(ledger("verify", "--json", *args).stdout)
    assert data["ok"] is False
    assert data["problem"]["event_id"] == event_id, data
    return r.output


def test_an_untouched_store_verifies_with_its_count_and_head(recorded):
    ledger, _ = recorded
    r = ledger.ok("verify")
    head = ledger.ok("digest").stdout.strip()
    assert len(head) == 64
    assert r.output == (f"OK: {EVENTS} stored events verified (the ledger's opening and {FACTS} facts); "
                        f"head digest {head}\n"
                        "Derived tables (the timeline, the report's index): derived again from the events: they agree\n")
    assert ledger.json("verify") == {"ok": True, "events": EVENTS, "head": head, "problem": None, "digest": None,
                                     "digest_event": None}


def test_each_append_moves_the_head_and_the_old_digest_still_proves_the_past(recorded):
    ledger, _ = recorded
    before = ledger.ok("digest").stdout.strip()
    ledger.ok("promote", "T03", "--rank", "二级主任科员", "--effective", "2022-03-01")
    after = ledger.ok("digest").stdout.strip()
    assert after != before
    r = ledger.ok("verify", "--digest", before)
    assert f"events 1–{EVENTS} are unchanged" in r.output
    assert ledger.json("verify", "--digest", before)["digest_event"] == EVENTS


def test_changed_bytes_that_still_parse_are_named(recorded):
    ledger, table = recorded
    topic, state = table.row(12)
    data = orjson.loads(state)
    data["actor"] = "someone else"
    table.set_state(12, orjson.dumps(data))
    out = failed_at(ledger, 12)
    assert "FAILED at event 12: event 12: its content was changed since it was recorded" in out
    assert "Events 1–11 verify" in out


def test_garbled_bytes_are_named(recorded):
    ledger, table = recorded
    _, state = table.row(7)
    table.set_state(7, state[:20] + b"\xff\x00" + state[22:])
    assert "event 7: its stored bytes were changed" in failed_at(ledger, 7)


def test_a_changed_chain_hash_is_named(recorded):
    ledger, table = recorded
    _, state = table.row(13)
    data = orjson.loads(state)
    data[CHAIN_FIELD] = "0" * 64
    table.set_state(13, orjson.dumps(data))
    failed_at(ledger, 13)


def test_a_changed_opening_event_is_named(recorded):
    ledger, table = recorded
    _, state = table.row(1)
    data = orjson.loads(state)
    data["name"] = "another ledger"
    table.set_state(1, orjson.dumps(data))
    failed_at(ledger, 1)


def test_a_deleted_row_is_named(recorded):
    ledger, table = recorded
    table.delete(12)
    assert "event 12 missing from the store" in failed_at(ledger, 12)


def test_swapped_rows_are_named_as_out_of_place(recorded):
    ledger, table = recorded
    (t8, s8), (t15, s15) = table.row(8), table.row(15)
    table.set_state(8, s15, t15)
    table.set_state(15, s8, t8)
    assert "event 8 is out of place" in failed_at(ledger, 8)


def test_adjacent_swapped_rows_are_named(recorded):
    ledger, table = recorded
    (ta, sa), (tb, sb) = table.row(10), table.row(11)
    table.set_state(10, sb, tb)
    table.set_state(11, sa, ta)
    failed_at(ledger, 10)


def test_a_row_removed_and_inserted_again_is_out_of_recording_order(recorded):
    ledger, table = recorded
    topic, state = table.row(9)
    table.delete(9)
    table.insert(9, topic, state)  # same version and bytes, but now the table's last row
    assert "event 9 is stored out of recording order" in failed_at(ledger, 9)


def test_a_row_inserted_in_the_middle_is_named(recorded):
    ledger, table = recorded
    topic, state = table.row(14)
    forged = orjson.loads(state)
    forged.pop(CHAIN_FIELD)
    table.shift_up(14, EVENTS)
    table.insert(14, topic, orjson.dumps(forged))
    assert "event 14 carries no chain hash" in failed_at(ledger, 14)


def test_a_copied_row_appended_at_the_end_is_named(recorded):
    ledger, table = recorded
    topic, state = table.row(3)
    table.insert(EVENTS + 1, topic, state)
    assert f"event {EVENTS + 1} is a copy of event 3" in failed_at(ledger, EVENTS + 1)


def test_a_deleted_stream_fails(recorded):
    ledger, table = recorded
    table.run("DELETE FROM {t} WHERE originator_id = ?", table.stream)
    r = ledger("verify")
    assert r.exit_code == 1
    assert "FAILED at the stream: the store holds no ledger events" in r.output
    assert ledger("digest").exit_code == 1


def test_a_truncated_tail_passes_alone_but_not_against_a_noted_digest(recorded):
    ledger, table = recorded
    noted = ledger.ok("digest").stdout.strip()
    table.delete(EVENTS)
    table.delete(EVENTS - 1)
    # The derived tables still hold the deleted events …
    assert "the derived tables claim event 18, but the ledger ends at event 16" in failed_at(ledger, None)
    ledger.ok("rebuild")  # … until they are derived again from what is left:
    ledger.ok("verify")  # a shorter chain is still a chain
    r = ledger("verify", "--digest", noted)
    assert r.exit_code == 1
    assert f"the digest {noted} is not in this ledger's chain" in r.output


def test_a_rewrite_with_recomputed_hashes_is_caught_by_a_noted_digest(recorded):
    ledger, table = recorded
    noted = ledger.ok("digest").stdout.strip()
    rows = [(table.row(v)) for v in range(1, EVENTS + 1)]
    prev = bytes.fromhex(orjson.loads(rows[9][1])[CHAIN_FIELD])  # event 10 stays as it was
    for v in range(11, EVENTS + 1):
        topic, state = rows[v - 1]
        data = orjson.loads(state)
        if v == 11:
            data["effective"] = {"_type_": "date_iso", "_data_": "2020-01-01"}
        prev = link(prev, topic, data)
        data[CHAIN_FIELD] = prev.hex()
        table.set_state(v, orjson.dumps(data), topic)
    assert "a derived table differs from the events" in failed_at(ledger, None)  # derived from the true events
    ledger.ok("rebuild")
    ledger.ok("verify")  # self-consistent: the algorithm is public
    assert ledger("verify", "--digest", noted).exit_code == 1


def test_a_malformed_digest_is_a_usage_error(recorded):
    ledger, _ = recorded
    r = ledger("verify", "--digest", "abc")
    assert r.exit_code == 2
    assert "64 hexadecimal characters" in r.output


# --- the verifier as a pure function, on rows read from a real store ------------------------------------------
@pytest.fixture(scope="module")
def real_rows(tmp_path_factory) -> tuple[list[Row], Any]:
    from ledger.model.facts import Draft

    app = open_ledger(str(tmp_path_factory.mktemp("rows") / "l.sqlite3"))
    app.append([Draft(line.pop("event"), line) for line in opening()], actor="t")
    return list(app.stream.rows()), app.codec.decode


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_single_byte_change_is_pinned_to_its_event(real_rows, data):
    rows, decode = real_rows
    i = data.draw(st.integers(0, len(rows) - 1))
    pos = data.draw(st.integers(0, len(rows[i].state) - 1))
    new = data.draw(st.integers(0, 255).filter(lambda b: b != rows[i].state[pos]))
    state = rows[i].state[:pos] + bytes([new]) + rows[i].state[pos + 1:]
    changed = [*rows[:i], Row(rows[i].position, rows[i].version, rows[i].topic, state), *rows[i + 1:]]
    try:
        if orjson.loads(state) == orjson.loads(rows[i].state):
            return  # e.g. a space turned into another blank: the same content, rightly not a change
    except orjson.JSONDecodeError:
        pass
    result = verify_rows(lambda: changed, decode)
    assert result.problem is not None
    assert result.problem.event_id == rows[i].version


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_reordering_is_caught_at_the_first_moved_event(real_rows, data):
    rows, decode = real_rows
    order = data.draw(st.permutations(range(len(rows))))
    if list(order) == list(range(len(rows))):
        return
    moved = [Row(rows[i].position, rows[i].version, rows[j].topic, rows[j].state) for i, j in enumerate(order)]
    first = next(i for i, j in enumerate(order) if i != j)
    result = verify_rows(lambda: moved, decode)
    assert result.problem is not None
    assert result.problem.event_id == rows[first].version


def test_rows_are_read_in_pages_without_losing_or_repeating_one(recorded):
    ledger, _ = recorded
    app = open_ledger(ledger.store)
    try:
        versions = [r.version for r in app.stream.rows(page=4)]
        assert versions == list(range(1, EVENTS + 1))
        assert verify_rows(lambda: app.stream.rows(page=4), app.codec.decode).head == ledger.ok("digest").stdout.strip()
    finally:
        app.close()


def test_a_snapshot_beyond_the_stream_shows_a_truncated_tail(recorded):
    """A snapshot taken at the head remembers how long the stream was: cutting events off then shows."""
    ledger, table = recorded
    app = open_ledger(ledger.store)
    try:
        app.take_snapshot(app.ledger_id)
    finally:
        app.close()
    ledger.ok("verify")
    table.delete(EVENTS)
    r = ledger("verify")
    assert r.exit_code == 1
    assert f"a snapshot claims version {EVENTS}, but the stream ends at event {EVENTS - 1}" in r.output


def test_clerks_appending_at_once_leave_a_chain_that_verifies(recorded):
    """Concurrent appends retry on a version conflict; each retry is sealed anew onto the real predecessor."""
    import subprocess
    import sys

    ledger, _ = recorded
    code = "from cli.main import cli; cli(prog_name='ledger')"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, "--store", ledger.store, "--actor", f"clerk{i}", "engage",
                          f"Z9{i}", "--name", f"助理{i}", "--role", "助理", "--unit", "TJ", "--effective", "2021-03-01"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for i in range(4)
    ]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    data = ledger.json("verify")
    assert data["ok"] and data["events"] == EVENTS + 4
