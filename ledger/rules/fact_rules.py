"""Rules about one fact — a rank promotion or a post appointment — judged against the person just before it.

Each rule is a pure function registered against its catalogue id (see `ledger.rules.registry`); it returns the
finding's message or None. They run in the order written here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from ledger.model import vocabulary as v
from ledger.model.appointments import PROMOTION, appointment_kind
from ledger.model.facts import Fact
from ledger.model.i18n import _
from ledger.model.opening import held_from_before, on_opening
from ledger.model.state import PersonState, State
from ledger.rules.history import Career
from ledger.rules.periods import add_years, span_text, tenure_due, working_days
from ledger.rules.registry import Promotion, fact_rule

Params = dict[str, Any]


def judged_promotion(f: Fact, p: PersonState, career: Career, state: State) -> Promotion | None:
    """The promotion or appointment the fact makes, or None when it is not one to judge: an appointment that
    records a post held from before (任现职务时间 earlier than the fact) or a post the person already holds. A fact
    of the opening, or a post taken with a 转任/调任 arrival, is marked `opening` (docs/domain.md §7)."""
    if f.event != "post_appointed":
        return Promotion(f, p, career, opening=on_opening(state, p, f.effective))
    since = f.get("since")
    if since is not None and since < f.effective:
        return None
    if p.holds(f.data["post"], f.get("section")) is not None:
        return None
    if held_from_before(state, p, f.effective):
        return Promotion(f, p, career, opening=True)
    unit = state.units.get(p.unit)
    level = unit.post_level(f.data["post"]) if unit is not None else None
    raises = level is not None and v.post_level_index(level) > career.top_level
    held = [unit.post_level(x.post) for x in p.held_before(f.effective)] if unit is not None else []
    selection = state.selections.get(f.get("selection") or "")
    return Promotion(f, p, career, level if raises else None, appointment_kind(level, held, p.rank), selection)


def _rank_step(promotion: Promotion) -> int | None:
    """How many ranks up the promotion goes, None if it changes ladder."""
    new, old = promotion.fact.data["rank"], promotion.person.rank
    if v.ladder_of(new) != v.ladder_of(old):
        return None
    return v.rank_index(new) - v.rank_index(old)


def _raises(promotion: Promotion) -> bool:
    """A rank promotion within the person's ladder, or an appointment above every post level held before."""
    return _rank_step(promotion) is not None if promotion.is_rank else promotion.new_level is not None


@fact_rule("RANK_SKIP", "rank_promoted")
def rank_skip(promotion: Promotion, params: Params) -> str | None:
    step = _rank_step(promotion)
    new, old = promotion.fact.data["rank"], promotion.person.rank
    if step is None or step <= 1 or v.ladder_of(new) not in params["ladders"]:
        return None
    return _("{who}: promoted {old} → {new}, skipping {n} rank(s); promotion is one step at a time").format(
        who=promotion.who, old=old, new=new, n=step - 1)


def not_counting(p: PersonState, params: Params) -> dict[int, str]:
    """The years (年度) that do not count toward the person's tenure, with why: appraised 基本称职 or 不称职 and,
    unless `gaps_count`, the years between two appraised years that have none (《公务员考核规定》)."""
    grades = p.file.grades()
    out = {y: g for y, g in grades.items() if g in params["not_counting"]}
    if grades and not params["gaps_count"]:
        out.update({y: "未考核" for y in range(min(grades), max(grades)) if y not in grades})
    return out


def _excluded_text(excluded: dict[int, str], start: date, end: date) -> str:
    """', not counting 2020 (基本称职)' for the excluded years from `start`'s to `end`'s, '' when none."""
    years = [f"{y} ({g})" for y, g in sorted(excluded.items()) if start.year <= y <= end.year]
    return _(", not counting {years}").format(years="、".join(years)) if years else ""


def excellent_years(p: PersonState, start: date, before: date, params: Params) -> list[int]:
    """The years appraised 优秀 (`excellent`) from `start`'s year, decided before `before`: each shortens the tenure
    a rank promotion needs by `excellent_shortens_years` (并行规定 第十九条)."""
    grade = params["excellent"]
    return sorted(y for y, a in p.file.appraisals.items()
                  if a.grade == grade and start.year <= y and a.effective <= before)


@dataclass(frozen=True)
class RankTenure:
    """What the tenure for a rank promotion is, for one person (并行规定 第十八条, 第十九条): the one place its
    arithmetic is done, for the RANK_TENURE finding and for the clerk's calendar (`ledger.rules.upcoming`)."""

    new: str  # the rank promoted to
    years: int  # the table's years in the lower rank
    due: date  # when the years in the lower rank are served (优秀 years shortening, the others not counting)
    start: date  # counted from
    why: str  # why from then (a new recruit: the end of probation), '' otherwise
    excluded: dict[int, str]  # the years that do not count, with why
    excellent: list[int]  # the 优秀 years that shorten it
    post_level: str | None  # a post level whose tenure counts as well ("or 乡科级副职")

    def met(self, career: Career, on: date) -> bool:
        """Whether a promotion on `on` has its tenure: the years in the lower rank, or as many in posts of
        `post_level` or higher."""
        return self.due <= on or (self.post_level is not None and career.days_in_posts(
            self.post_level, on, set(self.excluded)) >= _days_of_years(on, self.years))

    def met_from(self, career: Career) -> date:
        """The first day `met` holds, the posts held now taken as kept: `due`, or earlier through the posts."""
        if self.post_level is None or not self.met(career, self.due - timedelta(days=1)):
            return self.due
        lo, hi = self.start, self.due - timedelta(days=1)  # met(hi); find the first day it holds
        if self.met(career, lo):
            return lo
        while (hi - lo).days > 1:
            mid = lo + timedelta(days=(hi - lo).days // 2)
            lo, hi = (lo, mid) if self.met(career, mid) else (mid, hi)
        return hi


def rank_tenure_due(p: PersonState, career: Career, new: str, params: Params, before: date) -> RankTenure | None:
    """The tenure `p` needs for the rank `new` (第十八条, shortened by 优秀 years decided before `before`, 第十九条;
    基本称职, 不称职 and 不定等次 years not counting); None when the table has no tenure for it or the rank was held
    from before for an unknown time."""
    years = params["years"].get(new)
    if years is None or (not career.promoted and career.rank_since_unknown):
        return None
    start, why = p.rank_since, ""
    if not career.promoted and career.mode in params["probation_modes"]:
        start = add_years(career.hire_rank_since, params["probation_years"])
        why = _(" (a new recruit: from the end of probation, {mode} {hired})").format(mode=career.mode,
                                                                                       hired=career.hire_rank_since)
    excluded = not_counting(p, params)
    excellent = [y for y in excellent_years(p, start, before, params) if y not in excluded]
    needed = max(years - params["excellent_shortens_years"] * len(excellent), 0)
    return RankTenure(new, years, tenure_due(start, needed, set(excluded)), start, why, excluded, excellent,
                      params["post_equivalent"].get(new))


def next_rank(rank: str) -> str | None:
    """The rank one step above `rank` on its ladder (None at the top, or for an unknown rank)."""
    ladder = v.ladder_of(rank)
    if ladder is None:
        return None
    ranks = v.LADDERS[ladder]
    i = ranks.index(rank)
    return ranks[i + 1] if i + 1 < len(ranks) else None


@fact_rule("RANK_TENURE", "rank_promoted")
def rank_tenure(promotion: Promotion, params: Params) -> str | None:
    f, p, career = promotion.fact, promotion.person, promotion.career
    new, old = f.data["rank"], p.rank
    t = rank_tenure_due(p, career, new, params, f.effective) if _rank_step(promotion) == 1 else None
    if t is None or t.met(career, f.effective):
        return None
    alt = _(" or {level}").format(level=t.post_level) if t.post_level else ""
    shortened = _(", less half a year for each 优秀 year ({years})").format(
        years="、".join(str(y) for y in t.excellent)) if t.excellent else ""
    return _("{who}: promoted {old} → {new} with {span} as {old} since {start}{why}; needs {years} years as "
             "{old}{alt}{excluded} (eligible from {due})").format(
        who=promotion.who, old=old, new=new, span=span_text(t.start, f.effective), start=t.start, why=t.why,
        years=t.years, alt=alt, excluded=_excluded_text(t.excluded, t.start, t.due) + shortened, due=t.due)


def _days_of_years(on: date, years: int) -> int:
    """The days in the `years` whole years before `on`."""
    return (on - add_years(on, -years)).days


@fact_rule("POST_TENURE", "post_appointed")
def post_tenure(promotion: Promotion, params: Params) -> str | None:
    f, p, career, level = promotion.fact, promotion.person, promotion.career, promotion.new_level
    need = params["requirements"].get(level) if level is not None else None
    if not need or v.ladder_of(p.rank) not in params["ladders"]:
        return None
    years, rank_from, post_from = need["years"], need.get("rank_from"), need.get("post_from")
    days = _days_of_years(f.effective, years)
    excluded = not_counting(p, params)
    if rank_from:
        reached = career.reached(rank_from)
        if reached is not None and (reached == date.min or tenure_due(reached, years, set(excluded)) <= f.effective):
            return None
    if post_from and career.days_in_posts(post_from, f.effective, set(excluded)) >= days:
        return None
    alternatives = [_("at or above {rank}").format(rank=rank_from)] if rank_from else []
    alternatives += [_("in a {post} post or higher").format(post=post_from)] if post_from else []
    return _("{who}: appointed {post} ({level}) as {rank} (since {since}); needs {years} years {alternatives}"
             "{excluded}").format(
        who=promotion.who, post=promotion.post, level=level, rank=p.rank, since=p.rank_since, years=years,
        alternatives=_(" or ").join(alternatives), excluded=_excluded_text(excluded, date.min, f.effective))


@fact_rule("PROMOTION_WITHIN_YEAR", "post_appointed")
def promotion_within_year(promotion: Promotion, params: Params) -> str | None:
    f, last = promotion.fact, promotion.career.last_post_promotion
    if promotion.new_level is None or last is None:
        return None
    years = params["years"]
    if add_years(last, years) <= f.effective:
        return None
    return _("{who}: appointed {post} ({level}) {span} after the last promotion ({last}); at least {years} "
             "year(s) must pass").format(who=promotion.who, post=promotion.post, level=promotion.new_level,
                                         span=span_text(last, f.effective), last=last, years=years)


@fact_rule("PROMOTION_IN_PROBATION", "rank_promoted", "post_appointed")
def promotion_in_probation(promotion: Promotion, params: Params) -> str | None:
    """A promotion during a new recruit's probation, or during the probation of an appointment (which runs its
    year even when the post was vacated)."""
    if not _raises(promotion):
        return None
    f, career = promotion.fact, promotion.career
    what = (_("rank promotion to {rank}").format(rank=f.data["rank"]) if promotion.is_rank
            else _("appointment as {post}").format(post=promotion.post))
    if career.mode in params["probation_modes"] and not career.promoted and not career.rank_since_unknown:
        end = add_years(career.hire_rank_since, params["probation_years"])
        if career.hire_rank_since <= f.effective < end:
            return _("{who}: {what} during a new recruit's probation ({mode} {hired}, probation until {end})"
                     ).format(who=promotion.who, what=what, mode=career.mode, hired=career.hire_rank_since, end=end)
    for span in career.posts:
        end = add_years(span.appointed, params["post_probation_years"])
        if span.probation and span.appointed <= f.effective < end:
            return _("{who}: {what} during the probation of the appointment as {post} ({appointed}, until {end})"
                     ).format(who=promotion.who, what=what, post=span.label, appointed=span.appointed, end=end)
    return None


def _publicised(promotion: Promotion) -> str:
    f = promotion.fact
    if promotion.is_rank:  # 职级晋升 is publicised under 《公务员职务与职级并行规定》
        return _("the rank promotion (职级晋升, 《公务员职务与职级并行规定》) to {rank}").format(rank=f.data["rank"])
    if promotion.kind:
        return _("the {kind} as {post}").format(kind=promotion.kind, post=promotion.post)
    return _("the appointment as {post}").format(post=promotion.post)


def _needs_publicity(promotion: Promotion) -> bool:
    """A 提拔 or a rank promotion (职级晋升) is publicised; a 任命 at the level held is not judged for it."""
    return promotion.is_rank or promotion.kind == PROMOTION


@fact_rule("PUBLICITY_MISSING", "rank_promoted", "post_appointed")
def publicity_missing(promotion: Promotion, params: Params) -> str | None:
    """An incomplete record, not a breach: a 提拔 or 职级晋升 whose publicity is not entered, or only half of it."""
    f = promotion.fact
    start, end = f.get("publicity_from"), f.get("publicity_to")
    if not _needs_publicity(promotion) or (start is not None and end is not None):
        return None
    if start is None and end is None:
        return _("{who}: no publicity (任前公示) entered for {what}: enter its dates (--publicity-from, "
                 "--publicity-to)").format(who=promotion.who, what=_publicised(promotion))
    return _("{who}: the publicity of {what} is entered incompletely (from {start} to {end})").format(
        who=promotion.who, what=_publicised(promotion), start=start or "?", end=end or "?")


@fact_rule("PUBLICITY_SHORT", "rank_promoted", "post_appointed")
def publicity_short(promotion: Promotion, params: Params) -> str | None:
    """A publicity on record that ran fewer working days than needed (a missing one is PUBLICITY_MISSING's)."""
    f = promotion.fact
    start, end = f.get("publicity_from"), f.get("publicity_to")
    need = params["working_days"]
    what = _publicised(promotion)
    if start is None or end is None:
        return None
    if end < start:
        return _("{who}: publicity of {what} is incomplete (from {start} to {end}); needs {need} working days").format(
            who=promotion.who, what=what, start=start, end=end, need=need)
    days, fallback = working_days(start, end)
    if days >= need:
        return None
    note = _(" (working days counted Monday–Friday: the holiday calendar does not cover these dates)") \
        if fallback else ""
    return _("{who}: publicity of {what} ran {start} – {end}, {days} working day(s); needs {need}{note}").format(
        who=promotion.who, what=what, start=start, end=end, days=days, need=need, note=note)


@fact_rule("PROMOTION_WHILE_UNFIT", "rank_promoted", "post_appointed")
def promotion_while_unfit(promotion: Promotion, params: Params) -> str | None:
    """A promotion while the latest appraisal recorded is 不称职 (which means a step down, not up)."""
    grades = promotion.person.file.grades()
    if not _raises(promotion) or not grades:
        return None
    year = max(grades)
    if grades[year] not in params["grades"]:
        return None
    f = promotion.fact
    what = (_("promoted to {rank}").format(rank=f.data["rank"]) if promotion.is_rank
            else _("appointed {post}").format(post=promotion.post))
    return _("{who}: {what} while the latest appraisal ({year}年度) is {grade}").format(
        who=promotion.who, what=what, year=year, grade=grades[year])


# A hire is judged at the end of its day (ledger.rules.walk), so that an appointment recorded with it counts.
@fact_rule("TRANSFER_IN_RANK", "hired")
def transfer_in_rank(promotion: Promotion, params: Params) -> str | None:
    """调任 (from outside the civil service) enters only a leadership post or a rank at or above 四级调研员."""
    f, p = promotion.fact, promotion.person
    rank, floor = f.data["rank"], params["rank_from"]
    if f.data["mode"] not in params["modes"] or v.ladder_of(rank) not in params["ladders"] \
            or v.ladder_of(floor) != v.ladder_of(rank) or v.rank_index(rank) >= v.rank_index(floor):
        return None
    if any(x.level is not None for x in p.posts):
        return None
    return _("{who}: {mode} as {rank} into no leadership post; 调任 enters only a leadership post or {floor} and "
             "above").format(who=promotion.who, mode=f.data["mode"], rank=rank, floor=floor)


@fact_rule("RECRUIT_RANK", "hired")
def recruit_rank(promotion: Promotion, params: Params) -> str | None:
    """A 录用 recruit starts at the rank their education gives, not above it."""
    f, p = promotion.fact, promotion.person
    rank = f.data["rank"]
    if f.data["mode"] not in params["modes"] or v.ladder_of(rank) not in params["ladders"]:
        return None
    education = f.get("education") or (e.level if (e := p.file.highest_education("全日制")) else None)
    allowed = params["starting_ranks"].get(v.education_level(education) or "")
    if allowed is None or v.ladder_of(allowed) != v.ladder_of(rank) or v.rank_index(rank) <= v.rank_index(allowed):
        return None
    return _("{who}: recruited (录用) as {rank}; the education {education} gives {allowed}").format(
        who=promotion.who, rank=rank, education=education, allowed=allowed)


@fact_rule("PUBLICITY_ORDER", "rank_promoted", "post_appointed")
def publicity_order(promotion: Promotion, params: Params) -> str | None:
    """The publicity lies after the decision (讨论决定) and ends before the appointment takes effect."""
    f = promotion.fact
    start, end = f.get("publicity_from"), f.get("publicity_to")
    if start is None or end is None or end < start:
        return None  # missing or incomplete: PUBLICITY_SHORT's
    decision = promotion.selection.last("decision_made") if promotion.selection is not None else None
    if decision is not None and start < decision.effective:
        return _("{who}: publicity of {what} began {start}, before the decision (讨论决定) of selection "
                 "{selection} on {decided}").format(who=promotion.who, what=_publicised(promotion), start=start,
                                                    selection=promotion.selection.selection,
                                                    decided=decision.effective)
    if end >= f.effective:
        return _("{who}: publicity of {what} ran {start} – {end}, not ended before it took effect on {effective}"
                 ).format(who=promotion.who, what=_publicised(promotion), start=start, end=end, effective=f.effective)
    return None


@fact_rule("DECISION_QUORUM", "post_appointed")
def decision_quorum(promotion: Promotion, params: Params) -> str | None:
    """The decision the appointment rests on was taken with enough of the Party group present."""
    decision = promotion.selection.last("decision_made") if promotion.selection is not None else None
    if decision is None:
        return None
    present, members = decision.data["present"], decision.data["members"]
    num, den = params["fraction"]
    if present * den >= members * num:
        return None
    return _("{who}: appointed {post} on the decision of {decided} (selection {selection}) with {present} of "
             "{members} members present; needs {num}/{den}").format(
        who=promotion.who, post=promotion.post, decided=decision.effective, selection=promotion.selection.selection,
        present=present, members=members, num=num, den=den)


SELECTION_STEP_NAMES = {"recommendation_held": "民主推荐", "inspection_done": "考察", "decision_made": "讨论决定"}


@fact_rule("SELECTION_STEPS", "post_appointed")
def selection_steps(promotion: Promotion, params: Params) -> str | None:
    """A 提拔 on or after the configured date has its 动议, 民主推荐, 考察 and 讨论决定 recorded, in that order,
    before it takes effect."""
    since, f = params["since"], promotion.fact
    if promotion.kind != PROMOTION or f.effective < _as_date(since):
        return None
    s = promotion.selection
    what = _("{who}: 提拔 as {post}").format(who=promotion.who, post=promotion.post)
    if s is None:
        return _("{what} names no selection (--selection ID): 动议, 民主推荐, 考察 and 讨论决定 are not on record").format(
            what=what)
    dates = [("动议", s.started)]
    for event, label in SELECTION_STEP_NAMES.items():
        step = s.last(event)
        dates.append((label, step.effective if step is not None and step.effective <= f.effective else None))
    missing = [label for label, day in dates if day is None]
    if missing:
        return _("{what}: selection {selection} has no {missing} recorded before it").format(
            what=what, selection=s.selection, missing="、".join(missing))
    ordered = [day for _label, day in dates]
    if ordered != sorted(ordered):
        steps = ", ".join(f"{label} {day}" for label, day in dates)
        return _("{what}: the steps of selection {selection} are out of order ({steps})").format(
            what=what, selection=s.selection, steps=steps)
    return None


def _as_date(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value
