"""Rules about one fact — a rank promotion or a post appointment — judged against the person just before it.

Each rule is a pure function registered against its catalogue id (see `ledger.rules.registry`); it returns the
finding's message or None. They run in the order written here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.model import vocabulary as v
from ledger.model.facts import Fact
from ledger.model.state import PersonState, State
from ledger.rules.history import Career
from ledger.rules.periods import add_years, span_text, working_days
from ledger.rules.registry import Promotion, fact_rule

Params = dict[str, Any]


def judged_promotion(f: Fact, p: PersonState, career: Career, state: State) -> Promotion | None:
    """The promotion or appointment the fact makes, or None when it is not one to judge: an appointment that
    records a post held from before (任现职务时间 earlier than the fact) or a post the person already holds."""
    if f.event != "post_appointed":
        return Promotion(f, p, career)
    since = f.get("since")
    if since is not None and since < f.effective:
        return None
    if p.holds(f.data["post"], f.get("section")) is not None:
        return None
    unit = state.units.get(p.unit)
    level = unit.post_level(f.data["post"]) if unit is not None else None
    raises = level is not None and v.post_level_index(level) > career.top_level
    return Promotion(f, p, career, level if raises else None)


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
    return f"{promotion.who}: promoted {old} → {new}, skipping {step - 1} rank(s); promotion is one step at a time"


@fact_rule("RANK_TENURE", "rank_promoted")
def rank_tenure(promotion: Promotion, params: Params) -> str | None:
    f, p, career = promotion.fact, promotion.person, promotion.career
    new, old = f.data["rank"], p.rank
    years = params["years"].get(new)
    if _rank_step(promotion) != 1 or years is None:
        return None
    start, why = p.rank_since, ""
    if not career.promoted and career.mode in params["probation_modes"]:
        start = add_years(career.hire_rank_since, params["probation_years"])
        why = f" (a new recruit: from the end of probation, {career.mode} {career.hire_rank_since})"
    due = add_years(start, years)
    if due <= f.effective:
        return None
    level = params["post_equivalent"].get(new)
    if level is not None and career.days_in_posts(level, f.effective) >= _days_of_years(f.effective, years):
        return None
    alt = f" or {level}" if level else ""
    return (f"{promotion.who}: promoted {old} → {new} with {span_text(start, f.effective)} as {old} since "
            f"{start}{why}; needs {years} years as {old}{alt} (eligible from {due})")


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
    if rank_from:
        reached = career.reached(rank_from)
        if reached is not None and (reached == date.min or (f.effective - reached).days >= days):
            return None
    if post_from and career.days_in_posts(post_from, f.effective) >= days:
        return None
    alternatives = [f"at or above {rank_from}"] if rank_from else []
    alternatives += [f"in a {post_from} post or higher"] if post_from else []
    return (f"{promotion.who}: appointed {promotion.post} ({level}) as {p.rank} (since {p.rank_since}); needs "
            f"{years} years {' or '.join(alternatives)}")


@fact_rule("PROMOTION_WITHIN_YEAR", "post_appointed")
def promotion_within_year(promotion: Promotion, params: Params) -> str | None:
    f, last = promotion.fact, promotion.career.last_post_promotion
    if promotion.new_level is None or last is None:
        return None
    years = params["years"]
    if add_years(last, years) <= f.effective:
        return None
    return (f"{promotion.who}: appointed {promotion.post} ({promotion.new_level}) {span_text(last, f.effective)} "
            f"after the last promotion ({last}); at least {years} year(s) must pass")


@fact_rule("PROMOTION_IN_PROBATION", "rank_promoted", "post_appointed")
def promotion_in_probation(promotion: Promotion, params: Params) -> str | None:
    """A promotion during a new recruit's probation, or during the probation of an appointment (which runs its
    year even when the post was vacated)."""
    if not _raises(promotion):
        return None
    f, career = promotion.fact, promotion.career
    what = f"rank promotion to {f.data['rank']}" if promotion.is_rank else f"appointment as {promotion.post}"
    if career.mode in params["probation_modes"] and not career.promoted:
        end = add_years(career.hire_rank_since, params["probation_years"])
        if career.hire_rank_since <= f.effective < end:
            return (f"{promotion.who}: {what} during a new recruit's probation ({career.mode} "
                    f"{career.hire_rank_since}, probation until {end})")
    for span in career.posts:
        end = add_years(span.appointed, params["post_probation_years"])
        if span.probation and span.appointed <= f.effective < end:
            return (f"{promotion.who}: {what} during the probation of the appointment as {span.label} "
                    f"({span.appointed}, until {end})")
    return None


@fact_rule("PUBLICITY_SHORT", "rank_promoted", "post_appointed")
def publicity_short(promotion: Promotion, params: Params) -> str | None:
    f = promotion.fact
    start, end = f.get("publicity_from"), f.get("publicity_to")
    if start is None and end is None:
        return None
    need = params["working_days"]
    what = f"the promotion to {f.data['rank']}" if promotion.is_rank else f"the appointment as {promotion.post}"
    if start is None or end is None or end < start:
        return (f"{promotion.who}: publicity of {what} is incomplete (from {start or '?'} to {end or '?'}); "
                f"needs {need} working days")
    days, fallback = working_days(start, end)
    if days >= need:
        return None
    note = " (working days counted Monday–Friday: the holiday calendar does not cover these dates)" \
        if fallback else ""
    return f"{promotion.who}: publicity of {what} ran {start} – {end}, {days} working day(s); needs {need}{note}"
