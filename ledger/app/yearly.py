"""The yearly report's figures of one unit from the facts that can matter for it, found through the store's fact
index (ledger.store.fact_index) instead of reading the whole stream.

For one unit only some facts can change its figures: every structure fact, and every fact of every person who
was ever in the unit or a unit under it. The figures equal the full walk's (`ledger.read.yearly.yearly_figures`
of every fact), except `people` (every person's id → name), which holds the people in scope only; the names a
redacted report must mask are the same (`recorded_person_names` comes from the index).
"""

from __future__ import annotations

import weakref
from datetime import date, datetime
from typing import TYPE_CHECKING

from ledger.app.sources import MATERIALISED, Folded
from ledger.fold.scope import STRUCTURE
from ledger.fold.walk import counting_facts, fold
from ledger.model.facts import Fact
from ledger.read.yearly import YearlyFigures, subtree, yearly_figures
from ledger.rules import Finding, Rulebook, compliance_findings

if TYPE_CHECKING:
    from ledger.app.ledger import PersonnelLedger

Scoped = tuple[list[Fact], str] | None
# The last scope read per ledger, by (unit, date, moment, stream head): a report asks for its figures and then for
# its findings, and both need the same facts — read once. A later recording moves the head and is never served stale.
_LAST_SCOPE: weakref.WeakKeyDictionary[PersonnelLedger, tuple[tuple[object, ...], Scoped]] = \
    weakref.WeakKeyDictionary()


def scoped_facts(source: Folded, unit: str | None, as_of: date,
                 known_at: datetime | None = None) -> tuple[list[Fact], str] | None:
    """The facts the report of `unit` (None: the top unit) on `as_of` needs, and the unit; None when the unit
    does not exist then (the full walk says why), or when the answers come from the fold (the full walk answers:
    the reference)."""
    if source.kind != MATERIALISED:
        return None
    key = (unit, as_of, known_at, source.app.stream.top())
    last = _LAST_SCOPE.get(source.app)
    if last is not None and last[0] == key:
        return last[1]
    found = _read_scope(source, unit, as_of, known_at)
    _LAST_SCOPE[source.app] = (key, found)
    return found


def _read_scope(source: Folded, unit: str | None, as_of: date, known_at: datetime | None) -> Scoped:
    structure = source.facts_of([STRUCTURE])
    end = fold(counting_facts(structure, known_at), as_of)
    if unit is None:
        tops = end.top_units()
        if not tops:
            return None
        unit = tops[0].unit
    if unit not in end.units:
        return None
    people = source.people_of(subtree(end, unit))
    mine = source.facts_of(people) if people else []
    facts = sorted([*structure, *mine], key=lambda f: f.id)
    return facts, unit


def unit_yearly_figures(source: Folded, year: int, unit: str | None = None,
                        known_at: datetime | None = None, as_of: date | None = None) -> YearlyFigures:
    """`ledger.read.yearly.yearly_figures` of one unit from the facts that can matter for it (see the module doc)."""
    app = source.app
    found = scoped_facts(source, unit, as_of or date(year, 12, 31), known_at)
    if found is None:
        return yearly_figures(app.facts(), year, unit, known_at, as_of=as_of)  # the full walk's error
    facts, unit = found
    figures = yearly_figures(facts, year, unit, known_at, as_of=as_of)
    try:
        figures.recorded_person_names = app.timeline.fact_index.recorded_person_names()
    except Exception as e:  # a name that no longer decrypts: its bytes were changed; the full walk has them all
        app.notices.append(f"the report's index of names does not read ({type(e).__name__}): the report was "
                           "counted from the events (`ledger verify`, `ledger rebuild`)")
        return yearly_figures(app.facts(), year, unit, known_at, as_of=as_of)
    return figures


def unit_year_findings(source: Folded, rulebook: Rulebook, year: int, unit: str | None = None,
                       as_of: date | None = None) -> list[Finding]:
    """The compliance findings of `year` (the state on `as_of`, the facts since 1 January) from the facts that can
    matter for `unit` and the units under it — the yearly report's own checks, without walking a whole city. The
    findings about other units are left to the caller to drop (their people are not in the facts read)."""
    as_of = as_of or date(year, 12, 31)
    found = scoped_facts(source, unit, as_of)
    facts = found[0] if found is not None else source.app.facts()
    return compliance_findings(facts, rulebook, as_of, date(year, 1, 1))
