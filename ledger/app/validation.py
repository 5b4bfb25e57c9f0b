"""Validating a batch before it is recorded: drafts become numbered facts, checked against the timeline they would
join, refused with every problem found (nothing written) or returned as they would be stored.

The timeline a batch is checked against is either every recorded fact or the batch's scope read through the store's
fact index (`ledger.store.scoped`): the facts the batch can touch. Both give the same answer (a test checks it on a
generated city); which one is read is the application's choice (`PersonnelLedger.judge`, `append`). This module
reads nothing itself: it is given the facts, or a function that reads the scope once the batch's facts are known.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ledger.fold.scope import TimelineIndex
from ledger.fold.walk import batch_order, validate
from ledger.model.errors import Problem, Refused
from ledger.model.facts import Draft, Fact
from ledger.model.parsing import parse_fields
from ledger.store.scoped import Scope

ScopeReader = Callable[[list[Fact]], Scope]  # the batch's facts -> their scope, read through the fact index


@dataclass
class Judgement:
    """A batch that passed validation: its facts as they would be recorded (numbered, completed), and the recorded
    facts it was judged against."""

    new: list[Fact]
    recorded: list[Fact]  # every recorded fact, or the batch's scope read through the fact index
    index: TimelineIndex  # their index
    scope: Scope | None  # the scope read through the fact index (it serves the derived tables' catch-up after the save)
    needed: list[Fact] | None  # the part of `recorded` the batch's validation needed (None: all of it)

    @property
    def compared_with(self) -> list[Fact]:
        """What the compliance check at entry compares the batch against (`ledger.rules.entry`)."""
        return self.recorded if self.needed is None else self.needed


def numbered(drafts: Sequence[Draft], top: int) -> tuple[list[Fact], dict[int, int | None]]:
    """The drafts as facts numbered after event `top`, in an order they can be applied in (`batch_order`), and the
    line each came from; `Refused` with every field problem of every draft."""
    problems: list[Problem] = []
    parsed: list[tuple[Draft, dict[str, Any]]] = []
    for d in drafts:
        fields, probs = (dict(d.parsed), []) if d.parsed is not None else parse_fields(d.event, d.fields)
        problems += [Problem(p.code, p.message, d.line) for p in probs]
        if not probs:
            parsed.append((d, fields))
    if problems:
        raise Refused(problems)
    next_id = max(top, 1) + 1
    drafted = [Fact(0, d.event, fields["effective"], fields) for d, fields in parsed]
    lines: dict[int, int | None] = {}
    for n, i in enumerate(batch_order(drafted)):
        drafted[i].id = next_id + n
        lines[drafted[i].id] = parsed[i][0].line
    for d, fields in parsed:  # a correction's retraction names the batch's corrected fact
        if d.replaced_by is not None:
            fields["replacement"] = drafted[d.replaced_by].id
    return sorted(drafted, key=lambda f: f.id), lines


class Validator:
    """Judges batches; keeps the problems the whole recorded timeline already has (a new fact is not blamed for
    them), for the next batch judged against every fact."""

    def __init__(self) -> None:
        self._baseline: tuple[int, list[Problem]] | None = None

    def judge(self, recorded: list[Fact] | ScopeReader, index: TimelineIndex | None, top: int,
              drafts: Sequence[Draft]) -> Judgement:
        """The drafts as facts numbered after event `top`, validated against the `recorded` facts (every fact, with
        their `index`) or against the scope a `ScopeReader` reads for them; `Refused` with the problems they would
        bring into the timeline (their lines and ids named)."""
        new, lines = numbered(drafts, top)
        scope = None
        if callable(recorded):  # the batch's scope, read now that its facts are known
            scope = recorded(new)
            recorded, index = scope.facts, scope.index
        assert index is not None
        needed = index.scope(new)
        found = self._new_problems(recorded, needed, new, whole=scope is None)
        if found:
            raise Refused([Problem(p.code, p.message, lines.get(p.event_id), p.event_id) for p in found])
        return Judgement(new, recorded, index, scope, needed)

    def _new_problems(self, recorded: list[Fact], needed: list[Fact] | None, new: list[Fact],
                      whole: bool) -> list[Problem]:
        """Problems the batch would bring into the timeline (`needed`: the part of it the batch can affect, None: all
        of it). The new facts are completed on the way (defaults that depend on the timeline filled in). `whole`:
        `recorded` is every recorded fact (what it already had is kept for the next batch)."""
        found = validate([*(recorded if needed is None else needed), *new], completing=[f.id for f in new])
        if not found:  # the usual case: no need to know what the timeline already had
            return []
        if needed is not None:
            baseline = validate(needed)
        elif whole:
            baseline = self._baseline_problems(recorded)
        else:
            baseline = validate(recorded)
        return [p for p in found if p not in baseline]

    def _baseline_problems(self, facts: list[Fact]) -> list[Problem]:
        top = facts[-1].id if facts else 0
        if self._baseline is None or self._baseline[0] != top:
            self._baseline = (top, validate(facts))
        return self._baseline[1]
