"""Rules about the state on a date: each unit against its quotas (编制, 领导职数, 职级职数, 编外), and each person
on establishment against the retirement age and their secondment's limits.

Each rule is a pure function registered against its catalogue id (see `ledger.rules.registry`). On a date, the
unit rules run unit by unit in the order written here, then the person rules person by person.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from ledger.model import vocabulary as v
from ledger.model.i18n import _
from ledger.model.state import PersonState, Post, Secondment, UnitState
from ledger.rules.findings import Breach
from ledger.rules.periods import add_months, add_years, month_end, retirement_date
from ledger.rules.registry import UnitOnDate, person_rule, unit_rule

Params = dict[str, Any]


def _since_text(since: date | None) -> str:
    return _(", since {date}").format(date=since) if since else ""


@unit_rule("STAFF_OVER_QUOTA")
def staff_over_quota(on: date, unit: UnitOnDate, params: Params) -> Iterator[Breach]:
    for est in unit.establishment_types():
        filled, quota = unit.headcount(est), unit.unit.quotas.get(est, 0)
        if filled > quota:
            since = unit.excess_since("staff", est)
            yield Breach(_("{on} {unit}: {filled} on {establishment} against a quota of {quota} (over by {over}{since})"
                           ).format(on=on, unit=unit.unit.name, filled=filled, establishment=est, quota=quota,
                                    over=filled - quota, since=_since_text(since)), since, key=(est,))


@unit_rule("POST_OVER_QUOTA")
def post_over_quota(on: date, unit: UnitOnDate, params: Params) -> Iterator[Breach]:
    for post, quota in unit.unit.post_quotas.items():
        if unit.holders(post) <= quota.count:
            continue
        holders = [p for p in unit.staff if any(x.post == post for x in p.posts)]
        since = unit.excess_since("post", post)
        names = "、".join(f"{p.person} {p.name}" for p in holders)
        yield Breach(_("{on} {unit}: {n} {post} ({names}) against 领导职数 {quota} (over by {over}{since})").format(
            on=on, unit=unit.unit.name, n=len(holders), post=post, names=names, quota=quota.count,
            over=len(holders) - quota.count, since=_since_text(since)), since, key=(post,))


@unit_rule("RANK_QUOTA")
def rank_quota(on: date, unit: UnitOnDate, params: Params) -> Iterator[Breach]:
    """Each limit caps the holders of some ranks (职级职数): a fixed `max`, or a `share` of a quota (`of`)."""
    for limit in params["limits"]:
        found = rank_limit(limit, unit.unit, unit.staff)
        if found is None:
            continue
        label, ranks, cap, n, basis = found
        if n > cap:
            yield Breach(_("{on} {unit}: {n} hold {ranks}, against 职级职数 {cap} ({basis})").format(
                on=on, unit=unit.unit.name, n=n, ranks=label, cap=cap, basis=basis), key=(label,))


def rank_limit(limit: Params, unit: UnitState, staff: list[PersonState]
               ) -> tuple[str, set[str], int, int, str] | None:
    """One 职级职数 limit of RANK_QUOTA in a unit: (its name, its ranks, the cap, how many of `staff` hold them, the
    cap's basis); None when it does not apply (no ranks, or a share of a quota the unit does not have)."""
    ranks = set(limit.get("ranks", ()))
    of = limit.get("of", "行政编制")
    base = unit.quotas.get(of, 0)
    if not ranks or (base == 0 and "max" not in limit):
        return None
    cap = int(limit["max"]) if "max" in limit else int(base * float(limit.get("share", 0)))
    label = limit.get("name") or "、".join(sorted(ranks, key=v.rank_sort_key))
    basis = f"{limit['max']}" if "max" in limit else f"{limit.get('share')} × {base} {of}"
    return label, ranks, cap, sum(1 for p in staff if p.rank in ranks), basis


@unit_rule("ASSISTANT_CAP")
def assistant_cap(on: date, unit: UnitOnDate, params: Params) -> Iterator[Breach]:
    """编外 assistants against a fixed `max` or a `share` of the unit's whole 编制, whichever is lower."""
    share, fixed = params["share"], params["max"]
    total = sum(unit.unit.quotas.values())
    caps = [int(fixed)] if fixed is not None else []
    if share is not None:
        caps.append(int(total * float(share)))
    if not caps:
        return
    n = unit.assistants()
    if n > min(caps):
        basis = _("share {share} of 编制 {total}").format(share=share, total=total) if share is not None else _("fixed")
        yield Breach(_("{on} {unit}: {n} assistants (编外) against a cap of {cap} ({basis})").format(
            on=on, unit=unit.unit.name, n=n, cap=min(caps), basis=basis))


@person_rule("RETIREMENT_OVERDUE")
def retirement_overdue(on: date, p: PersonState, params: Params) -> Breach | None:
    """Still on establishment after the month the statutory retirement age was reached."""
    scheme = retirement_scheme(p, params)
    if on.year - p.birth_date.year < int(params["schemes"][scheme]["base_years"]):  # younger than any raise: not due
        return None
    reached, age, _scheme = retirement_of(p, params)
    due = month_end(reached)
    if on <= due:
        return None
    if scheme == "women_senior":  # a policy age (组通字〔2015〕14号), not the statutory one
        message = _("{on} {person} {name} (born {born}): reached on {reached} the retirement age {age} of women at "
                    "县处级 or above or with a senior title, and is still on the establishment")
    else:
        message = _("{on} {person} {name} (born {born}): reached the statutory retirement age {age} on {reached} "
                    "and is still on the establishment")
    return Breach(message.format(on=on, person=p.person, name=p.name, born=p.birth_date, age=age, reached=reached),
                  due + timedelta(days=1), p.hired_event)


def retirement_scheme(p: PersonState, params: Params) -> str:
    """Which of RETIREMENT_OVERDUE's schemes `p` retires under (men, women cadres or workers, senior women)."""
    if p.gender == "男":
        return "men"
    if _senior(p, params["senior_women"]):
        return "women_senior"
    return "women_workers" if p.establishment in params["women_workers_establishments"] else "women_cadres"


def retirement_of(p: PersonState, params: Params) -> tuple[date, str, str]:
    """The day `p` reaches the retirement age (as held on the date judged), the age in words, and the scheme."""
    scheme = retirement_scheme(p, params)
    reached, age = retirement_date(p.birth_date, params["schemes"][scheme])
    return reached, age, scheme


def _senior(p: PersonState, senior: Params) -> bool:
    """At 县处级 or above (a post of that level, or a rank or grade at or above one named), or holding a senior
    title (副高 and up): the women who retire at 60 (组通字〔2015〕14号: a policy age, not the statutory one)."""
    lowest = v.post_level_index(senior["post_level_from"])
    if any(v.post_level_index(x.level) >= lowest for x in p.posts):
        return True
    ladder = v.ladder_of(p.rank)
    for floor in senior["ranks_from"]:
        if ladder is not None and v.ladder_of(floor) == ladder and v.rank_index(p.rank) >= v.rank_index(floor):
            return True
    return p.file.senior_title(senior["title_grades"]) is not None


@person_rule("SECONDMENT_OVERDUE")
def secondment_overdue(on: date, p: PersonState, params: Params) -> Breach | None:
    """Out past the secondment's agreed `until`, or past the most months its kind allows."""
    s = p.secondment
    end = secondment_end(s, params) if s is not None else None
    if s is None or end is None or on <= end:
        return None
    limit = params["max_months"].get(s.kind)
    why = (_("agreed until {date}").format(date=s.until) if s.until == end
           else _("{kind} is limited to {months} months").format(kind=s.kind, months=limit))
    return Breach(_("{on} {person} {name}: on {kind} at {host} since {since}, {why}, and not back").format(
                  on=on, person=p.person, name=p.name, kind=s.kind, host=s.host, since=s.since, why=why),
                  end + timedelta(days=1), s.event_id)


def secondment_end(s: Secondment, params: Params) -> date | None:
    """The last day of a secondment: the agreed `until`, or the last of the most months its kind allows, whichever
    is earlier (N months from `since` end the day before `since + N`); None when neither is set."""
    limit = params["max_months"].get(s.kind)
    ends = [e for e in (s.until, add_months(s.since, int(limit)) - timedelta(days=1) if limit else None)
            if e is not None]
    return min(ends) if ends else None


@person_rule("DISMISSAL_DUE")
def dismissal_due(on: date, p: PersonState, params: Params) -> Breach | None:
    """Still on establishment after two (years_in_a_row) consecutive years appraised 不称职: 辞退 is due."""
    grade, run = params["grade"], int(params["years_in_a_row"])
    years = sorted(y for y, a in p.file.appraisals.items() if a.grade == grade)
    for last in reversed(years):
        if all(last - i in years for i in range(run)):
            a = p.file.appraisals[last]
            span = "、".join(str(last - i) for i in reversed(range(run)))
            return Breach(_("{on} {person} {name}: appraised {grade} in {span}, {run} years in a row, and still on "
                            "the establishment (辞退)").format(on=on, person=p.person, name=p.name, grade=grade,
                                                                span=span, run=run),
                          a.effective, a.event_id, key=(last,))


@person_rule("PROBATION_OPEN")
def probation_open(on: date, p: PersonState, params: Params) -> Breach | None:
    """A post still held on probation (试用期) past its year and the grace days, with no 试用期满 recorded."""
    for post in p.posts:
        if not post.probation or post.probation_ended is not None or post.opening:
            continue  # a post held from before (期初, an arrival's) starts no probation here
        last = probation_last_day(post, params)
        due = last + timedelta(days=int(params["grace_days"]))
        if on > due:
            return Breach(_("{on} {person} {name}: the probation as {post} (appointed {appointed}) ended {last} and "
                            "no 试用期满 (合格/不合格) is recorded").format(
                on=on, person=p.person, name=p.name, post=f"{post.section or ''}{post.post}",
                appointed=post.effective, last=last), due + timedelta(days=1), post.event_id)
    return None


def probation_last_day(post: Post, params: Params) -> date:
    """The last day of an appointment's probation (试用期): `years` from the 党组's decision where one is recorded
    (任职时间从党委（党组）决定之日起计算), else from the day the appointment took effect."""
    return add_years(post.probation_from, params["years"]) - timedelta(days=1)


@person_rule("UNFIT_NOT_DEMOTED")
def unfit_not_demoted(on: date, p: PersonState, params: Params) -> Breach | None:
    """The latest appraisal is 不称职 and the rank has not changed since it took effect (plus the grace days): one
    rank level down is due (并行规定 第二十二条(二)); a demotion is recorded as a transfer to the lower rank."""
    grades = p.file.appraisals
    if not grades or v.ladder_of(p.rank) not in params["ladders"]:
        return None
    year = max(grades)
    a = grades[year]
    if a.grade != params["grade"] or p.rank_since >= a.effective:
        return None
    due = a.effective + timedelta(days=int(params["grace_days"]))
    if on < due:
        return None
    return Breach(_("{on} {person} {name}: appraised {grade} for {year} ({decided}) and still {rank} (since {since}); "
                    "one rank level down is due").format(on=on, person=p.person, name=p.name, grade=a.grade,
                                                          year=year, decided=a.effective, rank=p.rank,
                                                          since=p.rank_since), due, a.event_id, key=(year,))


@person_rule("OPENING_SINCE_MISSING")
def opening_since_missing(on: date, p: PersonState, params: Params) -> Breach | None:
    """A notice: a post held from before the ledger (期初, or a 转任/调任 arrival's) recorded without its 任现职务时间,
    so its tenure is not known (docs/domain.md §7)."""
    missing = [x for x in p.posts if x.since_unknown]
    if not missing:
        return None
    posts = "、".join(f"{x.section or ''}{x.post}" for x in missing)
    return Breach(_("{person} {name}: {posts} held from before {joined} without 任现职务时间 (since): record it with "
                    "`ledger correct {event} --since DATE --reason …`").format(person=p.person, name=p.name, posts=posts,
                                                                 event=missing[0].event_id,
                                                                 joined=missing[0].effective),
                  missing[0].effective, missing[0].event_id)
