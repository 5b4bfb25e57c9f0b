"""Signed checkpoints: a cut tail, a rollback to an older copy and a full rewrite with recomputed hashes are each
caught and named; an untouched store passes; a checkpoint signed by another key (or altered) is refused."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import orjson
import pytest

from ledger.store.integrity import CHAIN_FIELD, link
from tests.audit_bureau import opening
from tests.store_tables import Table


@pytest.fixture
def signed(ledger, write_jsonl, tmp_path: Path):
    """The small bureau recorded, a key pair, and a checkpoint of it."""
    ledger.ok("import", str(write_jsonl(opening())))
    key = tmp_path / "keys" / "checkpoints"
    key.parent.mkdir()
    assert "mode 0600" in ledger.ok("keygen", "--signing", "-o", str(key)).output
    check = tmp_path / "audit" / "checkpoint.json"
    check.parent.mkdir()
    ledger.ok("checkpoint", "--key", str(key), "-o", str(check))
    return ledger, key, check


def verdict(ledger, check: Path, key: Path) -> dict:
    r = ledger("verify", "--checkpoint", str(check), "--public-key", f"{key}.pub", "--json")
    data = orjson.loads(r.stdout)
    assert r.exit_code == (0 if data["ok"] else 1)
    return data


def test_keygen_writes_an_owner_only_private_key_and_never_overwrites(sqlite_ledger, tmp_path: Path) -> None:
    key = tmp_path / "k"
    sqlite_ledger.ok("keygen", "--signing", "-o", str(key))
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert b"PUBLIC KEY" in Path(f"{key}.pub").read_bytes()
    again = sqlite_ledger("keygen", "--signing", "-o", str(key))
    assert again.exit_code == 1 and "never overwritten" in again.output


def test_an_untouched_store_passes_and_later_events_do_not_matter(signed) -> None:
    ledger, key, check = signed
    body = orjson.loads(check.read_bytes())
    assert body["events"] == ledger.json("verify")["events"] and body["head"] == ledger.json("verify")["head"]
    assert set(body) >= {"events", "head", "time", "store", "signature"}
    r = ledger.ok("verify", "--checkpoint", str(check), "--public-key", f"{key}.pub")
    assert r.output.startswith("OK: the store holds the signed")
    ledger.ok("promote", "T03", "--rank", "二级主任科员", "--effective", "2022-03-01")
    assert verdict(ledger, check, key)["kind"] == "ok"


def test_a_checkpoint_signed_by_another_key_or_altered_is_refused(signed, tmp_path: Path) -> None:
    ledger, key, check = signed
    other = tmp_path / "other"
    ledger.ok("keygen", "--signing", "-o", str(other))
    r = ledger("verify", "--checkpoint", str(check), "--public-key", f"{other}.pub")
    assert r.exit_code == 1 and "not signed by this public key" in r.output and "Traceback" not in r.output
    body = orjson.loads(check.read_bytes())
    body["events"] -= 1
    altered = tmp_path / "altered.json"
    altered.write_bytes(orjson.dumps(body))
    r = ledger("verify", "--checkpoint", str(altered), "--public-key", f"{key}.pub")
    assert r.exit_code == 1 and "not signed by this public key" in r.output


def test_events_cut_off_the_end_are_caught_as_truncation(signed) -> None:
    ledger, key, check = signed
    table = Table(ledger.store)
    top = ledger.json("verify")["events"]
    for v in (top, top - 1):
        table.delete(v)
    found = verdict(ledger, check, key)
    assert found["kind"] == "truncated" and found["events"] == top - 2
    assert f"events {top - 1}–{top} were cut off the end" in found["message"]


def test_a_store_rolled_back_to_an_older_copy_is_caught(sqlite_ledger, write_jsonl, tmp_path: Path) -> None:
    ledger = sqlite_ledger
    ledger.ok("import", str(write_jsonl(opening())))
    copy = tmp_path / "copy.sqlite3"
    with sqlite3.connect(ledger.store) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    ledger.ok("promote", "T03", "--rank", "二级主任科员", "--effective", "2022-03-01")
    ledger.ok("keygen", "--signing", "-o", str(tmp_path / "k"))
    ledger.ok("checkpoint", "--key", str(tmp_path / "k"), "-o", str(tmp_path / "c.json"))
    with sqlite3.connect(copy) as src, sqlite3.connect(ledger.store) as dst:
        src.backup(dst)  # the older copy put back in the store's place
    assert ledger("verify").exit_code == 0  # on its own, the older copy is a sound ledger
    found = verdict(ledger, tmp_path / "c.json", tmp_path / "k")
    assert found["kind"] == "rolled_back" and "older copy" in found["message"]


def test_a_full_rewrite_with_recomputed_hashes_is_caught(signed) -> None:
    """The intruder changes an early event and recomputes every later chain hash: the chain alone cannot tell, but
    the checkpoint kept in the store no longer matches it (and the one kept outside says how)."""
    ledger, key, check = signed
    table = Table(ledger.store)
    top = ledger.json("verify")["events"]
    prev = None
    for v in range(1, top + 1):
        topic, state = table.row(v)
        data = orjson.loads(state)
        if v == 3:
            data["note"] = "rewritten"
        if v >= 3:
            data[CHAIN_FIELD] = link(prev, topic, data).hex()
            table.set_state(v, orjson.dumps(data))
        prev = bytes.fromhex(data[CHAIN_FIELD])
    r = ledger("verify")
    assert r.exit_code == 1 and "checkpoint 1 kept in the store does not hold" in r.output
    assert "or the events were rewritten since it was signed" in r.output
    found = verdict(ledger, check, key)
    assert found["kind"] == "rewritten" and "recomputed hashes" in found["message"]


def test_the_compliance_snapshot_carries_the_latest_checkpoint(signed, tmp_path: Path) -> None:
    ledger, _key, check = signed
    out = tmp_path / "snap.json"
    ledger.ok("export", "compliance-snapshot", "--as-of", "2022-12-31", "-o", str(out))
    assert orjson.loads(out.read_bytes())["ledger"]["checkpoint"] == orjson.loads(check.read_bytes())


def test_access_log_lines_cut_off_its_end_are_caught_by_the_checkpoint(sqlite_ledger, write_jsonl,
                                                                       tmp_path: Path) -> None:
    ledger = sqlite_ledger
    ledger.ok("import", str(write_jsonl(opening())))
    ledger.ok("access", "enable")
    ledger.ok("history", "T03")
    ledger.ok("history", "T01")
    ledger.ok("keygen", "--signing", "-o", str(tmp_path / "k"))
    ledger.ok("checkpoint", "--key", str(tmp_path / "k"), "-o", str(tmp_path / "c.json"))
    assert orjson.loads((tmp_path / "c.json").read_bytes())["access_log"]["lines"] == 2
    ledger.ok("history", "T02")  # lines after the checkpoint are fine
    assert verdict(ledger, tmp_path / "c.json", tmp_path / "k")["kind"] == "ok"
    with sqlite3.connect(ledger.store) as conn:  # the intruder drops the guard and cuts the log back to line 1
        conn.execute("DROP TRIGGER ledger_log_refuse_delete")
        conn.execute("DELETE FROM access_log WHERE seq > 1")
    dropped = ledger("verify")
    assert dropped.exit_code == 1 and "ledger_log_refuse_delete was dropped" in dropped.output
    ledger.ok("access", "enable")  # the trigger put back: the log's remaining line still chains
    assert ledger("verify").exit_code == 0
    found = verdict(ledger, tmp_path / "c.json", tmp_path / "k")
    assert found["kind"] == "access_log" and "cut off its end" in found["message"]
