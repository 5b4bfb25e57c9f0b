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

from ledger.fold.walk import counting_facts, fold_ordered
from ledger.model import vocabulary as v
from ledger.model.errors import NotFound, no_unit
from ledger.model.facts import Fact
from ledger.model.state import PersonState, State
from ledger.read.roster import PostFigure, unit_staffing
from ledger.read.year_changes import (
    HEAD_LEVEL_SUFFIX,
    Appointment,
    Engagement,
    Promotion,
    Secondment,
    year_changes,
)

SECTION_LEVELS = ("乡科级正职", "乡科级副职")  # 科级领导职数


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
    changes = year_changes(counting, year, as_of, set(subtree(end, unit)), unit)
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
    )


def _education(p: PersonState) -> str | None:
    """The highest education the ledger holds for a person: of their file, else their hire's; canonical."""
    recorded = p.file.highest_education()
    levels = [x for x in (recorded.level if recorded else None, p.education) if x]
    return v.education_level(min(levels, key=v.education_rank)) if levels else None


def _report_unit(end: State, unit: str | None, as_of: date) -> str:
    """The unit asked for, else the top unit; NotFound if there is none on the date."""
    if unit is None:
        tops = end.top_units()
        if not tops:
            raise NotFound(f"the ledger has no unit on {as_of}")
        return tops[0].unit
    if unit not in end.units:
        raise NotFound(no_unit(unit, as_of, end.units))
    return unit


def _institution(end: State, code: str) -> InstitutionFigure:
    s = unit_staffing(end, code)
    u = s.unit
    return InstitutionFigure(u.unit, u.name, u.kind, u.funding, s.quota, s.post_quota, s.headcount)


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
__all__ = ["SECTION_LEVELS", "Appointment", "Engagement", "InstitutionFigure", "PostFigure", "Promotion", "Secondment",
           "YearlyFigures", "subtree", "yearly_figures"]
