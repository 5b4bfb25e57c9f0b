"""`Staffing`: who is on each unit's establishment, and how many per establishment type and per post, kept up to
date fact by fact.

`State.staff(unit)` scans every person; a walk that judges quotas day after day (validation, the compliance
rules) would pay O(city) per day. This index pays O(1) per fact instead. It reads the state; call `place(person)`
after every fact about a person.
"""

from __future__ import annotations

from collections import Counter

from ledger.model.state import PersonState, State

Place = tuple[str, str, frozenset[str]]  # unit, establishment type, posts held


class Staffing:
    def __init__(self, state: State):
        self.state = state
        self._where: dict[str, Place] = {}
        self._members: dict[str, set[str]] = {}
        self._establishment: dict[str, Counter[str]] = {}
        self._posts: dict[str, Counter[str]] = {}
        self._changed: set[str] = set()

    def place(self, person: str) -> None:
        """Take in where the person is now (after a fact about them)."""
        p = self.state.people.get(person)
        now = (p.unit, p.establishment, frozenset(x.post for x in p.posts)) if p is not None and p.left is None \
            else None
        was = self._where.get(person)
        if now == was:
            return
        for place, step in ((was, -1), (now, 1)):
            if place is None:
                continue
            unit, establishment, posts = place
            members = self._members.setdefault(unit, set())
            members.add(person) if step > 0 else members.discard(person)
            self._establishment.setdefault(unit, Counter())[establishment] += step
            held = self._posts.setdefault(unit, Counter())
            for post in posts:
                held[post] += step
            self._changed.add(unit)
        if now is None:
            del self._where[person]
        else:
            self._where[person] = now

    def headcount(self, unit: str, establishment: str) -> int:
        """People on the unit's establishment of this type (`State.headcount`)."""
        return self._establishment.get(unit, Counter())[establishment]

    def holders(self, unit: str, post: str) -> int:
        """People holding the post in the unit (`len(State.post_holders)`)."""
        return self._posts.get(unit, Counter())[post]

    def establishments(self, unit: str) -> Counter[str]:
        return self._establishment.get(unit, Counter())

    def staff(self, unit: str) -> list[PersonState]:
        """The unit's people on establishment, by id."""
        people = self.state.people
        return [people[pid] for pid in sorted(self._members.get(unit, ()))]

    def unit_changed(self, unit: str) -> None:
        """Note a change to the unit's quotas (its counts are unchanged, but their judgement is not)."""
        self._changed.add(unit)

    def take_changed(self) -> set[str]:
        """The units whose counts or quotas changed since the last call."""
        changed, self._changed = self._changed, set()
        return changed
