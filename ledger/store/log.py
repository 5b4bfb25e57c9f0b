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
from ledger.store.aggregate import QUARANTINE_TOPIC, TOPIC_NAMES
from ledger.store.codec import EFFECTIVE_MARK, Codec, to_fact
from ledger.store.row_rules import (
    MAX_STORED_BYTES,
    ForeignRow,
    check,
    check_shape,
    foreign,
    refuse_or_skip,
    unreadable,
)
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
        # Rows the owner set aside (`ledger quarantine`): row version -> (the quarantine's version, actor, reason).
        # Read from the stream when a foreign row is first met; `pending` holds those a quarantine is recording.
        self.quarantined: dict[int, tuple[int, str, str]] = {}
        self.pending: set[int] = set()

    def quarantines(self) -> dict[int, tuple[int, str, str]]:
        """The owner's quarantines, read again from the stream."""
        found = {}
        for version, _topic, state in self.stream.with_topic(QUARANTINE_TOPIC):
            data = self.codec.decode(state)
            if isinstance(data.get("row"), int):
                found.setdefault(data["row"], (version, str(data.get("actor")), str(data.get("reason"))))
        self.quarantined = found
        return found

    def skip(self, version: int, _topic: str = "", _state: bytes = b"") -> bool:
        """Whether a row that is not the ledger's own was quarantined by the owner (so it is passed over)."""
        return version in self.pending or version in self.quarantined or version in self.quarantines()

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
        top = 0
        with paused_gc():
            for version, topic, state in self.stream.scan(after):
                top = version
                name = names.get(topic)
                if name is None or len(state) > MAX_STORED_BYTES:  # the stream's opening event, or a foreign row
                    if foreign(version, topic, len(state)) is not None:
                        refuse_or_skip(self.skip, version, topic, state)
                        continue  # quarantined: not read, not chained onto
                    last = (version, state)
                    continue
                try:
                    facts.append(check_shape(read(version, name, state)))
                except ForeignRow:
                    if not self.skip(version):
                        raise
                    continue
                except (KeyError, TypeError, ValueError, AttributeError) as e:
                    if not self.skip(version):
                        raise unreadable(version, name, e) from None
                    continue
                last = (version, state)
        # The head: the last row's version, and the chain of the last row the ledger wrote (a new event chains onto
        # it, past any quarantined row; the typed decoders skip the chain).
        if last is not None:
            self.head = (top, self.codec.decode(last[1]).get("chain"))
        elif top and self.head is not None:
            self.head = (top, self.head[1])
        return facts

    def read_head(self) -> int:
        """The stream's last version, with the chain a new event links to, from its last row alone (no fact is read
        into memory: a writer validating against its scope only); 0 for a new store."""
        row = self.stream.last()
        if row is None:
            self.head = None
            return 0
        if foreign(row[0], row[1], len(row[2])) is not None and self.skip(row[0]):
            self.read()  # a quarantined row last: chain onto the last row the ledger wrote
            return self.head[0] if self.head else 0
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
                refuse_or_skip(self.skip, version, topic, state)
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
            try:
                f = check_shape(read(version, name, state))  # a row missing fields never reaches the fold
            except ForeignRow:
                if self.skip(version):
                    continue
                raise
            except (KeyError, TypeError, ValueError, AttributeError) as e:
                if self.skip(version):
                    continue
                raise unreadable(version, name, e) from None
            if not when or f.known_at(known_at):
                yield f
