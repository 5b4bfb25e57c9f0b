"""A person's timeline as intervals: where they were (unit and section), their rank, each post they held, their
secondments — each a bar from the day it began to the day it ended (None: still so), for the person page's chart.

The bars are the fold's own reading: the walk applies the facts that count (as known at `known_at`) in the fold's
order and notes, after each fact about the person, what changed. So a bar ends exactly where `ledger roster` stops
showing that value. Nothing here reads the store; the caller passes the structure facts (for unit names and
sections) and the person's own facts, retractions included.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ledger.fold.walk import Walker, counting_facts
from ledger.model.errors import NotFound
from ledger.model.facts import Fact
from ledger.model.i18n import _
from ledger.model.state import State

# The lanes of the chart, in the order they are drawn. A person holding two posts at once has a lane for each.
PLACEMENT, RANK, POST, SECONDMENT, ASSISTANT = "单位/科室", "职级", "职务", "交流/借调", "编外"
LANE_ORDER = (PLACEMENT, RANK, POST, SECONDMENT, ASSISTANT)


@dataclass(frozen=True)
class Bar:
    lane: str  # one of LANE_ORDER; posts are drawn one lane per post (`row`)
    row: str  # the chart's row: the lane, or "职务 · 办公室科长" for one post
    label: str
    start: date
    end: date | None  # the day it stopped (exclusive); None: still so at the last fact
    event_id: int  # the fact that began it

    def as_json(self) -> dict[str, Any]:
        return {"lane": self.lane, "row": self.row, "label": self.label, "from": self.start.isoformat(),
                "to": self.end.isoformat() if self.end else None, "event_id": self.event_id}


def _aspects(state: State, person: str) -> dict[tuple[str, str], str]:
    """What the person is on the state's date, as (row, key) -> label: one entry per bar that is open."""
    out: dict[tuple[str, str], str] = {}
    p = state.people.get(person)
    if p is not None and p.left is None:
        unit = state.units.get(p.unit)
        name = unit.name if unit else p.unit
        where = f"{name} · {p.section}" if p.section else name
        out[(PLACEMENT, f"{p.unit}|{p.section}|{p.establishment}")] = f"{where}（{p.establishment}）"
        out[(RANK, p.rank)] = p.rank
        for x in p.posts:
            title = f"{x.section or ''}{x.post}"
            out[(f"{POST} · {title}", title)] = title + ("（试用期）" if x.probation else "")
        if p.secondment is not None:
            s = p.secondment
            out[(SECONDMENT, f"{s.kind}|{s.host}|{s.since}")] = f"{s.kind} · {s.host}"
    a = state.assistants.get(person)
    if a is not None and a.left is None:
        unit = state.units.get(a.unit)
        out[(ASSISTANT, f"{a.unit}|{a.role}")] = f"{unit.name if unit else a.unit} · {a.role}"
    return out


def person_timeline(facts: Iterable[Fact], person: str, known_at: datetime | None = None) -> dict[str, Any]:
    """The person's bars (see the module doc) from every fact about them and the structure facts.

    Raises NotFound when no fact that counts names the person (as known at `known_at`)."""
    walker = Walker()
    state = walker.state
    open_bars: dict[tuple[str, str], tuple[str, date, int]] = {}  # (row, key) -> (label, start, event id)
    bars: list[Bar] = []
    seen = False
    for f in counting_facts(facts, known_at):
        walker.apply(f)
        if f.person != person:
            continue  # structure facts only move the walk along
        seen = True
        now = _aspects(state, person)
        for key in [k for k in open_bars if now.get(k) != open_bars[k][0]]:
            label, start, event_id = open_bars.pop(key)
            if start < f.effective:
                bars.append(Bar(_lane(key[0]), key[0], label, start, f.effective, event_id))
        for key, label in now.items():
            if key not in open_bars:
                open_bars[key] = (label, f.effective, f.id)
    if not seen:
        if known_at:
            raise NotFound(_("no person '{person}' in the ledger as known at {moment}").format(
                person=person, moment=known_at.isoformat()))
        raise NotFound(_("no person '{person}' in the ledger").format(person=person))
    bars += [Bar(_lane(row), row, label, start, None, event_id) for (row, _k), (label, start, event_id)
             in open_bars.items()]
    bars.sort(key=lambda b: (LANE_ORDER.index(b.lane), b.row, b.start))
    p = state.people.get(person) or state.assistants.get(person)
    left = p.left if p is not None else None
    return {"person": person, "name": p.name if p else None, "known_at": known_at.isoformat() if known_at else None,
            "left": left.isoformat() if left else None, "left_reason": getattr(p, "left_reason", None) if left else None,
            "rows": list(dict.fromkeys(b.row for b in bars)), "bars": [b.as_json() for b in bars]}


def _lane(row: str) -> str:
    return POST if row.startswith(POST) else row
