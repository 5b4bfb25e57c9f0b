"""As known at a moment, a roster (and the units' figures) come from the materialised tables' recorded beliefs —
and equal the fold's answer on random (as-of, known-at) pairs of a generated city recorded in several appends, before and after
back-dated facts and retractions were recorded, on SQLite and on PostgreSQL."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from generate import generate

from ledger.app.ledger import PersonnelLedger, open_ledger
from ledger.app.queries import Queries
from ledger.app.sources import derived_current, read_source
from ledger.app.upkeep import verify_ledger
from ledger.model.errors import NotFound, no_unit
from ledger.model.facts import Draft
from ledger.read.roster import roster_view, unit_summary
from tests.conftest import as_each_test_runs, copy_of_sqlite_store, module_store


def drafts(lines: list[dict]) -> list[Draft]:
    return [Draft(x["event"], {k: v for k, v in x.items() if k != "event"}, n) for n, x in enumerate(lines, 1)]


def answer(call, say: bool = True) -> dict | list | str:
    try:
        return call()
    except NotFound as e:
        return str(e) if say else "not found"


def fold_units(app: PersonnelLedger, on: date, known_at: datetime, unit: str | None) -> list[dict]:
    """`ledger units --json` as the fold answers it."""
    state = app.state(on, known_at)
    if unit is not None:
        if unit not in state.units:
            raise NotFound(no_unit(unit, on, state.units))
        return [unit_summary(state, unit)]
    return [unit_summary(state, code) for code in Queries._unit_codes(state, on, None)]


def moments(app: PersonnelLedger, rng: random.Random, count: int) -> list[datetime]:
    """Moments before, at, just after and between the recordings, and after the last."""
    stamps = sorted({f.recorded for f in app.facts()})
    one = timedelta(microseconds=1)
    fixed = [stamps[0] - one, *stamps, *(s + one for s in stamps), stamps[-1] + timedelta(days=1)]
    span = (stamps[-1] - stamps[0]).total_seconds()
    return fixed + [stamps[0] + timedelta(seconds=rng.uniform(0, span)) for _ in range(count)]


@pytest.fixture(scope="module")
def city() -> tuple[list[dict], list[dict]]:
    return generate(units=10, people=600, years=6, seed=17)


@pytest.fixture(scope="module")
def city_store(city, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The city's lines recorded in one append, in a SQLite store: built once, copied by each test that writes."""
    store = module_store("sqlite", tmp_path_factory)
    with as_each_test_runs():
        app = open_ledger(store)
        app.append(drafts(city[0]), actor="generator")
        app.close()
    return store


def test_known_at_rosters_equal_the_fold_before_and_after_corrections(store: str, city) -> None:
    lines, corrections = city
    app = open_ledger(store)
    third = len(lines) // 3
    for part in (lines[:third], lines[third:2 * third], lines[2 * third:]):  # three recordings of the import
        app.append(drafts(part), actor="generator")
    app.append(drafts(corrections[: len(corrections) // 2]), actor="clerk")
    for line in corrections[len(corrections) // 2:]:  # and the rest one by one
        app.append(drafts([line]), actor="clerk")
    assert any(f.event == "retracted" for f in app.facts())

    reader = open_ledger(store, read_only=True)
    queries = Queries(reader)
    assert derived_current(reader)
    rng = random.Random(3)
    units = list(app.state().units)
    checked, pairs = 0, moments(app, rng, 25)
    for known_at in pairs:
        for _ in range(3):
            on = date(2019, 1, 1) + timedelta(days=rng.randint(-30, 6 * 365 + 30))
            unit = rng.choice([None, None, *units])
            got = answer(lambda: read_source(reader).roster(on, known_at, unit))  # noqa: B023
            want = answer(lambda: roster_view(reader.state(on, known_at), on, known_at, unit))  # noqa: B023
            assert got == want, f"timeline and fold differ on {on} as known at {known_at} ({unit})"
            got = answer(lambda: queries.units(on, known_at, unit), False)  # noqa: B023
            want = answer(lambda: fold_units(reader, on, known_at, unit), False)  # noqa: B023
            assert got == want, f"unit figures and fold differ on {on} as known at {known_at} ({unit})"
            checked += 1
    assert checked == 3 * len(pairs)
    # Every answer came from the timeline, none from the fold (a moment before the first event is only said so).
    fallbacks = [n for n in reader.notices if not n.startswith("nothing was recorded by ")]
    assert fallbacks == [], fallbacks
    # The rows kept append by append are those derived again from every event in one pass.
    assert verify_ledger(reader).derived == "current"


def test_a_correction_closes_the_old_belief_and_a_rebuild_gives_the_same_rows(city_store: str, city,
                                                                            tmp_path: Path) -> None:
    _, corrections = city
    app = open_ledger(copy_of_sqlite_store(city_store, tmp_path))  # the lines recorded in one append
    before = max(f.recorded for f in app.facts())
    app.append(drafts(corrections), actor="clerk")
    retraction = next(f for f in app.facts() if f.event == "retracted")
    target = next(f for f in app.facts() if f.id == retraction.data["target"])
    on = target.effective - timedelta(days=1)  # the re-recorded promotion counts from a month earlier
    person = target.person

    def rank(known_at: datetime | None) -> str | None:
        people = read_source(app).roster(on, known_at)["people"]
        return next((p["rank"] for p in people if p["person"] == person), None)

    assert rank(before) != target.data["rank"]  # as known before the correction: not yet promoted that day
    assert rank(None) == target.data["rank"]  # as known now: promoted a month earlier
    conn = app.timeline.tables.connection()
    closed = conn.execute("SELECT COUNT(*) FROM timeline_people WHERE person = ? AND recorded_to < ?",
                          (person, 2 ** 62)).fetchone()[0]
    assert closed >= 1

    def rows() -> list[tuple]:
        return sorted(conn.execute("SELECT person, kind, unit, valid_from, valid_to, recorded_from, recorded_to, doc "
                                   "FROM timeline_people").fetchall())

    incremental = rows()
    app.timeline.rebuild()
    assert rows() == incremental
    assert verify_ledger(app).derived == "current"


def test_a_timeline_written_without_recorded_times_is_folded_around_until_the_next_write(city_store: str, city,
                                                                                          tmp_path: Path) -> None:
    """Tables an earlier version wrote (no recorded times): reads answer from the events and write nothing; the
    next recording derives them again, bitemporal."""
    import sqlite3

    _, corrections = city
    sqlite_store = copy_of_sqlite_store(city_store, tmp_path)  # the lines recorded in one append, the store closed
    with sqlite3.connect(sqlite_store) as conn:  # the people table as the previous version made it
        conn.execute("CREATE TABLE old AS SELECT person, kind, unit, valid_from, valid_to, doc, seal FROM "
                     "timeline_people")
        conn.execute("DROP TABLE timeline_people")
        conn.execute("ALTER TABLE old RENAME TO timeline_people")
    reader = open_ledger(sqlite_store, read_only=True)
    on, known_at = date(2022, 6, 30), max(f.recorded for f in reader.facts())
    assert read_source(reader).roster(on, known_at) == roster_view(reader.state(on, known_at), on, known_at)
    assert read_source(reader).roster(on)["people"] == roster_view(reader.state(on), on)["people"]
    assert not derived_current(reader) and reader.notices
    with sqlite3.connect(sqlite_store) as conn:
        assert "recorded_from" not in {r[1] for r in conn.execute("PRAGMA table_info(timeline_people)")}

    writer = open_ledger(sqlite_store)
    writer.append(drafts(corrections), actor="clerk")
    assert derived_current(writer) and verify_ledger(writer).derived == "current"
    fresh = open_ledger(sqlite_store, read_only=True)
    assert read_source(fresh).roster(on, known_at) == roster_view(fresh.state(on, known_at), on, known_at)
    assert fresh.notices == []
