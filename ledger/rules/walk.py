"""The compliance walk: one pass over the timeline that judges each promotion or appointment against the state
just before it, and the state on chosen dates against the quotas, retirement ages and secondment limits.

It steps through the fold's own walker, so a finding always agrees with the roster, and keeps beside it what the
rules need beyond one date's state (careers, the day each excess began, who is on each establishment). The
rules themselves are the registered functions of `fact_rules` and `state_rules`; their parameters come from a
`Rulebook`, so nothing here knows a particular bureau.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import date, datetime

from ledger.fold.scope import named_units
from ledger.fold.walk import APPLIERS, Walker, counting_facts
from ledger.model.events import EVENT_TYPES
from ledger.model.facts import Fact
from ledger.model.staffing import Staffing
from ledger.model.state import PersonState, State
from ledger.rules import fact_rules, state_rules  # noqa: F401 (importing the rule modules registers their rules)
from ledger.rules.catalogue import Rulebook
from ledger.rules.findings import Breach, Finding, Subjects, finding
from ledger.rules.history import CAREER_EVENTS, Careers, Excesses
from ledger.rules.registry import Kind, Registration, UnitOnDate, registered

# Fact rules about these event types judge the person at the end of the fact's day, not just before it: a hire has
# no person before it, and what came with it (an appointment the same day) decides whether it is in order.
AT_DAY_END = frozenset({"hired"})
MEMBERSHIP = frozenset(name for name, t in EVENT_TYPES.items() if t.membership)


class ComplianceWalk:
    """Judges facts effective in [since, until] and the state on given dates, for one unit or all of them."""

    def __init__(self, rulebook: Rulebook, since: date, until: date, unit: str | None = None):
        self.rulebook = rulebook
        self.since, self.until, self.unit = since, until, unit
        self.walker = Walker()
        self.staffing = Staffing(self.walker.state)
        self.careers = Careers()
        self.excesses = Excesses(self.walker.state, self.staffing)
        self.findings: list[Finding] = []
        self.rules_for_event: dict[str, list[Registration]] = {}
        for r in self._enabled("fact"):
            for event in r.events:
                self.rules_for_event.setdefault(event, []).append(r)
        self.unit_rules = self._enabled("unit")
        self.person_rules = self._enabled("person")
        self._careered: set[str | None] = set()  # whose careers a run notes (`_careers_needed`)

    def _enabled(self, kind: Kind) -> list[Registration]:
        return [r for r in registered(kind) if self.rulebook.on(r.rule)]

    @property
    def state(self) -> State:
        return self.walker.state

    def run(self, facts: Iterable[Fact], state_dates: Iterable[date] | dict[date, Subjects | None]) -> list[Finding]:
        """Walk `facts` (in `counting_facts` order); on each of `state_dates`, judge the state as it is at the end
        of that day (with a dict, only the units and persons it gives for a date; None: all of them)."""
        only = state_dates if isinstance(state_dates, dict) else {}
        pending = deque(sorted(set(state_dates)))
        facts = facts if isinstance(facts, list) else list(facts)
        self._careered = self._careers_needed(facts)
        self._walk(facts, pending, only, None, [])
        return self.findings

    def _careers_needed(self, facts: list[Fact]) -> set[str | None]:
        """Only the people with a judged fact in [since, until] need their careers noted (and only the facts that
        can move someone on or off an establishment or a post, `EventType.membership`, change the staffing)."""
        since, until, judged = self.since, self.until, self.rules_for_event
        return {f.data.get("person") for f in facts if f.event in judged and since <= f.effective <= until}

    def run_before_and_after(self, facts: list[Fact], later: list[Fact],
                             state_dates: dict[date, Subjects | None]) -> tuple[list[Finding], list[Finding]]:
        """The findings of `run(facts)` and of `run(facts + later)` (both in `counting_facts` order) from one walk
        of `facts`: every fact of `later` is effective on a later day than all of `facts` (and none retracts), so
        the two walks are the same until the first of them — the end of a day, which `run(facts)` judges too."""
        only, pending = state_dates, deque(sorted(state_dates))
        self._careered = self._careers_needed([*facts, *later])
        day, day_end = self._walk(facts, pending, only, None, [], finish=False)
        if day is not None:  # the last day of `facts` closes in both walks alike
            self._judge_at_day_end(day_end)
            self.excesses.close_day(day)
        both = list(self.findings)
        for on in pending:  # the shorter walk ends here
            self.judge_state(on, only.get(on))
        before, self.findings = self.findings, both
        if day is not None:
            self.walker.close_day()  # (as the longer walk does before its next day)
        self._walk(later, pending, only, None, [])
        return before, self.findings

    def _walk(self, facts: Iterable[Fact], pending: deque[date], only: dict[date, Subjects | None],
              day: date | None, day_end: list[Fact], finish: bool = True) -> tuple[date | None, list[Fact]]:
        """`run`'s walk from `day` (its hires `day_end` still to judge); with `finish`, the last day closed and
        the dates left judged; returns the last day and its hires not judged yet."""
        since, until, judged = self.since, self.until, self.rules_for_event
        careered = self._careered
        state, note, place, change = self.state, self.careers.note, self.staffing.place, self.walker.change
        appliers, career_events, moving = APPLIERS, frozenset(CAREER_EVENTS), MEMBERSHIP
        for f in facts:  # a city's whole timeline: the loop keeps its look-ups in locals
            effective = f.effective
            if effective != day:
                if day is not None:
                    self._judge_at_day_end(day_end)
                    self.excesses.close_day(day)
                    self.walker.close_day()
                while pending and effective > pending[0]:
                    on = pending.popleft()
                    self.judge_state(on, only.get(on))
                if effective > until and not pending:
                    break  # nothing left to judge
                day = effective
            if f.event in judged and since <= effective <= until:
                if f.event in AT_DAY_END:
                    day_end.append(f)
                else:
                    self.judge_fact(f)
            event = f.event
            person = f.data.get("person")
            if event in career_events and person in careered:
                note(state, f)
            appliers[event](change, f)  # the plain walk (`Walker.apply` without its validating look-ups)
            if person:
                if event in moving:
                    place(person)
            else:  # a structure fact: the unit's quotas may have changed
                for code in named_units(f):
                    self.staffing.unit_changed(code)
        if not finish:
            return day, day_end
        if day is not None:
            self._judge_at_day_end(day_end)
            self.excesses.close_day(day)
        for on in pending:
            self.judge_state(on, only.get(on))
        return day, day_end

    def _wanted(self, unit: str) -> bool:
        return self.unit is None or unit == self.unit

    def judge_fact(self, f: Fact) -> None:
        """The fact rules, against the state just before the fact is applied (`AT_DAY_END`: after its day)."""
        rules = self.rules_for_event[f.event]
        p = self.state.people.get(f.person or "")
        career = self.careers.get(f.person)
        if p is None or p.left is not None or career is None or not self._wanted(p.unit):
            return
        promotion = fact_rules.judged_promotion(f, p, career, self.state)
        if promotion is None:
            return
        for r in rules:
            if promotion.opening and not r.opening:
                continue  # the opening state is no act of the ledger's (docs/domain.md §7)
            message = r.judge(promotion, self.rulebook[r.rule].params)
            if message is not None:
                self._found(r.rule, Breach(message, f.effective, f.id), p.unit, p)

    def _judge_at_day_end(self, facts: list[Fact]) -> None:
        for f in facts:
            self.judge_fact(f)
        facts.clear()

    def judge_state(self, on: date, only: Subjects | None = None) -> None:
        """The state rules on `on`: every unit and person, or `only` some (and the persons' units)."""
        st = self.state
        people: list[PersonState]
        if only is None:
            codes, people = list(st.units), st.staff()
        else:
            people = [p for pid in sorted(only.persons) if (p := st.people.get(pid)) is not None and p.left is None]
            codes = [c for c in sorted({*only.units, *(p.unit for p in people)}) if c in st.units]
        for code in codes:
            if not self._wanted(code):
                continue
            unit = UnitOnDate(code, st.units[code], st, self.staffing, self.excesses)
            for r in self.unit_rules:
                for breach in r.judge(on, unit, self.rulebook[r.rule].params):
                    self._found(r.rule, breach, code)
        for p in people:
            if not self._wanted(p.unit):
                continue
            for r in self.person_rules:
                breach = r.judge(on, p, self.rulebook[r.rule].params)
                if breach is not None:
                    self._found(r.rule, breach, p.unit, p)

    def _found(self, rule: str, breach: Breach, unit: str, person: PersonState | None = None) -> None:
        self.findings.append(finding(self.rulebook[rule], breach, unit, person.person if person is not None else None,
                                     person.name if person is not None else None))


def compliance_findings(facts: Iterable[Fact], rulebook: Rulebook, as_of: date, since: date | None = None,
                        unit: str | None = None, known_at: datetime | None = None) -> list[Finding]:
    """The auditor's question: findings about the state on `as_of`, plus findings about facts effective in
    [since, as_of] (since defaults to 1 January of as_of's year), as the ledger knew it at `known_at`."""
    since = since or date(as_of.year, 1, 1)
    ordered = [f for f in counting_facts(facts, known_at) if f.effective <= as_of]
    return ComplianceWalk(rulebook, since, as_of, unit).run(ordered, [as_of])


def findings_on(facts: Iterable[Fact], rulebook: Rulebook,
                dates: Iterable[date] | dict[date, Subjects | None], since: date = date.min) -> list[Finding]:
    """The findings of every fact effective on `since` or later (default: all time) and the state's findings on
    each of `dates`, in one walk. With a dict, a date's state findings are only about the given units and persons
    (None: all of them)."""
    if not isinstance(dates, dict):
        dates = dict.fromkeys(dates)
    return ComplianceWalk(rulebook, since, date.max).run(counting_facts(facts), dates)

