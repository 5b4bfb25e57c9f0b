"""The save reuses the JSON the seal made of each event (`SealedMapper`): the stored bytes must be exactly what
encoding the sealed event afresh gives, so the chain verifies and stores sealed before this change still do."""

from __future__ import annotations

import base64
import os

import orjson
from eventsourcing.persistence import Mapper

from ledger.app.ledger import open_ledger
from ledger.app.upkeep import verify_ledger
from ledger.model.facts import Draft
from ledger.model.parsing import parse_fields
from ledger.store.aggregate import load_stream
from ledger.store.codec import SealedMapper
from ledger.store.integrity import GENESIS, link, seal


def _drafts() -> list[Draft]:
    return [
        Draft("unit_established", {"unit": "U1", "name": "第1局", "kind": "机关", "effective": "2020-01-01",
                                   "note": "\\\"引号\\\" chain\":null"}),  # escapes the encoding must keep
        Draft("quota_set", {"unit": "U1", "establishment": "行政编制", "count": 3, "effective": "2020-01-01"}),
    ]


def test_kept_bytes_equal_a_fresh_encoding_of_the_sealed_event(sqlite_store: str) -> None:
    app = open_ledger(sqlite_store)
    ledger = load_stream(app.repository, app.ledger_id)
    for d in _drafts():
        ledger.record(d.event, actor="t", **parse_fields(d.event, d.fields)[0])
    events = list(ledger.pending_events)
    plain = Mapper(transcoder=app.mapper.transcoder)
    kept: dict[int, bytes] = {}
    head = seal(events, None, plain, lambda e, b: kept.__setitem__(e.originator_version, b))
    assert len(kept) == len(events)
    prev = None
    for e in events:
        fresh = plain.to_stored_event(e)  # chain now set: the ordinary encoding
        assert kept[e.originator_version] == fresh.state
        state = orjson.loads(fresh.state)
        prev = link(bytes.fromhex(prev) if prev else GENESIS,
                    fresh.topic, state).hex()
        assert state["chain"] == prev
    assert head == prev


def test_store_saved_through_the_sealed_mapper_verifies(store: str) -> None:
    app = open_ledger(store)
    assert isinstance(app.mapper, SealedMapper)
    app.append(_drafts(), actor="t")
    app.append([Draft("quota_set", {"unit": "U1", "establishment": "行政编制", "count": 4,
                                    "effective": "2021-01-01"})], actor="t")
    assert app.mapper.waiting == 0  # everything kept was used
    report = verify_ledger(open_ledger(store))
    assert report.ok, report


def test_encrypted_store_saved_through_the_sealed_mapper_reads_back(sqlite_store: str) -> None:
    env = {"LEDGER_ENCRYPTION_KEY": base64.b64encode(os.urandom(32)).decode()}
    app = open_ledger(sqlite_store, env)
    app.append(_drafts(), actor="t")
    again = open_ledger(sqlite_store, env)
    assert [f.event for f in again.facts()] == ["unit_established", "quota_set"]
    assert again.facts()[0].data["name"] == _drafts()[0].fields["name"]
