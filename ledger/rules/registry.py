"""The rule functions, each registered against its id in the catalogue, and what each kind of rule is shown.

A rule is a pure function; its data (title, clause, severity, parameters) is the catalogue's
(`ledger.rules.catalogue`), and it receives its own parameters (`RuleSpec.params`, with a rules file's
overrides). There are three kinds, by what a rule judges:

- a **fact rule** judges one promotion or appointment against the person just before it:
  `rule(promotion: Promotion, params) -> str | None` — the finding's message, or None;
- a **unit rule** judges a unit on a date: `rule(on, unit: UnitOnDate, params) -> Iterable[Breach]`;
- a **person rule** judges a person on establishment on a date: `rule(on, person: PersonState, params) ->
  Breach | None`.

Register with `@fact_rule(ID, *event types)`, `@unit_rule(ID)` or `@person_rule(ID)`. The rules of a kind run in
the order they are registered (the order of their module), and their findings come out in that order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, Literal

from ledger.model.facts import Fact
from ledger.model.staffing import Staffing
from ledger.model.state import PersonState, SelectionState, State, UnitState
from ledger.rules.history import Career, Excesses

Kind = Literal["fact", "unit", "person"]


@dataclass(frozen=True)
class Promotion:
    """A rank promotion (职级晋升) or a post appointment (任职) to judge, with the person as the ledger held them
    just before it."""

    fact: Fact
    person: PersonState
    career: Career
    new_level: str | None = None  # an appointment's post level, when it is higher than any post held before
    kind: str | None = None  # an appointment's 提拔 or 任命 (ledger.model.appointments); None for a rank promotion
    selection: SelectionState | None = None  # the selection (选拔任用) the appointment names, as recorded so far
    opening: bool = False  # records what was held before (期初, a 转任/调任 arrival's post): ledger.model.opening

    @property
    def is_rank(self) -> bool:
        return self.fact.event == "rank_promoted"

    @property
    def who(self) -> str:
        """How a finding's message names the fact: date, person, name."""
        return f"{self.fact.effective} {self.person.person} {self.person.name}"

    @property
    def post(self) -> str:
        """An appointment's post with its section (办公室副科长)."""
        return f"{self.fact.get('section') or ''}{self.fact.data['post']}"


@dataclass
class UnitOnDate:
    """A unit on the date judged: its state, the people on its establishment, and since when each excess runs."""

    code: str
    unit: UnitState
    state: State
    staffing: Staffing
    excesses: Excesses

    @cached_property
    def staff(self) -> list[PersonState]:
        """Its people on establishment, by id."""
        return self.staffing.staff(self.code)

    def establishment_types(self) -> list[str]:
        """The establishment types it has a quota for or people on, sorted."""
        filled = self.staffing.establishments(self.code)
        return sorted({*self.unit.quotas, *(est for est, n in filled.items() if n)})

    def headcount(self, establishment: str) -> int:
        return self.staffing.headcount(self.code, establishment)

    def holders(self, post: str) -> int:
        return self.staffing.holders(self.code, post)

    def excess_since(self, kind: Literal["staff", "post"], key: str) -> date | None:
        return self.excesses.since(kind, self.code, key)

    def assistants(self) -> int:
        """Its self-hired assistants (编外) engaged on the date."""
        return len(self.state.active_assistants(self.code))


@dataclass(frozen=True)
class Registration:
    rule: str  # the catalogue id
    kind: Kind
    judge: Callable[..., Any]
    events: tuple[str, ...] = ()  # a fact rule: the event types it judges
    opening: bool = False  # a fact rule that also judges the opening's facts (most judge only the ledger's acts)


REGISTERED: dict[str, Registration] = {}


def _register(rule: str, kind: Kind, events: tuple[str, ...] = (), opening: bool = False
              ) -> Callable[[Callable], Callable]:
    def register(judge: Callable) -> Callable:
        if rule in REGISTERED:
            raise ValueError(f"rule {rule} is registered twice ({REGISTERED[rule].judge.__name__}, {judge.__name__})")
        REGISTERED[rule] = Registration(rule, kind, judge, events, opening)
        return judge
    return register


def fact_rule(rule: str, *events: str, opening: bool = False) -> Callable[[Callable], Callable]:
    """Register a fact rule for promotions and appointments of the given event types; `opening`: it judges the
    opening's facts too (docs/domain.md §7: the others never do)."""
    return _register(rule, "fact", events, opening)


def unit_rule(rule: str) -> Callable[[Callable], Callable]:
    return _register(rule, "unit")


def person_rule(rule: str) -> Callable[[Callable], Callable]:
    return _register(rule, "person")


def registered(kind: Kind) -> list[Registration]:
    """The rules of a kind, in the order they run."""
    return [r for r in REGISTERED.values() if r.kind == kind]
