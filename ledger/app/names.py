"""People and units by what a clerk knows of them: a name, its pinyin initials, part of an id, a unit's name.

Two uses, one place. `find` lists everyone a text could mean (`ledger find`). `resolve_person`/`resolve_unit`
turn a name typed where an id or a unit code is asked into that id — a unique match is used (and said, so the
clerk sees whom the command is about), several are refused with their ids and units, and a name matching none
is the ledger's own "no person …"/"no unit …". Text shaped like an id is taken as one
without reading the ledger: commands given ids cost what they did.

Matching reads the folded state (everyone the ledger ever named, or on a date); it holds no rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from ledger.model.errors import NotFound, Problem, Refused, no_unit
from ledger.model.i18n import _, ngettext
from ledger.model.parsing import typed_as_id
from ledger.model.state import AssistantState, PersonState, State, roster_sort_key


class Resolved(NamedTuple):
    """What a typed person or unit came to: the id to use, and, when a name was turned into it, the line saying so."""

    id: str
    said: str | None = None


@dataclass(frozen=True)
class Match:
    """One person (or assistant) a text may mean, as `ledger find` shows them."""

    person: str
    name: str
    unit: str
    unit_name: str | None
    section: str | None
    posts: tuple[str, ...]
    rank: str | None
    status: str  # active / seconded / left / assistant / released

    def as_json(self) -> dict[str, Any]:
        """The `ledger find --json` shape of a person (a contract)."""
        return {"person": self.person, "name": self.name, "unit": self.unit, "unit_name": self.unit_name,
                "section": self.section, "posts": list(self.posts), "rank": self.rank, "status": self.status}

    @property
    def where(self) -> str:
        """Unit and section, for a refusal listing several matches."""
        return (self.unit_name or self.unit) + (f" {self.section}" if self.section else "")


def name_key(text: str) -> str:
    """A name as compared: without spaces (张 三 is 张三), letters in lower case."""
    return "".join(text.split()).lower()


def _person(state: State, p: PersonState | AssistantState) -> Match:
    unit = state.units.get(p.unit)
    if isinstance(p, AssistantState):
        return Match(p.person, p.name, p.unit, unit.name if unit else None, None, (p.role,), None,
                     "released" if p.left is not None else "assistant")
    return Match(p.person, p.name, p.unit, unit.name if unit else None, p.section,
                 tuple(f"{x.section or ''}{x.post}" for x in p.posts), p.rank, p.status)


def _everyone(state: State) -> list[Match]:
    """Staff (leaders first, as the roster orders them), those who left, then assistants."""
    staff = sorted(state.people.values(), key=lambda p: (p.left is not None, roster_sort_key(p, state)))
    return [_person(state, p) for p in staff] + [_person(state, a) for a in state.assistants.values()]


def _initials(name: str) -> tuple[str, str]:
    """A name's pinyin initials and full pinyin, lower case: 孙悦 → ("sy", "sunyue")."""
    from pypinyin import Style, lazy_pinyin  # its dictionary loads in a moment: only when a text is searched

    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower(), "".join(lazy_pinyin(name)).lower()


def find(state: State, text: str, on: date | None = None) -> dict[str, Any]:
    """Everyone and every unit `text` may mean, in the `ledger find --json` shape: people whose name holds it, whose
    pinyin (initials or full) begins with it, whose id holds it, or who belong to a unit it names; units whose name
    holds it or whose code it is."""
    key = name_key(text)
    units = [u for u in state.units.values() if key and (key in name_key(u.name) or key == u.unit.lower())]
    unit_codes = {u.unit for u in units}
    people = []
    for m in _everyone(state):
        hit = key and (key in name_key(m.name) or key in m.person.lower() or m.unit in unit_codes)
        if not hit and key.isascii() and key.isalpha():
            initials, full = _initials(m.name)
            hit = initials.startswith(key) or full.startswith(key)
        if hit:
            people.append(m)
    return {"query": text, "as_of": on.isoformat() if on else None,
            "people": [m.as_json() for m in people],
            "units": [{"unit": u.unit, "name": u.name, "kind": u.kind, "parent": u.parent} for u in units]}


def _ambiguous_people(n: int) -> str:
    return ngettext("'{text}' names {count} person: {listed}; give the id",
                    "'{text}' names {count} people: {listed}; give the id", n)


def _ambiguous_units(n: int) -> str:
    return ngettext("'{text}' names {count} unit: {listed}; give the id",
                    "'{text}' names {count} units: {listed}; give the id", n)


def _pick(found: list[tuple[str, str]], text: str, what: Callable[[int], str], none: str) -> Resolved:
    """One (id, description) found: used, and said; none: `NotFound(none)`; several: refused, listing them."""
    if len(found) == 1:
        return Resolved(found[0][0], _("{text} → {id}（{what}）").format(text=text, id=found[0][0], what=found[0][1]))
    if not found:
        raise NotFound(none)
    listed = "; ".join(f"{i}（{d}）" for i, d in found)
    raise Refused([Problem("ambiguous_name", what(len(found)).format(text=text, count=len(found), listed=listed))])


def pinyin_key(name: str, key: str) -> bool:
    """Whether `key` (a name_key) is the name's pinyin initials or its whole pinyin: lx or linxiao for 林晓."""
    return key.isascii() and key.isalpha() and key in _initials(name)


def resolve_person(state: State, text: str) -> Resolved:
    """The id of the person (or assistant) `text` names: an id (in any case), the whole name, else the name's pinyin
    initials or whole pinyin; an id-shaped text with no lower-case letter is used as it is."""
    if typed_as_id(text):
        return Resolved(text)
    key = name_key(text)  # the whole name: a part of one (a surname) is `ledger find`'s, never a command's subject
    everyone = _everyone(state)
    if any(m.person == text for m in everyone):
        return Resolved(text)
    found = ([m for m in everyone if m.person.lower() == key] or [m for m in everyone if name_key(m.name) == key]
             or [m for m in everyone if pinyin_key(m.name, key)])
    return _pick([(m.person, f"{m.name}，{m.where}") for m in found], text, _ambiguous_people,
                 _("no person '{text}' in the ledger (no id, and no one of that name)").format(text=text))


def resolve_unit(state: State, text: str) -> Resolved:
    """The code of the unit `text` names: its code (in any case), its whole name, else the one unit whose name holds
    it (文化馆 for 区文化馆), else its name's pinyin initials; a code-shaped text with no lower-case letter is used as
    it is."""
    if typed_as_id(text):
        return Resolved(text)
    key = name_key(text)
    units = list(state.units.values())
    if any(u.unit == text for u in units):
        return Resolved(text)
    found = ([u for u in units if u.unit.lower() == key] or [u for u in units if name_key(u.name) == key]
             or [u for u in units if key and key in name_key(u.name)] or [u for u in units if pinyin_key(u.name, key)])
    return _pick([(u.unit, u.name) for u in found], text, _ambiguous_units, no_unit(text, "any date", state.units))


def unit_tree(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`units` (dicts with "unit" and "parent", as `Queries.units` answers) in tree order — each parent before its
    children, siblings in the order given — each with its "depth" (0: a top unit)."""
    codes = {u["unit"] for u in units}
    children: dict[str | None, list[dict[str, Any]]] = {}
    for u in units:
        children.setdefault(u["parent"] if u["parent"] in codes else None, []).append(u)
    out: list[dict[str, Any]] = []
    placed: set[str] = set()

    def walk(parent: str | None, depth: int) -> None:
        for u in children.get(parent, []):
            if u["unit"] not in placed:  # a unit is placed once, whatever the data says
                placed.add(u["unit"])
                out.append({**u, "depth": depth})
                walk(u["unit"], depth + 1)

    walk(None, 0)
    return out
