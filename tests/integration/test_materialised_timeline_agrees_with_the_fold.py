"""A generated city: it imports cleanly, and the materialised timeline answers every as-of roster exactly as the
fold does — before and after back-dated entries and retractions are recorded, on SQLite and on PostgreSQL."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from generate import generate

from ledger.app.ledger import PersonnelLedger, open_ledger
from ledger.app.sources import read_source
from ledger.fold.walk import validate
from ledger.model.facts import Draft

FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)  # known_at this late = everything, but through the fold


def drafts(lines: list[dict]) -> list[Draft]:
    return [Draft(x["event"], {k: v for k, v in x.items() if k != "event"}, n) for n, x in enumerate(lines, 1)]


def fold_roster(app: PersonnelLedger, on: date, unit: str | None = None) -> dict:
    out = read_source(app).roster(on, FAR_FUTURE, unit)
    out["known_at"] = None
    return out


def assert_agree(app: PersonnelLedger, rng: random.Random, dates: int, start: date, end: date) -> None:
    units = list(app.state().units)
    span = (end - start).days
    for _ in range(dates):
        on = start + timedelta(days=rng.randint(-30, span + 30))
        unit = rng.choice([None, *units[:5], rng.choice(units)])
        if unit is not None and unit not in app.state(on).units:
            continue
        assert read_source(app).roster(on, unit=unit) == fold_roster(app, on, unit), f"timeline and fold differ on {on} ({unit})"


@pytest.fixture(scope="module")
def city() -> tuple[list[dict], list[dict]]:
    return generate(units=12, people=900, years=6, seed=7)


def test_generated_city_imports_and_timeline_agrees_with_fold(store: str, city) -> None:
    lines, corrections = city
    app = open_ledger(store)
    ids = app.append(drafts(lines), actor="generator")
    assert len(ids) == len(lines)
    rng = random.Random(11)
    start, end = date(2019, 1, 1), date(2024, 12, 31)
    assert_agree(app, rng, 40, start, end)

    # Clerks record the corrections later: back-dated secondments, retracted and re-recorded promotions.
    app.append(drafts(corrections), actor="clerk")
    facts = app.facts()
    by_id = {f.id: f for f in facts}
    retractions = [f for f in facts if f.event == "retracted"]
    assert retractions, "the generator makes corrections"
    for r in retractions:  # each names its target in its note: the generator's ids are the import's ids
        target = by_id[r.data["target"]]
        assert r.data["note"] == f"rank_promoted {target.person} {target.data['rank']} {target.effective}"
    assert validate(facts) == []
    assert_agree(app, rng, 40, start, end)

    # A fresh process (no facts in memory) reads the projection as it is, without folding the stream.
    again = open_ledger(store)
    on = date(2022, 6, 30)
    assert read_source(again).roster(on) == fold_roster(app, on)
    assert not again.fact_log.loaded


def test_rebuild_from_scratch_gives_the_same_rows(sqlite_store: str, city) -> None:
    lines, corrections = city
    app = open_ledger(sqlite_store)
    app.append(drafts(lines[: len(lines) // 2]), actor="generator")
    app.timeline.catch_up()
    app.append(drafts(lines[len(lines) // 2:]), actor="generator")
    app.append(drafts(corrections), actor="clerk")
    app.timeline.catch_up()

    def rows() -> list[tuple]:
        conn = app.timeline.tables.connection()
        return sorted(conn.execute("SELECT person, kind, unit, valid_from, valid_to, doc FROM timeline_people").fetchall())

    incremental = rows()
    app.timeline.rebuild()
    assert rows() == incremental


def test_scoped_validation_refuses_exactly_what_validating_the_whole_city_refuses(sqlite_store: str, city) -> None:
    """Append validates only the people and units a batch can affect (ledger.scope); on a generated city, random
    single facts (many of them wrong: 超编, unknown posts, back-dated moves, retractions) get the same verdict."""
    from ledger.model.errors import Refused
    from ledger.model.facts import Fact
    from ledger.model.parsing import parse_fields

    lines, _ = city
    app = open_ledger(sqlite_store)
    app.append(drafts(lines), actor="generator")
    facts = app.facts()
    baseline = validate(facts)
    assert baseline == []
    state = app.state()
    people = sorted(state.people)
    units = sorted(state.units)
    rng = random.Random(5)

    def some_day() -> str:
        return (date(2019, 1, 1) + timedelta(days=rng.randint(0, 6 * 365))).isoformat()

    makers = [
        lambda: ("hired", {"person": f"N{rng.randint(0, 9)}", "name": "新人", "gender": "男", "birth_date": "1990-01-01",
                           "unit": rng.choice(units), "establishment": rng.choice(["行政编制", "事业编制"]),
                           "rank": rng.choice(["一级科员", "九级职员"]), "mode": "录用", "effective": some_day()}),
        lambda: ("rank_promoted", {"person": rng.choice(people), "rank": rng.choice(["四级主任科员", "三级主任科员", "八级职员"]),
                                   "effective": some_day()}),
        lambda: ("transferred", {"person": rng.choice(people), "to_unit": rng.choice(units), "effective": some_day()}),
        lambda: ("separated", {"person": rng.choice(people), "reason": "辞职", "effective": some_day()}),
        lambda: ("post_appointed", {"person": rng.choice(people), "post": rng.choice(["副局长", "科长", "主任"]),
                                    "effective": some_day()}),
        lambda: ("secondment_started", {"person": rng.choice(people), "host": "区委党校", "kind": "学习", "effective": some_day()}),
        lambda: ("retracted", {"target": rng.randint(2, facts[-1].id), "reason": "test"}),
        lambda: ("quota_set", {"unit": rng.choice(units), "establishment": "行政编制", "count": rng.randint(0, 40),
                               "effective": some_day()}),
    ]
    verdicts = {"clean": 0, "refused": 0}
    for _ in range(120):
        event, fields = rng.choice(makers)()
        typed, problems = parse_fields(event, fields)
        assert not problems
        new = Fact(facts[-1].id + 1, event, typed["effective"], typed)
        full = sorted((p.code, p.message) for p in validate([*facts, new]) if p not in baseline)
        try:
            app.judge([Draft(event, fields)])
            scoped: list = []
        except Refused as e:
            scoped = sorted((p.code, p.message) for p in e.problems)
        assert scoped == full, f"{event} {fields}"
        verdicts["refused" if full else "clean"] += 1
    assert verdicts["clean"] > 10 and verdicts["refused"] > 10, verdicts
