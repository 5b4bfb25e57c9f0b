"""The 民主评议 of the yearly report (一报告两评议): the results for the year's selection work as a whole, and for each
newly promoted cadre.

A review of the whole work is a fact about the organisation (its subject is the structure); a review of one
person is about that person, who must be in the ledger (they may have left since). One result per year and
subject: a wrong one is retracted and recorded anew.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger.model.change import Change
from ledger.model.events.base import EventType, Field, Verb
from ledger.model.i18n import _

if TYPE_CHECKING:
    from ledger.model.facts import Fact

ANSWERS = ("satisfied", "basically_satisfied", "dissatisfied", "not_known")  # the JSON keys, a contract
ANSWER_LABELS = dict(zip(ANSWERS, ("满意", "基本满意", "不满意", "不了解"), strict=True))


class ReviewRecorded(EventType):
    name = "review_recorded"
    label = "review recorded"
    stored_as = "ReviewRecorded"
    precedence = 36
    effective_label = "Date of the review (民主评议时间)"
    about_person = False  # about the person when one is named (`subject`), else about the organisation
    fields = (
        Field("year", int, True, "The year whose selection work (or promotion) was reviewed.", minimum=1900, maximum=2100, label="year"),
        Field("person", help="The newly promoted cadre reviewed; omit for the year's selection work as a whole.",
              form="id", label="person"),
        Field("satisfied", int, True, "How many answered 满意.", label="satisfied"),
        Field("basically_satisfied", int, True, "How many answered 基本满意.", label="basically satisfied"),
        Field("dissatisfied", int, True, "How many answered 不满意.", label="dissatisfied"),
        Field("not_known", int, True, "How many answered 不了解.", label="not known"),
    )
    verb = Verb("review", "year", "Record the results of a 民主评议 (the year's selection work, or one promoted cadre).",
                "ledger review 2022 --satisfied 41 --basically-satisfied 3 --dissatisfied 0 --not-known 1 "
                "--effective 2023-01-18")

    def subject(self, f: Fact) -> str | None:
        return f.data.get("person")

    def apply(self, change: Change, f: Fact) -> None:
        d = f.data
        year, person = d["year"], d.get("person")
        who = f"{year}年度{'' if person is None else ' ' + person}民主评议"
        if person is not None and person not in change.state.people:
            change.refuse(f, "unknown_person", _("no such person in the ledger (no hire recorded on or before this date)"),
                          who=who)
            return
        if year > f.effective.year:
            change.refuse(f, "impossible_date", _("a review of {year} cannot take effect in {effective}").format(
                year=year, effective=f.effective.year), who=who)
            return
        counts = [d[k] for k in ANSWERS]
        if min(counts) < 0 or sum(counts) == 0:
            change.refuse(f, "bad_value", _("the counts must not be negative, and someone must have answered"), who=who)
            return
        known = change.state.reviews.get((year, person))
        if known is not None:
            change.refuse(f, "duplicate_review", _("already recorded (event {id}); retract it to correct it").format(id=known),
                          who=who)
            return
        change.state.reviews[(year, person)] = f.id
