"""The one-unit yearly report through the fact index (ledger.store.fact_index) counts exactly what the full walk
counts, on a generated city, before and after back-dated corrections and retractions, on SQLite and PostgreSQL;
each check runs in a cold ledger (a new process's view: nothing read yet)."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from generate import generate

from ledger.app.ledger import open_ledger
from ledger.app.sources import read_source
from ledger.app.yearly import scoped_facts, unit_yearly_figures
from ledger.model.errors import NotFound
from ledger.model.facts import Draft
from ledger.read.yearly import YearlyFigures, yearly_figures


def drafts(lines: list[dict]) -> list[Draft]:
    return [Draft(x["event"], {k: v for k, v in x.items() if k != "event"}, n) for n, x in enumerate(lines, 1)]


@pytest.fixture(scope="module")
def city() -> tuple[list[dict], list[dict]]:
    return generate(units=10, people=600, years=6, seed=5)


def assert_same(fast: YearlyFigures, full: YearlyFigures) -> None:
    # `people` (every id -> name) holds only the people in scope; the names a redacted report masks are the same.
    assert set(full.people.items()) >= set(fast.people.items())
    masked_fast = {*fast.people.values(), *fast.recorded_person_names}
    masked_full = {*full.people.values(), *full.recorded_person_names}
    assert masked_fast == masked_full
    assert dataclasses.replace(fast, people=full.people) == full


def check(store: str, units: list[str | None], years: list[int]) -> int:
    """Compare the figures of each unit and year in a cold ledger; returns how many had facts of the year."""
    app = open_ledger(store)
    full_facts = open_ledger(store).facts()
    busy = 0
    for unit in units:
        for year in years:
            full = yearly_figures(full_facts, year, unit)
            fast = unit_yearly_figures(read_source(app), year, unit)
            assert_same(fast, full)
            busy += bool(full.promotions or full.appointments or full.secondments)
            assert not app.fact_log.loaded, "the fast path read the whole stream"
    return busy


def test_fast_path_equals_full_walk(store: str, city) -> None:
    lines, corrections = city
    app = open_ledger(store)
    app.append(drafts(lines), actor="generator")
    # The timeline's catch-up (as-of rosters) builds the index in the same transaction as its own rows.
    top = app.timeline.catch_up()
    assert top > len(lines) and app.timeline.fact_index.position() == top
    state = app.state()
    parents = [u for u in state.units if state.children(u)]
    leaves = [u for u in state.units if not state.children(u)]
    assert parents and leaves
    units: list[str | None] = [None, *parents[:2], *leaves[:2]]
    first = min(f.effective for f in app.facts()).year
    years = [first, first + 2, first + 4, first + 5]
    assert check(store, units, years) > 4

    # The scope is a part of the city: the facts of one leaf unit are a fraction of the stream.
    cold = open_ledger(store)
    facts, unit = scoped_facts(read_source(cold), leaves[0], date(years[-1], 12, 31))  # type: ignore[misc]
    assert unit == leaves[0] and len(facts) < len(app.facts()) / 2

    # Clerks record corrections (back-dated entries, retractions and re-recordings): the index catches up on
    # only the new facts, and the counts still agree.
    open_ledger(store).append(drafts(corrections), actor="clerk")
    assert any(x["event"] == "retracted" for x in corrections)
    check(store, units, years)



def test_unknown_unit_and_empty_store(sqlite_store: str, city) -> None:
    app = open_ledger(sqlite_store)
    with pytest.raises(NotFound):
        unit_yearly_figures(read_source(app), 2020, None)
    app.append(drafts(city[0][:50]), actor="generator")
    with pytest.raises(NotFound, match="no unit 'NOPE'"):
        unit_yearly_figures(read_source(open_ledger(sqlite_store)), 2020, "NOPE")


def test_encrypted_store_keeps_names_encrypted_and_counts_the_same(tmp_path: Path, city) -> None:
    from ledger.store.crypto import new_key

    path = tmp_path / "ledger.sqlite3"
    env = {"LEDGER_ENCRYPTION_KEY": new_key()}
    lines = city[0]
    app = open_ledger(str(path), extra_env=env)
    app.append(drafts(lines), actor="generator")
    year = max(f.effective for f in app.facts()).year - 1
    cold = open_ledger(str(path), extra_env=env)
    fast = unit_yearly_figures(read_source(cold), year)
    assert_same(fast, yearly_figures(app.facts(), year))
    assert fast.recorded_person_names
    app.close()
    cold.close()
    names = {x["name"].encode() for x in lines if x["event"] in ("hired", "assistant_engaged")}
    data = b"".join(Path(f"{path}{s}").read_bytes() for s in ("", "-wal") if Path(f"{path}{s}").exists())
    assert not [n for n in names if n in data]
