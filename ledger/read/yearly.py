"""The figures of the yearly 选人用人工作报告 (DOMAIN.md §5), counted from the ledger's facts.

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
from itertools import groupby

from ledger.fold.walk import (  # the fold's own walker: one pass instead of a fold per date
    Walker,
    counting_facts,
    fold,
)
from ledger.model import vocabulary as v
from ledger.model.errors import NotFound
from ledger.model.facts import Fact
from ledger.model.state import PersonState, Post, State, UnitState

SECTION_LEVELS = ("乡科级正职", "乡科级副职")  # 科级领导职数
HEAD_LEVEL_SUFFIX = "正职"  # a 正职 post is a 提拔 even from a non-leading rank (科长), as in the seed report

# The post level a rank stands level with, from the tenure rules' "or" clauses (《公务员职务与职级并行规定》第十二条:
# 三级主任科员 after 2 years as 四级主任科员 or 乡科级副职, …) and, for 事业单位, 七级职员 = 科级正职, 八级职员 = 科级副职.
# A first 副职 post at or below the rank's level is a 任命 (四级主任科员 → 副科长); above it, a 提拔.
RANK_LEVEL: dict[str, str] = {
    "四级主任科员": "乡科级副职", "三级主任科员": "乡科级副职", "二级主任科员": "乡科级正职", "一级主任科员": "乡科级正职",
    "四级调研员": "县处级副职", "三级调研员": "县处级副职", "二级调研员": "县处级正职", "一级调研员": "县处级正职",
    "二级巡视员": "厅局级副职", "一级巡视员": "厅局级正职",
    "八级职员": "乡科级副职", "七级职员": "乡科级正职", "六级职员": "县处级副职", "五级职员": "县处级正职",
}


@dataclass(frozen=True)
class PostFigure:
    post: str
    level: str
    quota: int  # 领导职数
    filled: int


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


@dataclass(frozen=True)
class Promotion:
    """A rank promotion (职级晋升) of the year."""

    person: str
    name: str
    unit: str
    rank: str
    previous_rank: str | None
    effective: date
    fact_id: int


@dataclass(frozen=True)
class Appointment:
    """A post appointment (任职) of the year, with what the person held just before."""

    person: str
    name: str
    unit: str
    unit_name: str
    post: str
    level: str
    section: str | None
    effective: date
    previous_rank: str | None
    previous_post: str | None  # the highest post held before, as "section+post"
    previous_section: str | None
    previous_post_name: str | None
    verb: str  # 提拔 or 任命
    fact_id: int


@dataclass(frozen=True)
class Engagement:
    """A self-hired assistant (自聘助理, 编外) engaged in the year."""

    person: str
    name: str
    role: str
    unit: str
    unit_name: str
    effective: date


@dataclass(frozen=True)
class Secondment:
    person: str
    name: str
    host: str
    kind: str
    effective: date
    until: date | None


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
        for a in sorted(self.appointments, key=lambda a: (-_level(a.level), a.post, a.effective, a.fact_id)):
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
        counts = Counter(p.education or "未记录" for p in self.promoted)
        return dict(sorted(counts.items(), key=lambda kv: (_education_order(kv[0]), kv[0])))


# Education levels, highest first, for ordering the mix (values are free text as recorded).
EDUCATION_ORDER = ("博士研究生", "硕士研究生", "研究生", "大学本科", "本科", "大专", "大学专科", "中专", "高中")


def _education_order(e: str) -> int:
    return EDUCATION_ORDER.index(e) if e in EDUCATION_ORDER else len(EDUCATION_ORDER)


def _decade_order(label: str) -> int:
    d = int(label[0])
    return d if d >= 3 else d + 10  # 30后 … 90后, then 00后, 10后


def _level(level: str) -> int:
    return v.post_level_index(level) if level in v.POST_LEVELS else -1


def subtree(state: State, unit: str) -> list[str]:
    """The unit and every unit under it, depth first."""
    out = [unit]
    for child in state.children(unit):
        out += subtree(state, child.unit)
    return out


def post_label(section: str | None, post: str, unit: UnitState | None, report_unit: str) -> str:
    """How a post is named in the report: `X科科长`; a subordinate unit's post carries the unit's name."""
    prefix = ""
    if unit is not None and unit.unit != report_unit:
        prefix = unit.name
    return f"{prefix}{section or ''}{post}"


def yearly_figures(facts: Iterable[Fact], year: int, unit: str | None = None,
                   known_at: datetime | None = None, as_of: date | None = None) -> YearlyFigures:
    """Count the yearly report's figures for `unit` (default: the top unit) and `year`, as of 31 December
    (or `as_of`, a date in the year: the staffing on that date and the year's facts up to it)."""
    recorded = list(facts)
    facts = counting_facts(recorded, known_at)
    as_of = as_of or date(year, 12, 31)
    end = fold(facts, as_of)
    if unit is None:
        tops = end.top_units()
        if not tops:
            raise NotFound(f"the ledger has no unit on {as_of}")
        unit = tops[0].unit
    if unit not in end.units:
        raise NotFound(f"no unit '{unit}' on {as_of} (units: {', '.join(end.units) or 'none'})")
    me = end.units[unit]
    scope = set(subtree(end, unit))
    staff = end.staff(unit)

    posts = sorted(me.post_quotas.items(), key=lambda kv: (-_level(kv[1].level), list(me.post_quotas).index(kv[0])))
    figures = [PostFigure(post, pq.level, pq.count, len(end.post_holders(unit, post))) for post, pq in posts]
    non_leaders = [p for p in staff if not p.posts]
    ranks = Counter(p.rank for p in non_leaders)
    institutions = [
        InstitutionFigure(u.unit, u.name, u.kind, u.funding, sum(u.quotas.values()),
                          sum(pq.count for pq in u.post_quotas.values()), len(end.staff(u.unit)))
        for u in end.children(unit)
    ]

    everyone = fold(facts)  # everyone who was ever on the establishment, and every unit
    sections, person_names, unit_names = _recorded_names(recorded)

    # One walk through the timeline: before each day's facts are applied, note what the people the year's facts
    # are about held at the end of the day before; after them, where they are (O(events), whatever the year holds).
    wanted = {f.id for f in facts if _year_of(f) == year and f.effective <= as_of}
    promotions: list[Promotion] = []
    appointments: list[Appointment] = []
    engagements: list[Engagement] = []
    secondments: list[Secondment] = []
    walker = Walker()
    for _day, group in groupby((f for f in facts if f.effective <= as_of), key=lambda f: f.effective):
        day_facts = list(group)
        todo = [f for f in day_facts if f.id in wanted]
        before = {f.data["person"]: _Held.of(walker.state.people.get(f.data["person"])) for f in todo if f.person}
        for f in day_facts:
            walker.apply(f)
        walker.close_day()
        after = walker.state
        for f in todo:
            if f.event == "assistant_engaged":
                if f.data["unit"] in scope:
                    u = after.units.get(f.data["unit"])
                    engagements.append(Engagement(f.data["person"], f.data["name"], f.data["role"], f.data["unit"],
                                                  u.name if u else f.data["unit"], f.effective))
                continue
            if f.event not in ("rank_promoted", "post_appointed", "secondment_started"):
                continue
            person = after.people.get(f.data["person"])
            if person is None or person.unit not in scope:
                continue
            held = before[person.person]
            if f.event == "rank_promoted":
                promotions.append(Promotion(person.person, person.name, person.unit, f.data["rank"], held.rank,
                                            f.effective, f.id))
            elif f.event == "post_appointed":
                appointments.append(_appointment(f, held, after, person, unit))
            else:
                secondments.append(Secondment(person.person, person.name, f.data["host"], f.data["kind"], f.effective,
                                              f.get("until")))

    promoted_ids = list(dict.fromkeys(x.person for x in sorted([*promotions, *appointments], key=lambda x: (x.effective, x.fact_id))))
    names = {pid: p.name for pid, p in everyone.people.items()}
    names.update({pid: a.name for pid, a in everyone.assistants.items()})
    return YearlyFigures(
        unit=unit, name=me.name, kind=me.kind, year=year, as_of=as_of, known_at=known_at,
        quotas=dict(me.quotas), filled={e: end.headcount(unit, e) for e in {*me.quotas, *(p.establishment for p in staff)}},
        head_posts=[p for p in figures if p.level not in SECTION_LEVELS],
        section_posts=[p for p in figures if p.level in SECTION_LEVELS],
        non_leaders=len(non_leaders),
        non_leader_ranks=sorted(ranks.items(), key=lambda kv: v.rank_sort_key(kv[0])),
        institutions=institutions,
        promotions=promotions, appointments=appointments, engagements=engagements, secondments=secondments,
        promoted=[everyone.people[pid] for pid in promoted_ids],
        people=names,
        units={code: u.name for code, u in everyone.units.items()},
        sections=sections,
        recorded_person_names=person_names,
        recorded_unit_names=unit_names,
    )


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


def _year_of(f: Fact) -> int:
    if f.event == "post_appointed" and f.get("since") is not None:
        return f.data["since"].year
    return f.effective.year


@dataclass(frozen=True)
class _Held:
    """What a person held at the end of a day: rank, unit and posts (None if not on the establishment)."""

    rank: str | None
    unit: str | None
    posts: tuple[Post, ...]

    @classmethod
    def of(cls, p: PersonState | None) -> _Held:
        if p is None or p.left is not None:
            return cls(None, None, ())
        return cls(p.rank, p.unit, tuple(p.posts))


def _appointment(f: Fact, before: _Held, after: State, person: PersonState, report_unit: str) -> Appointment:
    """An appointment with the rank and highest post the person held the day before it took effect."""
    unit = after.units[person.unit]
    pq = unit.post_quotas.get(f.data["post"])
    level = pq.level if pq else ""
    prev_post = prev_section = prev_name = None
    prev_level = -1
    if before.posts:
        prev_unit = after.units.get(before.unit or "")

        def level_of(x: Post) -> int:
            return _level(prev_unit.post_quotas[x.post].level) if prev_unit and x.post in prev_unit.post_quotas else -1

        held = max(before.posts, key=level_of)
        prev_level = level_of(held)
        prev_post, prev_section = held.post, held.section
        prev_name = post_label(held.section, held.post, prev_unit, report_unit)
    # 提拔 = a step up: to a post above the one held before; from no post, to a 正职 post or to a post above the
    # rank's own level. Otherwise (a move at the same level, a 副职 post level with the rank) it is a 任命.
    if prev_post is not None:
        step_up = _level(level) > prev_level
    else:
        step_up = level.endswith(HEAD_LEVEL_SUFFIX) or _level(level) > _level(RANK_LEVEL.get(before.rank or "", ""))
    verb = "提拔" if step_up else "任命"
    return Appointment(person.person, person.name, unit.unit, unit.name, f.data["post"], level, f.get("section"),
                       f.effective, before.rank, prev_post, prev_section, prev_name, verb, f.id)
