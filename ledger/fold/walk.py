"""The fold: one pure function from facts to the state on a date, and the same walk with checks for validation.

Bitemporal (docs/architecture.md §2): `known_at` keeps only facts recorded by then, and honours only the retractions
recorded by then. Facts apply in effective-date order; on the same date, by kind (each event type's
`precedence`: structure, then arrivals, changes and departures) and, within a kind, in recording order (the
stream's). Ordering by kind first makes a day's outcome independent of the order a clerk happened to type its
facts in. How each fact changes the state is its event type's (`ledger.model.events`); this module orders the
facts, resolves retractions and judges each day's 超编/超职数.
With `validating`, every fact is checked against the state just before it, so a back-dated fact is validated
with the whole timeline around it, later facts included. 超编/超职数 are judged at the end of each day, so a
same-day swap (one leaves, one is hired) is never refused for the order its lines were typed in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime

from ledger.model.change import Change, Raise
from ledger.model.errors import Problem
from ledger.model.events import EVENT_TYPES
from ledger.model.facts import Fact
from ledger.model.i18n import _
from ledger.model.staffing import Staffing
from ledger.model.state import State

PRECEDENCE: dict[str, int] = {name: t.precedence for name, t in EVENT_TYPES.items()}
# Each type's `apply`, bound: what a walk that neither validates nor completes calls per fact.
APPLIERS: dict[str, Callable[[Change, Fact], None]] = {name: t.apply for name, t in EVENT_TYPES.items()}


def batch_order(facts: list[Fact]) -> list[int]:
    """Indexes of a batch in an order its facts can be applied in, whatever the input's line order.

    By effective date, then by kind (precedence); units established together come parents first.
    """
    parents = {f.data["unit"]: f.data.get("parent") for f in facts if f.event == "unit_established"}

    def depth(unit: str) -> int:
        n, seen = 0, set()
        while parents.get(unit) in parents and unit not in seen:
            seen.add(unit)
            unit, n = parents[unit], n + 1
        return n

    def key(i: int) -> tuple[date, int, int]:
        f = facts[i]
        return (f.effective, PRECEDENCE[f.event], depth(f.data["unit"]) if f.event == "unit_established" else 0)

    return sorted(range(len(facts)), key=key)


def retracted_ids(facts: Iterable[Fact], known_at: datetime | None = None) -> dict[int, Fact]:
    """Ids of the facts that no longer count, mapped to the retraction that took them out.

    A retraction can itself be retracted, which restores its target: walk newest first, so that each
    retraction's own standing is settled before it is used.
    """
    retractions = [f for f in facts if f.event == "retracted" and f.known_at(known_at)]
    out: dict[int, Fact] = {}
    for r in sorted(retractions, key=lambda f: f.id, reverse=True):
        if r.id not in out:
            out.setdefault(r.data["target"], r)
    return out


def counting_facts(facts: Iterable[Fact], known_at: datetime | None = None) -> list[Fact]:
    """The facts that count (as known at `known_at`), retractions removed, in the fold's order."""
    facts = [f for f in facts if f.known_at(known_at)]
    gone = retracted_ids(facts)
    kept = [f for f in facts if f.event != "retracted" and f.id not in gone]
    kept.sort(key=fold_order)
    return kept


def fold_order(f: Fact) -> tuple[date, int, int]:
    """Effective date, then kind of fact (structure before people, separations last), then recording order."""
    return (f.effective, PRECEDENCE[f.event], f.id)


def fold(facts: Iterable[Fact], on: date | None = None, known_at: datetime | None = None) -> State:
    """The state on `on` (None: after every fact), as the ledger knew it at `known_at` (None: now)."""
    return fold_ordered(counting_facts(facts, known_at), on)


def fold_ordered(facts: Iterable[Fact], on: date | None = None) -> State:
    """`fold` of facts already in `counting_facts` order (retractions resolved, sorted by `fold_order`)."""
    walker = Walker()
    change, appliers = walker.change, APPLIERS  # a plain walk: `Walker.apply` without its checks' look-ups
    for f in facts:
        if on is not None and f.effective > on:
            break
        appliers[f.event](change, f)
    walker.state.on = on
    return walker.state


def validate(facts: Iterable[Fact], completing: Iterable[int] = ()) -> list[Problem]:
    """Every problem in the whole timeline, each tied to the fact that cannot be. The facts whose ids are in
    `completing` (new ones, not yet recorded) are completed on the way (`EventType.complete`), in place."""
    facts = list(facts)
    problems = _retraction_problems(facts)
    walker = Walker(validating=True, completing=completing)
    day: date | None = None
    for f in counting_facts(facts):
        if day is not None and f.effective != day:
            walker.close_day()
        day = f.effective
        walker.apply(f)
    walker.close_day()
    return problems + walker.problems


def _retraction_problems(facts: list[Fact]) -> list[Problem]:
    by_id = {f.id: f for f in facts}
    problems: list[Problem] = []
    seen: dict[int, int] = {}
    for r in sorted((f for f in facts if f.event == "retracted"), key=lambda f: f.id):
        target = r.data["target"]
        t = by_id.get(target)
        if t is None or t.id >= r.id:
            problems.append(Problem("unknown_event", f"retract: no event {target} in the ledger", event_id=r.id))
        elif target in seen:
            problems.append(Problem("already_retracted", f"retract: event {target} ({t.event} effective "
                                    f"{t.effective}) was already retracted by event {seen[target]}", event_id=r.id))
        else:
            seen[target] = r.id
        rep = r.data.get("replacement")
        if rep is not None and rep not in by_id:
            problems.append(Problem("unknown_event", f"retract: replacement event {rep} is not in the ledger", event_id=r.id))
    return problems


class Walker:
    """Applies facts one by one to a `State`; when `validating`, refuses (and skips) facts that cannot be.

    Public so that readers needing the state between facts (the yearly report, the materialised timeline, the
    compliance rules) step through the one walk the fold uses instead of re-implementing it: feed it facts in
    `counting_facts` order with `apply`, and call `close_day` between dates when validating.
    """

    def __init__(self, validating: bool = False, completing: Iterable[int] = ()):
        self.completing = frozenset(completing)
        self.change = Change(State(), validating)
        self.state = self.change.state
        self.problems = self.change.problems
        # When validating: who is on each unit's establishment now, so the day's quota counts cost O(unit).
        self.staffing = Staffing(self.state) if validating else None

    def apply(self, f: Fact) -> None:
        if f.id in self.completing:
            EVENT_TYPES[f.event].complete(self.change, f)
        EVENT_TYPES[f.event].apply(self.change, f)
        if self.staffing is not None and f.person is not None:
            self.staffing.place(f.person)

    def close_day(self) -> None:
        """Judge the day's 超编/超职数: an excess of k, less the day's raises given with an override, is blamed on as
        many of the latest-recorded raises without one."""
        raised, self.change.raised = self.change.raised, []
        if self.staffing is None:
            return
        groups: dict[tuple[str, str, str], list[Fact]] = {}
        for r in raised:
            groups.setdefault((r.unit, r.kind, r.key), []).append(r.fact)
        for (unit_code, kind, key), facts in groups.items():
            self._judge(unit_code, kind, key, facts)

    def _judge(self, unit_code: str, kind: str, key: str, facts: list[Fact]) -> None:
        unit = self.state.units.get(unit_code)
        if unit is None or self.staffing is None:
            return
        if kind == "staff":
            quota, filled = unit.quotas.get(key, 0), self.staffing.headcount(unit_code, key)
            what = _("超编: {unit} would have {filled} on {establishment} against a quota of {quota}").format(
                unit=unit.name, filled=filled, establishment=key, quota=quota)
        else:
            pq = unit.post_quotas.get(key)
            quota, filled = (pq.count if pq else 0), self.staffing.holders(unit_code, key)
            what = _("超职数: {unit} would have {filled} {post} against 领导职数 {quota}").format(
                unit=unit.name, filled=filled, post=key, quota=quota)
        # The day's raises given with --override take their places over the quota first: an excess they cover is
        # theirs, never blamed on a raise recorded before them without one (a second same-day hire's override).
        blamable = sorted((f for f in facts if not f.get("override")), key=lambda f: f.id, reverse=True)
        overridden = len(facts) - len(blamable)
        for f in blamable[:max(filled - quota - overridden, 0)]:
            self.change.refuse(f, "over_establishment" if kind == "staff" else "over_post_quota",
                               _("{what} (to record it anyway, give the reason: --override REASON, or \"override\": "
                                 "\"REASON\" on the line of an import)").format(what=what))


__all__ = ["PRECEDENCE", "Raise", "Walker", "batch_order", "counting_facts", "fold", "fold_order", "fold_ordered",
           "retracted_ids", "validate"]
