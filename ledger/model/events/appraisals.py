"""Annual appraisals (年度考核, 《公务员考核规定》2020): 优秀 / 称职 / 基本称职 / 不称职, one per person and year.

The tenure rules count them (ledger.rules): a 基本称职 or 不称职 year does not count toward rank or post tenure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger.model import vocabulary as v
from ledger.model.change import Change
from ledger.model.events.base import EventType, Field, Verb
from ledger.model.events.people import PERSON
from ledger.model.i18n import _
from ledger.model.state import Appraisal

if TYPE_CHECKING:
    from ledger.model.facts import Fact

FIRST_YEAR = 1950


class Appraised(EventType):
    name = "appraised"
    label = "annual appraisal"
    stored_as = "Appraised"
    precedence = 46  # before the day's promotions: an appraisal decided that day counts for them
    effective_label = "Date the appraisal was decided (考核确定时间)"
    fields = (
        PERSON,
        Field("year", int, True, "The year appraised (考核年度), e.g. 2021.", minimum=1900, maximum=2100, label="year"),
        Field("grade", required=True, choices=v.APPRAISAL_GRADES, help="优秀, 称职, 基本称职, 不称职 or 不定等次 (a year not graded, e.g. long sick leave).", label="grade"),
    )
    verb = Verb("appraise", "person", "Record a person's annual appraisal (年度考核); effective when its result was "
                "decided, usually early the next year.",
                "ledger appraise P13 --year 2021 --grade 称职 --effective 2022-01-20 --basis 区文旅党组〔2022〕2号")

    def apply(self, change: Change, f: Fact) -> None:
        p = change.person(f)
        if p is None:
            return
        year, grade = f.data["year"], f.data["grade"]
        if change.validating:
            if not FIRST_YEAR <= year <= f.effective.year:
                change.refuse(f, "impossible_date", _("an appraisal of {year} cannot take effect on {effective}").format(
                    year=year, effective=f.effective))
                return
            if year in p.file.appraisals:
                held = p.file.appraisals[year]
                change.refuse(f, "already_appraised", _("{year} is already appraised {grade} (event {id}); retract that appraisal "
                                                          "to correct it").format(year=year, grade=held.grade,
                                                                                  id=held.event_id))
                return
        p.file.appraisals[year] = Appraisal(grade, f.effective, f.id)
