"""Secondments and exchanges (交流/挂职/借调/学习): out of the office, still on its establishment."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ledger.model import vocabulary as v
from ledger.model.change import Change
from ledger.model.events.base import EventType, Field, Verb
from ledger.model.events.people import PERSON
from ledger.model.i18n import _
from ledger.model.state import Secondment

if TYPE_CHECKING:
    from ledger.model.facts import Fact


class SecondmentStarted(EventType):
    name = "secondment_started"
    label = "secondment"
    stored_as = "SecondmentStarted"
    precedence = 100
    effective_label = "First day of the secondment (交流、挂职、借调或学习开始时间)"
    fields = (
        PERSON,
        Field("host", required=True, help="Host organisation, e.g. 区委宣传部.", form="name", label="host"),
        Field("kind", required=True, choices=v.SECONDMENT_KINDS,
              help="交流 (exchange), 挂职 (temporary post elsewhere), 借调 (on loan) or 学习 (study).", label="kind"),
        Field("until", date, help="Agreed end date.", label="until"),
    )
    periods = (("effective", "until"),)
    verb = Verb("second", "person", "Record the start of an exchange or secondment (交流/挂职/借调/学习).",
                "ledger second P09 --host 区委宣传部 --kind 学习 --until 2022-12-31 --effective 2022-07-01")

    def apply(self, change: Change, f: Fact) -> None:
        p = change.person(f)
        if p is None:
            return
        d = f.data
        if p.secondment is not None:
            s = p.secondment
            change.refuse(f, "overlapping_secondment", _("already on {kind} at {host} since {since}; end it (return) before starting "
                            "another").format(kind=s.kind, host=s.host, since=s.since))
            return
        p.secondment = Secondment(d["host"], d["kind"], f.effective, d.get("until"), f.id)


class SecondmentEnded(EventType):
    name = "secondment_ended"
    label = "secondment ended"
    stored_as = "SecondmentEnded"
    precedence = 90
    effective_label = "Date the person is back from the secondment (返回时间)"
    fields = (PERSON, Field("host", help="Host organisation (checked against the secondment, when given).", form="name", label="host"))
    verb = Verb("return", "person", "Record the end of a secondment (the person is back at work).",
                "ledger return P09 --effective 2022-12-31")

    def apply(self, change: Change, f: Fact) -> None:
        p = change.person(f)
        if p is None:
            return
        s = p.secondment
        if s is None:
            change.refuse(f, "not_seconded", _("is not on secondment on this date"))
            return
        if change.validating and f.get("host") and f.get("host") != s.host:
            change.refuse(f, "not_seconded", _("is seconded to {host}, not to {given}").format(host=s.host, given=f.get("host")))
            return
        p.secondment = None
