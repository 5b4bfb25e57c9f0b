"""People on establishment: hires, rank promotions (职级晋升), transfers and separations."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ledger.model import vocabulary as v
from ledger.model.change import Change
from ledger.model.events.base import EventType, Field, Verb
from ledger.model.i18n import _
from ledger.model.state import CadreFile, PersonState

if TYPE_CHECKING:
    from ledger.model.facts import Fact

PERSON = Field("person", required=True, help="The person's id (人员编号).", form="id", label="person")
RANK_HELP = "Rank (职级) or grade, e.g. 四级主任科员, 八级职员, 专业技术十级."
ESTABLISHMENT_HELP = "Establishment type: 行政编制, 事业编制, 工勤编制, 政法专项编制."
# The transfer across bureaus of a district (`ledger transfer-out`, `ledger accept-transfer`) a 调出 or an arrival
# belongs to: the same id in the sending bureau, the district's stream and the receiving bureau.
TRANSFER = Field("transfer", help="The district's transfer id this fact belongs to (set by `ledger transfer-out` and "
                 "`ledger accept-transfer`).", form="id", label="transfer")
PUBLICITY = (
    Field("publicity_from", date, help="First day of the publicity (任前公示).", label="publicity from"),
    Field("publicity_to", date, help="Last day of the publicity.", label="publicity to"),
)


class Hired(EventType):
    name = "hired"
    label = "hire"
    stored_as = "Hired"
    precedence = 40
    effective_label = "Date the person enters the unit's establishment (进入时间)"
    raises_counts = True  # 超编/超职数 can arise
    membership = True
    unit_fields = ("unit",)
    fields = (
        PERSON,
        Field("name", required=True, help="Full name.", form="name", label="name"),
        Field("gender", required=True, choices=v.GENDERS, help="Sex (性别): 男 or 女.", label="gender"),
        Field("birth_date", date, True, "Date of birth, YYYY-MM-DD.", past=True, label="date of birth"),
        Field("education", help="Highest education, e.g. 大学本科, 硕士研究生.", form="name", label="education"),
        Field("unit", required=True, help="Unit code.", form="id", label="unit"),
        Field("section", help="Section (科室) of the unit.", form="name", label="section"),
        Field("establishment", required=True, choices=v.ESTABLISHMENT_TYPES, help=ESTABLISHMENT_HELP, label="establishment"),
        Field("rank", required=True, rank=True, help=RANK_HELP, label="rank"),
        Field("rank_since", date, help="Date the current rank was reached (任现职级时间); may predate the ledger.", label="rank since"),
        Field("mode", required=True, choices=v.HIRE_MODES,
              help="How the person came in: 录用, 调任, 转任, 公开遴选, 招聘, 安置.", label="mode of entry"),
        TRANSFER,
    )
    periods = (("rank_since", "effective"),)
    verb = Verb("hire", "person", "Record a hire onto the establishment (录用/调任/转任/遴选/招聘/安置).",
                "ledger hire P21 --name 张三 --gender 男 --birth-date 1990-05-01 --unit JU --section 办公室 "
                "--establishment 行政编制 --rank 一级科员 --mode 录用 --effective 2022-08-01")

    def apply(self, change: Change, f: Fact) -> None:
        state, d = change.state, f.data
        existing = state.people.get(d["person"])
        if existing is not None and existing.left is None:
            if existing.name != d["name"]:  # the id is someone else's: say whose
                change.refuse(f, "already_hired", _("the id {person} is {holder}'s (on the establishment of {unit} "
                                                    "since {joined}), not {name}'s: choose another id").format(
                    person=d["person"], holder=existing.name, unit=existing.unit, joined=existing.joined,
                    name=d["name"]))
                return
            change.refuse(f, "already_hired", _("already on the establishment of {unit} since {joined}").format(
                unit=existing.unit, joined=existing.joined))
            return
        assistant = state.assistants.get(d["person"])
        if assistant is not None and assistant.left is None and change.validating:
            change.refuse(f, "id_in_use", _("this id is an assistant (编外) still engaged; release them first"))
            return
        unit = change.unit(f, d["unit"])
        if unit is None or not change.section_ok(f, unit, d.get("section")) \
                or not change.rank_ok(f, unit, d["rank"], d["establishment"]):
            return
        rank_since = d.get("rank_since") or f.effective
        if change.validating and not (change.of_age(f, d["birth_date"], f.effective, "the hire")
                                      and change.of_age(f, d["birth_date"], rank_since, "rank_since")):
            return
        state.people[d["person"]] = PersonState(
            person=d["person"], name=d["name"], gender=d["gender"], birth_date=d["birth_date"],
            education=d.get("education"), unit=unit.unit, section=d.get("section"), establishment=d["establishment"],
            rank=d["rank"], rank_since=rank_since, joined=f.effective, mode=d["mode"], hired_event=f.id,
            file=existing.file if existing is not None else CadreFile(),  # the file outlives a separation
        )
        change.raise_count(f, unit.unit, "staff", d["establishment"])


class RankPromoted(EventType):
    name = "rank_promoted"
    label = "rank promotion"
    stored_as = "RankPromoted"
    precedence = 60
    effective_label = "Date of the new rank (任现职级时间)"
    fields = (PERSON, Field("rank", required=True, rank=True, help="The new, higher rank (职级) on the same ladder.", label="rank"),
              *PUBLICITY)
    periods = (("publicity_from", "publicity_to"),)
    verb = Verb("promote", "person", "Record a rank promotion (职级晋升).",
                'ledger promote P13 --rank 四级主任科员 --effective 2022-09-01 --basis "区文旅党组〔2022〕5号"')

    def apply(self, change: Change, f: Fact) -> None:
        p = change.person(f)
        if p is None:
            return
        new = f.data["rank"]
        if change.validating:
            if v.ladder_of(new) != v.ladder_of(p.rank):
                change.refuse(f, "bad_promotion", _("'{new}' is not on the ladder of the current rank {rank}; a change of "
                                                    "ladder goes with a transfer (--rank)").format(new=new, rank=p.rank))
                return
            if v.rank_index(new) <= v.rank_index(p.rank):
                change.refuse(f, "bad_promotion", _("a promotion must be to a higher rank: the ledger holds {rank} "
                                                    "(since {since}), and {new} is not higher").format(
                    rank=p.rank, since=p.rank_since, new=new))
                return
        p.rank, p.rank_since = new, f.effective


class Transferred(EventType):
    name = "transferred"
    label = "transfer"
    stored_as = "Transferred"
    precedence = 50
    effective_label = "Date of the move (调动时间)"
    raises_counts = True  # 超编/超职数 can arise
    membership = True
    unit_fields = ("to_unit",)
    fields = (
        PERSON,
        Field("to_unit", help="Unit code to move to (omit for a move between sections).", form="id", label="to unit"),
        Field("section", help="Section (科室) the person moves to.", form="name", label="section"),
        Field("establishment", choices=v.ESTABLISHMENT_TYPES, help=ESTABLISHMENT_HELP, label="establishment"),
        Field("rank", rank=True, help="Rank in the new unit, when it changes (e.g. to a grade of a 事业单位).", label="rank"),
    )
    verb = Verb("transfer", "person",
                "Record a move to another section or unit (调动; posts stay behind on a unit move).",
                "ledger transfer P07 --to-unit XX --effective 2022-03-01")

    def apply(self, change: Change, f: Fact) -> None:
        p = change.person(f)
        if p is None:
            return
        state, d = change.state, f.data
        target = state.units.get(d.get("to_unit") or p.unit)
        if target is None:
            change.unit(f, d.get("to_unit"))
            return
        moving = target.unit != p.unit
        if change.validating and not self._says_something(f, p, moving, target.name, change):
            return
        section = d.get("section") if d.get("section") else (None if moving else p.section)
        if not change.section_ok(f, target, section):
            return
        rank = d.get("rank") or p.rank
        if not change.rank_ok(f, target, rank, d.get("establishment") or p.establishment):
            return
        if change.validating and d.get("rank") and not moving and rank != p.rank \
                and target.kind == state.units[p.unit].kind and v.ladder_of(rank) == v.ladder_of(p.rank) \
                and v.rank_index(rank) > v.rank_index(p.rank):
            change.refuse(f, "bad_transfer", _("a higher rank ({rank}) is a promotion, not a transfer: use promote").format(
                rank=rank))
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
            change.raise_count(f, target.unit, "staff", establishment)

    @staticmethod
    def _says_something(f: Fact, p: PersonState, moving: bool, target_name: str, change: Change) -> bool:
        d = f.data
        if not any(d.get(k) for k in ("to_unit", "section", "establishment", "rank")):
            change.refuse(f, "empty_transfer", _("a transfer needs --to-unit, --section, --establishment or --rank"))
            return False
        if not moving and d.get("to_unit") and not any(d.get(k) for k in ("section", "establishment", "rank")):
            change.refuse(f, "empty_transfer", _("already in {unit}").format(unit=target_name))
            return False
        return True


class Separated(EventType):
    name = "separated"
    label = "separation"
    stored_as = "Separated"
    precedence = 130
    effective_label = "Date the person leaves (离职时间: 退休、辞职、调出 …)"
    membership = True
    fields = (PERSON, Field("reason", required=True, choices=v.SEPARATION_REASONS,
                            help="Why the person left: 退休, 辞职, 辞退, 调出, 死亡, 开除, 其他.", label="reason"),
              TRANSFER)
    verb = Verb("separate", "person", "Record a separation (退休/辞职/辞退/调出/死亡…).",
                "ledger separate P02 --reason 退休 --effective 2022-10-31")

    def apply(self, change: Change, f: Fact) -> None:
        p = change.person(f)
        if p is None:
            return
        if f.get("transfer") and f.data["reason"] != "调出":
            change.refuse(f, "bad_transfer", _("a separation with a transfer id is a 调出, not {reason}").format(
                reason=f.data["reason"]))
            return
        p.posts.clear()
        p.secondment = None
        p.left, p.left_reason = f.effective, f.data["reason"]
