"""The 简历 of the 干部任免审批表, written by the ledger: the lines recorded from before the ledger
(`career_recorded`), then one line per stretch in which the person's unit, section, posts and rank stayed the same,
each secondment as a `（其间：…）` line under the line it began in.

Built with the fold's own walk (`ledger.fold.walk`), one day at a time: a day's facts are applied together, so a
promotion and an appointment of one day open one line; retracted facts are not there, and a back-dated fact
splits the line it falls in. What it must not hold: layout beyond the form's own line shape (exporters).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from typing import Any

from ledger.fold.walk import Walker, counting_facts
from ledger.model.dates import dotted, month_of
from ledger.model.errors import NotFound
from ledger.model.events import EVENT_TYPES
from ledger.model.facts import Fact
from ledger.model.i18n import _
from ledger.model.opening import on_opening
from ledger.model.state import PersonState, State, shown_section

OPEN_END = " " * 7  # an open line ends with blanks where its last month would be, as on the form
INDENT = " " * 18  # where a line's text starts: `YYYY.MM--YYYY.MM  `
# How a secondment of each kind reads in the 简历: （其间：… 在区委宣传部交流学习）.
SECONDMENT_WORDS = {"挂职": "挂职", "交流": "交流学习", "学习": "交流学习", "借调": "借调工作"}


@dataclass
class ResumeLine:
    start: str  # YYYY-MM
    end: str | None  # YYYY-MM; None: still so on the resume's date
    text: str
    source: str  # "career" (recorded from before the ledger) or "ledger" (the ledger's own facts)
    during: list[ResumeLine] = field(default_factory=list)  # secondments begun in this line (其间)

    def render(self) -> list[str]:
        """The line as the form prints it, and its 其间 lines."""
        out = [f"{dotted(self.start)}--{dotted(self.end) or OPEN_END}  {self.text}"]
        out += [f"{INDENT}（其间：{dotted(d.start)}--{dotted(d.end) or OPEN_END} {d.text}）" for d in self.during]
        return out

    def as_json(self) -> dict[str, Any]:
        return {"from": self.start, "to": self.end, "text": self.text, "source": self.source,
                "during": [{"from": d.start, "to": d.end, "text": d.text} for d in self.during]}


@dataclass
class Resume:
    person: str
    name: str
    as_of: date
    lines: list[ResumeLine]

    def rendered(self) -> list[str]:
        return [text for line in self.lines for text in line.render()]

    def as_json(self) -> dict[str, Any]:
        """The `ledger resume --json` shape (a contract)."""
        return {"person": self.person, "name": self.name, "as_of": self.as_of.isoformat(),
                "lines": [x.as_json() for x in self.lines], "text": self.rendered()}


def post_text(p: PersonState, state: State, with_unit: bool = True) -> str:
    """What a person is on the state's date, as the 简历 and 现任职务 word it: 单位科室职务（职级）, or 单位科室职级
    without a post (without the unit's name for a roster that groups people by unit)."""
    unit = "" if not with_unit else state.units[p.unit].name if p.unit in state.units else p.unit
    if not p.posts:
        return f"{unit}{p.section or ''}{p.rank}"
    u = state.units.get(p.unit)
    sections = [shown_section(x, p, u) for x in p.posts]
    if p.section is not None and all(s == p.section for s in sections):
        posts = p.section + "、".join(x.post for x in p.posts)
    else:
        posts = "、".join(f"{s or ''}{x.post}" for s, x in zip(sections, p.posts, strict=True))
    return f"{unit}{posts}（{p.rank}）"


def _mine(facts: Iterable[Fact], person: str) -> list[Fact]:
    """The person's facts, the structure's and the retractions (nobody else's changes this person's lines)."""
    return [f for f in facts if EVENT_TYPES[f.event].subject(f) in (None, person)]


def resume(facts: Iterable[Fact], person: str, on: date) -> Resume:
    """The 简历 of `person` as the ledger holds it on `on`."""
    walker = Walker()
    state = walker.state
    opening_rank: str | None = None  # the 任现职级时间 of someone recorded at the unit's opening without a post
    lines: list[ResumeLine] = []
    current: ResumeLine | None = None
    seconded: dict[int, ResumeLine] = {}  # open secondments by the fact that began them
    for day, group in groupby((f for f in counting_facts(_mine(facts, person)) if f.effective <= on),
                              key=lambda f: f.effective):
        for f in group:
            walker.apply(f)
        p = state.people.get(person)
        here = p if p is not None and p.left is None else None
        text = post_text(here, state) if here is not None else None
        if current is not None and text != current.text:
            current.end = month_of(day)
            current = None
        if text is not None and current is None:
            start = month_of(day)
            if not lines and here is not None and here.posts:  # the opening: a post held since before (`since`)
                start = min([start, *(month_of(x.since) for x in here.posts)])
            elif not lines and here is not None and on_opening(state, here, day):  # in the unit at its opening
                opening_rank = month_of(here.rank_since)
            current = ResumeLine(start, None, text, "ledger")
            lines.append(current)
        _secondments(here, current, seconded, day)
    p = state.people.get(person)
    if p is None:
        raise NotFound(_("no person '{person}' on the establishment on or before {on}").format(person=person, on=on))
    if opening_rank is not None and lines and opening_rank < lines[0].start and _career_before(p, opening_rank):
        lines[0].start = opening_rank
    return Resume(person, p.name, on, _career_lines(p, lines) + lines)


def _career_before(p: PersonState, month: str) -> bool:
    """Whether every line from before the ledger ends by `month`: the opening line of someone recorded at the unit's
    opening (期初) without a post may then begin at their 任现职级时间 (the unit is theirs from the opening hire).
    A line running past it, or on into the ledger, places them elsewhere then: the line begins at the opening."""
    return all(x.end is not None and x.end <= month for x in p.file.career)


def _secondments(p: PersonState | None, current: ResumeLine | None, seconded: dict[int, ResumeLine],
                 day: date) -> None:
    """Open a 其间 line for a secondment begun today; close the ones that ended."""
    s = p.secondment if p is not None else None
    for event_id, line in list(seconded.items()):
        if s is None or s.event_id != event_id:
            line.end = month_of(day)
            del seconded[event_id]
    if s is not None and s.event_id not in seconded and current is not None:
        line = ResumeLine(month_of(s.since), None, f"在{s.host}{SECONDMENT_WORDS.get(s.kind, s.kind)}", "ledger")
        current.during.append(line)
        seconded[s.event_id] = line


def _career_lines(p: PersonState, ledger_lines: list[ResumeLine]) -> list[ResumeLine]:
    """The lines from before the ledger, by month; one without an end runs until the ledger's first line. They
    never overlap the ledger's own: a line from the ledger's first month on is the ledger's to say (left out), and
    one running past it ends there."""
    first = ledger_lines[0].start if ledger_lines else None
    out = []
    for x in sorted(p.file.career, key=lambda x: (x.start, x.end or "9999-99", x.event_id)):
        if first is not None and x.start >= first:
            continue
        end = x.end or first
        if first is not None and end is not None and end > first:
            end = first
        out.append(ResumeLine(x.start, end, x.text, "career"))
    return out
