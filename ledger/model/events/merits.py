"""Awards and disciplines (奖惩情况): each with its date (the effective date), text and the decision (basis)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from ledger.model.change import Change
from ledger.model.events.base import EventType, Field, Verb
from ledger.model.events.people import PERSON
from ledger.model.state import Entry

if TYPE_CHECKING:
    from ledger.model.facts import Fact


class _Listed(EventType):
    """An award or a discipline: an entry of one list of the person's file (`listed_in`)."""

    listed_in: ClassVar[str]

    def apply(self, change: Change, f: Fact) -> None:
        p = change.person(f)
        if p is not None:
            getattr(p.file, self.listed_in).append(Entry(f.effective, f.data["text"], f.get("basis"), f.id,
                                                         bool(f.get("undated"))))


UNDATED = Field("undated", bool, help="The text is a form's sentence without its own month, kept as written "
                                      "(the form prints it without a date).", label="undated")


class AwardRecorded(_Listed):
    name = "award_recorded"
    label = "award"
    stored_as = "AwardRecorded"
    precedence = 47
    effective_label = "Date of the award (奖励时间)"
    listed_in = "awards"
    fields = (PERSON, Field("text", required=True, help="The award, as the form words it, e.g. 被评为全区优秀公务员.", label="text"),
              UNDATED)
    verb = Verb("award", "person", "Record an award (奖励) of a person.",
                "ledger award P13 --text 被评为全区优秀公务员 --effective 2021-06-30 --basis 区人社〔2021〕8号")


class DisciplineRecorded(_Listed):
    name = "discipline_recorded"
    label = "discipline"
    stored_as = "DisciplineRecorded"
    precedence = 48
    effective_label = "Date of the discipline (处分时间)"
    listed_in = "disciplines"
    fields = (PERSON, Field("text", required=True, help="The discipline, as the form words it, e.g. 受到警告处分.", label="text"),
              UNDATED)
    verb = Verb("discipline", "person", "Record a discipline (惩戒, 处分) of a person.",
                "ledger discipline P13 --text 受到警告处分 --effective 2020-03-01 --basis 区纪委〔2020〕4号")
