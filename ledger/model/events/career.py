"""Lines of the 简历 from before the ledger (career_recorded): history the ledger never recorded as facts.

The ledger's own lines (ledger.read.resume) follow them. A line's months are `from_month` and `to_month`
(`from` is a Python keyword, so the JSON contract names them so everywhere); without `to_month` a line runs
until the ledger's first line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger.model.change import Change
from ledger.model.dates import YearMonth
from ledger.model.events.base import EventType, Field, Verb
from ledger.model.events.people import PERSON
from ledger.model.events.profile import months_ok
from ledger.model.i18n import _
from ledger.model.state import CareerLine

if TYPE_CHECKING:
    from ledger.model.facts import Fact


class CareerRecorded(EventType):
    name = "career_recorded"
    label = "career line recorded"
    stored_as = "CareerRecorded"
    precedence = 44
    effective_label = "Date the ledger records the line (登记时间; the line's own months are --from-month/--to-month)"
    fields = (
        PERSON,
        Field("from_month", YearMonth, True, "First month of the line: 2008.09, 200809 or 2008-09.", label="from month"),
        Field("to_month", YearMonth, help="Last month of the line (omit: until the ledger's first line).", label="to month"),
        Field("text", required=True, help="What the person did, as the 简历 words it: 浙江大学行政管理专业学习.", label="text"),
    )
    verb = Verb("career", "person", "Record a line of a person's 简历 from before the ledger.",
                "ledger career P13 --from-month 2008.09 --to-month 2012.07 --text 浙江大学行政管理专业学习 "
                "--effective 2019-01-01")

    def apply(self, change: Change, f: Fact) -> None:
        p = change.person(f)
        if p is None or not months_ok(change, f, p, "from_month", "to_month"):
            return
        d = f.data
        if change.validating and d.get("to_month") is not None and d["to_month"] < d["from_month"]:
            change.refuse(f, "impossible_date", _("to_month {to} is before from_month {start}").format(
                to=d["to_month"], start=d["from_month"]))
            return
        line = CareerLine(d["from_month"], d.get("to_month"), d["text"], f.id)
        same = next((x for x in p.file.career if (x.start, x.end, x.text) == (line.start, line.end, line.text)), None)
        if same is not None:
            change.refuse(f, "already_recorded", _("this 简历 line is already recorded (event {id})").format(
                id=same.event_id))
            return
        p.file.career.append(line)
