"""The path of one selection (选拔任用), step by step with dates: what `ledger selection show ID` prints.

動议 → 民主推荐 → 考察 → 讨论决定 → 任前公示 → 任职 → 试用期满, as recorded (retractions honoured): read from the
fold's state after every fact, where each step was kept with its selection. What it must not hold: whether a step
is missing or out of order (the rules floor's SELECTION_STEPS) or any wording beyond the steps' names.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from ledger.fold.walk import fold
from ledger.model.errors import NotFound
from ledger.model.events.selections import names_in, parse_votes
from ledger.model.facts import Fact
from ledger.model.i18n import _
from ledger.model.state import SelectionState, SelectionStep, State

STEP_NAMES = {"selection_started": "动议", "recommendation_held": "民主推荐", "inspection_done": "考察",
              "decision_made": "讨论决定", "post_appointed": "任职", "probation_ended": "试用期满"}


def selection_path(facts: Iterable[Fact], selection: str, known_at: datetime | None = None) -> dict[str, Any]:
    """The selection's steps in the order they took effect, and who it appointed (`ledger selection show --json`)."""
    state = fold(facts, None, known_at)
    s = state.selections.get(selection)
    if s is None:
        known = ", ".join(state.selections) or _("none recorded")
        raise NotFound(_("no selection '{selection}' in the ledger (selections: {known})").format(
            selection=selection, known=known))
    unit = state.units.get(s.unit)
    steps = [_started(s), *(x for step in s.steps for x in _step(step, state))]
    steps.sort(key=lambda x: (x["effective"], x["order"]))
    for x in steps:
        del x["order"]
    return {"selection": s.selection, "unit": s.unit, "unit_name": unit.name if unit else s.unit, "post": s.post,
            "section": s.section, "places": s.places, "steps": steps, "appointed": _appointed(s, state)}


def _who(state: State, token: str) -> dict[str, Any]:
    p = state.people.get(token)
    return {"candidate": token, "name": p.name if p is not None else token}


def _base(step: str, event: str, effective: date, event_id: int, data: dict[str, Any], order: int) -> dict[str, Any]:
    return {"step": step, "event": event, "effective": effective.isoformat(), "event_id": event_id,
            "basis": data.get("basis"), "note": data.get("note"), "order": order}


def _started(s: SelectionState) -> dict[str, Any]:
    return {**_base("动议", "selection_started", s.started, s.event_id, s.data, 0), "places": s.places}


def _step(step: SelectionStep, state: State) -> list[dict[str, Any]]:
    d, order = step.data, list(STEP_NAMES).index(step.event) * 10
    out = _base(STEP_NAMES[step.event], step.event, step.effective, step.event_id, d, order)
    if step.event == "recommendation_held":
        out["participants"] = d["participants"]
        out["votes"] = [{**_who(state, c), "votes": n} for c, n in parse_votes(d["votes"])]
    elif step.event == "inspection_done":
        out["candidates"] = [_who(state, c) for c in names_in(d["candidates"])]
        out["conclusion"] = d["conclusion"]
    elif step.event == "decision_made":
        out.update(present=d["present"], members=d["members"], chosen=[_who(state, c) for c in names_in(d["chosen"])])
    elif step.event == "probation_ended":
        out.update(_who(state, d["person"]), result=d["result"])
        out["person"] = out.pop("candidate")
    else:  # the appointment, and its publicity (任前公示) as a step of its own
        out.update(_who(state, d["person"]), post=d["post"], section=d.get("section"),
                   probation=bool(d.get("probation")))
        out["person"] = out.pop("candidate")
        start, end = d.get("publicity_from"), d.get("publicity_to")
        if start is not None or end is not None:
            publicity = _base("任前公示", "post_appointed", start or end, step.event_id, {}, order - 5)
            publicity.update({"from": start.isoformat() if start else None, "to": end.isoformat() if end else None,
                              "person": d["person"], "name": out["name"]})
            return [publicity, out]
    return [out]


def _appointed(s: SelectionState, state: State) -> list[dict[str, Any]]:
    out = []
    for step in (x for x in s.steps if x.event == "post_appointed"):
        person = step.data["person"]
        ended = next((x for x in s.steps if x.event == "probation_ended" and x.data["person"] == person), None)
        out.append({"person": person, "name": _who(state, person)["name"], "effective": step.effective.isoformat(),
                    "probation": bool(step.data.get("probation")),
                    "probation_ended": ended.effective.isoformat() if ended else None,
                    "result": ended.data["result"] if ended else None})
    return out
