"""The clerk's calendar: who meets the tenure for the next rank and from when, and what falls due in a window
(probations ending, retirements, secondments ending, eligibility reached).

Pure: facts and a rulebook in, plain rows out. Every date is the rules' own arithmetic, asked where the rules do
it (`fact_rules.rank_tenure_due` for the tenure, `state_rules` for retirement, secondment and probation ends,
`state_rules.rank_limit` for the 职级职数 room), so the calendar and `ledger check` never disagree: a rank promotion
effective on `eligible_from` draws no RANK_TENURE finding, one the day before does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from ledger.fold.walk import Walker, counting_facts
from ledger.model.facts import Fact
from ledger.model.i18n import _
from ledger.model.state import PersonState, State
from ledger.rules.catalogue import Rulebook
from ledger.rules.fact_rules import next_rank, rank_tenure_due
from ledger.rules.history import Career, Careers
from ledger.rules.periods import add_months, add_years
from ledger.rules.state_rules import probation_last_day, rank_limit, retirement_of, secondment_end

# The kinds of a due item (a contract of `ledger due --json`).
DUE_KINDS = ("probation_ends", "retirement", "secondment_ends", "eligible")


WINDOW = re.compile(r"^\s*(\d{1,4})\s*([dwmy]?)\s*$", re.IGNORECASE)


def window_end(on: date, within: str) -> date:
    """The last day of a window of `within` from `on`: `90d` (days, also a bare number), `12w` (weeks), `3m`
    (months), `1y` (years); `on` itself is its first day. A text it cannot read is a ValueError saying so."""
    m = WINDOW.match(within)
    if m is None:
        raise ValueError(_("cannot read the window '{text}': give days (90d), weeks (12w), months (3m) or years (1y)"
                           ).format(text=within))
    n, unit = int(m.group(1)), m.group(2).lower() or "d"
    if unit in ("d", "w"):
        return on + timedelta(days=n * (7 if unit == "w" else 1))
    return add_months(on, n * (12 if unit == "y" else 1))


def _walked(facts: Iterable[Fact], on: date, known_at: datetime | None) -> tuple[State, Careers]:
    """The state at the end of `on` and every person's career up to it, as known at `known_at` (None: now), from
    one walk of the fold's walker."""
    walker, careers = Walker(), Careers()
    for f in counting_facts(facts, known_at):
        if f.effective > on:
            break
        careers.note(walker.state, f)
        walker.apply(f)
    walker.state.on = on
    return walker.state, careers


def _staff(state: State, unit: str | None) -> list[PersonState]:
    return sorted(state.staff(unit), key=lambda p: (p.unit, p.person))


def _eligibility_row(p: PersonState, career: Career, state: State, rulebook: Rulebook, on: date
                     ) -> dict[str, Any] | None:
    new = next_rank(p.rank)
    if new is None or rulebook["RANK_TENURE"].params["years"].get(new) is None:
        return None
    tenure = rank_tenure_due(p, career, new, rulebook["RANK_TENURE"].params, on)
    eligible_from = tenure.met_from(career) if tenure is not None else None
    quotas = []
    if rulebook.on("RANK_QUOTA"):
        staff = state.staff(p.unit)
        for limit in rulebook.param("RANK_QUOTA", "limits"):
            found = rank_limit(limit, state.units[p.unit], staff)
            if found is not None and new in found[1]:
                name, _ranks, cap, held, basis = found
                quotas.append({"name": name, "cap": cap, "held": held, "room": cap - held, "basis": basis})
    return {
        "person": p.person, "name": p.name, "unit": p.unit, "section": p.section,
        "rank": p.rank, "rank_since": None if career.rank_since_unknown and not career.promoted
        else p.rank_since.isoformat(),
        "next_rank": new,
        "eligible_from": eligible_from.isoformat() if eligible_from is not None else None,
        "eligible": eligible_from is not None and eligible_from <= on,
        "counted_from": tenure.start.isoformat() if tenure is not None else None,
        "years": tenure.years if tenure is not None else None,
        "excellent_years": tenure.excellent if tenure is not None else [],
        "not_counting": [{"year": y, "grade": g} for y, g in sorted(tenure.excluded.items())
                         if y >= tenure.start.year] if tenure is not None else [],
        "quotas": quotas,
        "quota_room": min((q["room"] for q in quotas), default=None),
    }


def _by_date(row: dict[str, Any]) -> tuple[str, str, str]:
    return (row["eligible_from"] or "9999-12-31", row["unit"], row["person"])


def eligibility(facts: Iterable[Fact], rulebook: Rulebook, on: date, unit: str | None = None,
                known_at: datetime | None = None) -> list[dict[str, Any]]:
    """Each person on establishment on `on` (of `unit`, if given) whose next rank has a tenure in RANK_TENURE's
    table: the next rank and the first day a promotion to it meets the tenure (`eligible_from`, null when the
    rank was held from before the ledger for an unknown time), with the 职级职数 room left where RANK_QUOTA sets a
    limit on the next rank. Earliest first. As known at `known_at` (None: now)."""
    state, careers = _walked(facts, on, known_at)
    return sorted(_eligibility_rows(state, careers, rulebook, on, unit), key=_by_date)


def _eligibility_rows(state: State, careers: Careers, rulebook: Rulebook, on: date, unit: str | None
                      ) -> list[dict[str, Any]]:
    rows = []
    for p in _staff(state, unit):
        career = careers.get(p.person)
        row = _eligibility_row(p, career, state, rulebook, on) if career is not None else None
        if row is not None:
            rows.append(row)
    return rows


def _item(day: date, kind: str, p: PersonState, detail: str) -> dict[str, Any]:
    return {"date": day.isoformat(), "kind": kind, "person": p.person, "name": p.name, "unit": p.unit,
            "detail": detail}


def due(facts: Iterable[Fact], rulebook: Rulebook, on: date, until: date, unit: str | None = None,
        known_at: datetime | None = None) -> list[dict[str, Any]]:
    """What falls due from `on` to `until` (both included) for the people on establishment on `on`: the last day
    of a probation (an appointment's, or a new recruit's year), the day the retirement age is reached, the last
    day of a secondment, the day the tenure for the next rank is met. By date, then kind. What fell due before
    `on` and is still open is `ledger check`'s (PROBATION_OPEN, RETIREMENT_OVERDUE, SECONDMENT_OVERDUE). As
    known at `known_at` (None: now)."""
    state, careers = _walked(facts, on, known_at)
    items: list[dict[str, Any]] = []

    def add(day: date | None, kind: str, p: PersonState, detail: str) -> None:
        if day is not None and on <= day <= until:
            items.append(_item(day, kind, p, detail))

    probation = rulebook["PROBATION_OPEN"].params
    tenure = rulebook["RANK_TENURE"].params
    for p in _staff(state, unit):
        for post in p.posts:
            if post.probation and post.probation_ended is None and not post.opening:
                add(probation_last_day(post, probation), "probation_ends", p, f"{post.section or ''}{post.post}")
        career = careers.get(p.person)
        if career is not None and career.mode in tenure["probation_modes"] and not career.promoted \
                and not career.rank_since_unknown:
            end = add_years(career.hire_rank_since, tenure["probation_years"]) - timedelta(days=1)
            add(end, "probation_ends", p, f"{career.mode} {p.rank}")
        reached, age, _scheme = retirement_of(p, rulebook["RETIREMENT_OVERDUE"].params)
        add(reached, "retirement", p, age)
        if p.secondment is not None:
            s = p.secondment
            add(secondment_end(s, rulebook["SECONDMENT_OVERDUE"].params), "secondment_ends", p, f"{s.kind} {s.host}")
    for row in _eligibility_rows(state, careers, rulebook, on, unit):
        if row["eligible_from"] is not None:
            p = state.people[row["person"]]
            add(date.fromisoformat(row["eligible_from"]), "eligible", p, f"{row['rank']} → {row['next_rank']}")
    return sorted(items, key=lambda x: (x["date"], DUE_KINDS.index(x["kind"]), x["unit"], x["person"]))
