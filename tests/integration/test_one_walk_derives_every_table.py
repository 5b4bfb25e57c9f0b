"""A rebuild derives the timeline and the unit figures of a whole derivation in one walk (`derive_all`), narrows the
units a later recording re-derives through the timeline's rows it has just written, and fills the fact index from
the scope index in bulk: every derived table must hold exactly the rows that catching up append by append wrote —
on a generated city recorded in two imports, a batch of corrections and many single appends (back-dated ones,
transfers between units, separations), on SQLite and PostgreSQL. And the one walk gives what the two walks give."""

from __future__ import annotations

import random
from datetime import timedelta

from generate import generate

from ledger.app.ledger import open_ledger
from ledger.app.upkeep import verify_ledger
from ledger.model.facts import Draft
from ledger.store.intervals import derive, derive_all
from ledger.store.unit_figures import derive_figures

TABLES = ("timeline_people", "timeline_units", "timeline_unit_figures", "timeline_steps", "timeline_seals",
          "report_subjects", "report_unit_people", "report_names")


def drafts(lines: list[dict]) -> list[Draft]:
    return [Draft(x["event"], {k: v for k, v in x.items() if k != "event"}, n) for n, x in enumerate(lines, 1)]


def single_appends(app, rng: random.Random, count: int) -> int:
    """Single appends of a clerk: secondments (some back-dated), transfers to another unit, separations."""
    done = 0
    units = list(app.state().units)
    last = max(f.effective for f in app.facts())
    for _ in range(count * 3):
        on = last - timedelta(days=rng.randint(0, 700))
        people = [p for p in app.state(on).staff() if p.secondment is None]
        p = rng.choice(people)
        kind = rng.choice(["secondment_started", "transferred", "separated"])
        fields = {"person": p.person, "effective": on.isoformat()}
        if kind == "secondment_started":
            fields |= {"host": "区委党校", "kind": "学习"}
        elif kind == "transferred":
            fields |= {"to_unit": rng.choice([u for u in units if u != p.unit])}
        else:
            fields |= {"reason": "辞职"}
        try:
            app.append([Draft(kind, fields)], actor="clerk")
        except Exception:  # refused (a later fact of theirs no longer holds, no place in that unit …): try another
            continue
        done += 1
        if done == count:
            break
    return done


def test_a_rebuild_writes_what_catching_up_wrote_in_every_table(store: str) -> None:
    lines, corrections = generate(units=8, people=300, years=4, seed=23)
    app = open_ledger(store)
    half = len(lines) * 2 // 3
    app.append(drafts(lines[:half]), actor="generator")
    app.append(drafts(lines[half:]), actor="generator")
    app.append(drafts(corrections), actor="clerk")
    assert single_appends(app, random.Random(5), 12) >= 8
    conn = app.timeline.tables.connection()

    def rows() -> dict[str, list[tuple]]:
        return {t: sorted(tuple(r) for r in conn.execute(f"SELECT * FROM {app.timeline.dialect.table(t)}").fetchall())
                for t in TABLES}

    caught_up = rows()
    assert len(caught_up["timeline_steps"]) >= 11  # two imports, the corrections, the single appends
    app.timeline.rebuild()
    rebuilt = rows()
    for table in TABLES:
        assert rebuilt[table] == caught_up[table], table
    assert verify_ledger(app).derived == "current"

    facts = app.facts()
    people, units, figures = derive_all(facts)
    assert (sorted(people), sorted(units)) == tuple(sorted(x) for x in derive(facts))
    assert sorted(figures) == sorted(derive_figures(facts))
    app.close()
