"""The materialised unit figures (each unit's 编制 and 领导职数 against who fills them, as intervals) answer every
`ledger units` question exactly as the fold does — on a generated city, caught up in steps as clerks record, after
back-dated entries and retractions, rebuilt from scratch, and in a store whose timeline predates the table — on
SQLite and on PostgreSQL. A unit's series over the years equals its figures on each 31 December."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from generate import generate

from ledger.app import Queries
from ledger.app.ledger import open_ledger
from ledger.app.upkeep import verify_ledger
from tests.integration.test_materialised_timeline_agrees_with_the_fold import FAR_FUTURE, drafts


def assert_agree(q: Queries, rng: random.Random, dates: int) -> None:
    units = [u["unit"] for u in q.units(date(2030, 1, 1), FAR_FUTURE)]
    for _ in range(dates):
        on = date(2018, 6, 1) + timedelta(days=rng.randint(0, 7 * 365))
        assert q.units(on) == q.units(on, FAR_FUTURE), f"figures and fold differ on {on}"
        unit = rng.choice(units)
        if unit in {u["unit"] for u in q.units(on, FAR_FUTURE)}:
            assert q.units(on, unit=unit) == q.units(on, FAR_FUTURE, unit)
    for unit in rng.sample(units, 3):
        series = q.unit_series(unit)
        assert series == {**q.unit_series(unit, FAR_FUTURE), "known_at": None}
        for point in series["points"]:
            on = date.fromisoformat(point["date"])
            assert {k: v for k, v in point.items() if k != "date"} == q.units(on, FAR_FUTURE, unit)[0]


@pytest.fixture(scope="module")
def city() -> tuple[list[dict], list[dict]]:
    """More units than people per unit: many structure facts, and figures touched by transfers between units."""
    return generate(units=16, people=700, years=6, seed=11)


def test_unit_figures_agree_with_the_fold_as_clerks_record(store: str, city) -> None:
    lines, corrections = city
    app = open_ledger(store)
    q = Queries(app)
    rng = random.Random(3)
    app.append(drafts(lines[: len(lines) * 9 // 10]), actor="generator")
    assert_agree(q, rng, 10)
    app.append(drafts(lines[len(lines) * 9 // 10:]), actor="generator")  # caught up for the units it touches
    assert_agree(q, rng, 15)
    app.append(drafts(corrections), actor="clerk")  # back-dated secondments, retracted promotions
    assert_agree(q, rng, 15)
    app.close()


def test_a_rebuild_gives_the_rows_catching_up_gave(sqlite_store: str, city) -> None:
    lines, corrections = city
    app = open_ledger(sqlite_store)
    app.append(drafts(lines[: len(lines) * 9 // 10]), actor="generator")
    app.timeline.catch_up()
    app.append(drafts(lines[len(lines) * 9 // 10:]), actor="generator")
    app.timeline.catch_up()
    app.append(drafts(corrections), actor="clerk")
    app.timeline.catch_up()

    def rows() -> list[tuple]:
        return sorted(app.timeline.tables.connection().execute("SELECT * FROM timeline_unit_figures").fetchall())

    caught_up = rows()
    assert len(caught_up) > 12
    app.timeline.rebuild()
    assert rows() == caught_up


def test_a_store_whose_timeline_predates_the_figures_gets_them_on_first_read(sqlite_store: str, city) -> None:
    lines, _ = city
    app = open_ledger(sqlite_store)
    app.append(drafts(lines), actor="generator")
    app.timeline.catch_up()
    with app.timeline.tables.writing() as conn:  # as a store written before the figures existed
        conn.execute("DROP TABLE timeline_unit_figures")
        conn.execute("DELETE FROM timeline_tracking WHERE name = 'unit_figures'")
    app.close()
    again = Queries(open_ledger(sqlite_store))
    on = date(2021, 12, 31)
    assert again.units(on) == again.units(on, FAR_FUTURE)
    again.application.close()


def test_an_encrypted_store_keeps_the_figures_encrypted(tmp_path, bureau_lines) -> None:
    import sqlite3

    from ledger.app import new_key

    store = str(tmp_path / "ledger.sqlite3")
    app = open_ledger(store, extra_env={"LEDGER_ENCRYPTION_KEY": new_key()})
    app.append(drafts(bureau_lines), actor="clerk")
    q = Queries(app)
    on = date(2021, 6, 30)
    assert q.units(on) == q.units(on, FAR_FUTURE) and q.units(on)[0]["name"] == "区市场监督管理局"
    with sqlite3.connect(store) as conn:
        docs = [r[0] for r in conn.execute("SELECT doc FROM timeline_unit_figures")]
    assert docs and not any("区市场监督管理局".encode() in d or b'"headcount"' in d for d in docs)
    app.close()


def test_a_move_undone_and_restored_gives_each_unit_its_figures_again(store: str, city) -> None:
    """A transfer retracted long after it was recorded puts the person back in the unit they had left, from the
    move's date on (a unit the new fact does not name); retracting the retraction moves them again. Appended one
    at a time, each unit's figures still equal the fold, and `verify` finds the rows a rebuild would write."""
    from ledger.model.errors import Refused
    from ledger.model.facts import Draft

    lines, _ = city
    app = open_ledger(store)
    q = Queries(app)
    rng = random.Random(5)
    app.append(drafts(lines), actor="generator")
    moves = [f for f in app.facts() if f.event == "transferred" and f.data.get("to_unit")]
    undone = []
    for move in rng.sample(moves, len(moves)):
        try:  # refused when later facts need the move (a post or a section of the new unit): try another
            app.append([Draft("retracted", {"target": move.id, "reason": "recorded in error"})], actor="clerk")
        except Refused:
            continue
        undone.append(app.facts()[-1])
        assert_agree(q, rng, 4)
        if len(undone) == 3:
            break
    assert len(undone) == 3, "no transfer of the city could be retracted"
    app.append([Draft("retracted", {"target": undone[0].id, "reason": "the move did happen"})], actor="clerk")
    assert_agree(q, rng, 6)
    assert verify_ledger(app).derived == "current"
    app.close()
