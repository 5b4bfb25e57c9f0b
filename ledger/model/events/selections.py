"""The steps of a selection (选拔任用) before the appointment: 分析研判和动议, 民主推荐, 考察, 讨论决定.

Each step names the selection's id (e.g. XR2022-03); the selection itself, started by `selection_started`, names
the post, its unit and section and the places. The appointment that concludes it is the `post_appointed` that
names it, and the end of that appointment's probation (`probation_ended`) closes the path. These are facts about
the organisation's work, not about a person on the establishment: their subject is the structure, so every
validation sees them. Whether a step is missing or out of order is a finding (the rules floor), not a refusal.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ledger.model.change import Change
from ledger.model.events.base import EventType, Field, Verb
from ledger.model.i18n import _
from ledger.model.state import SelectionState, SelectionStep

if TYPE_CHECKING:
    from ledger.model.facts import Fact

SELECTION = Field("selection", required=True, help="The selection's id (选拔任用工作编号), e.g. XR2022-03.",
                  form="id", label="selection")
_SEPARATORS = re.compile(r"[,，、;；\s]+")
_VOTE = re.compile(r"^(.+?)\s*[:：=]\s*(\d+)\s*票?$")


def names_in(text: str | None) -> list[str]:
    """The people a list field names (ids or names, separated by 、 , ； or spaces), each once, in order."""
    return list(dict.fromkeys(x for x in _SEPARATORS.split(text or "") if x))


def parse_votes(text: str) -> list[tuple[str, int]]:
    """`P13:25, P17:6` (or `林晓：25票、…`) as [(candidate, votes)]; ValueError names the item that will not do."""
    out: dict[str, int] = {}
    for item in re.split(r"[,，、;；]+", text):
        item = item.strip()
        if not item:
            continue
        m = _VOTE.match(item)
        if m is None:
            raise ValueError(_("'{item}' is not CANDIDATE:VOTES (e.g. P13:25)").format(item=item))
        out[m.group(1).strip()] = int(m.group(2))
    if not out:
        raise ValueError(_("no candidate given (e.g. P13:25, P17:6)"))
    return list(out.items())


def selection_of(change: Change, f: Fact) -> SelectionState | None:
    """The selection the fact names, if started on or before its date (refused otherwise)."""
    sid = f.data.get("selection") or ""
    s = change.state.selections.get(sid)
    if s is None:
        change.refuse(f, "unknown_selection", _("no selection '{selection}' started on or before this date (record its 动议 "
                                                  "first: ledger selection start {id} …)").format(
            selection=sid, id=sid or "ID"), who=sid or f.event)
    return s


class SelectionStarted(EventType):
    name = "selection_started"
    label = "selection started"
    stored_as = "SelectionStarted"
    precedence = 32
    effective_label = "Date of the proposal (动议时间)"
    about_person = False
    unit_fields = ("unit",)
    fields = (
        SELECTION,
        Field("unit", required=True, help="Unit code of the post to fill.", form="id", label="unit"),
        Field("post", required=True, help="The leadership post to fill (it must have a 领导职数 in the unit), e.g. 科长.",
              form="name", label="post"),
        Field("section", help="Section (科室) of the post, e.g. 旅游发展科.", form="name", label="section"),
        Field("places", int, help="How many places the selection fills  [default: 1].", label="places"),
    )
    verb = Verb("start", "selection", "Record the start of a selection (分析研判和动议): the post, its unit and section.",
                "ledger selection start XR2022-03 --unit JU --post 科长 --section 旅游发展科 --effective 2022-03-01 "
                "--basis 区文旅党组会议纪要〔2022〕3号", group="selection")

    def apply(self, change: Change, f: Fact) -> None:
        d, sid = f.data, f.data["selection"]
        known = change.state.selections.get(sid)
        if known is not None:
            change.refuse(f, "duplicate_selection", _("selection '{selection}' was started on {started} ({post})").format(
                selection=sid, started=known.started, post=known.post), who=sid)
            return
        unit = change.unit(f, d["unit"])
        if unit is None:
            return
        if d["post"] not in unit.post_quotas:
            change.refuse(f, "unknown_post", _("{unit} has no post '{post}' (领导职数 set for: {posts})").format(
                unit=unit.name, post=d["post"], posts="、".join(unit.post_quotas) or _("none")), who=sid)
            return
        if not change.section_ok(f, unit, d.get("section")):
            return
        places = d.get("places") or 1
        if places < 1:
            change.refuse(f, "bad_value", _("places must be at least 1, not {places}").format(places=places), who=sid)
            return
        change.state.selections[sid] = SelectionState(sid, unit.unit, d["post"], d.get("section"), places,
                                                      f.effective, f.id, data=d)


class _Step(EventType):
    """A step after the 动议: it must name a selection started on or before its date."""

    about_person = False

    def apply(self, change: Change, f: Fact) -> None:
        s = selection_of(change, f)
        if s is None or not self.check(change, f, s):
            return
        s.steps.append(SelectionStep(self.name, f.effective, f.id, f.data))

    def check(self, change: Change, f: Fact, s: SelectionState) -> bool:
        return True


class RecommendationHeld(_Step):
    name = "recommendation_held"
    label = "recommendation held"
    stored_as = "RecommendationHeld"
    precedence = 33
    effective_label = "Date of the recommendation (民主推荐时间)"
    fields = (
        SELECTION,
        Field("participants", int, True, "How many took part in the 民主推荐 (会议推荐 and 谈话推荐).", label="participants"),
        Field("votes", required=True, help="Votes per candidate: CANDIDATE:VOTES, comma-separated (ids or names), "
                                           "e.g. P13:25, P17:6.", label="votes"),
    )
    verb = Verb("recommend", "selection", "Record a 民主推荐: how many took part and the votes per candidate.",
                'ledger selection recommend XR2022-03 --participants 32 --votes "P10:27, P14:5" --effective 2022-03-10',
                group="selection")

    def check(self, change: Change, f: Fact, s: SelectionState) -> bool:
        participants = f.data["participants"]
        try:
            votes = parse_votes(f.data["votes"])
        except ValueError as e:
            change.refuse(f, "bad_value", _("votes: {problem}").format(problem=e), who=s.selection)
            return False
        over = [f"{who} {n}" for who, n in votes if n > participants]
        if participants < 1 or over:
            what = _("more votes than the {participants} who took part ({over})").format(
                participants=participants, over=", ".join(over)) if over else _("participants must be at least 1")
            change.refuse(f, "bad_value", what, who=s.selection)
            return False
        return True


class InspectionDone(_Step):
    name = "inspection_done"
    label = "inspection done"
    stored_as = "InspectionDone"
    precedence = 34
    effective_label = "Date the inspection concluded (考察时间)"
    fields = (
        SELECTION,
        Field("candidates", required=True, help="Who was inspected (考察对象): ids or names, separated by 、 or commas.", label="candidates"),
        Field("conclusion", required=True, help="The inspection's conclusion (考察结论), e.g. 德才表现好，可以任用.", label="conclusion"),
    )
    verb = Verb("inspect", "selection", "Record a 考察: the candidates inspected and the conclusion.",
                "ledger selection inspect XR2022-03 --candidates P10 --conclusion 考察合格 --effective 2022-03-25",
                group="selection")


class DecisionMade(_Step):
    name = "decision_made"
    label = "decision made"
    stored_as = "DecisionMade"
    precedence = 35
    effective_label = "Date of the meeting that decided (讨论决定时间)"
    fields = (
        SELECTION,
        Field("present", int, True, "Members of the Party group (党组) present at the meeting.", label="present"),
        Field("members", int, True, "Members the Party group has (应到会成员).", label="members"),
        Field("chosen", required=True, help="The person (or people) chosen: ids, separated by 、 or commas.", label="chosen"),
    )
    verb = Verb("decide", "selection", "Record the 讨论决定: members present of all members, and the person chosen.",
                "ledger selection decide XR2022-03 --present 5 --members 6 --chosen P10 --effective 2022-04-28",
                group="selection")

    def check(self, change: Change, f: Fact, s: SelectionState) -> bool:
        present, members = f.data["present"], f.data["members"]
        chosen = names_in(f.data["chosen"])
        if members < 1 or not 0 <= present <= members:
            change.refuse(f, "bad_value", _("{present} present of {members} members cannot be").format(
                present=present, members=members), who=s.selection)
            return False
        if len(chosen) > s.places:
            change.refuse(f, "bad_value", _("{count} chosen for {places} place(s): {chosen}").format(
                count=len(chosen), places=s.places, chosen="、".join(chosen)),
                          who=s.selection)
            return False
        return True
