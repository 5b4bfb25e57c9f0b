"""Findings kept: each person's compliance findings as rows a store can hold, so that `ledger check` of a city
reads them instead of walking it (docs/architecture.md §5).

A person's findings depend on their own facts and the structure's (units, posts, selections) only: the fact rules
judge a promotion or an appointment against the person just before it, and the person rules judge the person on a
date. So they are derived person by person, with the compliance walk's own rule functions:

- a **fact row** for each finding of a fact rule: the fact's date, and the message;
- a **state row** for each span of days on which a person rule finds the same thing. Between two days on which
  something happens to a person, their state does not change, and every person rule is then a deadline (nothing,
  then a breach from one day on: the retirement month passed, the secondment's end, the probation's end) — so
  the walk judges each such interval on its last day, and where that finds a breach, finds the day it began (the
  breach's own `since` where that is the day, else by halving the interval) and any day its message changes.

A row keeps its message's form (`ledger.model.i18n.kept`), not its text: `made` writes it again in the reader's
language, with the date judged on. A unit's findings (quotas, 编外) are not kept here: they are the unit's figures
and roster on the date, which the store keeps already (`ledger.app.kept_check`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any

import orjson

from ledger.fold.walk import APPLIERS, PRECEDENCE
from ledger.model.events import EVENT_TYPES
from ledger.model.facts import Fact
from ledger.model.i18n import form_of, kept, made
from ledger.model.state import PersonState
from ledger.rules.catalogue import Rulebook
from ledger.rules.findings import Breach, Finding, finding
from ledger.rules.history import CAREER_EVENTS
from ledger.rules.registry import registered
from ledger.rules.walk import AT_DAY_END, ComplianceWalk

OPEN_END = date(9999, 12, 31)  # the end of a row still open
_HORIZON = OPEN_END - timedelta(days=1)  # the day an interval still open is judged on
_DAY = timedelta(days=1)
Judge = Callable[[date], Breach | None]


@dataclass(frozen=True)
class KeptRow:
    """One kept finding: `kind` "fact" (valid on the fact's date) or "state" (valid_from ≤ day < valid_to)."""

    person: str
    unit: str
    kind: str  # "fact", "state", or "link": an appointment that names a selection (whose steps can change it)
    valid_from: date
    valid_to: date
    doc: bytes  # rule, event_id, since, key, name, form (the message), ord (its place in `ledger check`'s order)
    selection: str | None = None  # a link's selection


def rulebook_digest(rulebook: Rulebook) -> int:
    """What the kept rows were judged by (each rule on or off, and its parameters), as a number: rows judged by
    another rulebook are not served."""
    body = orjson.dumps({k: [r.enabled, r.params] for k, r in sorted(rulebook.rules.items())},
                        option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str)
    return int.from_bytes(hashlib.sha256(body).digest()[:7], "big")


def _signature(b: Breach | None, on: date) -> Any:
    """What must stay the same for two days to share a row: everything but the date judged on (the message's
    first mention of it; a date equal to it elsewhere in a message only splits a row in two alike)."""
    if b is None:
        return None
    return (b.message.replace(on.isoformat(), "", 1), b.since, b.event_id, b.key)


def _changes(judge: Judge, lo: date, at_lo: Breach | None, hi: date, at_hi: Breach | None
             ) -> list[tuple[date, Breach | None]]:
    """The days in (lo, hi] on which the verdict changes, with the verdict from each."""
    if _signature(at_lo, lo) == _signature(at_hi, hi):
        return []
    if hi - lo == _DAY:
        return [(hi, at_hi)]
    begun = at_hi.since if at_hi is not None else None
    if begun is not None and lo < begun <= hi:  # a deadline that says when it passed: confirm it
        before, on = judge(begun - _DAY), judge(begun)
        if _signature(before, begun - _DAY) == _signature(at_lo, lo) and _signature(on, begun) == _signature(at_hi, hi):
            return [(begun, on)]
    mid = lo + (hi - lo) // 2
    at_mid = judge(mid)
    return [*_changes(judge, lo, at_lo, mid, at_mid), *_changes(judge, mid, at_mid, hi, at_hi)]


def spans(judge: Judge, first: date, last: date, at_last: Breach | None = None
          ) -> list[tuple[date, date, Breach]]:
    """The spans [start, end) of days in [first, last] on which `judge` finds a breach (alike but for the date
    judged on), each with the breach on its first day; `at_last`: the verdict on `last`, if known."""
    at_last = judge(last) if at_last is None else at_last
    if at_last is None:  # a deadline not passed by the last day has not passed before it either
        return []
    at_first = judge(first) if first < last else at_last
    out: list[tuple[date, date, Breach]] = []
    start, current = first, at_first
    for day, verdict in [*_changes(judge, first, at_first, last, at_last), (last + _DAY, None)]:
        if current is not None:
            out.append((start, day, current))
        start, current = day, verdict
    return out


def _judged(rule: Callable[..., Breach | None], p: PersonState, params: dict[str, Any], on: date) -> Breach | None:
    return rule(on, p, params)


class KeptWalk(ComplianceWalk):
    """The compliance walk that keeps every person's findings over all time as rows (of `people` alone, if given)."""

    def __init__(self, rulebook: Rulebook, people: set[str] | None = None):
        super().__init__(rulebook, date.min, date.max)
        self.people = people
        self.rows: list[KeptRow] = []
        self._open: dict[str, date] = {}  # person -> the first day of the interval open now
        self._first: dict[str, tuple] = {}  # person -> the fold order of the fact that made them (roster order)
        self._fact: Fact | None = None
        self._order: dict[str, int] = {r.rule: i for i, r in enumerate(self.person_rules)}
        self._person_rules = [(r.rule, r.judge, rulebook[r.rule].params) for r in self.person_rules]
        # (person, rule) -> their last state row, what it found (`_signature`) and where it is in `rows`: to extend
        self._last: dict[tuple[str, str], tuple[KeptRow, Any, int]] = {}

    def derive(self, facts: Iterable[Fact]) -> list[KeptRow]:
        """The rows of `facts` (every fact that counts, in `counting_facts` order; for some people, theirs and
        every structure fact's)."""
        self._keep(facts)
        return self.rows

    def _wanted_person(self, person: str | None) -> bool:
        return person is not None and (self.people is None or person in self.people)

    def _keep(self, facts: Iterable[Fact]) -> None:
        state, change, appliers, note = self.state, self.walker.change, APPLIERS, self.careers.note
        subjects = {name: t.subject for name, t in EVENT_TYPES.items()}

        def subject_of(f: Fact) -> str | None:
            return subjects[f.event](f)

        judged, career_events = self.rules_for_event, frozenset(CAREER_EVENTS)
        day: date | None = None
        today: set[str] = set()  # the people something happened to today (their intervals close and reopen)
        day_end: list[Fact] = []
        for f in facts:
            effective = f.effective
            if effective != day:
                if day is not None:
                    self._end_day(day, day_end, today)
                day = effective
            person = f.data.get("person")
            subject = subject_of(f)  # (a structure fact changes no one's state: ledger.model.events.units)
            if subject is not None and subject not in today and self._wanted_person(subject):
                self._close(subject, effective)
                today.add(subject)
            selection = f.data.get("selection")
            if selection and subject is not None and self._wanted_person(subject) and subject in state.people:
                self.rows.append(KeptRow(subject, state.people[subject].unit, "link", effective, effective + _DAY,
                                         b"{}", selection))
            if f.event in judged and self._wanted_person(f.person):
                if f.event in AT_DAY_END:
                    day_end.append(f)
                else:
                    self._judge(f)
            if f.event in career_events:
                note(state, f)
            arrives = person is not None and person not in state.people
            appliers[f.event](change, f)
            if arrives and person in state.people:
                self._first[person] = (effective.isoformat(), PRECEDENCE[f.event], f.id)
        if day is not None:
            self._end_day(day, day_end, today)
        for person in list(self._open):
            self._close(person, None)

    def _end_day(self, day: date, day_end: list[Fact], today: set[str]) -> None:
        for f in day_end:
            self._judge(f, at_day_end=True)
        day_end.clear()
        for person in today:
            self._open[person] = day
        today.clear()

    def _judge(self, f: Fact, at_day_end: bool = False) -> None:
        self._fact, self._at_day_end = f, at_day_end
        with kept():  # a finding's message, in its form
            self.judge_fact(f)
        self._fact = None

    def _close(self, person: str, day: date | None) -> None:
        """The person's interval open now ends before `day` (None: it never ends): judge it."""
        start = self._open.pop(person, None)
        p = self.state.people.get(person)
        if start is None or p is None or p.left is not None:
            return
        last = _HORIZON if day is None else day - _DAY
        for rule, judge_rule, params in self._person_rules:
            at_last = judge_rule(last, p, params)
            if at_last is None:  # a deadline not passed by the last day: nothing (most)
                continue
            if at_last.since is not None and at_last.since <= start \
                    and self._goes_on(p, rule, start, at_last, last, OPEN_END if day is None else last + _DAY):
                continue  # passed before the interval began: on all along, the row before it longer
            judge = partial(_judged, judge_rule, p, params)
            for begin, end, breach in spans(judge, start, last, at_last):
                end = OPEN_END if day is None and end > _HORIZON else end
                if self._goes_on(p, rule, begin, breach, begin, end):
                    continue
                with kept():  # the span's message, in its form
                    breach = judge(begin)
                assert breach is not None
                self._state_row(p, rule, begin, end, breach)

    def _goes_on(self, p: PersonState, rule: str, begin: date, breach: Breach, on: date, end: date) -> bool:
        """Whether `breach` (judged on `on`) is the finding of the person's row that ends on `begin`: then that row
        is made to end at `end`."""
        held = self._last.get((p.person, rule))
        if held is None or held[0].valid_to != begin or held[0].unit != p.unit or held[1] != _signature(breach, on):
            return False
        self._extend((p.person, rule), end)
        return True

    def _doc(self, rule: str, breach: Breach, person: PersonState, ord_: list[Any], state: bool = False) -> bytes:
        form = form_of(breach.message)
        if state and isinstance(form, dict) and "a" in form:  # the date judged on is the reader's
            form = {**form, "a": {k: v for k, v in form["a"].items() if k != "on"}}
        return orjson.dumps({"rule": rule, "event_id": breach.event_id, "since": breach.since,
                             "key": list(breach.key), "name": person.name, "form": form, "ord": ord_})

    def _state_row(self, p: PersonState, rule: str, start: date, end: date, breach: Breach) -> None:
        ord_ = [*self._first.get(p.person, ("", 0, 0)), self._order[rule]]
        row = KeptRow(p.person, p.unit, "state", start, end, self._doc(rule, breach, p, ord_, state=True))
        self._last[(p.person, rule)] = (row, _signature(breach, start), len(self.rows))
        self.rows.append(row)

    def _extend(self, key: tuple[str, str], end: date) -> None:
        row, signature, at = self._last[key]
        row = KeptRow(row.person, row.unit, row.kind, row.valid_from, end, row.doc)
        self.rows[at] = row
        self._last[key] = (row, signature, at)

    def _found(self, rule: str, breach: Breach, unit: str, person: PersonState | None = None) -> None:
        f = self._fact
        if f is None or person is None:  # (only the fact rules are judged here)
            return
        rules = [r.rule for r in self.rules_for_event[f.event]]
        ord_ = [f.effective.isoformat(), int(self._at_day_end), PRECEDENCE[f.event], f.id, rules.index(rule)]
        self.rows.append(KeptRow(person.person, unit, "fact", f.effective, f.effective + _DAY,
                                 self._doc(rule, breach, person, ord_)))


def kept_rows(facts: Iterable[Fact], rulebook: Rulebook, people: set[str] | None = None) -> list[KeptRow]:
    """Every kept finding of `people` (None: everyone) from `facts` in `counting_facts` order."""
    return KeptWalk(rulebook, people).derive(facts)


def kept_findings(rows: Iterable[tuple[str, str, str, dict[str, Any]]], rulebook: Rulebook, as_of: date
                  ) -> tuple[list[Finding], list[Finding]]:
    """The findings of kept rows — (person, unit, kind, doc) of the facts and the states the question covers — in
    the language spoken now, judged on `as_of`: (the facts' findings, the states'), each in the walk's order."""
    facts: list[tuple[list[Any], Finding]] = []
    states: list[tuple[list[Any], Finding]] = []
    for person, unit, kind, doc in rows:
        on = {"on": as_of} if kind == "state" else None
        since = date.fromisoformat(doc["since"]) if doc["since"] else None
        breach = Breach(made(doc["form"], on), since, doc["event_id"], tuple(doc["key"]))
        (facts if kind == "fact" else states).append(
            (doc["ord"], finding(rulebook[doc["rule"]], breach, unit, person, doc["name"])))
    facts.sort(key=lambda x: x[0])
    states.sort(key=lambda x: x[0])
    return [x for _o, x in facts], [x for _o, x in states]


@dataclass
class UnitFigures:
    """A unit on a date as the store keeps it (its figures and its people's roster entries), for the unit rules:
    what `UnitOnDate` gives them, read instead of walked."""

    code: str
    name: str
    quotas: dict[str, int]  # 编制 by establishment type
    post_quotas: dict[str, int]  # 领导职数 by post, in the unit's own order
    people: list[dict[str, Any]]  # the roster entries of its people on establishment
    assistants: int  # its 编外 assistants engaged
    excess_since: Callable[[str, str], date | None]  # ("staff" or "post", type or post) -> the day it began


class _Post:
    def __init__(self, post: str):
        self.post = post


class _Person:
    """A roster entry as a unit rule reads a person: id, name, rank, posts."""

    def __init__(self, entry: dict[str, Any]):
        self.person, self.name, self.rank = entry["person"], entry["name"], entry["rank"]
        self.establishment = entry["establishment"]
        self.posts = [_Post(x["post"]) for x in entry["posts"]]


class _Quota:
    def __init__(self, count: int):
        self.count = count


class _UnitState:
    def __init__(self, u: UnitFigures):
        self.name, self.quotas = u.name, u.quotas
        self.post_quotas = {post: _Quota(n) for post, n in u.post_quotas.items()}


class _UnitOnDate:
    """`ledger.rules.registry.UnitOnDate`'s questions, answered from a `UnitFigures`."""

    def __init__(self, u: UnitFigures):
        self.code, self.figures = u.code, u
        self.unit = _UnitState(u)
        self.staff = sorted((_Person(p) for p in u.people), key=lambda p: p.person)

    def establishment_types(self) -> list[str]:
        return sorted({*self.unit.quotas, *(p.establishment for p in self.staff)})

    def headcount(self, establishment: str) -> int:
        return sum(1 for p in self.staff if p.establishment == establishment)

    def holders(self, post: str) -> int:
        return sum(1 for p in self.staff if any(x.post == post for x in p.posts))

    def excess_since(self, kind: str, key: str) -> date | None:
        return self.figures.excess_since(kind, key)

    def assistants(self) -> int:
        return self.figures.assistants


def unit_findings(units: Iterable[UnitFigures], rulebook: Rulebook, on: date) -> list[Finding]:
    """The unit rules' findings on `on` about `units` (in the order given), as the compliance walk finds them."""
    out: list[Finding] = []
    rules = [r for r in registered("unit") if rulebook.on(r.rule)]
    for u in units:
        view = _UnitOnDate(u)
        for r in rules:
            spec = rulebook[r.rule]
            out += [finding(spec, b, u.code) for b in r.judge(on, view, spec.params)]
    return out
