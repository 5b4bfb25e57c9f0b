"""A batch that moves no one (a secondment, a promotion, a profile, an assistant engaged: `own_people`) reads only its
own people's facts and the structure; the figures of their units are carried on from the rows the store believes
(`ledger.store.unit_figures.carried`), or, should a unit's believed rows not serve, derived from everyone who belonged,
as before. On a generated city, such batches on their day and back-dated, each appended by a fresh ledger as a clerk's
command would (then again, the carrying refused): `verify` derives every table again from the events and finds them
equal. Judging such a batch from its own people gives what judging it from every fact gives."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from generate import generate

import ledger.store.unit_figures as unit_figures
from ledger.app.ledger import open_ledger
from ledger.app.rulebook import rulebook_for
from ledger.app.upkeep import verify_ledger
from ledger.fold.scope import own_people
from ledger.model.errors import Refused
from ledger.model.facts import Fact
from ledger.rules.entry import introduced_findings
from tests.conftest import new_pg_url
from tests.integration.test_materialised_timeline_agrees_with_the_fold import drafts
from tests.integration.test_recording_reads_only_its_scope import appended_fresh

CUT = 0.9  # the share of the generated city recorded before the batches


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def city(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """(the store holding the city's first lines, the city's later lines)."""
    people = 500 if request.param == "sqlite" else 150
    lines, _ = generate(units=8, people=people, years=5, seed=23)
    cut = int(len(lines) * CUT)
    store = str(Path(tmp_path_factory.mktemp("city")) / "ledger.sqlite3") if request.param == "sqlite" else new_pg_url()
    app = open_ledger(store)
    app.append(drafts(lines[:cut]), actor="generator")
    app.close()
    return store, [*lines[cut:], *_assistants(lines[:cut], lines[-1]["effective"])]


def _assistants(recorded: list[dict], last: str) -> list[dict]:
    """Lines that engage or release assistants (编外: they move no one on the establishment, but count in their
    unit's figures): each recorded assistant released, and new ones engaged into their units, on the city's last
    day and a year and a half before."""
    out: list[dict] = []
    engaged = [x for x in recorded if x["event"] == "assistant_engaged"]
    for n, a in enumerate(engaged):
        for day in (date.fromisoformat(last), date.fromisoformat(last) - timedelta(days=550)):
            out.append({"event": "assistant_released", "effective": day.isoformat(), "person": a["person"]})
            out.append({"event": "assistant_engaged", "effective": day.isoformat(), "person": f"A9{n:03d}{day.year}",
                        "name": f"新助理{n}", "role": "办公室助理", "unit": a["unit"], "gender": "女"})
    return out


def _moving_no_one(later: list[dict], rng: random.Random, n: int) -> list[list[dict]]:
    """Batches of the city's later lines that move no one, on their day and back-dated (by a month: mostly before the
    units' later changes; by two years: after them), and a few lines at once."""
    own = [x for x in later if own_people([_fact(x)]) is not None]
    out: list[list[dict]] = [[x] for x in own if "assistant" in x["event"]]
    for line in rng.sample(own, min(n, len(own))):
        out.append([line])
        days = rng.choice([30, 730])
        out.append([{**line, "effective": (date.fromisoformat(line["effective"]) - timedelta(days=days)).isoformat()}])
    for _ in range(3):
        out.append(rng.sample(own, 3))
    return out


def _fact(line: dict) -> Fact:
    return Fact(0, line["event"], date.fromisoformat(line["effective"]), {k: v for k, v in line.items() if k != "event"})


@pytest.mark.parametrize("carry", [True, False], ids=["carried", "derived"])
def test_its_units_figures_are_carried_or_derived_and_verify_finds_them_equal(city, monkeypatch, carry: bool) -> None:
    """Each batch appended by a fresh ledger; `verify` then derives every table again and finds them equal. The
    second time (the city's later lines again, other people) each unit's figures are refused the carrying
    (`NotCarried`) and derived from the scope of everyone who belonged, read inside the catch-up."""
    store, later = city
    taken = {"carried": 0, "derived": 0}
    replace = unit_figures.UnitFigures.replace

    def counted(self, *args, **kwargs):
        if not kwargs.get("carry"):
            return replace(self, *args, **kwargs)
        try:
            replace(self, *args, **kwargs)
        except unit_figures.NotCarried:
            taken["derived"] += 1
            raise
        taken["carried"] += 1

    def refused(*args, **kwargs):
        def derive(*args, **kwargs):
            raise unit_figures.NotCarried

        return derive

    monkeypatch.setattr(unit_figures.UnitFigures, "replace", counted)
    if not carry:
        monkeypatch.setattr(unit_figures, "carried", refused)
    written = appended_fresh(store, _moving_no_one(later, random.Random(3 if carry else 4), 25))
    assert written >= 10 and taken["carried" if carry else "derived"] >= 10, (written, taken)
    app = open_ledger(store, read_only=True)
    try:
        result = verify_ledger(app)
        assert result.problem is None, result.problem
        assert result.derived == "current", result.derived
    finally:
        app.close()


def test_it_is_judged_from_its_own_people_as_from_every_fact(city) -> None:
    store, later = city
    app, every = open_ledger(store, read_only=True), open_ledger(store, read_only=True)
    try:
        judged = 0
        for batch in _moving_no_one(later, random.Random(8), 15):
            answers = []
            for ledger_, whole in ((app, False), (every, True)):
                try:
                    judgement = ledger_.judge(drafts(batch), whole=whole)
                except Refused as e:
                    answers.append(("refused", sorted((p.code, p.message) for p in e.problems)))
                    continue
                found = introduced_findings(judgement.compared_with, judgement.new, rulebook_for(ledger_))
                answers.append(("recorded", [(f.id, f.data) for f in judgement.new],
                                sorted((x.key, x.message) for x in found)))
            assert answers[0] == answers[1], batch
            judged += answers[0][0] == "recorded"
            assert not app.fact_log.loaded
        assert judged >= 5
    finally:
        app.close()
        every.close()
