"""The materialised timeline's second time axis: what the ledger believed, and from which recording until which.

A *step* is one recording: a run of consecutive events that carry the same recorded time (an append stamps its
whole batch with one moment, so a batch is one step; a store written before that has a step per event). Its
`position` is the id of its last event. As known at a moment T, the ledger holds exactly the steps recorded by T,
which — recorded times rising with the stream — are the steps up to one position P(T).

Each interval row then carries `recorded_from ≤ P < recorded_to`: the steps during which the ledger believed it.
A back-dated fact or a retraction closes the beliefs it changes at its step and opens the new ones; a row still
believed has `recorded_to = OPEN`. `history` derives those rows with the fold's own walk (`intervals.derive` of the
facts known at each step), re-deriving at each step only the people (and, for a structure fact, the units) the
step can change (`ledger.fold.scope`), so a million-event import that is one step costs one derivation.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from ledger.fold.scope import STRUCTURE, TimelineIndex
from ledger.model.facts import Fact, fact_id
from ledger.store.derived import derive_whole

OPEN = 2 ** 62  # recorded_to of a belief the ledger still holds
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Step = tuple[int, int, int, int]  # (first index in the facts, index after its last, position, recorded µs)
# A derivation of facts for some people (None: everyone): (person rows, unit rows), as `intervals.derive` gives them
Derive = Callable[[list[Fact], set[str] | None], tuple[list[tuple], list[tuple]]]
Affected = Callable[[list[Fact]], tuple[set[str], bool]]
# The facts (structure facts aside) that rows of these keys derive from, in id order, each once
FactsOf = Callable[[set[str]], list[Fact]]


def micros(moment: datetime | None) -> int:
    """A recorded time as whole microseconds since 1970 (UTC); a naive moment is taken as UTC."""
    if moment is None:
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - EPOCH) // timedelta(microseconds=1)


def steps_of(facts: list[Fact], start: int = 0, steps: list[Step] | None = None) -> list[Step]:
    """The recordings of `facts` (in id order) from index `start` on, appended to `steps`; a run cut at `start`
    (the last step of an earlier call) is extended."""
    out = steps if steps is not None else []
    if out and 0 < start < len(facts) and out[-1][1] == start:
        first, _end, _pos, rec = out[-1]
        if facts[start].recorded is not None and micros(facts[start].recorded) == rec:
            out.pop()
            start = first
    i, n = start, len(facts)
    while i < n:
        rec = facts[i].recorded
        j = i + 1
        if rec is not None:
            while j < n and facts[j].recorded == rec:
                j += 1
        out.append((i, j, facts[j - 1].id, micros(rec)))
        i = j
    return out


def history(facts: list[Fact], steps: list[Step], index: TimelineIndex, derive: Derive, affected: Affected,
            people: set[str] | None = None, facts_of: FactsOf | None = None, after: int = 0,
            held: dict[str, dict[tuple, int]] | None = None, held_units: dict[tuple, int] | None = None,
            ) -> tuple[list[tuple], list[tuple]]:
    """The bitemporal rows of `people` (None: everyone) and of every unit: each row `derive` gives, with the
    positions from and until which the ledger believed it appended.

    Rows are keyed by their first column: a person (the timeline), or a unit (the unit figures: give `facts_of`,
    the facts a set of keys derives from; by default a key's facts are the person's own).

    A writer catching up passes `after` (the last event the stored rows hold) with `held` and `held_units`, the
    stored rows still believed (key -> {row without its key: recorded_from}): beliefs already closed never change,
    so only the recordings since are derived, and the rows returned are those closed since and those still open.
    """
    open_people: dict[str, dict[tuple, int]] = held if held is not None else {}  # key -> {row: recorded_from}
    open_units: dict[tuple, int] = held_units if held_units is not None else {}
    people_out: list[tuple] = []
    units_out: list[tuple] = []
    structure_ids = [f.id for f in index.by_subject[STRUCTURE]]
    plan = _plan(facts, steps, index, affected, people, structure_ids, facts_of)
    for _first, end, position, whom, structural in plan:
        if position <= after:
            continue
        if whom is None:
            rows, units = derive(facts[:end], None)
        else:
            subset = index.by_subject[STRUCTURE][:bisect_left(structure_ids, position + 1)]
            if facts_of is None:
                for pid in whom:
                    subset.extend(f for f in index.by_subject.get(pid, ()) if f.id <= position)
            else:
                theirs = facts_of(whom)
                subset.extend(theirs[:bisect_left(theirs, position + 1, key=fact_id)])
            rows, units = derive(subset, whom)
        believed: dict[str, set[tuple]] = {}
        for r in rows:
            believed.setdefault(r[0], set()).add(r[1:])
        for pid in (set(open_people) | set(believed)) if whom is None else whom:
            for row, since in _move(open_people.setdefault(pid, {}), believed.get(pid, set()), position):
                people_out.append((pid, *row, since, position))
        if structural:
            units_out += [(*row, since, position) for row, since in _move(open_units, set(units), position)]
    for pid, held in open_people.items():
        people_out += [(pid, *row, since, OPEN) for row, since in held.items()]
    units_out += [(*row, since, OPEN) for row, since in open_units.items()]
    return people_out, units_out


def _move(held: dict[tuple, int], believed: set[tuple], position: int) -> list[tuple[tuple, int]]:
    """Open the beliefs new at `position`; close those no longer held, and return them with their start."""
    if not held:  # (a first derivation: every key's rows are new)
        held.update(dict.fromkeys(believed, position))
        return []
    closed = [(r, held.pop(r)) for r in [r for r in held if r not in believed]]
    for row in believed:
        held.setdefault(row, position)
    return closed


def _plan(facts: list[Fact], steps: list[Step], index: TimelineIndex, affected: Affected, people: set[str] | None,
          structure_ids: list[int], facts_of: FactsOf | None = None,
          ) -> Iterator[tuple[int, int, int, set[str] | None, bool]]:
    """The steps that can change the rows of `people` (None: everyone), each with whom it can change (None:
    everyone) and whether it changes the units: (first, end, position, whom, structural)."""
    if people is None:
        for first, end, position, _rec in steps:
            if derive_whole(first, end - first, end):  # the first step, or one recording most of the facts
                yield first, end, position, None, True
            else:
                whom, structural = affected(facts[first:end])
                if whom or structural:
                    yield first, end, position, whom, structural
        return
    ends = [s[2] for s in steps]
    touched: dict[int, set[str]] = {}
    if facts_of is None:
        for pid in people:
            for f in index.by_subject.get(pid, ()):
                touched.setdefault(bisect_left(ends, f.id), set()).add(pid)
    else:  # keys whose facts are shared (a unit's people): every key asked about, at each step touching any
        for f in facts_of(people):
            touched[bisect_left(ends, f.id)] = people
    structural_steps = {bisect_left(ends, i) for i in structure_ids}
    for n in sorted(touched.keys() | structural_steps):
        first, end, position, _rec = steps[n]
        if n in structural_steps:  # whom a structure fact changes: at most everyone asked about
            yield first, end, position, set(people), True
        else:
            yield first, end, position, touched[n], False
