"""The fact log: the stream's facts read into memory, in recording order, and what the store keeps beside them.

`FactLog.read()` reads only the rows recorded since the last read. Beside the facts it keeps the stream's head
(version and chain of the last row read: the seal chains new events onto it) and the scope index of
`ledger.fold.scope` (facts by person and unit, for scoped validation and the timeline's catch-up). A process
that has read nothing yet folds the stream without keeping it (`stream_counting`): the cold fold of a city.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from ledger.fold.scope import TimelineIndex
from ledger.fold.walk import PRECEDENCE, fold, fold_ordered, retracted_ids
from ledger.model.facts import Fact
from ledger.model.state import State
from ledger.store.aggregate import TOPIC_NAMES
from ledger.store.codec import EFFECTIVE_MARK, Codec, to_fact
from ledger.store.row_rules import MAX_STORED_BYTES, check, check_shape, unreadable
from ledger.store.stream import EventStream


@contextmanager
def paused_gc() -> Iterator[None]:
    """Python's cyclic GC paused while a bulk read or import allocates (a city's million events make objects
    without cycles): each full collection would otherwise walk the whole, growing heap again — at 1,000,000
    events that was a third of an import."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class FactLog:
    """The facts of one stream read so far (retractions included), in recording order."""

    def __init__(self, stream: EventStream, codec: Codec):
        self.stream = stream
        self.codec = codec
        self._facts: list[Fact] = []
        self._index = TimelineIndex()
        self.head: tuple[int, str | None] | None = None  # (version, chain) of the last stored row read

    @property
    def loaded(self) -> bool:
        """Whether any fact has been read into memory (a cold process has none)."""
        return bool(self._facts)

    def read(self) -> list[Fact]:
        """Every recorded fact, in recording order, reading only what was recorded since the last read."""
        facts = self._facts
        after = facts[-1].id if facts else 0
        read, names = self.codec.fact_reader(), TOPIC_NAMES
        last: tuple[int, bytes] | None = None
        with paused_gc():
            for version, topic, state in self.stream.scan(after):
                last = (version, state)
                name = names.get(topic)
                if name is None or len(state) > MAX_STORED_BYTES:  # the stream's opening event, or a foreign row
                    check(version, topic, state)
                    continue
                try:
                    facts.append(check_shape(read(version, name, state)))
                except (KeyError, TypeError, ValueError, AttributeError) as e:
                    raise unreadable(version, name, e) from None
        if last is not None:  # the head: the last row's version and chain (the typed decoders skip the chain)
            self.head = (last[0], self.codec.decode(last[1]).get("chain"))
        return facts

    def read_head(self) -> int:
        """The stream's last version, with the chain a new event links to, from its last row alone (no fact is read
        into memory: a writer validating against its scope only); 0 for a new store."""
        row = self.stream.last()
        if row is None:
            self.head = None
            return 0
        check(row[0], row[1], row[2])  # a writer never chains onto a row it would not have written
        self.head = (row[0], self.codec.decode(row[2]).get("chain"))
        return row[0]

    def chain_before(self, version: int) -> str | None:
        """The chain of the event before `version` (reading the stream if the log is behind it); None when the
        stream does not end there: the aggregate being saved is stale, and its save will meet a version conflict."""
        if self.head is None or self.head[0] != version - 1:
            self.read()
        if self.head is None or self.head[0] != version - 1:
            return None
        return self.head[1]

    def scope_index(self) -> TimelineIndex:
        """The scope index of the facts read so far (no new read: it must match the facts a caller validated)."""
        self._index.sync(self._facts)
        return self._index

    def state(self, on: date | None = None, known_at: datetime | None = None) -> State:
        """The fold of every recorded fact on `on`, as known at `known_at`; streamed when nothing was read yet."""
        if not self._facts:
            with paused_gc():
                return fold_ordered(self.stream_counting(on, known_at), on)
        facts = self.read()
        with paused_gc():
            return fold(facts, on, known_at)

    def stream_counting(self, on: date | None, known_at: datetime | None) -> Iterator[Fact]:
        """`counting_facts(self.read(), known_at)` up to `on`, in `fold_order`, each fact built only when applied.

        One scan keeps each counting event as (effective, PRECEDENCE, id, name, stored bytes) — its effective
        date sliced from the stored JSON's text (ISO bytes sort as the dates do) — and decodes the few
        retractions; the sorted list is then decoded one event at a time. ~0.5 KB an event instead of a `Fact`
        with its dict (~1.3 KB).
        """
        limit = on.isoformat().encode() if on is not None else None
        days: dict[bytes, bytes] = {}  # one object per day, shared by its events
        keep: list[tuple[bytes, int, int, str, bytes]] = []
        retractions: list[Fact] = []
        codec, names, precedence, mark = self.codec, TOPIC_NAMES, PRECEDENCE, EFFECTIVE_MARK
        clear, skip = codec.cipher is None and codec.compressor is None, len(EFFECTIVE_MARK)
        for version, topic, state in self.stream.scan(0):
            name = names.get(topic)
            if name is None or len(state) > MAX_STORED_BYTES:  # the stream's opening event, or a foreign row
                check(version, topic, state)
                continue
            if name == "retracted":
                retractions.append(to_fact(version, name, codec.decode(state)))
                continue
            at = state.find(mark) if clear else -1
            if at >= 0:
                at += skip
                eff = state[at:at + 10]
            else:  # encrypted or compressed bytes (or another layout): decode to learn the date
                eff = codec.effective(state).encode()
            if limit is not None and eff > limit:
                continue
            keep.append((days.setdefault(eff, eff), precedence[name], version, name, state))
        gone = retracted_ids(retractions, known_at)
        keep.sort()
        when = known_at is not None
        read = codec.fact_reader(when)
        for i, (_eff, _p, version, name, state) in enumerate(keep):
            keep[i] = None  # type: ignore[call-overload]  # let the applied events go
            if version in gone:
                continue
            f = read(version, name, state)
            if not when or f.known_at(known_at):
                yield f
