"""Recording as a clerk does it: a batch of drafts, a file of events, an opening roster — each judged by the
compliance rules at entry (the findings it introduces are returned to warn about, or, strict, refuse it).

Entry points (the CLI, later the web page) make one call here and print what comes back; they never build the
entry check or read files themselves. Validation and the store stay `PersonnelLedger.append`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ledger.app.rulebook import rulebook_for
from ledger.model.errors import Problem, Refused
from ledger.model.facts import Draft, Fact
from ledger.rules import EntryFindings, Finding

if TYPE_CHECKING:
    from ledger.app.ledger import PersonnelLedger
    from ledger.io.lrmx_plan import LrmxPlan
    from ledger.io.opening_roster import RosterPlan

# Given a number of rows, a context yielding a callback taking the rows done (or None: no progress shown).
ProgressFactory = Callable[[int], AbstractContextManager[Callable[[int], None] | None]]


@dataclass
class Recorded:
    """What a batch did: how many events it holds, their new ids (none on a dry run), the findings it introduces,
    and, on a dry run, the facts it would record (completed as they would be stored, with the ids they would get)."""

    count: int
    ids: list[int] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)


def _progress(factory: ProgressFactory | None, total: int) -> AbstractContextManager[Callable[[int], None] | None]:
    return nullcontext(None) if factory is None else factory(total)


def record(app: PersonnelLedger, drafts: Sequence[Draft], *, actor: str | None = None, strict: bool = False,
           dry_run: bool = False, images: Mapping[str, bytes] | None = None) -> Recorded:
    """Validate and record `drafts` as one all-or-nothing batch (with `dry_run`, validate only); `images`: the
    photos' images the batch brings, by SHA-256 (kept only if the batch is recorded).

    Raises `Refused` (nothing written) for facts that cannot be, and, `strict`, for compliance findings.
    """
    from ledger.app.settings import check_settings

    _not_on_their_own(drafts)
    check_settings(drafts)  # settings the catalogue knows, however they came
    if any(d.event == "bureau_registered" for d in drafts):  # a district's: the rest never loads its roll-ups
        from ledger.app.district import check_registrations

        check_registrations(app, drafts)  # a bureau's schema holds a ledger (before anything is judged or written)
    vet = EntryFindings(rulebook_for(app), strict=strict)
    if dry_run:
        judgement = app.judge(drafts, images=images)
        vet(judgement.compared_with, judgement.new)
        return Recorded(len(drafts), [], vet.found, judgement.new)
    ids = app.append(drafts, actor=actor, vet=vet, images=images)
    return Recorded(len(ids), ids, vet.found)


def _not_on_their_own(drafts: Sequence[Draft]) -> None:
    """Refuse facts that are recorded only together with another store's (a district's transfers)."""
    from ledger.model.events import EVENT_TYPES

    problems = []
    for d in drafts:
        t = EVENT_TYPES.get(d.event)
        if t is not None and t.recorded_by:
            problems.append(Problem("not_on_its_own", f"a {d.event} is recorded by `{t.recorded_by}`, which writes "
                                    "the bureaus' ledgers and the district's together, never on its own"))
    if problems:
        raise Refused(problems)


def import_events(app: PersonnelLedger, path: Path, *, actor: str | None = None, strict: bool = False,
                  dry_run: bool = False, progress: ProgressFactory | None = None) -> Recorded:
    """Record a file of events (JSON lines, or a .csv/.xlsx table of them) as one batch; a refusal names the
    lines, or the sheets and rows, it came from."""
    from ledger.io.jsonl import read_jsonl
    from ledger.io.spreadsheets import TABLE_SUFFIXES, read_event_tables, read_tables, reported_at_rows

    located = None
    if path.suffix.lower() in TABLE_SUFFIXES:
        tables = read_tables(path)
        with _progress(progress, sum(len(t.rows) for t in tables)) as bar:
            located = read_event_tables(path, bar, tables)
    drafts = located.drafts if located is not None else read_jsonl(path)
    with reported_at_rows(located):
        return record(app, drafts, actor=actor, strict=strict, dry_run=dry_run)


def import_opening_roster(app: PersonnelLedger, path: Path, on: date, *, unit: str | None = None, mode: str = "转任",
                          add_sections: bool = False, basis: str | None = None, actor: str | None = None,
                          strict: bool = False, dry_run: bool = False,
                          progress: ProgressFactory | None = None) -> tuple[RosterPlan, list[Finding]]:
    """Record the roster kept in a spreadsheet (干部花名册) as hires and appointments effective `on`, all or
    nothing; returns what was planned (people, generated ids, notes, new ids) and the findings introduced."""
    from ledger.io.opening_roster import plan_roster
    from ledger.io.spreadsheets import read_tables

    tables = read_tables(path)
    vet = None if dry_run else EntryFindings(rulebook_for(app), strict=strict)
    with _progress(progress, sum(len(t.rows) for t in tables)) as bar:
        # The io floor plans the drafts from the sheets; refusals of the fold are put back at their rows.
        plan = plan_roster(tables, app.state(on), on, unit=unit, mode=mode, add_sections=add_sections, basis=basis,
                           source=path.name, progress=bar)
    try:
        if dry_run:
            app.judge(plan.located.drafts)
        else:
            plan.ids = app.append(plan.located.drafts, actor=actor, vet=vet)
    except Refused as e:
        raise plan.relocated(e) from None
    return plan, vet.found if vet is not None else []


def import_lrmx(app: PersonnelLedger, paths: Sequence[Path], *, person: str | None = None,
                effective: date | None = None, actor: str | None = None, strict: bool = False,
                dry_run: bool = False) -> tuple[LrmxPlan, list[Finding]]:
    """Record what 干部任免审批表 forms (.lrmx) add to the files of people already in the ledger (profile,
    education, title, 简历 lines from before the ledger, family, photo, 奖惩, 考核), all forms as one batch, all or
    nothing."""
    from ledger.io.lrmx import read_lrmx
    from ledger.io.lrmx_plan import plan_lrmx

    forms, problems = [], []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as e:
            problems.append(Problem("unreadable", f"cannot read {path}: {e.strerror}"))
            continue
        try:
            forms.append(read_lrmx(data, path.name))
        except Refused as e:
            problems += e.problems
    if problems:
        raise Refused(problems)
    from ledger.io.spreadsheets import reported_at_rows

    plan = plan_lrmx(forms, app.state(), person=person, effective=effective)
    vet = None if dry_run else EntryFindings(rulebook_for(app), strict=strict)
    with reported_at_rows(plan.located):
        if dry_run:
            app.judge(plan.located.drafts, images=plan.images)
        elif plan.located.drafts:  # the photos' images kept with the batch, only if it is recorded
            plan.ids = app.append(plan.located.drafts, actor=actor, vet=vet, images=plan.images)
    return plan, vet.found if vet is not None else []
