"""Every query is answered alike from the derived tables and from the events (`ledger.app.sources`): one store, a
generated city with back-dated corrections and retractions, each question asked of `Queries` reading the
materialised tables and of `Queries(prefer="fold")`, as known now and as known at earlier moments, on SQLite and
PostgreSQL."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from generate import generate

from ledger.app import Queries
from ledger.app.ledger import open_ledger
from ledger.app.sources import FOLD, MATERIALISED
from tests.conftest import as_each_test_runs, module_store
from tests.integration.test_materialised_timeline_agrees_with_the_fold import drafts


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def both(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Queries, Queries]]:
    with as_each_test_runs():
        lines, corrections = generate(units=8, people=300, years=5, seed=5)
        app = open_ledger(module_store(request.param, tmp_path_factory))
        for batch in (lines, corrections):
            app.append(drafts(batch), actor="generator")
        yield Queries(app), Queries(app, prefer=FOLD)
        app.close()


def moments(q: Queries) -> list[datetime | None]:
    facts = q.application.facts()
    return [None, facts[len(facts) // 2].recorded, facts[-1].recorded]


def days(q: Queries, seed: int, n: int = 4) -> list[date]:
    """Random days of the city's life (after its opening day, before its last event)."""
    span = q.span()
    first, last = date.fromisoformat(span["first_effective"]), date.fromisoformat(span["last_effective"])
    rng = random.Random(seed)
    return sorted(first + timedelta(days=rng.randint(30, (last - first).days)) for _ in range(n))


def alike(both: tuple[Queries, Queries], ask: Callable[[Queries], Any]) -> Any:
    tables, fold = both
    assert tables.source().kind == MATERIALISED and fold.source().kind == FOLD  # two paths, not one asked twice
    answer = ask(tables)
    assert answer == ask(fold)
    return answer


def test_rosters_and_figures(both: tuple[Queries, Queries]) -> None:
    tables = both[0]
    on_days = days(tables, 1)
    units = [u["unit"] for u in tables.units(on_days[-1])]
    for on in on_days:
        for known_at in moments(tables):
            assert alike(both, lambda q: q.roster(on, known_at))["people"]  # noqa: B023
            alike(both, lambda q: q.units(on, known_at))  # noqa: B023
            overview = alike(both, lambda q: q.roster_overview(on, known_at))  # noqa: B023
            assert overview.units
            for unit in units[:3]:
                alike(both, lambda q: q.roster(on, known_at, unit))  # noqa: B023
                alike(both, lambda q: q.units(on, known_at, unit))  # noqa: B023
                alike(both, lambda q: q.roster_sheet(on, known_at, unit).rows)  # noqa: B023


def test_unit_series_diffs_and_findings(both: tuple[Queries, Queries]) -> None:
    tables = both[0]
    on = days(tables, 2, 1)[0]
    units = [u["unit"] for u in tables.units(on)]
    for unit in units[:4]:
        for known_at in moments(tables):
            assert alike(both, lambda q: q.unit_series(unit, known_at))  # noqa: B023
        alike(both, lambda q: q.diff(on - timedelta(days=400), on, unit))  # noqa: B023
        alike(both, lambda q: [x.as_json() for x in q.findings(on, unit=unit).findings])  # noqa: B023
    for year in (on.year, on.year + 1):
        # (`people`, every id → name, holds the people of the report's units only: `ledger.app.yearly`)
        alike(both, lambda q: {k: v for k, v in q.yearly_figures(year).__dict__.items() if k != "people"})  # noqa: B023
        alike(both, lambda q: [x.as_json() for x in q.year_findings(year)  # noqa: B023 (the report's units' only)
                               if x.unit in q.yearly_figures(year).scope])  # noqa: B023


def test_people_names_histories_and_files(both: tuple[Queries, Queries]) -> None:
    tables = both[0]
    facts = tables.application.facts()
    corrected = sorted({f.person for f in facts if f.event != "retracted" and f.person
                        and any(r.event == "retracted" and r.data["target"] == f.id for r in facts)})
    people = [*corrected[:4], *random.Random(2).sample(sorted({f.person for f in facts if f.person}), 4)]
    assert corrected and alike(both, lambda q: sorted(q.known_ids("person")))
    alike(both, lambda q: sorted(q.known_ids("unit")))
    for person in people:
        alike(both, lambda q: q.history(person))  # noqa: B023
        alike(both, lambda q: q.person_timeline(person))  # noqa: B023
        alike(both, lambda q: q.resume(person, days(q, 3, 1)[0]).rendered())  # noqa: B023
        name = next(n for p, n in tables.known_ids("person") if p == person)
        alike(both, lambda q: q.find(name))  # noqa: B023
