"""The fold: one pure function from facts to the state on a date, and the same walk with checks for validation.

Bitemporal (DESIGN.md §2): `known_at` keeps only facts recorded by then, and honours only the retractions
recorded by then. Facts apply in effective-date order; on the same date, by kind (PRECEDENCE: structure, then
arrivals, changes and departures) and, within a kind, in recording order (the stream's). Ordering by kind first
makes a day's outcome independent of the order a clerk happened to type its facts in.
With `check=True` every fact is checked against the state just before it, so a back-dated fact is validated
with the whole timeline around it, later facts included. 超编/超职数 are judged at the end of each day, so a
same-day swap (one leaves, one is hired) is never refused for the order its lines were typed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from ledger.model import vocabulary as v
from ledger.model.errors import Problem
from ledger.model.facts import Fact
from ledger.model.state import AssistantState, PersonState, Post, PostQuota, Secondment, State, UnitState

# Order of a batch's facts on one date, so that an import's line order never matters: structure first, then
# arrivals, changes, departures from posts and secondments, and separations last.
PRECEDENCE: dict[str, int] = {
    "unit_established": 0,
    "section_established": 1,
    "quota_set": 2,
    "post_quota_set": 3,
    "hired": 4,
    "transferred": 5,
    "rank_promoted": 6,
    "post_vacated": 7,
    "post_appointed": 8,
    "secondment_ended": 9,
    "secondment_started": 10,
    "assistant_released": 11,
    "assistant_engaged": 12,
    "separated": 13,
    "section_abolished": 14,
    "retracted": 15,
}


def batch_order(facts: list[Fact]) -> list[int]:
    """Indexes of a batch in an order its facts can be applied in, whatever the input's line order.

    By effective date, then by kind (PRECEDENCE); units established together come parents first.
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
    retractions = [f for f in facts if f.event == "retracted" and _known(f, known_at)]
    out: dict[int, Fact] = {}
    for r in sorted(retractions, key=lambda f: f.id, reverse=True):
        if r.id not in out:
            out.setdefault(r.data["target"], r)
    return out


def _known(f: Fact, known_at: datetime | None) -> bool:
    return known_at is None or f.recorded is None or f.recorded <= known_at


def counting_facts(facts: Iterable[Fact], known_at: datetime | None = None) -> list[Fact]:
    """The facts that count (as known at `known_at`), retractions removed, in the fold's order."""
    facts = [f for f in facts if _known(f, known_at)]
    gone = retracted_ids(facts)
    kept = [f for f in facts if f.event != "retracted" and f.id not in gone]
    kept.sort(key=fold_order)
    return kept


def fold_order(f: Fact) -> tuple[date, int, int]:
    """Effective date, then kind of fact (structure before people, separations last), then recording order."""
    return (f.effective, PRECEDENCE[f.event], f.id)


def fold(facts: Iterable[Fact], on: date | None = None, known_at: datetime | None = None) -> State:
    """The state on `on` (None: after every fact), as the ledger knew it at `known_at` (None: now)."""
    walker = Walker(check=False)
    for f in counting_facts(facts, known_at):
        if on is not None and f.effective > on:
            break
        walker.apply(f)
    walker.state.on = on
    return walker.state


def fold_ordered(facts: Iterable[Fact], on: date | None = None) -> State:
    """`fold` of facts already in `counting_facts` order (retractions resolved, sorted by `fold_order`)."""
    walker = Walker(check=False)
    for f in facts:
        if on is not None and f.effective > on:
            break
        walker.apply(f)
    walker.state.on = on
    return walker.state


def validate(facts: Iterable[Fact]) -> list[Problem]:
    """Every problem in the whole timeline, each tied to the fact that cannot be."""
    facts = list(facts)
    problems = _check_retractions(facts)
    walker = Walker(check=True)
    day: date | None = None
    for f in counting_facts(facts):
        if day is not None and f.effective != day:
            walker.close_day()
        day = f.effective
        walker.apply(f)
    walker.close_day()
    return problems + walker.problems


def _check_retractions(facts: list[Fact]) -> list[Problem]:
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
    """Applies facts one by one to a `State`; with `check`, refuses (and skips) facts that cannot be.

    Public so that readers needing the state between facts (the yearly report, the materialised timeline, the
    compliance rules) step through the one walk the fold uses instead of re-implementing it: feed it facts in
    `counting_facts` order with `apply`, and call `close_day` between dates when checking.
    """

    def __init__(self, check: bool):
        self.check = check
        self.state = State()
        self.problems: list[Problem] = []
        self._day_increases: list[tuple[Fact, str, str, str]] = []  # (fact, unit, kind, key) raised today
        # With checks: who is on each unit's establishment now, so the day's quota counts cost O(unit), not
        # O(city) (State.staff scans every person). Kept by `_place` after each fact about a person.
        self._members: dict[str, set[str]] = {}
        self._where: dict[str, str] = {}

    # --- reporting -----------------------------------------------------------------------------------------
    def _who(self, f: Fact) -> str:
        pid = f.person or ""
        p = self.state.people.get(pid) or self.state.assistants.get(pid)
        name = (p.name if p else None) or f.get("name")
        return f"{pid} {name}" if name else pid

    def _refuse(self, f: Fact, code: str, what: str, who: str | None = None) -> bool:
        who = who if who is not None else self._who(f)
        self.problems.append(Problem(code, f"{f.effective} {who}: {what}", event_id=f.id))
        return False

    # --- lookups shared by the checks -----------------------------------------------------------------------
    def _unit(self, f: Fact, code: str | None) -> UnitState | None:
        unit = self.state.units.get(code or "")
        if unit is None and self.check:
            known = ", ".join(self.state.units) or "none yet"
            self._refuse(f, "unknown_unit", f"no unit '{code}' on this date (units: {known})", who=f.event)
        return unit

    def _section_ok(self, f: Fact, unit: UnitState, section: str | None) -> bool:
        if section is None or section in unit.sections:
            return True
        if self.check:
            known = "、".join(unit.sections) or "none"
            self._refuse(f, "unknown_section", f"{unit.name} has no section '{section}' on this date (sections: {known})")
        return False

    def _person(self, f: Fact) -> PersonState | None:
        p = self.state.people.get(f.person or "")
        if p is not None and p.left is None:
            return p
        if self.check:
            if p is None:
                self._refuse(f, "unknown_person", "not on the establishment on this date (no hire recorded on or before it)")
            else:
                self._refuse(f, "not_active", f"not on the establishment on this date (left {p.left}, {p.left_reason})")
        return None

    def _rank_ok(self, f: Fact, unit: UnitState, rank: str) -> bool:
        if rank in v.ranks_for_unit_kind(unit.kind):
            return True
        if self.check:
            self._refuse(f, "rank_not_for_unit", f"rank '{rank}' is not held in a {unit.kind} ({unit.name}): "
                         f"{'civil-service ranks' if unit.kind == '机关' else 'management or professional grades'} only")
        return False

    # --- the day's quota check (超编 / 超职数) -----------------------------------------------------------------
    def close_day(self) -> None:
        """Judge the day's 超编/超职数: an excess of k is blamed on the k latest-recorded raises without override."""
        raised, self._day_increases = self._day_increases, []
        if not self.check:
            return
        groups: dict[tuple[str, str, str], list[Fact]] = {}
        for f, unit_code, kind, key in raised:
            groups.setdefault((unit_code, kind, key), []).append(f)
        for (unit_code, kind, key), facts in groups.items():
            unit = self.state.units.get(unit_code)
            if unit is None:
                continue
            if kind == "staff":
                quota, filled = unit.quotas.get(key, 0), self._headcount(unit_code, key)
                what = f"超编: {unit.name} would have {filled} on {key} against a quota of {quota}"
            else:
                pq = unit.post_quotas.get(key)
                quota, filled = (pq.count if pq else 0), self._post_holders(unit_code, key)
                what = f"超职数: {unit.name} would have {filled} {key} against 领导职数 {quota}"
            excess = filled - quota
            blamable = sorted((f for f in facts if not f.get("override")), key=lambda f: f.id, reverse=True)
            for f in blamable[:max(excess, 0)]:
                self._refuse(f, "over_establishment" if kind == "staff" else "over_post_quota",
                             f"{what} (use --override REASON to record it anyway)")

    # --- applying -------------------------------------------------------------------------------------------
    def apply(self, f: Fact) -> None:
        getattr(self, "_" + f.event)(f)
        if self.check and "person" in f.data:
            self._place(f.data["person"])

    def _place(self, pid: str) -> None:
        p = self.state.people.get(pid)
        now = p.unit if p is not None and p.left is None else None
        was = self._where.get(pid)
        if now == was:
            return
        if was is not None:
            self._members[was].discard(pid)
            del self._where[pid]
        if now is not None:
            self._members.setdefault(now, set()).add(pid)
            self._where[pid] = now

    def _headcount(self, unit: str, establishment: str) -> int:  # == State.headcount, from the index
        people = self.state.people
        return sum(1 for pid in self._members.get(unit, ()) if people[pid].establishment == establishment)

    def _post_holders(self, unit: str, post: str) -> int:  # == len(State.post_holders), from the index
        people = self.state.people
        return sum(1 for pid in self._members.get(unit, ()) if any(x.post == post for x in people[pid].posts))

    def _unit_established(self, f: Fact) -> None:
        code = f.data["unit"]
        if code in self.state.units:
            if self.check:
                self._refuse(f, "duplicate_unit", f"unit '{code}' already exists ({self.state.units[code].name})", who=code)
            return
        parent = f.get("parent")
        if parent is not None and parent not in self.state.units:
            if self.check:
                self._refuse(f, "unknown_unit", f"parent unit '{parent}' does not exist on this date", who=code)
            return
        self.state.units[code] = UnitState(code, f.data["name"], f.data["kind"], parent, f.get("funding"), f.effective)

    def _section_established(self, f: Fact) -> None:
        unit = self._unit(f, f.data["unit"])
        if unit is None:
            return
        if f.data["section"] in unit.sections:
            if self.check:
                self._refuse(f, "duplicate_section", f"section '{f.data['section']}' already exists", who=unit.name)
            return
        unit.sections[f.data["section"]] = f.effective

    def _section_abolished(self, f: Fact) -> None:
        unit = self._unit(f, f.data["unit"])
        if unit is None:
            return
        section = f.data["section"]
        if section not in unit.sections:
            if self.check:
                self._refuse(f, "unknown_section", f"no section '{section}' to abolish", who=unit.name)
            return
        still = [p for p in self.state.staff(unit.unit) if p.section == section]
        if still and self.check:
            names = "、".join(f"{p.person} {p.name}" for p in still)
            self._refuse(f, "section_not_empty", f"section '{section}' still has staff: {names}", who=unit.name)
            return
        del unit.sections[section]

    def _quota_set(self, f: Fact) -> None:
        unit = self._unit(f, f.data["unit"])
        if unit is not None:
            unit.quotas[f.data["establishment"]] = f.data["count"]

    def _post_quota_set(self, f: Fact) -> None:
        unit = self._unit(f, f.data["unit"])
        if unit is not None:
            unit.post_quotas[f.data["post"]] = PostQuota(f.data["level"], f.data["count"])

    def _hired(self, f: Fact) -> None:
        d = f.data
        existing = self.state.people.get(d["person"])
        if existing is not None and existing.left is None:
            if self.check:
                self._refuse(f, "already_hired", f"already on the establishment of {existing.unit} since {existing.joined}")
            return
        if d["person"] in self.state.assistants and self.state.assistants[d["person"]].left is None and self.check:
            self._refuse(f, "id_in_use", "this id is an assistant (编外) still engaged; release them first")
            return
        unit = self._unit(f, d["unit"])
        if unit is None or not self._section_ok(f, unit, d.get("section")) or not self._rank_ok(f, unit, d["rank"]):
            return
        rank_since = d.get("rank_since") or f.effective
        if self.check:
            if d["birth_date"] >= f.effective:
                self._refuse(f, "impossible_date", f"birth date {d['birth_date']} is not before the hire")
                return
            if rank_since > f.effective:
                self._refuse(f, "impossible_date", f"rank_since {rank_since} is after the hire")
                return
        self.state.people[d["person"]] = PersonState(
            person=d["person"], name=d["name"], gender=d["gender"], birth_date=d["birth_date"],
            education=d.get("education"), unit=unit.unit, section=d.get("section"), establishment=d["establishment"],
            rank=d["rank"], rank_since=rank_since, joined=f.effective, mode=d["mode"], hired_event=f.id,
        )
        self._day_increases.append((f, unit.unit, "staff", d["establishment"]))

    def _rank_promoted(self, f: Fact) -> None:
        p = self._person(f)
        if p is None:
            return
        new = f.data["rank"]
        if self.check:
            if v.ladder_of(new) != v.ladder_of(p.rank):
                self._refuse(f, "bad_promotion", f"'{new}' is not on the ladder of the current rank {p.rank}; "
                             "a change of ladder goes with a transfer (--rank)")
                return
            if v.rank_index(new) <= v.rank_index(p.rank):
                self._refuse(f, "bad_promotion", f"a promotion must be to a higher rank: the ledger holds {p.rank} "
                             f"(since {p.rank_since}), and {new} is not higher")
                return
        p.rank, p.rank_since = new, f.effective

    def _post_appointed(self, f: Fact) -> None:
        p = self._person(f)
        if p is None:
            return
        unit = self.state.units[p.unit]
        post, section = f.data["post"], f.get("section")
        if post not in unit.post_quotas:
            if self.check:
                known = "、".join(unit.post_quotas) or "none"
                self._refuse(f, "unknown_post", f"{unit.name} has no post '{post}' (领导职数 set for: {known})")
            return
        if not self._section_ok(f, unit, section):
            return
        if p.holds(post, section) is not None:
            if self.check:
                held = p.holds(post, section)
                self._refuse(f, "already_holds", f"already holds {section or ''}{post} since {held.since}")
            return
        p.posts.append(Post(post, section, f.get("since") or f.effective, f.effective, f.id, bool(f.get("probation"))))
        self._day_increases.append((f, unit.unit, "post", post))

    def _post_vacated(self, f: Fact) -> None:
        p = self._person(f)
        if p is None:
            return
        held = p.holds(f.data["post"], f.get("section"))
        if held is None:
            if self.check:
                posts = "、".join(f"{x.section or ''}{x.post}" for x in p.posts) or "no post"
                self._refuse(f, "post_not_held", f"does not hold {f.get('section') or ''}{f.data['post']} "
                             f"on this date (holds: {posts})")
            return
        p.posts.remove(held)

    def _transferred(self, f: Fact) -> None:
        p = self._person(f)
        if p is None:
            return
        d = f.data
        target = self.state.units.get(d.get("to_unit") or p.unit)
        if target is None:
            self._unit(f, d.get("to_unit"))
            return
        moving = target.unit != p.unit
        if self.check and not any(d.get(k) for k in ("to_unit", "section", "establishment", "rank")):
            self._refuse(f, "empty_transfer", "a transfer needs --to-unit, --section, --establishment or --rank")
            return
        if self.check and not moving and d.get("to_unit") and not any(d.get(k) for k in ("section", "establishment", "rank")):
            self._refuse(f, "empty_transfer", f"already in {target.name}")
            return
        section = d.get("section") if d.get("section") else (None if moving else p.section)
        if not self._section_ok(f, target, section):
            return
        rank = d.get("rank") or p.rank
        if not self._rank_ok(f, target, rank):
            return
        if self.check and d.get("rank") and v.ladder_of(rank) == v.ladder_of(p.rank) and not moving \
                and target.kind == self.state.units[p.unit].kind and rank != p.rank and v.rank_index(rank) > v.rank_index(p.rank):
            self._refuse(f, "bad_transfer", f"a higher rank ({rank}) is a promotion, not a transfer: use promote")
            return
        establishment = d.get("establishment") or p.establishment
        if moving:
            p.posts.clear()  # posts belong to the unit left behind
        if rank != p.rank:
            p.rank, p.rank_since = rank, f.effective
        p.unit, p.section = target.unit, section
        raised = moving or establishment != p.establishment
        p.establishment = establishment
        if raised:
            self._day_increases.append((f, target.unit, "staff", establishment))

    def _secondment_started(self, f: Fact) -> None:
        p = self._person(f)
        if p is None:
            return
        d = f.data
        if p.secondment is not None:
            if self.check:
                s = p.secondment
                self._refuse(f, "overlapping_secondment", f"already on {s.kind} at {s.host} since {s.since}; "
                             "end it (return) before starting another")
            return
        if self.check and d.get("until") is not None and d["until"] < f.effective:
            self._refuse(f, "impossible_date", f"until {d['until']} is before the start")
            return
        p.secondment = Secondment(d["host"], d["kind"], f.effective, d.get("until"), f.id)

    def _secondment_ended(self, f: Fact) -> None:
        p = self._person(f)
        if p is None:
            return
        s = p.secondment
        if s is None:
            if self.check:
                self._refuse(f, "not_seconded", "is not on secondment on this date")
            return
        if self.check and f.get("host") and f.get("host") != s.host:
            self._refuse(f, "not_seconded", f"is seconded to {s.host}, not to {f.get('host')}")
            return
        p.secondment = None

    def _separated(self, f: Fact) -> None:
        p = self._person(f)
        if p is None:
            return
        p.posts.clear()
        p.secondment = None
        p.left, p.left_reason = f.effective, f.data["reason"]

    def _assistant_engaged(self, f: Fact) -> None:
        d = f.data
        unit = self._unit(f, d["unit"])
        if unit is None:
            return
        a = self.state.assistants.get(d["person"])
        if a is not None and a.left is None:
            if self.check:
                self._refuse(f, "already_engaged", f"already engaged as {a.role} at {a.unit} since {a.since}")
            return
        staff = self.state.people.get(d["person"])
        if staff is not None and staff.left is None:
            if self.check:
                self._refuse(f, "id_in_use", f"this id is on the establishment of {staff.unit} ({staff.name})")
            return
        self.state.assistants[d["person"]] = AssistantState(d["person"], d["name"], d["role"], unit.unit, f.effective,
                                                            d.get("gender"), d.get("birth_date"), d.get("education"))

    def _assistant_released(self, f: Fact) -> None:
        a = self.state.assistants.get(f.data["person"])
        if a is None or a.left is not None:
            if self.check:
                self._refuse(f, "not_engaged", "is not an engaged assistant on this date")
            return
        a.left = f.effective
