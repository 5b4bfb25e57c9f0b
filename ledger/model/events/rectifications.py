"""整改 and 反馈 on record: what was done about a year's findings or about its 民主评议 (一报告两评议).

The yearly report says "整改" or "已向干部本人反馈" only where such a fact is recorded (docs/domain.md §8): each one
names what it answers — a rule of the catalogue whose finding it rectifies (`PROBATION_OPEN` …) or `评议`, the
year's 民主评议 — and says in its own words what was done, and when. Its subject is the organisation's (or the
person's, when one is named).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ledger.model.change import Change
from ledger.model.events.base import EventType, Field, Verb
from ledger.model.i18n import _

if TYPE_CHECKING:
    from ledger.model.facts import Fact

REVIEW = "评议"  # `answers` for the year's 民主评议 (its results fed back, its problems rectified)
RULE_ID = re.compile(r"^[A-Z][A-Z0-9_]{2,40}$")  # a catalogue id (ledger.rules.catalogue), checked by its shape here


class RectificationRecorded(EventType):
    name = "rectification_recorded"
    label = "rectification recorded"
    stored_as = "RectificationRecorded"
    precedence = 37
    effective_label = "Date of the rectification or feedback (整改/反馈时间)"
    about_person = False  # about the person when one is named, else about the organisation
    fields = (
        Field("year", int, True, "The year whose findings or 评议 it answers, e.g. 2022.", minimum=1900, maximum=2100, label="year"),
        Field("answers", required=True, help="What it answers: a rule id of `ledger check` (e.g. PROBATION_OPEN), "
                                             "or 评议 (the year's 民主评议).", form="name", max_length=40, label="answers"),
        Field("text", required=True, help="What was done, in the report's words (e.g. 已对2名干部完成试用期满考核).", label="text"),
        Field("person", help="The person the finding or review was about, if one.", form="id", label="person"),
    )
    verb = Verb("rectify", "year", "Record a rectification (整改) or feedback (反馈) answering a year's finding or 评议.",
                "ledger rectify 2022 --answers PROBATION_OPEN --text 已对2名干部完成试用期满考核 --effective 2023-03-01")

    def subject(self, f: Fact) -> str | None:
        return f.data.get("person")

    def apply(self, change: Change, f: Fact) -> None:
        d = f.data
        who = f"{d['year']}年度整改"
        if d["answers"] != REVIEW and not RULE_ID.match(d["answers"]):
            change.refuse(f, "bad_value", _("--answers must be a rule id of `ledger check` (e.g. PROBATION_OPEN) or "
                                             "{review}, not '{answers}'").format(review=REVIEW, answers=d["answers"]),
                          who=who)
            return
        if d.get("person") is not None and d["person"] not in change.state.people:
            change.refuse(f, "unknown_person", _("no such person in the ledger (no hire recorded on or before this date)"),
                          who=who)
            return
        if d["year"] > f.effective.year:
            change.refuse(f, "impossible_date", _("a rectification of {year} cannot take effect in {effective}").format(
                year=d["year"], effective=f.effective.year), who=who)
