"""Recording an opening roster (干部花名册): the io floor plans the drafts from the sheets; this records them as
one all-or-nothing batch (`ledger import-roster`) and reports the fold's problems at the rows they came from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from ledger.app.ledger import PersonnelLedger
from ledger.io.opening_roster import RosterPlan, plan_roster
from ledger.io.spreadsheets import Table
from ledger.model.errors import Refused
from ledger.model.facts import Fact


def import_roster(app: PersonnelLedger, tables: list[Table], on: date, *, source: str = "", unit: str | None = None,
                  mode: str = "转任", add_sections: bool = False, basis: str | None = None, actor: str | None = None,
                  dry_run: bool = False, progress: Callable[[int], None] | None = None,
                  vet: Callable[[list[Fact], list[Fact]], None] | None = None) -> RosterPlan:
    """Record the tables of an opening roster (`read_tables(path)`) as one all-or-nothing batch effective `on`.

    Raises `Refused` (nothing written) with every problem at its row and column; with `dry_run`, only checks.
    `vet` is the append's compliance hook (`PersonnelLedger.append(vet=…)`).
    """
    plan = plan_roster(tables, app.state(on), on, unit=unit, mode=mode, add_sections=add_sections, basis=basis,
                       source=source, progress=progress)
    try:
        if dry_run:
            app.check(plan.located.drafts)
        else:
            plan.ids = app.append(plan.located.drafts, actor=actor, vet=vet)
    except Refused as e:
        raise plan.relocated(e) from None
    return plan
