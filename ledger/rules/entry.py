"""Findings at entry: which findings a batch of new facts introduces, and refusing them under --strict.

"Introduces" compares the findings of the timeline with and without the new facts: every fact's findings (a
back-dated fact can change a later fact's standing) and the state's findings on each date the new facts touch,
the whole state on the batch's latest date. That date, not today: a clerk back-filling 2020 has not yet entered
the 2023 retirement, so a hire is not warned of an overdue retirement the ledger will hear of later (a
retraction counts at its target's date). A finding already there before the batch is not the batch's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from ledger.fold.scope import named_units
from ledger.fold.walk import counting_facts, fold_order
from ledger.model.errors import Problem, Refused
from ledger.model.facts import Fact
from ledger.rules.catalogue import Rulebook
from ledger.rules.findings import Finding, Subjects
from ledger.rules.walk import ComplianceWalk, findings_on


class FindingsRefused(Refused):
    """--strict: the batch would introduce compliance findings, so nothing was written."""

    def __init__(self, findings: Sequence[Finding]):
        self.findings = list(findings)
        super().__init__([Problem(f"finding:{x.rule}", f"{x.rule} {x.title}: {x.message} [{x.source}]",
                                  event_id=x.event_id) for x in self.findings])


def introduced_findings(recorded: Sequence[Fact], new: Sequence[Fact], rulebook: Rulebook,
                        on: date | None = None) -> list[Finding]:
    """The findings the timeline has with `new` appended that it did not have without them; the whole state is
    judged on `on` (default: the batch's latest effective date)."""
    if not new:
        return []
    by_id = {f.id: f for f in recorded}
    touched: dict[date, tuple[set[str], set[str]]] = {}
    since = date.max  # the earliest date the batch changes: a retraction's restored or withdrawn fact's
    for f in new:
        base = f
        while base.event == "retracted" and base.data["target"] in by_id:
            base = by_id[base.data["target"]]
        since = min(since, base.effective, f.effective)
        if f.event == "retracted" and f.data["target"] in by_id:
            f = by_id[f.data["target"]]
        units, persons = touched.setdefault(f.effective, (set(), set()))
        units.update(named_units(f))
        if f.person:
            persons.add(f.person)
    # On the dates the batch touches, only what it touches is judged (an import of a whole city has thousands of
    # dates); on the batch's latest date, everything in the timeline given.
    dates: dict[date, Subjects | None] = {d: Subjects(frozenset(u), frozenset(p)) for d, (u, p) in touched.items()}
    dates[on or max(touched)] = None
    # Facts effective before the batch's earliest date are judged against the same state with or without it: their
    # findings cannot be the batch's, so they are not judged at all (a clerk's append judges its own day's facts).
    ordered = counting_facts(recorded)
    if all(f.event != "retracted" for f in new) and (not ordered or min(f.effective for f in new) > ordered[-1].effective):
        # The batch comes after every recorded fact (a clerk's usual append): the two walks share the recorded facts.
        found, with_new = ComplianceWalk(rulebook, since, date.max).run_before_and_after(
            ordered, sorted(new, key=fold_order), dates)
    else:
        found = ComplianceWalk(rulebook, since, date.max).run(ordered, dates)  # (`findings_on(recorded, …)`)
        with_new = findings_on([*recorded, *new], rulebook, dates, since)
    before = {x.key for x in found}
    out: list[Finding] = []
    seen: set[tuple] = set()
    for x in with_new:
        if x.key not in before and x.key not in seen:
            seen.add(x.key)
            out.append(x)
    return out


@dataclass
class EntryFindings:
    """The hook `PersonnelLedger.append(vet=...)` calls before saving: finds what the batch introduces, and
    under `strict` refuses it. After the append, `found` holds the findings to warn about."""

    rulebook: Rulebook
    strict: bool = False
    found: list[Finding] = field(default_factory=list)

    def __call__(self, recorded: Sequence[Fact], new: Sequence[Fact]) -> None:
        self.found = introduced_findings(recorded, new, self.rulebook)
        breaches = [x for x in self.found if not x.notice]  # a notice asks for a record; it refuses nothing
        if breaches and self.strict:
            raise FindingsRefused(breaches)
