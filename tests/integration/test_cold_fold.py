"""The cold fold streams the store (`PersonnelLedger.state` before anything is read: events sorted as stored bytes,
decoded one at a time) and must give exactly the state the reference fold gives from every `Fact` — on a
generated city with back-dated entries, retractions and a retracted retraction, as known now and as known at
earlier moments, on SQLite and PostgreSQL, plain and encrypted."""

from __future__ import annotations

import base64
import os
from datetime import date, timedelta

import pytest
from generate import generate

from ledger.app.ledger import open_ledger
from ledger.fold.walk import counting_facts, fold
from ledger.model.facts import Draft

DATES = [date(2018, 12, 31), date(2019, 1, 1), date(2020, 6, 30), date(2021, 3, 1), date(2022, 12, 31),
         date(2030, 1, 1), None]  # (None: after every fact)


def drafts(lines: list[dict]) -> list[Draft]:
    return [Draft(x["event"], {k: v for k, v in x.items() if k != "event"}, n) for n, x in enumerate(lines, 1)]


@pytest.fixture(scope="module")
def city() -> tuple[list[dict], list[dict]]:
    return generate(units=8, people=300, years=4, seed=5)


def _record(store: str, city, env: dict[str, str] | None = None) -> list:
    lines, corrections = city
    app = open_ledger(store, env)
    app.append(drafts(lines), actor="generator")
    moments = [app.facts()[-1].recorded]
    app.append(drafts(corrections), actor="clerk")
    moments.append(app.facts()[-1].recorded)
    # The correction was itself wrong: take out the re-recorded promotion and the retraction (which restores
    # the promotion first recorded).
    facts = app.facts()
    by_id = {f.id: f for f in facts}
    r = next(f for f in facts if f.event == "retracted" and by_id[f.data["target"]].event == "rank_promoted")
    wrong = by_id[r.data["target"]]
    redo = next(f for f in facts if f.id > wrong.id and f.event == "rank_promoted" and f.person == wrong.person)
    app.append([Draft("retracted", {"target": target, "effective": wrong.effective.isoformat(), "reason": "wrong"})
                for target in (redo.id, r.id)], actor="clerk")
    # Recorded later but applied earlier the same day (PRECEDENCE, not recording order): a separation, then a
    # secondment started on the day of it.
    state = app.state()
    pid = next(p.person for p in state.people.values() if p.left is None and p.secondment is None)
    day = max(f.effective for f in app.facts()) + timedelta(days=40)
    app.append([Draft("separated", {"person": pid, "reason": "辞职", "effective": day.isoformat()})], actor="clerk")
    app.append([Draft("secondment_started", {"person": pid, "host": "区委党校", "kind": "学习",
                                             "effective": day.isoformat()})], actor="clerk")
    moments.append(None)
    app.close()
    return moments


def _assert_same(store: str, moments: list, env: dict[str, str] | None = None) -> None:
    reference = open_ledger(store, env).facts()
    assert any(f.event == "retracted" for f in reference)
    for known_at in moments:
        for on in DATES:
            cold = open_ledger(store, env)
            assert not cold.fact_log.loaded
            got = cold.state(on, known_at)
            assert not cold.fact_log.loaded  # it did not keep every Fact
            assert got == fold(reference, on, known_at), f"streamed fold differs on {on} as known at {known_at}"
            expected = [f.id for f in counting_facts(reference, known_at) if on is None or f.effective <= on]
            streamed = open_ledger(store, env)
            assert [f.id for f in streamed.fact_log.stream_counting(on, known_at)] == expected


def test_streamed_cold_fold_equals_the_fold(store: str, city) -> None:
    _assert_same(store, _record(store, city))


def test_streamed_cold_fold_on_an_encrypted_store(sqlite_store: str, city) -> None:
    env = {"LEDGER_ENCRYPTION_KEY": base64.b64encode(os.urandom(32)).decode()}
    _assert_same(sqlite_store, _record(sqlite_store, city, env), env)


def test_warm_state_still_uses_the_read_facts(sqlite_store: str, city) -> None:
    _record(sqlite_store, city)
    app = open_ledger(sqlite_store)
    facts = app.facts()
    on = facts[-1].effective + timedelta(days=1)
    assert app.state(on) == fold(facts, on)
