"""Where a query's answer is read from, chosen in one place (`read_source`): the tables the writers derive from the
stream (`Materialised`: the timeline, the unit figures, the fact index — indexed queries, as known now or at a
moment) or the events themselves (`Folded`: the reference the derived tables are tested against).

Both answer the same questions — the roster, the units' figures, the facts of some subjects (people, or the
structure), the people ever in a unit, a unit's figures over time, every person's name — and
`tests/integration/test_read_sources_agree.py` asks each of them every question. The derived tables are served only
when they hold every recorded event (`derived_current`); a row that does not read, or recorded times that cannot say
what was known when, hand the question to the fold, with a notice saying so. Reads never write: a ledger opened for
reading with tables behind answers from the fold.

A question about one person or one unit reads only the facts that can change its answer (the fold of those equals
the fold of everything for it): every structure fact, and the facts of the people concerned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import orjson

from ledger.fold.scope import STRUCTURE
from ledger.fold.walk import fold
from ledger.model.errors import LedgerError, NotFound, no_unit
from ledger.model.facts import Fact
from ledger.model.i18n import _
from ledger.model.state import State
from ledger.read.roster import roster_view, unit_summary
from ledger.store.fact_index import IndexRows
from ledger.store.seals import TimelineMismatch
from ledger.store.unit_figures import decode_rows, derive_figures

if TYPE_CHECKING:
    from ledger.app.ledger import PersonnelLedger

Intervals = list[tuple[str, str, dict[str, Any]]]
FOLD, MATERIALISED = "fold", "materialised"


def derived_current(app: PersonnelLedger) -> bool:
    """Whether the derived tables hold every recorded event (and nothing more): only then are they served. When
    they do not, a notice says so (the answer comes from the events)."""
    position, top = app.timeline.current()
    if position != top:
        derived_notice(app, f"the materialised timeline holds events 1–{position} of {top}" if position < top
                       else f"the materialised timeline claims event {position}, but the ledger ends at event {top}")
    return position == top


def derived_notice(app: PersonnelLedger, what: str) -> None:
    """Tell the reader that an answer came from the events because the derived tables could not give it."""
    notice = f"{what}: answered from the events themselves (`ledger verify` checks the derived tables, " \
             "`ledger rebuild` re-derives them)"
    if notice not in app.notices:
        app.notices.append(notice)


def read_source(app: PersonnelLedger, known_at: datetime | None = None, prefer: str | None = None
                ) -> Materialised | Folded:
    """The one place that chooses: the derived tables when they hold every event and can say what was known at
    `known_at` (recorded times rising with the stream), else the fold. `prefer="fold"` asks the fold whatever
    (the reference; the tests ask both)."""
    if prefer != FOLD and derived_current(app):
        if known_at is None or app.timeline.known_position(known_at) is not None:
            return Materialised(app)
        derived_notice(app, "recorded times do not rise with the stream")
    return Folded(app)


class Folded:
    """Answers from the events themselves: every fact read (only what is new, after the first read), folded."""

    kind = FOLD

    def __init__(self, app: PersonnelLedger):
        self.app = app
        self._rows: IndexRows | None = None

    def roster(self, on: date, known_at: datetime | None = None, unit: str | None = None) -> dict[str, Any]:
        """The roster in the `ledger roster --json` shape; one unit's from the fold of the facts that can change it."""
        state = self.app.state(on, known_at) if unit is None else self.unit_state(unit, on, known_at)
        return roster_view(state, on, known_at, unit)

    def figures(self, on: date, known_at: datetime | None = None, unit: str | None = None) -> list[dict[str, Any]]:
        """Each unit's `ledger units --json` entry on `on` (`unit` alone, if given)."""
        if unit is not None:
            return [unit_summary(self.unit_state(unit, on, known_at), unit)]
        state = self.app.state(on, known_at)
        return [unit_summary(state, code) for code in state.units]

    def overview(self, on: date, known_at: datetime | None = None, unit: str | None = None
                 ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """`roster` and `figures` together, from one fold."""
        state = self.app.state(on, known_at) if unit is None else self.unit_state(unit, on, known_at)
        return roster_view(state, on, known_at, unit), [unit_summary(state, c) for c in ([unit] if unit else state.units)]

    def figure_intervals(self, unit: str, known_at: datetime | None = None) -> Intervals:
        """The intervals of the unit's figures as known at `known_at`, derived from the facts that can change them."""
        rows = derive_figures(self.unit_facts(unit), {unit}, known_at)
        return decode_rows(sorted((r[2], r[3], r[4]) for r in rows), orjson.loads)

    def facts_of(self, subjects: Iterable[str]) -> list[Fact]:
        """Every fact about these subjects (people's ids, or STRUCTURE), retractions of them included, in recording
        order."""
        facts, rows = self._indexed()
        wanted = set(subjects)
        return [f for f in facts if rows.subjects.get(f.id) in wanted]

    def person_facts(self, person: str) -> list[Fact]:
        """The structure facts and the person's own facts (and their retractions): all that can change their file."""
        return self.facts_of([STRUCTURE, person])

    def people_of(self, units: Iterable[str]) -> list[str]:
        """Everyone ever named with these units."""
        wanted = set(units)
        return sorted({person for u, person in self._indexed()[1].unit_people if u in wanted})

    def subjects(self, ids: Iterable[int]) -> dict[int, str]:
        """The subject of each of these facts."""
        rows = self._indexed()[1].subjects
        return {i: rows[i] for i in ids if i in rows}

    def person_names(self) -> list[tuple[str, str]]:
        """Every person's id and name (assistants too) the ledger ever named."""
        state = self.app.state()
        return [(p.person, p.name) for p in (*state.people.values(), *state.assistants.values())]

    def named_state(self, same_name: Callable[[str], bool] | None,
                    same_id: Callable[[str], bool] | None = None) -> State:
        """The state after every fact (what a name is looked up in)."""
        return self.app.state()

    def unit_facts(self, unit: str) -> list[Fact]:
        """The structure facts and the facts of everyone ever named with the unit: all that can change its figures."""
        return self.facts_of([STRUCTURE, *self.people_of([unit])])

    def unit_state(self, unit: str, on: date, known_at: datetime | None, facts: list[Fact] | None = None) -> State:
        """The fold on `on` of the facts that can change the unit (`facts`, if already read); the unit not there
        then is NotFound, worded as the whole fold words it."""
        state = fold(self.unit_facts(unit) if facts is None else facts, on, known_at)
        if unit not in state.units:
            raise NotFound(no_unit(unit, on, state.units))
        return state

    def _indexed(self) -> tuple[list[Fact], IndexRows]:
        """Every fact and the index's rows for them, derived in memory (what the fact index would hold)."""
        facts = self.app.facts()
        if self._rows is None or len(self._rows.subjects) < len(facts) - 1:
            self._rows = IndexRows.of(facts)
        return facts, self._rows


class Materialised(Folded):
    """Answers from the derived tables (indexed queries, no fold); what they cannot answer, the fold does."""

    kind = MATERIALISED

    def roster(self, on: date, known_at: datetime | None = None, unit: str | None = None) -> dict[str, Any]:
        timeline = self.app.timeline
        try:
            at = None if known_at is None else timeline.known_position(known_at)
            if known_at is not None and at is None:
                raise TimelineMismatch("recorded times do not rise with the stream")
            units, people, assistants = timeline.roster(on, unit, at)
            if unit is not None and unit not in units:
                known = timeline.units_on(on, at)
                raise NotFound(no_unit(unit, on, sorted(known, key=lambda u: known[u][0])))
            return {"as_of": on.isoformat(), "known_at": known_at.isoformat() if known_at else None,
                    "people": people, "assistants": assistants}
        except LedgerError:
            raise
        except TimelineMismatch as e:  # rows removed, added or edited since a writer sealed them
            derived_notice(self.app, str(e))
        except Exception as e:  # a row that no longer decrypts or decodes: its bytes were changed
            derived_notice(self.app, f"a row of the materialised timeline does not read ({type(e).__name__})")
        return super().roster(on, known_at, unit)

    def overview(self, on: date, known_at: datetime | None = None, unit: str | None = None
                 ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        return self.roster(on, known_at, unit), self.figures(on, known_at, unit)

    def figures(self, on: date, known_at: datetime | None = None, unit: str | None = None) -> list[dict[str, Any]]:
        timeline = self.app.timeline
        at = None if known_at is None else timeline.known_position(known_at)
        figures = timeline.figures(on, unit, at)
        if unit is not None and not figures:
            raise NotFound(no_unit(unit, on, [u["unit"] for u in timeline.figures(on, None, at)]))
        return figures

    def figure_intervals(self, unit: str, known_at: datetime | None = None) -> Intervals:
        if known_at is not None:  # the rows keep the figures as known now; earlier beliefs are derived
            return super().figure_intervals(unit, known_at)
        return self.app.timeline.figure_intervals(unit)

    @property
    def _index_whole(self) -> bool:
        """The fact index holds one subject per fact (rows removed or added show): else the fold's rows serve."""
        index = self.app.timeline.fact_index
        if index.complete(self.app.stream.top()):
            return True
        derived_notice(self.app, "the store's index of facts is behind the events or has rows removed or added")
        return False

    def facts_of(self, subjects: Iterable[str]) -> list[Fact]:
        index = self.app.timeline.fact_index
        return index.read(index.fact_ids(subjects)) if self._index_whole else super().facts_of(subjects)

    def people_of(self, units: Iterable[str]) -> list[str]:
        return sorted(self.app.timeline.fact_index.people_of(list(units))) if self._index_whole \
            else super().people_of(units)

    def subjects(self, ids: Iterable[int]) -> dict[int, str]:
        return self.app.timeline.fact_index.subjects(ids) if self._index_whole else super().subjects(ids)

    def person_names(self) -> list[tuple[str, str]]:
        return list(dict(self.app.timeline.fact_index.person_names()).items()) if self._index_whole \
            else super().person_names()

    def named_state(self, same_name: Callable[[str], bool] | None,
                    same_id: Callable[[str], bool] | None = None) -> State:
        """The units and the people recorded under a name `same_name` accepts (or with an id `same_id` does; None:
        no one), after every fact: a name is looked up at a city's scale as an id is."""
        if not self._index_whole:
            return super().named_state(same_name, same_id)
        names = self.app.timeline.fact_index.person_names()
        people = ({p for p, name in names if same_name(name) or (same_id is not None and same_id(p))}
                  if same_name is not None else set())
        return fold(self.facts_of([STRUCTURE, *sorted(people)]))


def facts_about(source: Folded, event_id: int) -> list[Fact]:
    """Every fact of the subject event `event_id` is about (its person's, or the structure's), retractions of them
    included, and of the subjects its corrections' replacements are about: what tells whether it still counts and
    what corrected it. None for no such event."""
    subjects = set(source.subjects([event_id]).values())
    facts = source.facts_of(subjects) if subjects else []
    while True:
        replacements = {f.data["replacement"] for f in facts if f.event == "retracted" and f.data.get("replacement")}
        more = set(source.subjects(replacements).values()) - subjects
        if not more:
            return facts
        subjects |= more
        facts = source.facts_of(subjects)


def person_history(source: Folded, person: str) -> tuple[list[Fact], list[Fact]]:
    """The person's facts and the retractions of them, in effective order, and every fact of the person's subject
    (retractions of retractions too: what settles which stand)."""
    mine = source.facts_of([person])
    own = [f for f in mine if f.person == person]
    if not own:
        raise NotFound(_("no person '{person}' in the ledger").format(person=person))
    ids = {f.id for f in own}
    listed = own + [f for f in mine if f.event == "retracted" and f.data["target"] in ids]
    return sorted(listed, key=lambda f: (f.effective, f.id)), mine


def ledger_span(app: PersonnelLedger) -> dict[str, Any]:
    """The first and the last recorded fact's effective date and recorded time, and how many events are stored:
    the ends of the web view's sliders (two rows read by version, whatever the ledger's size)."""
    stream = app.fact_log.stream
    top = stream.top()
    ends = sorted(app.codec.facts(stream.at(sorted({2, top})), app.fact_log.met), key=lambda f: f.id) if top >= 2 else []
    first, last = (ends[0], ends[-1]) if ends else (None, None)

    def moment(t: datetime | None) -> str | None:
        return t.isoformat() if t else None

    return {"events": top, "first_effective": first.effective.isoformat() if first else None,
            "last_effective": last.effective.isoformat() if last else None,
            "first_recorded": moment(first.recorded) if first else None,
            "last_recorded": moment(last.recorded) if last else None}
