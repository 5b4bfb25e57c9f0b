"""The compliance checks: one walk over the timeline that judges each fact against the state just before it, and
the state on chosen dates against the quotas, retirement ages and secondment limits.

Works on `Fact`s with the fold's own walker, so a finding always agrees with the roster. Parameters come from a
`Rulebook` (the catalogue with a rules file's overrides); nothing here knows a particular bureau.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from ledger.fold.walk import Walker, counting_facts
from ledger.model import vocabulary as v
from ledger.model.facts import Fact
from ledger.model.state import PersonState, State
from ledger.rules.catalogue import Rulebook
from ledger.rules.periods import add_months, add_years, month_end, retirement_date, span_text, working_days


@dataclass(frozen=True)
class Finding:
    """One broken rule: what, who, where, since when, and the clause it breaks."""

    rule: str
    title: str
    severity: str
    unit: str | None
    person: str | None
    event_id: int | None
    message: str
    source: str
    since: date | None = None  # when the finding's situation began (the fact's date, or when an excess arose)
    name: str | None = None  # the person's name, for a clerk's table
    key: tuple = field(default=(), compare=False)  # identity across dates and timelines, for entry warnings

    def as_json(self) -> dict[str, Any]:
        """The `ledger check --json` form (a contract: exactly these keys)."""
        return {"rule": self.rule, "title": self.title, "severity": self.severity, "unit": self.unit,
                "person": self.person, "event_id": self.event_id, "message": self.message, "source": self.source}


@dataclass(frozen=True)
class Subjects:
    """Units and persons whose state findings are wanted on a date (their units' quotas are judged too)."""

    units: frozenset[str] = frozenset()
    persons: frozenset[str] = frozenset()


@dataclass
class _History:
    """What the rules need about a person beyond the state on one date: ranks reached and posts held over time."""

    hire_rank_since: date
    mode: str
    promoted: bool = False  # holds a rank reached inside the ledger (not the hire's)
    ranks: list[tuple[str, date]] = field(default_factory=list)  # (rank, reached on)
    # [level, since, until|None, post, section, appointed on, probation]
    post_spans: list[list[Any]] = field(default_factory=list)
    last_post_promotion: date | None = None
    top_level: int = -1  # highest post level ever held


def _post_level(state: State, unit: str, post: str) -> str | None:
    u = state.units.get(unit)
    pq = u.post_quotas.get(post) if u else None
    return pq.level if pq and pq.level in v.POST_LEVELS else None


class _Checker:
    def __init__(self, rulebook: Rulebook, since: date, until: date, unit: str | None):
        self.rb = rulebook
        self.since, self.until, self.unit = since, until, unit
        self.walker = Walker()
        self.history: dict[str, _History] = {}
        self.over_since: dict[tuple[str, str, str], date] = {}  # (kind, unit, key) -> first day of the excess
        self.members: dict[str, set[str]] = {}  # unit -> people on its establishment now
        self.where: dict[str, tuple | None] = {}  # person -> (unit, establishment, posts) while on establishment
        self.est_count: dict[str, Counter] = {}  # unit -> people per establishment type
        self.post_count: dict[str, Counter] = {}  # unit -> holders per post
        self.dirty: set[str] = set()  # units whose counts changed today
        self.findings: list[Finding] = []

    # --- making findings ------------------------------------------------------------------------------------
    def add(self, rule: str, message: str, *, unit: str | None, person: PersonState | None = None,
            event_id: int | None = None, since: date | None = None, key: tuple = ()) -> None:
        if not self.rb.on(rule) or (self.unit is not None and unit != self.unit):
            return
        spec = self.rb[rule]
        self.findings.append(Finding(rule, spec.title, spec.severity, unit, person.person if person else None,
                                     event_id, message, spec.source, since, person.name if person else None,
                                     (rule, unit, person.person if person else None, event_id, *key)))

    @property
    def state(self) -> State:
        return self.walker.state

    # --- the walk -------------------------------------------------------------------------------------------
    def run(self, facts: Sequence[Fact], state_dates: Iterable[date] | dict[date, Subjects | None]) -> list[Finding]:
        only = state_dates if isinstance(state_dates, dict) else {}
        pending = sorted(set(state_dates))
        day: date | None = None
        for f in facts:
            if f.effective > self.until and not pending:
                break
            if day is not None and f.effective != day:
                self.flush_quotas(day)
                self.walker.close_day()
            while pending and f.effective > pending[0]:
                d = pending.pop(0)
                self.state_rules(d, only.get(d))
            day = f.effective
            if self.since <= f.effective <= self.until:
                self.fact_rules(f)
            self.track(f)
            self.walker.apply(f)
            if f.person:
                self._place(f.person)
            elif f.event in ("quota_set", "post_quota_set"):
                self.dirty.add(f.data["unit"])
        self.flush_quotas(day)
        for d in pending:
            self.state_rules(d, only.get(d))
        return self.findings

    # --- per-person history (before the walker applies the fact) ---------------------------------------------
    def track(self, f: Fact) -> None:
        st = self.state
        pid = f.person
        if f.event == "hired":
            if pid in st.people and st.people[pid].left is None:
                return
            since = f.get("rank_since") or f.effective
            self.history[pid] = _History(since, f.data["mode"], ranks=[(f.data["rank"], since)])
            return
        p = st.people.get(pid or "")
        h = self.history.get(pid or "")
        if p is None or p.left is not None or h is None:
            return
        if f.event == "rank_promoted" or (f.event == "transferred" and f.get("rank") and f.get("rank") != p.rank):
            h.ranks.append((f.data["rank"], f.effective))
            h.promoted = True
        elif f.event == "post_appointed":
            level = _post_level(st, p.unit, f.data["post"])
            if level is None or p.holds(f.data["post"], f.get("section")) is not None:
                return
            since = f.get("since") or f.effective
            h.post_spans.append([level, since, None, f.data["post"], f.get("section"), f.effective,
                                 bool(f.get("probation"))])
            idx = v.post_level_index(level)
            if idx > h.top_level:
                h.top_level = idx
                h.last_post_promotion = since
        elif f.event in ("post_vacated", "separated") or (f.event == "transferred" and f.get("to_unit")
                                                            and f.get("to_unit") != p.unit):
            for span in h.post_spans:
                if span[2] is None and (f.event != "post_vacated" or (
                        span[3] == f.data["post"] and (f.get("section") is None or span[4] == f.get("section")))):
                    span[2] = f.effective

    def _place(self, pid: str) -> None:
        """Keep each unit's members and its counts per establishment type and post up to date after a fact about
        a person, so counting costs O(1) per fact, not O(everyone) (State.staff scans every person)."""
        p = self.state.people.get(pid)
        now = (p.unit, p.establishment, frozenset(x.post for x in p.posts)) if p is not None and p.left is None \
            else None
        was = self.where.get(pid)
        if now == was:
            return
        for sig, step in ((was, -1), (now, 1)):
            if sig is None:
                continue
            unit, est, posts = sig
            (self.members.setdefault(unit, set()).add if step > 0 else self.members[unit].discard)(pid)
            self.est_count.setdefault(unit, Counter())[est] += step
            counts = self.post_count.setdefault(unit, Counter())
            for post in posts:
                counts[post] += step
            self.dirty.add(unit)
        self.where[pid] = now

    def staff(self, unit: str) -> list[PersonState]:
        people = self.state.people
        return [people[pid] for pid in sorted(self.members.get(unit, ()))]

    def flush_quotas(self, day: date | None) -> None:
        """At the end of a day, keep per unit and quota the day an excess began (so a finding says since when)."""
        dirty, self.dirty = self.dirty, set()
        for code in dirty:
            u = self.state.units.get(code)
            if u is None:
                continue
            on_est, in_post = self.est_count.get(code, Counter()), self.post_count.get(code, Counter())
            for est in {*u.quotas, *on_est}:
                self._over(("staff", code, est), on_est[est] > u.quotas.get(est, 0), day)
            for post, pq in u.post_quotas.items():
                self._over(("post", code, post), in_post[post] > pq.count, day)

    def _over(self, key: tuple[str, str, str], over: bool, day: date | None) -> None:
        if over:
            self.over_since.setdefault(key, day)
        else:
            self.over_since.pop(key, None)

    # --- rules about one fact, judged against the state before it -------------------------------------------
    def fact_rules(self, f: Fact) -> None:
        if f.event not in ("rank_promoted", "post_appointed"):
            return
        p = self.state.people.get(f.person or "")
        h = self.history.get(f.person or "")
        if p is None or p.left is not None or h is None:
            return
        if f.event == "rank_promoted":
            self.rank_rules(f, p, h)
            self.publicity(f, p)
        else:
            if f.get("since") is not None and f.get("since") < f.effective:
                return  # records a post held from before (任现职务时间), not an appointment made now
            if p.holds(f.data["post"], f.get("section")) is not None:
                return
            level = _post_level(self.state, p.unit, f.data["post"])
            if level is not None and v.post_level_index(level) > h.top_level:
                self.post_rules(f, p, h, level)
            self.publicity(f, p)

    def _who(self, f: Fact, p: PersonState) -> str:
        return f"{f.effective} {p.person} {p.name}"

    def rank_rules(self, f: Fact, p: PersonState, h: _History) -> None:
        new, old = f.data["rank"], p.rank
        if v.ladder_of(new) != v.ladder_of(old):
            return
        step = v.rank_index(new) - v.rank_index(old)
        if step > 1 and v.ladder_of(new) in self.rb.param("RANK_SKIP", "ladders"):
            self.add("RANK_SKIP", f"{self._who(f, p)}: promoted {old} → {new}, skipping {step - 1} rank(s); "
                     "promotion is one step at a time", unit=p.unit, person=p, event_id=f.id, since=f.effective)
        elif step == 1:
            self.rank_tenure(f, p, h, old, new)
        self.probation(f, p, h, f"rank promotion to {new}")

    def rank_tenure(self, f: Fact, p: PersonState, h: _History, old: str, new: str) -> None:
        years = self.rb.param("RANK_TENURE", "years").get(new)
        if years is None:
            return
        start, why = p.rank_since, ""
        probation_years = self.rb.param("RANK_TENURE", "probation_years")
        if not h.promoted and h.mode in self.rb.param("RANK_TENURE", "probation_modes"):
            start, why = add_years(h.hire_rank_since, probation_years), f" (a new recruit: from the end of probation, {h.mode} {h.hire_rank_since})"
        due = add_years(start, years)
        if due <= f.effective:
            return
        level = self.rb.param("RANK_TENURE", "post_equivalent").get(new)
        if level is not None and self._days_in_posts(h, level, f.effective) >= (f.effective - add_years(f.effective, -years)).days:
            return
        alt = f" or {level}" if level else ""
        self.add("RANK_TENURE", f"{self._who(f, p)}: promoted {old} → {new} with {span_text(start, f.effective)} as "
                 f"{old} since {start}{why}; needs {years} years as {old}{alt} (eligible from {due})",
                 unit=p.unit, person=p, event_id=f.id, since=f.effective)

    def _days_in_posts(self, h: _History, level: str, on: date) -> int:
        """Days (overlaps merged) spent before `on` in posts of `level` or higher."""
        lo = v.post_level_index(level)
        spans = sorted((s[1], min(s[2] or on, on)) for s in h.post_spans if v.post_level_index(s[0]) >= lo)
        total, end = 0, date.min
        for a, b in spans:
            a = max(a, end)
            if b > a:
                total += (b - a).days
                end = b
        return total

    def _reached(self, h: _History, rank: str) -> date | None:
        """When the person first held `rank` or higher; date.min if they came in above it (before the ledger)."""
        if v.ladder_of(rank) is None:
            return None
        ladder = v.ladder_of(rank)
        first = h.ranks[0] if h.ranks else None
        if first and v.ladder_of(first[0]) == ladder and v.rank_index(first[0]) > v.rank_index(rank):
            return date.min
        for r, since in h.ranks:
            if v.ladder_of(r) == ladder and v.rank_index(r) >= v.rank_index(rank):
                return since
        return None

    def post_rules(self, f: Fact, p: PersonState, h: _History, level: str) -> None:
        post = f"{f.get('section') or ''}{f.data['post']}"
        req = self.rb.param("POST_TENURE", "requirements").get(level)
        if req and v.ladder_of(p.rank) in self.rb.param("POST_TENURE", "ladders"):
            years = req["years"]
            need = (f.effective - add_years(f.effective, -years)).days
            ok = False
            if req.get("rank_from"):
                reached = self._reached(h, req["rank_from"])
                ok = reached is not None and (reached == date.min or (f.effective - reached).days >= need)
            if not ok and req.get("post_from"):
                ok = self._days_in_posts(h, req["post_from"], f.effective) >= need
            if not ok:
                alts = [f"at or above {req['rank_from']}" for _ in [0] if req.get("rank_from")]
                alts += [f"in a {req['post_from']} post or higher" for _ in [0] if req.get("post_from")]
                self.add("POST_TENURE", f"{self._who(f, p)}: appointed {post} ({level}) as {p.rank} "
                         f"(since {p.rank_since}); needs {years} years {' or '.join(alts)}",
                         unit=p.unit, person=p, event_id=f.id, since=f.effective)
        if h.last_post_promotion is not None:
            years = self.rb.param("PROMOTION_WITHIN_YEAR", "years")
            if add_years(h.last_post_promotion, years) > f.effective:
                self.add("PROMOTION_WITHIN_YEAR", f"{self._who(f, p)}: appointed {post} ({level}) "
                         f"{span_text(h.last_post_promotion, f.effective)} after the last promotion "
                         f"({h.last_post_promotion}); at least {years} year(s) must pass",
                         unit=p.unit, person=p, event_id=f.id, since=f.effective)
        self.probation(f, p, h, f"appointment as {post}")

    def probation(self, f: Fact, p: PersonState, h: _History, what: str) -> None:
        params = self.rb["PROMOTION_IN_PROBATION"].params
        if h.mode in params["probation_modes"] and not h.promoted:
            end = add_years(h.hire_rank_since, params["probation_years"])
            if h.hire_rank_since <= f.effective < end:
                self.add("PROMOTION_IN_PROBATION", f"{self._who(f, p)}: {what} during a new recruit's probation "
                         f"({h.mode} {h.hire_rank_since}, probation until {end})",
                         unit=p.unit, person=p, event_id=f.id, since=f.effective)
                return
        for _level, _since, _until, post, section, appointed, probation in h.post_spans:
            end = add_years(appointed, params["post_probation_years"])
            if probation and appointed <= f.effective < end:  # a vacated post's probation still runs its year
                self.add("PROMOTION_IN_PROBATION", f"{self._who(f, p)}: {what} during the probation of the "
                         f"appointment as {section or ''}{post} ({appointed}, until {end})",
                         unit=p.unit, person=p, event_id=f.id, since=f.effective)
                return

    def publicity(self, f: Fact, p: PersonState) -> None:
        start, end = f.get("publicity_from"), f.get("publicity_to")
        if start is None and end is None:
            return
        need = self.rb.param("PUBLICITY_SHORT", "working_days")
        what = f"the appointment as {f.get('section') or ''}{f.data['post']}" if f.event == "post_appointed" \
            else f"the promotion to {f.data['rank']}"
        if start is None or end is None or end < start:
            self.add("PUBLICITY_SHORT", f"{self._who(f, p)}: publicity of {what} is incomplete "
                     f"(from {start or '?'} to {end or '?'}); needs {need} working days",
                     unit=p.unit, person=p, event_id=f.id, since=f.effective)
            return
        days, fallback = working_days(start, end)
        if days >= need:
            return
        note = " (working days counted Monday–Friday: the holiday calendar does not cover these dates)" \
            if fallback else ""
        self.add("PUBLICITY_SHORT", f"{self._who(f, p)}: publicity of {what} ran {start} – {end}, "
                 f"{days} working day(s); needs {need}{note}", unit=p.unit, person=p, event_id=f.id,
                 since=f.effective)

    # --- rules about the state on a date ---------------------------------------------------------------------
    def state_rules(self, on: date, only: Subjects | None = None) -> None:
        """The state's findings on `on`: for every unit and person, or `only` for some (and the persons' units)."""
        st = self.state
        if only is None:
            units, people = list(st.units.items()), st.staff()
        else:
            people = [p for pid in sorted(only.persons) if (p := st.people.get(pid)) is not None and p.left is None]
            codes = set(only.units) | {p.unit for p in people}
            units = [(c, st.units[c]) for c in sorted(codes) if c in st.units]
        for code, u in units:
            staff = self.staff(code)
            for est in sorted({*u.quotas, *(p.establishment for p in staff)}):
                filled, quota = sum(1 for p in staff if p.establishment == est), u.quotas.get(est, 0)
                if filled > quota:
                    since = self.over_since.get(("staff", code, est))
                    self.add("STAFF_OVER_QUOTA", f"{on} {u.name}: {filled} on {est} against a quota of {quota} "
                             f"(over by {filled - quota}{f', since {since}' if since else ''})",
                             unit=code, since=since, key=(est,))
            for post, pq in u.post_quotas.items():
                holders = [p for p in staff if any(x.post == post for x in p.posts)]
                if len(holders) > pq.count:
                    since = self.over_since.get(("post", code, post))
                    names = "、".join(f"{p.person} {p.name}" for p in holders)
                    self.add("POST_OVER_QUOTA", f"{on} {u.name}: {len(holders)} {post} ({names}) against 领导职数 "
                             f"{pq.count} (over by {len(holders) - pq.count}{f', since {since}' if since else ''})",
                             unit=code, since=since, key=(post,))
            self.rank_quota(on, code)
            self.assistant_cap(on, code)
        for p in people:
            self.retirement(on, p)
            self.secondment(on, p)

    def retirement(self, on: date, p: PersonState) -> None:
        params = self.rb["RETIREMENT_OVERDUE"].params
        if p.gender == "男":
            scheme = "men"
        else:
            scheme = "women_workers" if p.establishment in params["women_workers_establishments"] else "women_cadres"
        reached, age = retirement_date(p.birth_date, params["schemes"][scheme])
        due = month_end(reached)
        if on > due:
            self.add("RETIREMENT_OVERDUE", f"{on} {p.person} {p.name} (born {p.birth_date}): reached the statutory "
                     f"retirement age {age} on {reached} and is still on the establishment", unit=p.unit,
                     person=p, event_id=p.hired_event, since=due + timedelta(days=1))

    def secondment(self, on: date, p: PersonState) -> None:
        s = p.secondment
        if s is None:
            return
        limit = self.rb.param("SECONDMENT_OVERDUE", "max_months").get(s.kind)
        # Both are last days: `until` is the agreed last day; N months from `since` end the day before `since + N`.
        ends = [e for e in (s.until, add_months(s.since, int(limit)) - timedelta(days=1) if limit else None)
                if e is not None]
        if not ends or on <= min(ends):
            return
        end = min(ends)
        why = f"agreed until {s.until}" if s.until == end else f"{s.kind} is limited to {limit} months"
        self.add("SECONDMENT_OVERDUE", f"{on} {p.person} {p.name}: on {s.kind} at {s.host} since {s.since}, "
                 f"{why}, and not back", unit=p.unit, person=p, event_id=s.event_id,
                 since=end + timedelta(days=1))

    def rank_quota(self, on: date, code: str) -> None:
        if not self.rb.on("RANK_QUOTA"):
            return
        u = self.state.units[code]
        for limit in self.rb.param("RANK_QUOTA", "limits"):
            ranks = set(limit.get("ranks", ()))
            base = u.quotas.get(limit.get("of", "行政编制"), 0)
            cap = int(limit["max"]) if "max" in limit else int(base * float(limit.get("share", 0)))
            if not ranks or (base == 0 and "max" not in limit):
                continue
            n = sum(1 for p in self.staff(code) if p.rank in ranks)
            if n > cap:
                label = limit.get("name") or "、".join(sorted(ranks, key=v.rank_sort_key))
                basis = f"{limit['max']}" if "max" in limit else f"{limit.get('share')} × {base} {limit.get('of', '行政编制')}"
                self.add("RANK_QUOTA", f"{on} {u.name}: {n} hold {label}, against 职级职数 {cap} ({basis})",
                         unit=code, key=(label,))

    def assistant_cap(self, on: date, code: str) -> None:
        if not self.rb.on("ASSISTANT_CAP"):
            return
        u = self.state.units[code]
        share, fixed = self.rb.param("ASSISTANT_CAP", "share"), self.rb.param("ASSISTANT_CAP", "max")
        caps = [int(fixed)] if fixed is not None else []
        if share is not None:
            caps.append(int(sum(u.quotas.values()) * float(share)))
        n = len(self.state.active_assistants(code))
        if caps and n > min(caps):
            self.add("ASSISTANT_CAP", f"{on} {u.name}: {n} assistants (编外) against a cap of {min(caps)} "
                     f"({'share ' + str(share) + ' of 编制 ' + str(sum(u.quotas.values())) if share is not None else 'fixed'})",
                     unit=code)


def check(facts: Iterable[Fact], rulebook: Rulebook, as_of: date, since: date | None = None,
          unit: str | None = None, known_at: datetime | None = None) -> list[Finding]:
    """Findings about the state on `as_of`, plus findings about facts effective in [since, as_of]
    (since defaults to 1 January of as_of's year), as the ledger knew it at `known_at`."""
    since = since or date(as_of.year, 1, 1)
    checker = _Checker(rulebook, since, as_of, unit)
    ordered = [f for f in counting_facts(facts, known_at) if f.effective <= as_of]
    return checker.run(ordered, [as_of])


def findings_over(facts: Iterable[Fact], rulebook: Rulebook,
                  dates: Iterable[date] | dict[date, Subjects | None]) -> list[Finding]:
    """Every fact's findings (all time) and the state's findings on each of `dates`, in one walk. With a dict,
    a date's state findings are only about the given units and persons (None: all of them)."""
    if not isinstance(dates, dict):
        dates = dict.fromkeys(dates)
    checker = _Checker(rulebook, date.min, date.max, None)
    return checker.run(counting_facts(facts), dates)
