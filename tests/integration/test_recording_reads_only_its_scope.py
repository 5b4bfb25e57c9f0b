"""A clerk's recording reads only what it can touch (the people and units it names, through the store's fact index),
never the whole stream — and judges exactly as a recording validated against every recorded fact would.

On a generated city, each candidate batch (the city's own next lines, the same lines back-dated, retractions of
recorded facts, whole-unit changes) is checked twice: against its scope read through the fact index, and against
every fact. Both must accept or refuse it alike, with the same completed facts or the same problems, and the compliance
check at entry must find the same findings. Then scoped appends leave derived tables that `verify` derives again
from the events and finds equal.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import pytest
from generate import generate

from ledger.app.ledger import PersonnelLedger, open_ledger
from ledger.app.rulebook import rulebook_for
from ledger.app.upkeep import verify_ledger
from ledger.model.errors import Refused
from ledger.model.facts import Draft
from ledger.rules.entry import introduced_findings
from tests.conftest import new_pg_url
from tests.integration.test_materialised_timeline_agrees_with_the_fold import drafts

CUT = 0.9  # the share of the generated city recorded before the candidates are tried


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def city(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """(a function recording the city's first lines in a new store of the kind and giving its location, the store
    it made first, the city's later lines)."""
    lines, _ = generate(units=10, people=700, years=6, seed=5)
    cut = int(len(lines) * CUT)

    def make() -> str:
        store = str(tmp_path_factory.mktemp("city") / "ledger.sqlite3") if request.param == "sqlite" else new_pg_url()
        app = open_ledger(store)
        app.append(drafts(lines[:cut]), actor="generator")
        app.close()
        return store

    yield make, make(), lines[cut:]


def outcome(app: PersonnelLedger, batch: list[Draft], whole: bool) -> tuple[Any, ...]:
    """What checking the batch gives: the facts as they would be recorded and the findings they introduce, or the
    problems that refuse it."""
    try:
        judgement = app.judge(batch, whole=whole)
    except Refused as e:
        return "refused", sorted((p.code, p.message, p.line, p.event_id) for p in e.problems)
    new = judgement.new
    found = introduced_findings(judgement.compared_with, new, rulebook_for(app))
    return ("recorded", [(f.id, f.event, f.effective, f.data) for f in new],
            sorted((x.key, x.message) for x in found))


def candidates(rng: random.Random, later: list[dict], recorded: int) -> list[list[dict]]:
    """Batches a clerk might record next: the city's own next lines, the same lines back-dated (some then clash with
    what was recorded since), retractions of recorded facts of every kind, and a few lines at once."""
    out: list[list[dict]] = []
    for line in rng.sample(later, 40):
        out.append([line])
        days = rng.choice([30, 200, 700])
        moved = {**line, "effective": (line_date(line) - timedelta(days=days)).isoformat()}
        out.append([moved])
    for target in rng.sample(range(2, recorded + 1), 25):
        out.append([{"event": "retracted", "effective": "2024-06-30", "target": target, "reason": "录入错误"}])
    for _ in range(5):
        out.append(rng.sample(later, 4))
    return out


def line_date(line: dict) -> date:
    return date.fromisoformat(line["effective"])


def test_a_batch_is_judged_the_same_from_its_scope_as_from_every_fact(city) -> None:
    _make, store, later = city
    app, every = open_ledger(store, read_only=True), open_ledger(store, read_only=True)
    try:
        recorded = app.stream.top() - 1
        seen = {"recorded": 0, "refused": 0, "findings": 0}
        for batch in candidates(random.Random(7), later, recorded):
            scoped = outcome(app, drafts(batch), whole=False)
            assert not app.fact_log.loaded, "the scoped check read the whole stream"
            whole = outcome(every, drafts(batch), whole=True)
            assert scoped == whole, batch
            seen[scoped[0]] += 1
            seen["findings"] += len(scoped[2]) if scoped[0] == "recorded" else 0
        # Both kinds of answer were compared, and findings too, not only empty ones.
        assert seen["recorded"] >= 10 and seen["refused"] >= 10 and seen["findings"] >= 3, seen
    finally:
        app.close()
        every.close()


def appended_fresh(store: str, batches: Iterable[list[dict]]) -> int:
    """Each batch appended by a ledger of its own, as each clerk's command opens it (a refused one is passed over):
    how many were written. None may read the whole stream."""
    written = 0
    for batch in batches:
        app = open_ledger(store)
        try:
            app.append(drafts(batch), actor="clerk")
            written += 1
        except Refused:
            pass
        finally:
            loaded = app.fact_log.loaded
            app.close()
        assert not loaded, "the append read the whole stream"
    return written


def test_appends_read_their_scope_and_leave_derived_tables_equal_to_the_events(city) -> None:
    make, _store, later = city
    store = make()  # a store of its own: the module's first stays as it was for the other test
    rng = random.Random(11)
    written = appended_fresh(store, candidates(rng, later, 50)[:30])
    assert written >= 5
    app = open_ledger(store, read_only=True)
    try:
        result = verify_ledger(app)
        assert result.problem is None, result.problem
        assert result.derived == "current"
    finally:
        app.close()


def test_a_correction_reads_the_facts_of_its_event_and_says_what_the_whole_stream_would(city) -> None:
    """`ledger correct N`: the event, whether and by what it was retracted and corrected, are found through the fact
    index (the facts of its subject and of its corrections'); the batch, or the refusal, is the one every fact
    gives — for events of every kind, retracted ones and retractions included."""
    from ledger.app.corrections import correct, correction_drafts
    from ledger.app.sources import facts_about, read_source

    make, _store, later = city
    store = make()
    app = open_ledger(store)
    rng = random.Random(13)
    try:
        first = app.append(drafts([line for line in later if line["event"] == "rank_promoted"][:1]), actor="clerk")[0]
        app.append(drafts([{"event": "retracted", "effective": "2024-06-30", "target": first, "reason": "录入错误"}]),
                   actor="clerk")
        top = app.stream.top()
        targets = [first, top, *rng.sample(range(2, top), 40)]
        answers = []
        for target in targets:
            answers.append(_drafted_from(facts_about(read_source(app), target), target, correction_drafts))
            assert not app.fact_log.loaded
        every = app.facts()
        assert answers == [_drafted_from(every, t, correction_drafts) for t in targets]
        assert {a[0] for a in answers} == {"drafts", "refused"}
    finally:
        app.close()
    fresh = open_ledger(store)
    try:
        done = correct(fresh, targets[-1], {"basis": "区委组织部〔2024〕99号"}, "文号有误") \
            if answers[-1][0] == "drafts" else None
        assert not fresh.fact_log.loaded, "the correction read the whole stream"
        assert done is None or len(done.ids) == 2
    finally:
        fresh.close()


def _drafted_from(facts: list, target: int, correction_drafts) -> tuple:
    try:
        return "drafts", correction_drafts(facts, target, {"basis": "区委组织部〔2024〕99号"}, "文号有误")
    except Refused as e:
        return "refused", [(p.code, p.message) for p in e.problems]
