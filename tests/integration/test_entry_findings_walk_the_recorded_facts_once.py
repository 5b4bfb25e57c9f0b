"""A clerk's usual batch comes after every recorded fact, so the compliance check at entry walks the recorded facts
once for the findings without the batch and with it (`ComplianceWalk.run_before_and_after`): on a generated city,
cut at many days, the two lists are exactly those of the two walks (the same findings, in the same order), and
`introduced_findings` says what the two walks say."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from generate import generate

from ledger.app.ledger import open_ledger
from ledger.fold.scope import named_units
from ledger.fold.walk import counting_facts
from ledger.model.facts import Fact
from ledger.rules.catalogue import default_rulebook
from ledger.rules.entry import introduced_findings
from ledger.rules.findings import Subjects
from ledger.rules.walk import ComplianceWalk, findings_on
from tests.integration.test_materialised_timeline_agrees_with_the_fold import drafts


@pytest.fixture(scope="module")
def facts(tmp_path_factory: pytest.TempPathFactory) -> list[Fact]:
    lines, _ = generate(units=6, people=300, years=4, seed=17)
    app = open_ledger(str(Path(tmp_path_factory.mktemp("city")) / "ledger.sqlite3"))
    try:
        app.append(drafts(lines), actor="generator")
        return app.facts()
    finally:
        app.close()


def _dates(later: list[Fact], rng: random.Random) -> dict[date, Subjects | None]:
    """Dates as the entry check asks them: each later fact's day, its units and person, and the last day whole."""
    touched: dict[date, tuple[set[str], set[str]]] = {}
    for f in later[:rng.choice([1, 2, 5, 50])]:
        units, persons = touched.setdefault(f.effective, (set(), set()))
        units.update(named_units(f))
        if f.person:
            persons.add(f.person)
    dates: dict[date, Subjects | None] = {d: Subjects(frozenset(u), frozenset(p)) for d, (u, p) in touched.items()}
    dates[max(touched) + timedelta(days=rng.choice([0, 40]))] = None
    return dates


def test_one_walk_finds_what_the_two_walks_find(facts: list[Fact]) -> None:
    rulebook, rng = default_rulebook(), random.Random(5)
    ordered = counting_facts(facts)
    days = sorted({f.effective for f in ordered})
    found = 0
    for cut in [*rng.sample(days[1:], 25), days[-1]]:
        recorded = [f for f in ordered if f.effective < cut]
        later = [f for f in ordered if f.effective >= cut][:rng.choice([1, 3, 40, 10_000])]
        dates = _dates(later, rng)
        for since in (cut, cut - timedelta(days=400)):  # judged from the batch's day, or facts before it too
            before, after = ComplianceWalk(rulebook, since, date.max).run_before_and_after(recorded, later, dates)
            assert before == ComplianceWalk(rulebook, since, date.max).run(recorded, dates), cut
            assert after == ComplianceWalk(rulebook, since, date.max).run([*recorded, *later], dates), cut
            found += len(after) > len(before)
    assert found >= 5  # batches that bring findings were among them


def test_introduced_findings_are_those_the_two_walks_tell_apart(facts: list[Fact]) -> None:
    rulebook, rng = default_rulebook(), random.Random(9)
    ordered = counting_facts(facts)
    days = sorted({f.effective for f in ordered})
    for cut in rng.sample(days[1:], 15):
        recorded = [f for f in facts if f.effective < cut]
        new = [f for f in facts if f.effective >= cut][:rng.choice([1, 4])]
        on = max(f.effective for f in new)
        dates: dict[date, Subjects | None] = {}
        for f in new:
            units, persons = set(named_units(f)), {f.person} if f.person else set()
            old = dates.get(f.effective)
            if old is not None:
                units |= old.units
                persons |= old.persons
            dates[f.effective] = Subjects(frozenset(units), frozenset(persons))
        dates[on] = None
        since = min(f.effective for f in new)
        before = {x.key for x in findings_on(recorded, rulebook, dates, since)}
        want, seen = [], set()
        for x in findings_on([*recorded, *new], rulebook, dates, since):
            if x.key not in before and x.key not in seen:
                seen.add(x.key)
                want.append(x)
        assert introduced_findings(recorded, new, rulebook) == want, cut
