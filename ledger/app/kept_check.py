"""`ledger check` from what the store keeps: the kept findings of people and facts (`ledger.store.kept_findings`)
and the units' findings judged from their kept figures and roster on the date — no walk of the city.

Served only for a question as known now, judged by the rules the rows were kept with, when every derived table
is as far as the stream and agrees with its seals; otherwise `kept_check` says None and the walk answers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from ledger.rules import Finding, Rulebook
from ledger.rules.kept import UnitFigures, kept_findings, rulebook_digest, unit_findings
from ledger.store.seals import TimelineMismatch

if TYPE_CHECKING:
    from ledger.store.timeline import Timeline


def kept_check(timeline: Timeline, rulebook: Rulebook, as_of: date, since: date, unit: str | None = None
               ) -> list[Finding] | None:
    """The findings of `ledger check` (facts effective in [since, as_of], the state on `as_of`; of `unit` alone,
    if given) in the walk's order, from the kept tables; None when they cannot answer."""
    position, top = timeline.current()
    kept = timeline.kept
    if not position or position != top or kept.position() != top or kept.judged_by() != rulebook_digest(rulebook):
        return None
    try:
        rows = kept.on(as_of, since, unit)
        units, people, assistants = timeline.roster(as_of, unit)
        figures = {f["unit"]: f for f in timeline.figures(as_of, unit)}
    except TimelineMismatch:
        return None
    facts, states = kept_findings(rows, rulebook, as_of)
    staff: dict[str, list[dict[str, Any]]] = {}
    for p in people:
        staff.setdefault(p["unit"], []).append(p)
    engaged: dict[str, int] = {}
    for a in assistants:
        engaged[a["unit"]] = engaged.get(a["unit"], 0) + 1
    views = []
    for code, (_order, doc) in sorted(units.items(), key=lambda kv: kv[1][0]):  # in the order units were made
        figure = figures.get(code)
        if figure is None:
            continue
        own = {post: i for i, post in enumerate(doc["levels"])}  # the unit's own order of its posts (the figures'
        posts = sorted(figure["posts"], key=lambda x: own.get(x["post"], len(own)))  # is by level)
        views.append(UnitFigures(code, figure["name"], {e["establishment"]: e["quota"] for e in figure["establishment"]},
                                 {x["post"]: x["quota"] for x in posts}, staff.get(code, []), engaged.get(code, 0),
                                 _excesses(timeline, code, as_of)))
    return [*facts, *unit_findings(views, rulebook, as_of), *states]


def _excesses(timeline: Timeline, code: str, as_of: date) -> Callable[[str, str], date | None]:
    """("staff" or "post", type or post) -> the first day of the excess running on `as_of` in the unit's figures
    (read only when a unit rule asks: a unit over its quota)."""
    intervals: list[tuple[date, date, dict[str, Any]]] = []

    def since(kind: str, key: str) -> date | None:
        if not intervals:
            intervals.extend((date.fromisoformat(str(a)[:10]), date.fromisoformat(str(b)[:10]), doc)
                             for a, b, doc in timeline.figure_intervals(code))
        begun: date | None = None
        for start, end, doc in reversed(intervals):
            if start > as_of:
                continue
            if begun is not None and end != begun or not _over(doc, kind, key):
                break
            begun = start
        return begun

    return since


def _over(doc: dict[str, Any], kind: str, key: str) -> bool:
    """Whether a unit's figures show an excess of this kind and key."""
    if kind == "staff":
        return any(e["establishment"] == key and e["filled"] > e["quota"] for e in doc["establishment"])
    return any(p["post"] == key and p["filled"] > p["quota"] for p in doc["posts"])
