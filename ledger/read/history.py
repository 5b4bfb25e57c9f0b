"""The auditor's reading of the ledger: a person's history with its corrections, what changed between two dates
(`diff`), and the log's filters.

Pure functions over `Fact`s (as `PersonnelLedger.facts()` returns them); nothing here reads the store or
decides what may be recorded. Tamper evidence is `ledger.integrity`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ledger.fold.walk import counting_facts, retracted_ids
from ledger.model.errors import LedgerError
from ledger.model.facts import Fact

DIFF_KEYS = ("joined", "left", "promoted", "appointed", "vacated", "moved", "seconded", "returned",
             "assistants_engaged", "assistants_released")


# --- history -------------------------------------------------------------------------------------------------
def _moment(t: datetime | None) -> str | None:
    return t.isoformat() if t else None


def history_entries(person_facts: Sequence[Fact], all_facts: Sequence[Fact]) -> list[dict[str, Any]]:
    """A person's events (as `PersonnelLedger.history` lists them) in the `ledger history --json` shape.

    Each entry is the event's flat JSON plus `retracted`: null, or who took it out, when and why (`id`, `reason`,
    `actor`, `recorded`, `effective`, `replacement`); `retracted_by` keeps the retraction's id alone. A
    retraction that was itself retracted no longer counts, so its target shows as standing.
    """
    gone = retracted_ids(all_facts)
    out = []
    for f in person_facts:
        item = f.as_json()
        r = gone.get(f.id)
        item["retracted_by"] = r.id if r else None
        item["retracted"] = None if r is None else {
            "id": r.id, "reason": r.data.get("reason"), "actor": r.actor, "recorded": _moment(r.recorded),
            "effective": r.effective.isoformat(), "replacement": r.data.get("replacement"),
        }
        out.append(item)
    return out


# --- diff ----------------------------------------------------------------------------------------------------
@dataclass
class _Person:
    name: str
    unit: str
    section: str | None
    rank: str
    establishment: str
    host: str | None = None


def diff(facts: Iterable[Fact], start: date, end: date, unit: str | None = None,
         known_at: datetime | None = None) -> dict[str, Any]:
    """What changed after `start` up to and including `end` (the roster on `start` → the roster on `end`).

    Every fact that counts (retractions honoured, as known at `known_at`) effective in (start, end] is listed
    under its kind with the person, the event id and the before → after values; with `unit`, only facts about
    people of that unit (before or after the fact) or its assistants.
    """
    if end < start:
        raise LedgerError(f"--to {end} is before --from {start}")
    out: dict[str, Any] = {"from": start.isoformat(), "to": end.isoformat(), "unit": unit,
                           "known_at": _moment(known_at)}
    lists: dict[str, list[dict[str, Any]]] = {k: [] for k in DIFF_KEYS}
    people: dict[str, _Person] = {}
    assistants: dict[str, dict[str, Any]] = {}
    for f in counting_facts(facts, known_at):
        if f.effective > end:
            break
        d, pid = f.data, f.person
        p = people.get(pid or "")
        units = {p.unit} if p else set()
        entry: dict[str, Any] = {"person": pid, "name": p.name if p else d.get("name"), "unit": p.unit if p else d.get("unit"),
                                 "effective": f.effective.isoformat(), "event_id": f.id}
        key: str | None = None
        if f.event == "hired":
            people[pid] = _Person(d["name"], d["unit"], d.get("section"), d["rank"], d["establishment"])
            units.add(d["unit"])
            key = "joined"
            entry.update(section=d.get("section"), rank=d["rank"], establishment=d["establishment"], mode=d["mode"])
        elif p is None and f.event in ("rank_promoted", "post_appointed", "post_vacated", "transferred",
                                       "secondment_started", "secondment_ended", "separated"):
            continue  # not on establishment in this reading (cannot happen in a validated ledger)
        elif f.event == "rank_promoted":
            key = "promoted"
            entry.update({"from": p.rank, "to": d["rank"]})
            p.rank = d["rank"]
        elif f.event == "post_appointed":
            key = "appointed"
            entry.update(post=d["post"], section=d.get("section"), probation=bool(d.get("probation")))
        elif f.event == "post_vacated":
            key = "vacated"
            entry.update(post=d["post"], section=d.get("section"))
        elif f.event == "transferred":
            target = d.get("to_unit") or p.unit
            moving = target != p.unit
            before = {"unit": p.unit, "section": p.section, "establishment": p.establishment, "rank": p.rank}
            p.section = d.get("section") or (None if moving else p.section)
            p.unit, p.rank = target, d.get("rank") or p.rank
            p.establishment = d.get("establishment") or p.establishment
            units.add(target)
            key = "moved"
            entry.update({"from": before, "to": {"unit": p.unit, "section": p.section, "establishment": p.establishment,
                                                  "rank": p.rank}})
            entry["unit"] = p.unit
        elif f.event == "secondment_started":
            key, p.host = "seconded", d["host"]
            entry.update(host=d["host"], kind=d["kind"], until=d["until"].isoformat() if d.get("until") else None)
        elif f.event == "secondment_ended":
            key = "returned"
            entry.update(host=d.get("host") or p.host)
            p.host = None
        elif f.event == "separated":
            key = "left"
            entry.update(reason=d["reason"])
            del people[pid]
        elif f.event == "assistant_engaged":
            assistants[pid] = {"name": d["name"], "role": d["role"], "unit": d["unit"]}
            key, units = "assistants_engaged", {d["unit"]}
            entry.update(name=d["name"], unit=d["unit"], role=d["role"])
        elif f.event == "assistant_released":
            a = assistants.pop(pid or "", {"name": None, "role": None, "unit": None})
            key, units = "assistants_released", {a["unit"]}
            entry.update(name=a["name"], unit=a["unit"], role=a["role"])
        if key is None or f.effective <= start or (unit is not None and unit not in units):
            continue
        lists[key].append(entry)
    out.update(lists)
    return out


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
        units = {u for u in (f.get("unit"), f.get("to_unit")) if u}
        if f.person and f.person in unit_of:
            units.add(unit_of[f.person])
        out[f.id] = units
        if f.id in gone or not f.person:
            continue
        if f.event in ("hired", "assistant_engaged"):
            unit_of[f.person] = f.data["unit"]
        elif f.event == "transferred" and f.get("to_unit"):
            unit_of[f.person] = f.data["to_unit"]
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
