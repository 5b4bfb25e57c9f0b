"""Questions about one unit or one person are answered from the facts that can change them (the store's fact
index: every structure fact and the facts of everyone who ever belonged to the unit), not from the whole stream.
On a generated city with back-dated corrections and retractions, every such answer equals the whole city's walk:
findings, diffs, rosters and figures as known at earlier moments, and each person's history."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from generate import generate

from ledger.app import Queries
from ledger.app.ledger import open_ledger
from ledger.app.sources import person_history, read_source
from ledger.io.roster_table import roster_rows
from ledger.read.history import diff, history_entries
from ledger.read.roster import roster_view, unit_summary
from ledger.rules import compliance_findings
from tests.integration.test_materialised_timeline_agrees_with_the_fold import drafts


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory):
    lines, corrections = generate(units=12, people=900, years=6, seed=21)
    app = open_ledger(str(tmp_path_factory.mktemp("city") / "ledger.sqlite3"))
    for batch in (lines, corrections):
        app.append(drafts(batch), actor="generator")
    yield Queries(app)
    app.close()


def some_days(rng: random.Random, n: int) -> list[date]:
    return sorted(date(2019, 1, 1) + timedelta(days=rng.randint(0, 6 * 365)) for _ in range(n))


def test_findings_and_diffs_of_a_unit_equal_the_whole_city_walk(city: Queries) -> None:
    app, rng = city.application, random.Random(1)
    facts, rulebook = app.facts(), city.rulebook()
    moments = [f.recorded for f in facts[:: len(facts) // 5]][1:]
    seen = {"findings": 0, "changes": 0}
    for unit in [u["unit"] for u in city.units(date(2024, 12, 31))]:
        for on in some_days(rng, 2):
            since = date(on.year - 2, 1, 1)
            whole = compliance_findings(facts, rulebook, on, since, unit)
            assert city.findings(on, since, unit).findings == whole, (unit, on)
            start = on - timedelta(days=400)
            changes = diff(facts, start, on, unit)
            assert city.diff(start, on, unit) == changes, (unit, on)
            seen["findings"] += len(whole)
            seen["changes"] += sum(len(v) for v in changes.values() if isinstance(v, list))
            moment = rng.choice(moments)
            assert city.diff(start, on, unit, moment) == diff(facts, start, on, unit, moment), (unit, on, moment)
            known = [f for f in facts if f.known_at(moment)]
            assert city.findings(on, since, unit, known_at=moment).findings == \
                compliance_findings(known, rulebook, on, since, unit)
    assert seen["findings"] > 5 and seen["changes"] > 100, seen  # the comparisons are not of empty answers


def test_a_unit_as_known_at_a_moment_equals_the_whole_city_fold(city: Queries) -> None:
    app, rng = city.application, random.Random(2)
    facts = app.facts()
    moments = [f.recorded for f in facts[:: len(facts) // 5]][1:]
    units = [u["unit"] for u in city.units(date(2024, 12, 31))]
    for on in some_days(rng, 6):
        moment = rng.choice(moments)
        state = app.state(on, moment)
        for unit in rng.sample(units, 4):
            if unit not in state.units:
                continue
            assert city.roster(on, moment, unit) == roster_view(state, on, moment, unit)
            assert city.units(on, moment, unit) == [unit_summary(state, unit)]
            assert city.roster_sheet(on, moment, unit).rows == roster_rows(state, unit)
            assert city.roster_sheet(on, None, unit).rows == roster_rows(app.state(on), unit)


def test_a_persons_history_equals_the_whole_stream_reading(city: Queries) -> None:
    app, rng = city.application, random.Random(3)
    facts = app.facts()
    retracted = {f.data["target"] for f in facts if f.event == "retracted"}
    corrected = sorted({f.person for f in facts if f.id in retracted and f.person})
    assert corrected
    everyone = sorted({f.person for f in facts if f.person})
    for person in [*corrected[:10], *rng.sample(everyone, 20)]:
        assert city.history(person) == history_entries(person_history(read_source(app, prefer="fold"), person)[0], facts), person
