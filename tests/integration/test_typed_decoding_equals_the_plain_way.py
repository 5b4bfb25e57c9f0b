"""The typed decoders (`ledger.store.decoding`: msgspec, one per event type), which every bulk read of the stream
goes through, give exactly the facts the plain way gives (orjson's dict of every stored key, then `to_fact`): the
same ids, types, dates, data — in the same key order — recorded times and actors, with and without the recorded
time; on the demo bureau (its every kind of fact) and a generated city, plain and encrypted. Bytes the typed
decoders refuse, and an event of another class version, are read the plain way."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import orjson
from generate import generate

from ledger.app.demo import build_demo
from ledger.app.ledger import open_ledger
from ledger.model.facts import Draft, Fact
from ledger.store.aggregate import TOPIC_NAMES
from ledger.store.codec import Codec, to_fact


def _whole(f: Fact) -> tuple:
    return f.id, f.event, f.effective, list(f.data.items()), f.recorded, f.actor


def _assert_same_facts(store: str, env: dict[str, str] | None = None) -> set[str]:
    app = open_ledger(store, env)
    codec, seen = app.codec, set()
    for recorded in (True, False):
        read = codec.fact_reader(recorded)
        for version, topic, state in app.stream.scan(0):
            name = TOPIC_NAMES.get(topic)
            if name is None:
                continue
            seen.add(name)
            assert _whole(read(version, name, state)) == _whole(to_fact(version, name, codec.decode(state), recorded))
    app.close()
    return seen


def test_the_demo_bureau_decodes_the_same_both_ways(tmp_path: Path) -> None:
    build_demo(tmp_path / "demo").close()
    seen = _assert_same_facts(str(tmp_path / "demo" / "ledger.sqlite3"))
    assert len(seen) >= 20  # most kinds of fact, retractions included
    assert "retracted" in seen


def test_a_city_decodes_the_same_both_ways_plain_and_encrypted(store: str, tmp_path: Path) -> None:
    lines, corrections = generate(units=6, people=150, years=3, seed=11)
    env = {"LEDGER_ENCRYPTION_KEY": base64.b64encode(os.urandom(32)).decode()}
    encrypted = str(tmp_path / "encrypted.sqlite3")
    for where, with_env in ((store, None), (encrypted, env)):
        app = open_ledger(where, with_env)
        for batch in (lines, corrections):
            app.append([Draft(x["event"], {k: v for k, v in x.items() if k != "event"}) for x in batch], actor="gen")
        app.close()
        _assert_same_facts(where, with_env)


def test_bytes_the_typed_decoder_refuses_are_read_the_plain_way() -> None:
    codec = Codec()
    stored = {"timestamp": {"_type_": "datetime_iso", "_data_": "2024-01-02T03:04:05+00:00"},
              "effective": {"_type_": "date_iso", "_data_": "20240101"},  # a date msgspec does not read, Python does
              "actor": "clerk", "basis": None, "note": None, "override": None, "chain": "ab",
              "person": "P1", "host": "区委党校", "kind": "学习", "until": None}
    other_version = {**stored, "effective": {"_type_": "date_iso", "_data_": "2024-01-01"}, "class_version": 2}
    for raw in (stored, other_version):
        state = orjson.dumps(raw)
        got = codec.fact_reader()(7, "secondment_started", state)
        assert _whole(got) == _whole(to_fact(7, "secondment_started", orjson.loads(state)))
    assert "class_version" not in got.data  # the plain way drops it, as always
