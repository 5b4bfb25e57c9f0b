"""The organisation's structure: units, sections (科室), 编制 and 领导职数."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger.model import vocabulary as v
from ledger.model.change import Change
from ledger.model.events.base import EventType, Field, Verb
from ledger.model.i18n import _
from ledger.model.state import PostQuota, UnitState

if TYPE_CHECKING:
    from ledger.model.facts import Fact

UNIT = Field("unit", required=True, help="Unit code, e.g. JU.", form="id", label="unit")
SECTION = Field("section", required=True, help="Section (科室) of the unit, e.g. 办公室.", form="name", label="section")


class UnitEstablished(EventType):
    name = "unit_established"
    label = "unit established"
    stored_as = "UnitEstablished"
    precedence = 0
    effective_label = "Date the unit is established (成立时间)"
    about_person = False
    unit_fields = ("unit",)
    fields = (
        UNIT,
        Field("name", required=True, help="The unit's full name, e.g. 区文化和旅游局.", form="unit_name",
              label="unit name"),
        Field("kind", required=True, choices=v.UNIT_KINDS,
              help="机关 (a government office: civil-service ranks) or 事业单位 (a public institution: management "
                   "and professional grades).", label="unit kind"),
        Field("parent", help="Parent unit code (for a 下属事业单位).", form="id", label="parent unit"),
        Field("funding", choices=v.FUNDING_TYPES, help="全额拨款, 差额拨款 or 自收自支 (for a 事业单位).", label="funding"),
    )
    verb = Verb("unit", "unit", "Establish a unit (the bureau's 机关 or a 下属事业单位).",
                "ledger org unit JU --name 区文化和旅游局 --kind 机关 --effective 2019-01-01", group="org")

    def apply(self, change: Change, f: Fact) -> None:
        state, d = change.state, f.data
        code = d["unit"]
        if code in state.units:
            change.refuse(f, "duplicate_unit", _("unit '{code}' already exists ({name})").format(code=code, name=state.units[code].name), who=code)
            return
        parent = d.get("parent")
        if parent is not None and parent not in state.units:
            change.refuse(f, "unknown_unit", _("parent unit '{parent}' does not exist on this date").format(parent=parent), who=code)
            return
        state.units[code] = UnitState(code, d["name"], d["kind"], parent, d.get("funding"), f.effective)


class SectionEstablished(EventType):
    name = "section_established"
    label = "section established"
    stored_as = "SectionEstablished"
    precedence = 10
    effective_label = "Date the section is established (设立时间)"
    about_person = False
    unit_fields = ("unit",)
    fields = (UNIT, SECTION)
    verb = Verb("section", "unit", "Establish a section (科室) in a unit.",
                "ledger org section JU --section 办公室 --effective 2019-01-01", group="org")

    def apply(self, change: Change, f: Fact) -> None:
        unit = change.unit(f, f.data["unit"])
        if unit is None:
            return
        section = f.data["section"]
        if section in unit.sections:
            change.refuse(f, "duplicate_section", _("section '{section}' already exists").format(section=section), who=unit.name)
            return
        unit.sections[section] = f.effective


class SectionAbolished(EventType):
    name = "section_abolished"
    label = "section abolished"
    stored_as = "SectionAbolished"
    precedence = 140
    effective_label = "Date the section is abolished (撤销时间)"
    about_person = False
    unit_fields = ("unit",)
    fields = (UNIT, SECTION)
    verb = Verb("abolish-section", "unit", "Abolish a section (it must have no staff left).",
                "ledger org abolish-section JU --section 信息科 --effective 2022-01-01", group="org")

    def apply(self, change: Change, f: Fact) -> None:
        unit = change.unit(f, f.data["unit"])
        if unit is None:
            return
        section = f.data["section"]
        if section not in unit.sections:
            change.refuse(f, "unknown_section", _("no section '{section}' to abolish").format(section=section), who=unit.name)
            return
        still = [p for p in change.state.staff(unit.unit) if p.section == section]
        if still and change.validating:
            names = "、".join(f"{p.person} {p.name}" for p in still)
            change.refuse(f, "section_not_empty", _("section '{section}' still has staff: {names}").format(section=section, names=names), who=unit.name)
            return
        del unit.sections[section]


class QuotaSet(EventType):
    name = "quota_set"
    label = "establishment quota set"
    stored_as = "QuotaSet"
    precedence = 20
    effective_label = "Date the 编制 takes effect (核定时间)"
    about_person = False
    unit_fields = ("unit",)
    fields = (
        UNIT,
        Field("establishment", required=True, choices=v.ESTABLISHMENT_TYPES,
              help="Establishment type: 行政编制, 事业编制, 工勤编制, 政法专项编制.", label="establishment"),
        Field("count", int, True, "How many people the unit may have on this establishment type (编制).", label="count"),
    )
    verb = Verb("quota", "unit", "Set a unit's establishment quota (编制) per 三定规定; later settings supersede.",
                "ledger org quota JU --establishment 行政编制 --count 20 --effective 2019-01-01", group="org")

    def apply(self, change: Change, f: Fact) -> None:
        unit = change.unit(f, f.data["unit"])
        if unit is not None:
            unit.quotas[f.data["establishment"]] = f.data["count"]


class PostQuotaSet(EventType):
    name = "post_quota_set"
    label = "post quota set"
    stored_as = "PostQuotaSet"
    precedence = 30
    effective_label = "Date the 领导职数 takes effect (核定时间)"
    about_person = False
    unit_fields = ("unit",)
    fields = (
        UNIT,
        Field("post", required=True, help="The leadership post, e.g. 副局长, 科长, 副科长, 主任.", form="name", label="post"),
        Field("level", required=True, choices=v.POST_LEVELS,
              help="The post's level: 乡科级副职, 乡科级正职, 县处级副职, 县处级正职, …", label="level"),
        Field("count", int, True, "How many may hold the post (领导职数).", label="count"),
    )
    verb = Verb("post-quota", "unit", "Set a unit's leadership-post quota (领导职数) for one post.",
                "ledger org post-quota JU --post 副局长 --level 县处级副职 --count 3 --effective 2019-01-01", group="org")

    def apply(self, change: Change, f: Fact) -> None:
        unit = change.unit(f, f.data["unit"])
        if unit is not None:
            unit.post_quotas[f.data["post"]] = PostQuota(f.data["level"], f.data["count"])
