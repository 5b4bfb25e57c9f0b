"""The figures of the yearly 选人用人工作报告 (docs/domain.md §5), counted from the ledger's facts.

What it holds: for one unit and year Y, the 基本情况 figures as of Y-12-31 (编制 and 领导职数 against who fills
them, non-leaders by rank, the subordinate 事业单位), the year's rank promotions and post appointments with the
rank or post each person held before, assistants engaged, secondments started, and the make-up (age cohort,
gender, education) of those promoted. What it must not hold: wording or layout — exporters render these figures.

Counting rules: the current knowledge (retracted facts excluded, late-recorded facts included; or as known at
`known_at`); a fact counts for Y when it took effect in Y (an appointment by its `since` date when one is given,
so opening-roster records of earlier appointments do not count as the year's); the unit's own facts and those of
the units under it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ledger.fold.walk import counting_facts, fold_ordered
from ledger.model import vocabulary as v
from ledger.model.appointments import PROMOTION
from ledger.model.errors import NotFound, no_unit
from ledger.model.events.rectifications import REVIEW
from ledger.model.events.reviews import ANSWERS
from ledger.model.facts import Fact
from ledger.model.i18n import _
from ledger.model.state import PersonState, State
from ledger.read.roster import PostFigure, unit_staffing
from ledger.read.year_changes import (
    HEAD_LEVEL_SUFFIX,
    WAYS_IN,
    WAYS_OUT,
    Appointment,
    Engagement,
    Movement,
    Promotion,
    Secondment,
    year_changes,
)

SECTION_LEVELS = ("乡科级正职", "乡科级副职")  # 科级领导职数
FIRST_POST = "任命"  # a 评议表 line for a first leadership post that is no 提拔 (四级主任科员 → 副科长)


@dataclass(frozen=True)
class InstitutionFigure:
    """A subordinate unit: its 编制 (quota), 领导职数 (post_quota) and headcount on establishment (filled)."""

    unit: str
    name: str
    kind: str
    funding: str | None
    quota: int
    post_quota: int
    filled: int
    quota_types: tuple[str, ...] = ()  # the establishment types of its 编制 (事业编制 …)


@dataclass(frozen=True)
class ReviewResult:
    """A 民主评议's results: of the year's selection work as a whole (person None), or of one promoted cadre."""

    year: int
    person: str | None
    name: str | None
    counts: dict[str, int]  # ANSWERS -> how many
    effective: date

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def approving(self) -> int:  # 满意 + 基本满意
        return self.counts["satisfied"] + self.counts["basically_satisfied"]


@dataclass(frozen=True)
class Rectification:
    """A 整改 or 反馈 on record (`rectification_recorded`): what it answers (a rule id, or 评议), for which year."""

    year: int
    answers: str
    text: str
    person: str | None
    effective: date
    fact_id: int


@dataclass(frozen=True)
class ReviewSubject:
    """A line of the year's 评议表: a cadre newly promoted (提拔 to a post, or 职级晋升), from what to what."""

    person: str
    name: str
    kind: str  # 提拔, 任命 (a first leadership post) or 职级晋升
    before: str  # the post or rank held before
    after: str  # the post (with its section and unit) or rank reached
    effective: date


@dataclass
class YearlyFigures:
    unit: str
    name: str
    kind: str
    year: int
    as_of: date
    known_at: datetime | None
    quotas: dict[str, int]  # 编制 by type
    filled: dict[str, int]
    head_posts: list[PostFigure]  # posts above 科级 (局长, 副局长), highest level first
    section_posts: list[PostFigure]  # 科级 posts (科长, 副科长), highest level first
    non_leaders: int
    non_leader_ranks: list[tuple[str, int]]  # highest first, non-zero only
    institutions: list[InstitutionFigure]
    promotions: list[Promotion]
    appointments: list[Appointment]
    engagements: list[Engagement]
    secondments: list[Secondment]
    promoted: list[PersonState] = field(default_factory=list)  # distinct people promoted or appointed
    people: dict[str, str] = field(default_factory=dict)  # every person's and assistant's id -> name
    units: dict[str, str] = field(default_factory=dict)  # every unit code -> name
    sections: list[str] = field(default_factory=list)  # every section name ever established
    # Every name the ledger has recorded, retracted facts included (what a redacted document must not show).
    recorded_person_names: list[str] = field(default_factory=list)
    recorded_unit_names: list[str] = field(default_factory=list)
    education_of: dict[str, str | None] = field(default_factory=dict)  # promoted person -> highest level on as_of
    ways_in: list[Movement] = field(default_factory=list)  # 录用, 调入, 遴选 … in the year
    ways_out: list[Movement] = field(default_factory=list)  # 退休, 调出, 辞职 … in the year
    reviews: list[ReviewResult] = field(default_factory=list)  # the 评议 of the year before, recorded by as_of
    scope: list[str] = field(default_factory=list)  # the unit and every unit under it
    # 整改/反馈 on record answering the year's findings, or last year's 评议 (the report says them only from these)
    rectifications: list[Rectification] = field(default_factory=list)
    parent: str | None = None  # the unit above the one reported on (None: the organisation's top unit)

    def ways(self, movements: list[Movement], order: tuple[str, ...]) -> list[tuple[str, list[Movement]]]:
        """Movements grouped by way, in the given order of ways (others after), each group by date."""
        groups: dict[str, list[Movement]] = {}
        for m in sorted(movements, key=lambda m: (order.index(m.way) if m.way in order else len(order),
                                                  m.effective, m.fact_id)):
            groups.setdefault(m.way, []).append(m)
        return list(groups.items())

    def as_json(self) -> dict[str, Any]:
        """The figures the yearly report states, as data (`ledger export yearly-report --format json`)."""
        def day(d: date) -> str:
            return d.isoformat()

        return {
            "unit": self.unit, "name": self.name, "kind": self.kind, "year": self.year, "as_of": day(self.as_of),
            "known_at": self.known_at.isoformat() if self.known_at else None,
            "establishment": [{"establishment": k, "quota": q, "filled": self.filled.get(k, 0)}
                              for k, q in self.quotas.items()],
            "filled": sum(self.filled.values()),
            "posts": [{"post": p.post, "level": p.level, "quota": p.quota, "filled": p.filled}
                      for p in [*self.head_posts, *self.section_posts]],
            "non_leaders": {"count": self.non_leaders, "ranks": [{"rank": r, "count": n} for r, n in self.non_leader_ranks]},
            "institutions": [{"unit": i.unit, "name": i.name, "funding": i.funding, "quota": i.quota,
                              "post_quota": i.post_quota, "filled": i.filled} for i in self.institutions],
            "appointments": [{"person": a.person, "name": a.name, "kind": a.verb, "post": a.post, "section": a.section,
                              "unit": a.unit, "level": a.level, "from_rank": a.previous_rank,
                              "from_post": a.previous_post_name, "effective": day(a.effective), "event_id": a.fact_id}
                             for a in self.appointments],
            "rank_promotions": [{"person": p.person, "name": p.name, "rank": p.rank, "from_rank": p.previous_rank,
                                 "effective": day(p.effective), "event_id": p.fact_id} for p in self.promotions],
            "assistants_engaged": [{"person": e.person, "name": e.name, "role": e.role, "unit": e.unit,
                                    "effective": day(e.effective)} for e in self.engagements],
            "ways_in": [_movement(m) for m in self.ways_in],
            "ways_out": [_movement(m) for m in self.ways_out],
            "promoted": {"count": len(self.promoted), "born_1980_or_later_percent": self.share_born_after(1980),
                         "cohorts": self.cohorts(), "genders": self.genders(), "educations": self.educations()},
            "secondments": [{"person": x.person, "name": x.name, "host": x.host, "kind": x.kind,
                             "effective": day(x.effective), "until": day(x.until) if x.until else None}
                            for x in self.secondments],
            "rectifications": [{"year": x.year, "answers": x.answers, "text": x.text, "person": x.person,
                                "effective": day(x.effective), "event_id": x.fact_id} for x in self.rectifications],
            "reviews": [{"year": x.year, "person": x.person, "name": x.name, **x.counts,
                         "approving_percent": round(100 * x.approving / x.total, 1) if x.total else None}
                        for x in self.reviews],
        }

    def review_subjects(self, include_rank_promotions: bool = False) -> list[ReviewSubject]:
        """The year's 新选拔任用的领导干部, as the 评议表 lists them (docs/domain.md §8): each 提拔, and each first
        leadership post (a 任命 of someone who held none the day before), by date; the 职级晋升s only when asked."""
        out = [ReviewSubject(a.person, a.name, PROMOTION if a.verb == PROMOTION else FIRST_POST,
                             a.previous_post_name or a.previous_rank or "",
                             f"{a.unit_name if a.unit != self.unit else ''}{a.section or ''}{a.post}", a.effective)
               for a in self.appointments if a.verb == PROMOTION or a.previous_post is None]
        if include_rank_promotions:
            out += [ReviewSubject(p.person, p.name, "职级晋升", p.previous_rank or "", p.rank, p.effective)
                    for p in self.promotions]
        return sorted(out, key=lambda x: (x.effective, x.kind != PROMOTION, x.person))

    @property
    def section_post_quota(self) -> int:  # 科级领导职数
        return sum(p.quota for p in self.section_posts)

    @property
    def section_head_quota(self) -> int:  # 其中科长（主任）
        return sum(p.quota for p in self.section_posts if p.level.endswith(HEAD_LEVEL_SUFFIX))

    def promotions_by_rank(self) -> list[tuple[str, list[Promotion]]]:
        """Rank promotions grouped by the new rank, highest first; within a rank by date."""
        groups: dict[str, list[Promotion]] = {}
        for p in sorted(self.promotions, key=lambda p: (v.rank_sort_key(p.rank), p.effective, p.fact_id)):
            groups.setdefault(p.rank, []).append(p)
        return list(groups.items())

    def appointments_by_post(self) -> list[tuple[str, list[Appointment]]]:
        """Post appointments grouped by post, highest level first; within a post by date."""
        groups: dict[str, list[Appointment]] = {}
        for a in sorted(self.appointments, key=lambda a: (-v.post_level_index(a.level), a.post, a.effective, a.fact_id)):
            groups.setdefault(a.post, []).append(a)
        return list(groups.items())

    def cohorts(self) -> dict[str, int]:
        """Birth decades of those promoted: {"60后": n, "70后": n, "80后": n, "90后": n, …}, oldest first."""
        counts = Counter(f"{p.birth_date.year // 10 % 10}0后" for p in self.promoted)
        return dict(sorted(counts.items(), key=lambda kv: _decade_order(kv[0])))

    def share_born_after(self, decade_start: int = 1980) -> int | None:
        """Percentage (rounded) of those promoted born in `decade_start` or later (80后、90后 …), None if nobody."""
        if not self.promoted:
            return None
        young = sum(1 for p in self.promoted if p.birth_date.year >= decade_start)
        return round(100 * young / len(self.promoted))

    def genders(self) -> dict[str, int]:
        counts = Counter(p.gender for p in self.promoted)
        return {g: counts[g] for g in v.GENDERS if counts[g]}

    def educations(self) -> dict[str, int]:
        """Highest education of those promoted (the file's `education_recorded`, else the hire's), by canonical
        level, highest first; those without any are `education_unregistered`, not a level."""
        counts = Counter(level for p in self.promoted if (level := self.education_of.get(p.person)))
        return dict(sorted(counts.items(), key=lambda kv: (v.education_rank(kv[0]), kv[0])))

    def education_unregistered(self) -> int:
        """How many of those promoted have no education recorded at all (学历未登记)."""
        return sum(1 for p in self.promoted if not self.education_of.get(p.person))


def _decade_order(label: str) -> int:
    d = int(label[0])
    return d if d >= 3 else d + 10  # 30后 … 90后, then 00后, 10后




def subtree(state: State, unit: str) -> list[str]:
    """The unit and every unit under it, depth first."""
    out = [unit]
    for child in state.children(unit):
        out += subtree(state, child.unit)
    return out


def yearly_figures(facts: Iterable[Fact], year: int, unit: str | None = None,
                   known_at: datetime | None = None, as_of: date | None = None) -> YearlyFigures:
    """Count the yearly report's figures for `unit` (default: the top unit) and `year`, as of 31 December
    (or `as_of`, a date in the year: the staffing on that date and the year's facts up to it)."""
    recorded = list(facts)
    counting = counting_facts(recorded, known_at)
    as_of = as_of or date(year, 12, 31)
    end = fold_ordered(counting, as_of)
    unit = _report_unit(end, unit, as_of)
    staffing = unit_staffing(end, unit)
    scope = subtree(end, unit)
    changes = year_changes(counting, year, as_of, set(scope), unit)
    everyone = fold_ordered(counting)  # everyone who was ever on the establishment, and every unit
    sections, person_names, unit_names = _recorded_names(recorded)
    names = {pid: p.name for pid, p in everyone.people.items()}
    names.update({pid: a.name for pid, a in everyone.assistants.items()})
    me = staffing.unit
    promoted = changes.promoted_people()
    return YearlyFigures(
        unit=unit, name=me.name, kind=me.kind, year=year, as_of=as_of, known_at=known_at,
        quotas=dict(me.quotas), filled={e.establishment: e.filled for e in staffing.establishment},
        head_posts=[p for p in staffing.posts if p.level not in SECTION_LEVELS],
        section_posts=[p for p in staffing.posts if p.level in SECTION_LEVELS],
        non_leaders=staffing.non_leaders,
        non_leader_ranks=staffing.non_leader_ranks,
        institutions=[_institution(end, child.unit) for child in end.children(unit)],
        promotions=changes.promotions, appointments=changes.appointments, engagements=changes.engagements,
        secondments=changes.secondments,
        promoted=[everyone.people[pid] for pid in promoted],
        education_of={pid: _education(end.people.get(pid) or everyone.people[pid]) for pid in promoted},
        people=names,
        units={code: u.name for code, u in everyone.units.items()},
        sections=sections,
        recorded_person_names=person_names,
        recorded_unit_names=unit_names,
        ways_in=changes.ways_in, ways_out=changes.ways_out,
        reviews=_reviews(counting, year - 1, as_of, end, everyone, scope),
        scope=scope,
        rectifications=_rectifications(counting, year, end, everyone, scope),
        parent=me.parent if me.parent in end.units else None,
    )


def _education(p: PersonState) -> str | None:
    """The highest education the ledger holds for a person: of their file, else their hire's; canonical."""
    recorded = p.file.highest_education()
    levels = [x for x in (recorded.level if recorded else None, p.education) if x]
    return v.education_level(min(levels, key=v.education_rank)) if levels else None


def _movement(m: Movement) -> dict[str, Any]:
    return {"person": m.person, "name": m.name, "way": m.way, "effective": m.effective.isoformat(),
            "event_id": m.fact_id}


def _reviews(counting: list[Fact], year: int, as_of: date, end: State, everyone: State,
             scope: list[str]) -> list[ReviewResult]:
    """The 评议 of `year` recorded by `as_of`: the whole work's (for the top unit's report) and those of the
    cadres of the report's units, the whole work's first."""
    out = []
    for f in counting:
        if f.event != "review_recorded" or f.data["year"] != year or f.effective > as_of:
            continue
        pid = f.get("person")
        p = end.people.get(pid or "") or everyone.people.get(pid or "")
        if pid is None and end.units[scope[0]].parent is not None:
            continue  # the whole work is the organisation's: its top unit reports it
        if pid is not None and (p is None or p.unit not in scope):
            continue
        out.append(ReviewResult(year, pid, p.name if p is not None else None, {k: f.data[k] for k in ANSWERS},
                                f.effective))
    return sorted(out, key=lambda r: (r.person is not None, r.effective))


def _rectifications(counting: list[Fact], year: int, end: State, everyone: State,
                    scope: list[str]) -> list[Rectification]:
    """The 整改/反馈 on record answering `year`'s findings or `year - 1`'s 评议 (what the report of `year` states),
    whenever recorded: the organisation's, and those about people of the report's units; by date."""
    out = []
    for f in counting:
        if f.event != "rectification_recorded":
            continue
        d = f.data
        if not (d["year"] == year or (d["year"] == year - 1 and d["answers"] == REVIEW)):
            continue
        pid = d.get("person")
        p = end.people.get(pid or "") or everyone.people.get(pid or "")
        if pid is not None and (p is None or p.unit not in scope):
            continue
        out.append(Rectification(d["year"], d["answers"], d["text"], pid, f.effective, f.id))
    return sorted(out, key=lambda x: (x.effective, x.fact_id))


def _report_unit(end: State, unit: str | None, as_of: date) -> str:
    """The unit asked for, else the top unit; NotFound if there is none on the date."""
    if unit is None:
        tops = end.top_units()
        if not tops:
            raise NotFound(_("the ledger has no unit on {on}").format(on=as_of))
        return tops[0].unit
    if unit not in end.units:
        raise NotFound(no_unit(unit, as_of, end.units))
    return unit


def _institution(end: State, code: str) -> InstitutionFigure:
    s = unit_staffing(end, code)
    u = s.unit
    return InstitutionFigure(u.unit, u.name, u.kind, u.funding, s.quota, s.post_quota, s.headcount,
                             tuple(e.establishment for e in s.establishment if e.quota))


def _recorded_names(facts: list[Fact]) -> tuple[list[str], list[str], list[str]]:
    """Section, person and unit names in every recorded fact, retracted ones included, in recording order."""
    sections: dict[str, None] = {}
    people: dict[str, None] = {}
    units: dict[str, None] = {}
    for f in facts:
        if f.event == "section_established":
            sections[f.data["section"]] = None
        elif f.event in ("hired", "assistant_engaged") and f.data.get("name"):
            people[f.data["name"]] = None
        elif f.event == "unit_established":
            units[f.data["name"]] = None
    return list(sections), list(people), list(units)


# The figures' parts are defined beside what counts them; a reader of the figures imports them from here.
__all__ = ["SECTION_LEVELS", "WAYS_IN", "WAYS_OUT", "Appointment", "Engagement", "InstitutionFigure", "Movement",
           "PostFigure", "Promotion", "Rectification", "ReviewResult", "ReviewSubject", "Secondment", "YearlyFigures",
           "subtree", "yearly_figures"]
