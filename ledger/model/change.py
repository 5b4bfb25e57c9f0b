"""`Change`: the state one fact is applied to, and what applying it found.

Event types (`ledger.model.events`) change the state through it. When validating, a fact that cannot be is
refused — a `Problem` naming the date, the person and what the ledger holds — and leaves the state as it was.
Raises of a unit's headcount or post holders are noted, to be judged against 编制 and 领导职数 at the end of the
day (by the walk, `ledger.fold.walk`), so that a same-day swap is never refused for its order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from ledger.model import vocabulary as v
from ledger.model.errors import Problem, no_unit
from ledger.model.i18n import _
from ledger.model.state import PersonState, State, UnitState

if TYPE_CHECKING:
    from ledger.model.facts import Fact


@dataclass(frozen=True)
class Raise:
    """A fact that added someone to a unit's count: on an establishment type ("staff") or in a post ("post")."""

    fact: Fact
    unit: str
    kind: str  # "staff" or "post"
    key: str  # the establishment type or the post


@dataclass
class Change:
    state: State
    validating: bool = False
    problems: list[Problem] = field(default_factory=list)
    raised: list[Raise] = field(default_factory=list)

    # --- refusing --------------------------------------------------------------------------------------------
    def who(self, f: Fact) -> str:
        pid = f.person or ""
        p = self.state.people.get(pid) or self.state.assistants.get(pid)
        name = (p.name if p else None) or f.get("name")
        return f"{pid} {name}" if name else pid

    def refuse(self, f: Fact, code: str, what: str, who: str | None = None) -> None:
        """Record why the fact cannot be (only when validating)."""
        if self.validating:
            who = who if who is not None else self.who(f)
            self.problems.append(Problem(code, f"{f.effective} {who}: {what}", event_id=f.id))

    def raise_count(self, f: Fact, unit: str, kind: str, key: str) -> None:
        """Note that the fact adds someone to a count of the unit, to be judged at the day's end (validating)."""
        if self.validating:
            self.raised.append(Raise(f, unit, kind, key))

    # --- look-ups that refuse when what they look for is not there -----------------------------------------------
    def unit(self, f: Fact, code: str | None) -> UnitState | None:
        unit = self.state.units.get(code or "")
        if unit is None:
            self.refuse(f, "unknown_unit", no_unit(code, None, self.state.units), who=f.event)
        return unit

    def section_ok(self, f: Fact, unit: UnitState, section: str | None) -> bool:
        if section is None or section in unit.sections:
            return True
        known = "、".join(unit.sections) or "none"
        self.refuse(f, "unknown_section", _("{unit} has no section '{section}' on this date (sections: {known})").format(
            unit=unit.name, section=section, known=known))
        return False

    def person(self, f: Fact) -> PersonState | None:
        """The fact's person, if on the establishment on its date."""
        p = self.state.people.get(f.person or "")
        if p is not None and p.left is None:
            return p
        if p is None:
            self.refuse(f, "unknown_person", _("not on the establishment on this date (no hire recorded on or before it)"))
        else:
            self.refuse(f, "not_active", _("not on the establishment on this date (left {left}, {reason})").format(
                left=p.left, reason=p.left_reason))
        return None

    def of_age(self, f: Fact, birth: date, day: date, what: str) -> bool:
        """Whether someone born on `birth` was of working age on `day` (the fact's `what`); refuses if not."""
        if birth >= day:
            self.refuse(f, "impossible_date", f"birth date {birth} is not before {what} ({day})")
            return False
        age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
        if age < v.MIN_WORKING_AGE:
            self.refuse(f, "impossible_date", f"birth date {birth}: {age} years old on {day} ({what}); nobody is hired, "
                        f"ranked or appointed before {v.MIN_WORKING_AGE} ({v.MIN_WORKING_AGE_SOURCE})")
            return False
        return True

    def rank_ok(self, f: Fact, unit: UnitState, rank: str, establishment: str | None = None) -> bool:
        """The rank is one the unit's kind holds and, when `establishment` is given, one that establishment type
        holds (工勤编制: a 工勤 grade, and only there)."""
        if rank not in v.ranks_for_unit_kind(unit.kind):
            ladders = "civil-service ranks" if unit.kind == "机关" else "management or professional grades"
            self.refuse(f, "rank_not_for_unit", f"rank '{rank}' is not held in a {unit.kind} ({unit.name}): "
                        f"{ladders} only (and 工勤 grades on 工勤编制)")
            return False
        why = v.establishment_mismatch(rank, establishment) if establishment else None
        if why is not None:
            self.refuse(f, "rank_not_for_establishment", why)
            return False
        return True
