"""The auditor's reading of the ledger: a person's history with its corrections, what changed between two dates
(`diff`), and the log's filters.

Pure functions over `Fact`s (as `PersonnelLedger.facts()` returns them); nothing here reads the store or
decides what may be recorded. Tamper evidence is `ledger.store.integrity`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from ledger.fold.scope import named_units
from ledger.fold.walk import Walker, counting_facts, retracted_ids
from ledger.model.errors import LedgerError
from ledger.model.facts import Fact
from ledger.model.i18n import _
from ledger.model.state import AssistantState, PersonState, State
from ledger.read.shown import fact_json


# --- history -------------------------------------------------------------------------------------------------
def _moment(t: datetime | None) -> str | None:
    return t.isoformat() if t else None


def history_entries(person_facts: Sequence[Fact], all_facts: Sequence[Fact],
                    reveal: bool = False) -> list[dict[str, Any]]:
    """A person's events (as `ledger.app.sources.person_history` lists them) in the `ledger history --json` shape.

    Each entry is the event's flat JSON plus `retracted`: null, or who took it out, when and why (`id`, `reason`,
    `actor`, `recorded`, `effective`, `replacement`); `retracted_by` keeps the retraction's id alone. A
    retraction that was itself retracted no longer counts, so its target shows as standing.
    """
    gone = retracted_ids(all_facts)
    out = []
    for f in person_facts:
        item = fact_json(f, reveal)
        r = gone.get(f.id)
        item["retracted_by"] = r.id if r else None
        item["retracted"] = None if r is None else {
            "id": r.id, "reason": r.data.get("reason"), "actor": r.actor, "recorded": _moment(r.recorded),
            "effective": r.effective.isoformat(), "replacement": r.data.get("replacement"),
        }
        out.append(item)
    return out


# --- diff ----------------------------------------------------------------------------------------------------
DIFF_KEYS = ("joined", "left", "promoted", "appointed", "vacated", "moved", "seconded", "returned",
             "assistants_engaged", "assistants_released")
Entry = dict[str, Any]
Described = tuple[Entry, set[str | None]]  # the entry, and the units it concerns


class Was(NamedTuple):
    """What a diff shows of a person on establishment, as they were just before a fact (the fact then changes the
    state's own record)."""

    name: str
    unit: str
    section: str | None
    establishment: str
    rank: str
    host: str | None  # of the secondment they are on


def diff(facts: Iterable[Fact], start: date, end: date, unit: str | None = None,
         known_at: datetime | None = None) -> dict[str, Any]:
    """What changed after `start` up to and including `end` (the roster on `start` → the roster on `end`).

    Every fact that counts (retractions honoured, as known at `known_at`) effective in (start, end] is listed
    under its kind with the person, the event id and the before → after values; with `unit`, only facts about
    people of that unit (before or after the fact) or its assistants. The before and after values are the
    fold's own: the walk applies each fact as the roster does, and the entry reads the person around it.
    """
    if end < start:
        raise LedgerError(_("--to {end} is before --from {start}").format(end=end, start=start))
    lists: dict[str, list[Entry]] = {k: [] for k in DIFF_KEYS}
    walker = Walker()
    for f in counting_facts(facts, known_at):
        if f.effective > end:
            break
        kind = DIFF_KINDS.get(f.event)
        if kind is None or f.effective <= start or (kind.shows is not None and not kind.shows(f)):
            walker.apply(f)
            continue
        before = kind.before(walker.state, f.data["person"])
        walker.apply(f)
        if kind.needs_staff and before is None:
            continue  # not on establishment in this reading (cannot happen in a validated ledger)
        entry, units = kind.describe(f, before, walker.state)
        if unit is None or unit in units:
            lists[kind.key].append(entry)
    return {"from": start.isoformat(), "to": end.isoformat(), "unit": unit, "known_at": _moment(known_at), **lists}


def _staff_before(state: State, person: str) -> Was | None:
    p = state.people.get(person)
    if p is None or p.left is not None:
        return None
    return Was(p.name, p.unit, p.section, p.establishment, p.rank, p.secondment.host if p.secondment else None)


def _assistant_before(state: State, person: str) -> AssistantState | None:
    a = state.assistants.get(person)  # a release only ends the engagement: name, unit and role stay as they were
    return a if a is not None and a.left is None else None


def _entry(f: Fact, before: Was | None, more: Entry, *units: str | None) -> Described:
    """The entry every kind starts from (who, where they were, when, which event) with its own values, and the
    units it concerns: the person's unit before the fact and the units named."""
    d = f.data
    entry = {"person": f.person, "name": before.name if before else d.get("name"),
             "unit": before.unit if before else d.get("unit"), "effective": f.effective.isoformat(), "event_id": f.id}
    entry.update(more)
    return entry, {*([before.unit] if before else []), *units}


def _placement(p: Was | PersonState) -> Entry:
    return {"unit": p.unit, "section": p.section, "establishment": p.establishment, "rank": p.rank}


def _joined(f: Fact, before: Was | None, after: State) -> Described:
    d = f.data
    return _entry(f, before, {"section": d.get("section"), "rank": d["rank"], "establishment": d["establishment"],
                              "mode": d["mode"]}, d["unit"])


def _promoted(f: Fact, before: Was, after: State) -> Described:
    return _entry(f, before, {"from": before.rank, "to": f.data["rank"]})


def _appointed(f: Fact, before: Was, after: State) -> Described:
    d = f.data
    return _entry(f, before, {"post": d["post"], "section": d.get("section"), "probation": bool(d.get("probation"))})


def _vacated(f: Fact, before: Was, after: State) -> Described:
    return _entry(f, before, {"post": f.data["post"], "section": f.data.get("section")})


def _moved(f: Fact, before: Was, after: State) -> Described:
    now = after.people[f.data["person"]]
    entry, units = _entry(f, before, {"from": _placement(before), "to": _placement(now)}, now.unit)
    entry["unit"] = now.unit
    return entry, units


def _seconded(f: Fact, before: Was, after: State) -> Described:
    d = f.data
    until = d.get("until")
    return _entry(f, before, {"host": d["host"], "kind": d["kind"], "until": until.isoformat() if until else None})


def _returned(f: Fact, before: Was, after: State) -> Described:
    return _entry(f, before, {"host": f.data.get("host") or before.host})


def _probation_failed(f: Fact, before: Was, after: State) -> Described:
    return _entry(f, before, {"post": f.data["post"], "section": f.data.get("section")})


def _left(f: Fact, before: Was, after: State) -> Described:
    return _entry(f, before, {"reason": f.data["reason"]})


def _engaged(f: Fact, before: AssistantState | None, after: State) -> Described:
    d = f.data
    entry, _units = _entry(f, None, {"name": d["name"], "unit": d["unit"], "role": d["role"]})
    return entry, {d["unit"]}


def _released(f: Fact, before: AssistantState | None, after: State) -> Described:
    unit = before.unit if before else None
    entry, _units = _entry(f, None, {"name": before.name if before else None, "unit": unit,
                                     "role": before.role if before else None})
    return entry, {unit}


@dataclass(frozen=True)
class DiffKind:
    """How one event type shows in a diff: the list it goes under, whom it is about before the fact, its entry."""

    key: str
    describe: Callable[[Fact, Any, State], Described]  # takes what `before` returns
    before: Callable[[State, str], Was | AssistantState | None] = _staff_before
    needs_staff: bool = True  # about someone on the establishment (skipped when they are not)
    shows: Callable[[Fact], bool] | None = None  # None: every fact of the type shows


# Every event type about a person has an entry here: how it shows, or None when it changes nothing a diff shows.
# Structure facts and retractions only move the walk along.
DIFF_KINDS: dict[str, DiffKind | None] = {
    "hired": DiffKind("joined", _joined, needs_staff=False),
    "rank_promoted": DiffKind("promoted", _promoted),
    "post_appointed": DiffKind("appointed", _appointed),
    "post_vacated": DiffKind("vacated", _vacated),
    "transferred": DiffKind("moved", _moved),
    "secondment_started": DiffKind("seconded", _seconded),
    "secondment_ended": DiffKind("returned", _returned),
    "separated": DiffKind("left", _left),
    # A probation ended 不合格 takes the post away (a 免职); one ended 合格 changes nothing a diff shows.
    "probation_ended": DiffKind("vacated", _probation_failed, shows=lambda f: f.data["result"] == "不合格"),
    "assistant_engaged": DiffKind("assistants_engaged", _engaged, _assistant_before, needs_staff=False),
    "assistant_released": DiffKind("assistants_released", _released, _assistant_before, needs_staff=False),
    # The cadre's file changes no one's staffing: `ledger history` and `ledger resume` show it.
    "profile_recorded": None, "education_recorded": None, "title_conferred": None, "career_recorded": None,
    "appraised": None, "award_recorded": None, "discipline_recorded": None, "family_member_recorded": None,
    "photo_recorded": None,
}


# --- log filters ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LogFilter:
    """What `ledger log` may be narrowed to. Recorded times are compared as moments; effective dates inclusive."""

    person: str | None = None
    unit: str | None = None
    actor: str | None = None
    event: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    effective_from: date | None = None
    effective_to: date | None = None


def _units_of(facts: Sequence[Fact]) -> dict[int, set[str]]:
    """The units each fact concerns: its own unit fields, and the unit its person belonged to at the time."""
    gone = retracted_ids(facts)
    unit_of: dict[str, str] = {}
    out: dict[int, set[str]] = {}
    by_id = {f.id: f for f in facts}
    for f in sorted((f for f in facts if f.event != "retracted"), key=lambda f: (f.effective, f.id)):
        named = named_units(f)
        units = set(named)
        if f.person and f.person in unit_of:
            units.add(unit_of[f.person])
        out[f.id] = units
        if f.id in gone or not f.person:
            continue
        for unit in named:  # a person's fact names the unit they are in after it (a hire's, a move's)
            unit_of[f.person] = unit
    for f in facts:
        if f.event == "retracted":
            target = by_id.get(f.data["target"])
            out[f.id] = out.get(target.id, set()) if target else set()
    return out


def filter_log(facts: Sequence[Fact], flt: LogFilter) -> list[Fact]:
    """The facts that pass every filter given, in recording order. A retraction is about its target's person
    and unit, so `--person P` shows the corrections of P's events too."""
    by_id = {f.id: f for f in facts}

    def person_of(f: Fact) -> str | None:
        if f.event == "retracted":
            target = by_id.get(f.data["target"])
            return target.person if target else None
        return f.person

    units = _units_of(facts) if flt.unit else {}
    out = []
    for f in facts:
        if flt.person is not None and person_of(f) != flt.person:
            continue
        if flt.unit is not None and flt.unit not in units.get(f.id, set()):
            continue
        if flt.actor is not None and f.actor != flt.actor:
            continue
        if flt.event is not None and f.event != flt.event:
            continue
        if flt.since is not None and (f.recorded is None or f.recorded < flt.since):
            continue
        if flt.until is not None and (f.recorded is None or f.recorded > flt.until):
            continue
        if flt.effective_from is not None and f.effective < flt.effective_from:
            continue
        if flt.effective_to is not None and f.effective > flt.effective_to:
            continue
        out.append(f)
    return out
