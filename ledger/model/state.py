"""The state the fold produces: units, people on establishment and assistants, on one date.

Plain mutable records, built fresh by each fold; nothing here reads the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ledger.model import vocabulary as v


@dataclass
class PostQuota:
    level: str
    count: int


@dataclass
class UnitState:
    unit: str
    name: str
    kind: str
    parent: str | None
    funding: str | None
    established: date
    sections: dict[str, date] = field(default_factory=dict)  # section -> established on
    quotas: dict[str, int] = field(default_factory=dict)  # 编制: establishment type -> count
    post_quotas: dict[str, PostQuota] = field(default_factory=dict)  # 领导职数: post -> level, count

    def post_level(self, post: str) -> str | None:
        """The level of one of the unit's posts (乡科级副职 …), None if the unit has no such post."""
        pq = self.post_quotas.get(post)
        return pq.level if pq is not None and pq.level in v.POST_LEVELS else None

    def section_post(self, post: str) -> bool | None:
        """Whether a post of the unit belongs to a section (科室) rather than to the unit, told by the tiers of its
        领导职数: True for a post of a lower tier than the unit's highest (副科长 where 局长 is 县处级), False for a
        post of the highest tier where a lower one is set too (副局长), None where the posts cannot tell (one tier
        only, or a post without a level)."""
        level = self.post_level(post)
        levels = [pq.level for pq in self.post_quotas.values() if pq.level in v.POST_LEVELS]
        tiers = {v.post_tier(x) for x in levels}
        if level is None or len(tiers) < 2:
            return None
        return v.post_tier(level) != v.post_tier(max(levels, key=v.post_level_index))


@dataclass
class Post:
    post: str
    section: str | None
    since: date  # 任现职务时间 (tenure counts from here)
    effective: date  # when this appointment took effect
    event_id: int
    probation: bool = False
    level: str | None = None  # the post's level (乡科级副职 …) when it was taken
    # What the probation (试用期) needs: when it ended 合格, and what the person held the day before the
    # appointment, which a 不合格 end restores (《党政领导干部选拔任用工作条例》: 按照试任前职务层次安排).
    probation_ended: date | None = None
    previous_posts: tuple[Post, ...] = ()
    previous_rank: tuple[str, date] | None = None
    selection: str | None = None  # the selection (选拔任用) the appointment concluded
    # Held from before (期初, or the post of a 转任/调任 arrival: ledger.model.opening): no 提拔 and no probation;
    # `since_unknown` when its 任现职务时间 was not given (`since` is then only the day the ledger saw it).
    opening: bool = False
    since_unknown: bool = False
    # The 党组's decision (讨论决定) of the selection the appointment concluded, when recorded: the post's tenure and
    # its probation count from it (任职时间从党委（党组）决定之日起计算, docs/domain.md §3).
    decided: date | None = None

    @property
    def probation_from(self) -> date:
        """The day the probation (试用期) runs from: the decision's, else the appointment's."""
        return self.decided or self.effective


@dataclass(frozen=True)
class Education:
    """One education of the cadre's file (学历/学位): 全日制 or 在职."""

    kind: str
    level: str
    degree: str | None
    school: str | None  # 毕业院校系及专业
    graduated: str | None  # YYYY-MM
    event_id: int


@dataclass(frozen=True)
class Title:
    """A professional title conferred (专业技术职务) and its grade (正高/副高/中级/初级)."""

    title: str
    grade: str | None
    conferred: date
    event_id: int


@dataclass(frozen=True)
class Appraisal:
    """One year's appraisal (年度考核) and the fact that recorded it."""

    grade: str  # 优秀/称职/基本称职/不称职
    effective: date
    event_id: int


@dataclass(frozen=True)
class Entry:
    """An award or a discipline (奖惩): its date, text and the decision's document number."""

    on: date
    text: str
    basis: str | None
    event_id: int
    undated: bool = False  # a form's sentence without a month, kept as written


@dataclass(frozen=True)
class FamilyMember:
    """A member of the family or an important social relation (家庭主要成员及重要社会关系)."""

    relation: str  # 称谓
    name: str
    born: str | None  # YYYY-MM
    party: str | None  # 政治面貌
    work: str | None  # 工作单位及职务
    event_id: int


@dataclass(frozen=True)
class Photo:
    """The file's photo: the image is kept once by its SHA-256 in the store's blob table; this is what the event says."""

    sha256: str
    media_type: str
    size: int
    width: int
    height: int
    event_id: int


@dataclass(frozen=True)
class CareerLine:
    """A line of the 简历 from before the ledger: months `YYYY-MM` (`to` None: until the ledger's first line)."""

    start: str
    end: str | None
    text: str
    event_id: int


@dataclass
class CadreFile:
    """What the ledger knows of a person beyond staffing (三龄两历一身份, 奖惩, 考核, the 简历 before the ledger).

    Kept across a separation and a later re-hire: it is the person's, not the hire's."""

    profile: dict[str, str] = field(default_factory=dict)  # ethnicity, native_place, … (profile_recorded's fields)
    educations: list[Education] = field(default_factory=list)
    titles: list[Title] = field(default_factory=list)
    appraisals: dict[int, Appraisal] = field(default_factory=dict)  # year -> its appraisal
    awards: list[Entry] = field(default_factory=list)
    disciplines: list[Entry] = field(default_factory=list)
    career: list[CareerLine] = field(default_factory=list)
    family: dict[tuple[str, str], FamilyMember] = field(default_factory=dict)  # (relation, name) -> member
    photo: Photo | None = None

    def highest_education(self, kind: str | None = None) -> Education | None:
        """The highest education recorded (of one kind, 全日制 or 在职, if given); the later of equals."""
        found = [e for e in self.educations if kind is None or e.kind == kind]
        return min(reversed(found), key=lambda e: v.education_rank(e.level), default=None)

    def grades(self) -> dict[int, str]:
        """Each appraised year's grade, by year."""
        return {y: a.grade for y, a in sorted(self.appraisals.items())}

    def senior_title(self, grades: Iterable[str]) -> Title | None:
        """A title held of one of `grades` (正高, 副高 …), None if none."""
        wanted = set(grades)
        return next((t for t in self.titles if t.grade in wanted), None)


@dataclass
class Secondment:
    host: str
    kind: str
    since: date
    until: date | None
    event_id: int


@dataclass
class PersonState:
    person: str
    name: str
    gender: str
    birth_date: date
    education: str | None
    unit: str
    section: str | None
    establishment: str
    rank: str
    rank_since: date  # 任现职级时间
    joined: date
    mode: str
    hired_event: int
    posts: list[Post] = field(default_factory=list)
    secondment: Secondment | None = None
    left: date | None = None
    left_reason: str | None = None
    file: CadreFile = field(default_factory=CadreFile)  # the cadre's file (干部档案)
    # The posts removed on the latest day one was (免职 apply before the day's 任职): what the person held the day
    # before a same-day appointment, which its probation restores if it ends 不合格.
    vacated: tuple[date, tuple[Post, ...]] | None = None

    def held_before(self, on: date) -> tuple[Post, ...]:
        """The posts held at the start of `on`: those held now, and those removed earlier on `on`."""
        gone = self.vacated[1] if self.vacated is not None and self.vacated[0] == on else ()
        return (*gone, *self.posts)

    @property
    def status(self) -> str:
        if self.left is not None:
            return "left"
        return "seconded" if self.secondment else "active"

    def holds(self, post: str, section: str | None) -> Post | None:
        for p in self.posts:
            if p.post == post and (section is None or p.section == section):
                return p
        return None

    def roster_json(self) -> dict[str, Any]:
        """The person as `ledger roster --json` shows them (docs/architecture.md §6)."""
        sec = self.secondment
        return {
            "person": self.person,
            "name": self.name,
            "unit": self.unit,
            "section": self.section,
            "establishment": self.establishment,
            "rank": self.rank,
            "posts": [{"post": p.post, "section": p.section} for p in self.posts],
            "status": self.status,
            "secondment": {"host": sec.host, "kind": sec.kind, "until": sec.until.isoformat() if sec.until else None}
            if sec
            else None,
            "birth_date": self.birth_date.isoformat(),
            "gender": self.gender,
            "education": self.education,
        }


def shown_section(post: Post, p: PersonState, unit: UnitState | None) -> str | None:
    """The section a post is shown in: its own; for one recorded without a section, the person's when it is a
    section's post (an old record), else none (a unit-level post: 副局长, never 政策法规科副局长)."""
    if post.section is not None:
        return post.section
    return p.section if unit is not None and unit.section_post(post.post) else None


@dataclass
class AssistantState:
    person: str
    name: str
    role: str
    unit: str
    since: date
    gender: str | None = None
    birth_date: date | None = None
    education: str | None = None
    left: date | None = None

    def roster_json(self) -> dict[str, Any]:
        return {"person": self.person, "name": self.name, "role": self.role, "unit": self.unit,
                "since": self.since.isoformat()}


@dataclass
class SelectionStep:
    """One recorded step of a selection (推荐, 考察, 决定, 任职, 试用期满): its event, date and fields."""

    event: str
    effective: date
    event_id: int
    data: dict[str, Any]


@dataclass
class SelectionState:
    """A selection (选拔任用) of one post: where it stands, step by step (动议 → 推荐 → 考察 → 讨论决定 → 任职)."""

    selection: str
    unit: str
    post: str
    section: str | None
    places: int
    started: date
    event_id: int
    steps: list[SelectionStep] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # the 动议's own fields (basis, note)

    def last(self, event: str) -> SelectionStep | None:
        """The latest step of a kind (None: not recorded)."""
        return next((s for s in reversed(self.steps) if s.event == event), None)


def decided_on(state: State, selection: str | None, appointed: date) -> date | None:
    """The date of the 党组's decision (讨论决定) of `selection`, when one is recorded on or before the appointment
    of `appointed`: tenure in the post and its probation count from it (docs/domain.md §3)."""
    s = state.selections.get(selection or "")
    d = s.last("decision_made") if s is not None else None
    return d.effective if d is not None and d.effective <= appointed else None


@dataclass(frozen=True)
class Bureau:
    """A bureau registered in a district: its code, the PostgreSQL schema holding its ledger, its name."""

    code: str
    schema: str
    name: str
    since: date


@dataclass
class Transfer:
    """A transfer across a district's bureaus (`ledger.model.events.transfers`): sent by one bureau (its 调出),
    accepted by another (the arrival). Either fact may come first in the walk (an arrival dated before the 调出 is
    recorded, and reported by `district check`)."""

    transfer: str
    from_bureau: str | None = None
    to_bureau: str | None = None
    person: str | None = None  # the person's id in the sending bureau
    name: str | None = None
    out: date | None = None  # the 调出's date
    sent_event: int | None = None
    to_person: str | None = None  # the person's id in the receiving bureau
    arrived: date | None = None  # the arrival's date
    accepted_event: int | None = None

    @property
    def status(self) -> str:
        return "completed" if self.arrived is not None else "pending"


@dataclass
class State:
    """Everything the ledger knows to be true on `on` (None = after the last fact)."""

    on: date | None = None
    units: dict[str, UnitState] = field(default_factory=dict)
    people: dict[str, PersonState] = field(default_factory=dict)
    assistants: dict[str, AssistantState] = field(default_factory=dict)
    selections: dict[str, SelectionState] = field(default_factory=dict)  # by selection id
    reviews: dict[tuple[int, str | None], int] = field(default_factory=dict)  # (year, person or None) -> event id
    # A district's store: the bureaus registered in it, by code (`ledger.model.events.district`).
    bureaus: dict[str, Bureau] = field(default_factory=dict)
    transfers: dict[str, Transfer] = field(default_factory=dict)  # a district's transfers, by transfer id
    settings: dict[str, Any] | None = None  # the store's settings in force (`settings_changed`), None: none recorded

    def staff(self, unit: str | None = None) -> list[PersonState]:
        """People on establishment (active or seconded), optionally of one unit."""
        return [p for p in self.people.values() if p.left is None and (unit is None or p.unit == unit)]

    def active_assistants(self, unit: str | None = None) -> list[AssistantState]:
        return [a for a in self.assistants.values() if a.left is None and (unit is None or a.unit == unit)]

    def headcount(self, unit: str, establishment: str) -> int:
        return sum(1 for p in self.staff(unit) if p.establishment == establishment)

    def post_holders(self, unit: str, post: str) -> list[PersonState]:
        return [p for p in self.staff(unit) if any(x.post == post for x in p.posts)]

    def top_units(self) -> list[UnitState]:
        return [u for u in self.units.values() if u.parent is None or u.parent not in self.units]

    def children(self, unit: str) -> list[UnitState]:
        return [u for u in self.units.values() if u.parent == unit]


def roster_order(unit_position: int, post_levels: Iterable[str | None], rank: str, person: str) -> tuple:
    """The roster's order: unit by unit (in the order units were established), leaders first by their highest
    post level, then by rank, highest first, then by id. Every roster — folded or materialised — sorts by this."""
    return (unit_position, -max(map(v.post_level_index, post_levels), default=-1), v.rank_sort_key(rank), person)


def roster_sort_key(p: PersonState, state: State) -> tuple:
    """`roster_order` of a person of a folded state."""
    unit = state.units.get(p.unit)
    levels = [unit.post_level(x.post) for x in p.posts] if unit is not None else []
    return roster_order(list(state.units).index(p.unit) if unit is not None else 0, levels, p.rank, p.person)
