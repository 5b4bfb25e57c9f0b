"""Self-hired assistants (自聘助理): off establishment (编外), never counted against 编制."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ledger.model import vocabulary as v
from ledger.model.change import Change
from ledger.model.events.base import EventType, Field, Verb
from ledger.model.events.people import PERSON
from ledger.model.i18n import _
from ledger.model.state import AssistantState

if TYPE_CHECKING:
    from ledger.model.facts import Fact


class AssistantEngaged(EventType):
    name = "assistant_engaged"
    label = "assistant engaged"
    stored_as = "AssistantEngaged"
    precedence = 120
    effective_label = "First day of the engagement (聘用时间)"
    unit_fields = ("unit",)
    fields = (
        PERSON,
        Field("name", required=True, help="Full name.", form="name", label="name"),
        Field("role", required=True, help="The assistant's role, e.g. 办公室主任助理.", form="name", label="role"),
        Field("unit", required=True, help="Unit code.", form="id", label="unit"),
        Field("gender", choices=v.GENDERS, help="Sex (性别): 男 or 女.", label="gender"),
        Field("birth_date", date, help="Date of birth, YYYY-MM-DD.", past=True, label="date of birth"),
        Field("education", help="Highest education, e.g. 大学本科.", form="name", label="education"),
    )
    verb = Verb("engage", "person", "Record a self-hired assistant engagement (自聘助理, 编外).",
                "ledger engage A01 --name 李四 --role 办公室主任助理 --unit JU --effective 2022-03-01")

    def apply(self, change: Change, f: Fact) -> None:
        state, d = change.state, f.data
        unit = change.unit(f, d["unit"])
        if unit is None:
            return
        a = state.assistants.get(d["person"])
        if a is not None and a.left is None:
            change.refuse(f, "already_engaged", _("already engaged as {role} at {unit} since {since}").format(role=a.role, unit=a.unit, since=a.since))
            return
        if change.validating and d.get("birth_date") and not change.of_age(f, d["birth_date"], f.effective,
                                                                           "the engagement"):
            return
        staff = state.people.get(d["person"])
        if staff is not None and staff.left is None:
            change.refuse(f, "id_in_use", _("this id is on the establishment of {unit} ({name})").format(unit=staff.unit, name=staff.name))
            return
        state.assistants[d["person"]] = AssistantState(d["person"], d["name"], d["role"], unit.unit, f.effective,
                                                       d.get("gender"), d.get("birth_date"), d.get("education"))


class AssistantReleased(EventType):
    name = "assistant_released"
    label = "assistant released"
    stored_as = "AssistantReleased"
    precedence = 110
    effective_label = "Date the engagement ends (解聘时间)"
    fields = (PERSON,)
    verb = Verb("release", "person", "Record the end of an assistant's engagement.",
                "ledger release A01 --effective 2022-12-31")

    def apply(self, change: Change, f: Fact) -> None:
        a = change.state.assistants.get(f.data["person"])
        if a is None or a.left is not None:
            change.refuse(f, "not_engaged", _("is not an engaged assistant on this date"))
            return
        a.left = f.effective
