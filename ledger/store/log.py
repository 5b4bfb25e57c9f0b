"""The fact log: the stream's facts read into memory, in recording order, and what the store keeps beside them.

`FactLog.read()` reads only the rows recorded since the last read. Beside the facts it keeps the stream's head
(version and chain of the last row read: the seal chains new events onto it) and the scope index of
`ledger.fold.scope` (facts by person and unit, for scoped validation and the timeline's catch-up). A process
that has read nothing yet folds the stream without keeping it (`stream_counting`): the cold fold of a city.
"""

from __future__ import annotations

import gc
from bisect import bisect_left
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime

from ledger.fold.scope import TimelineIndex
from ledger.fold.walk import PRECEDENCE, fold, fold_ordered, retracted_ids
from ledger.model.facts import Fact
from ledger.model.i18n import _
from ledger.model.state import State
from ledger.store.aggregate import QUARANTINE_TOPIC, TOPIC_NAMES
from ledger.store.codec import EFFECTIVE_MARK, Codec, to_fact
from ledger.store.row_rules import MAX_STORED_BYTES, ForeignRow, check_shape, foreign, unreadable
from ledger.store.stream import EventStream
from ledger.store.vetting import ARRIVALS, Vetter

NAMED = "; `ledger verify` names it"


def reason(e: ForeignRow) -> str:
    """Why a row is foreign, as a refusal said it (without its closing words)."""
    return str(e).removesuffix(NAMED)


def refusal(version: int, why: str) -> str:
    """A writer's refusal of foreign row `version`: nothing is recorded after it until the owner sets it aside."""
    return (f"{why}; nothing was written: no fact is recorded after event {version} until the owner sets it aside "
            f"(`ledger quarantine {version} --reason …`); `ledger verify` names it")


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
    """The facts of one stream read so far (retractions included), in recording order.

    A row the ledger would not have written (`ledger.store.row_rules`, `ledger.store.vetting`) is never read as a
    fact. A reader passes over it with a notice naming it (once per row); a writer (`writing()`) is refused,
    naming it, until the owner quarantines it. Rows up to `vetted()` (the position the derived tables hold: they
    take in only vetted rows) are checked alone; the rows after it also for their place, chain and entry rules.
    """

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
        # Foreign rows met and passed over (not quarantined): version -> why. A writer is refused while any is.
        self.foreign: dict[int, str] = {}
        self.notices: list[str] = []  # what a reader is told (the application's notices)
        self.notes: dict[int, str] = {}  # the notice given for each foreign row: once per row
        self.refusing = False  # in a writer's turn: a foreign row refuses instead of being passed over
        self.vetted: Callable[[], int] = lambda: 0  # the last row vetted already (the derived tables' position)
        self.known_person: Callable[[str], bool] | None = None  # a person recorded before the tail (fact index)
        self._mark: int | None = None
        self._taken: tuple[int, str | None] = (0, None)  # the last row read and accepted (or passed): version, chain

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

    @contextmanager
    def writing(self) -> Iterator[None]:
        """A writer's turn: a foreign row met (or met before) refuses, naming it, instead of being passed over."""
        was, self.refusing = self.refusing, True
        try:
            self.refuse_foreign()
            yield
        finally:
            self.refusing = was

    def refuse_foreign(self) -> None:
        """Refuse (`ForeignRow`) when a foreign row met so far is not quarantined."""
        for version in sorted(self.foreign):
            if self.skip(version):
                del self.foreign[version]
            else:
                raise ForeignRow(refusal(version, self.foreign[version]), version)

    def met(self, version: int, why: str) -> bool:
        """A row the ledger would not have written: True to pass over it (quarantined by the owner, or noted for
        a reader); a writer is refused (`ForeignRow`)."""
        if self.skip(version):
            return True
        self.foreign.setdefault(version, why)
        if self.refusing:
            raise ForeignRow(refusal(version, why), version)
        note = _("event {version} was passed over: {why}; `ledger verify` names it, and the owner sets it aside "
                 "with `ledger quarantine {version} --reason …`").format(version=version, why=why)
        if version not in self.notes:
            self.notes[version] = note
            self.notices.append(note)
        return True

    def mark(self) -> int:
        """The last row vetted already (asked once)."""
        if self._mark is None:
            try:
                self._mark = self.vetted()
            except Exception:  # the derived tables cannot be read: vet every row
                self._mark = 0
        return self._mark

    @property
    def loaded(self) -> bool:
        """Whether any fact has been read into memory (a cold process has none)."""
        return bool(self._facts)

    def read(self) -> list[Fact]:
        """Every recorded fact, in recording order, reading only what was recorded since the last read."""
        facts = self._facts
        after, chain = self._taken
        read, names = self.codec.fact_reader(), TOPIC_NAMES
        mark = self.mark()
        vetter: Vetter | None = None
        last: tuple[int, bytes] | None = None  # the last row taken in: version, stored bytes
        top = 0
        with paused_gc():
            for version, topic, state in self.stream.scan(after):
                top = version
                if version > mark and vetter is None:  # the tail: every row checked as the writer writes it
                    if last is not None:
                        chain = self.codec.decode(last[1]).get("chain")
                    vetter = Vetter(after if last is None else last[0], chain, self.codec.decode,
                                    self._known_before(facts))
                if vetter is not None:
                    why = vetter.row(version, topic, state)
                    if why is not None:
                        self.met(version, why)
                        continue
                name = names.get(topic)
                if name is None or len(state) > MAX_STORED_BYTES:  # the stream's opening event, or a foreign row
                    why = foreign(version, topic, len(state))
                    if why is not None:
                        self.met(version, why)
                        continue  # not read, not chained onto
                    if vetter is not None:
                        vetter.accept()
                    if topic == QUARANTINE_TOPIC:
                        self._set_aside(facts, version, state)
                    last = (version, state)
                    continue
                try:
                    fact = check_shape(read(version, name, state))
                    why = vetter.fact(fact) if vetter is not None else None
                except ForeignRow as e:
                    why = reason(e)
                except (KeyError, TypeError, ValueError, AttributeError) as e:
                    why = reason(unreadable(version, name, e))
                if why is not None:
                    self.met(version, why)
                    continue
                if vetter is not None:
                    vetter.accept()
                facts.append(fact)
                last = (version, state)
        # The head: the last row's version, and the chain of the last row the ledger wrote (a new event chains onto
        # it, past any row passed over; the typed decoders skip the chain).
        if last is not None:
            self._taken = (last[0], self.codec.decode(last[1]).get("chain"))
            self.head = (top, self._taken[1])
        elif top and self.head is not None:
            self.head = (top, self.head[1])
        elif top:
            self.head = (top, self._taken[1])
        return facts

    def _quarantined_row(self, version: int, state: bytes) -> int:
        """The row a quarantine event (at `version`) sets aside, noted as quarantined; 0 if it names none."""
        row = self.codec.decode(state).get("row")
        if not isinstance(row, int):
            return 0
        self.quarantined.setdefault(row, (version, "", ""))
        return row

    def _set_aside(self, facts: list[Fact], version: int, state: bytes) -> None:
        """A quarantine met while reading: the row it sets aside, if it was read as a fact (it passed the checks
        of a row alone, before the quarantine), is taken out of the facts read."""
        row = self._quarantined_row(version, state)
        at = bisect_left(facts, row, key=lambda f: f.id)
        if at < len(facts) and facts[at].id == row:
            del facts[at]
            self._index = TimelineIndex()  # indexed with it: index again

    def _known_before(self, facts: list[Fact]) -> Callable[[str], bool]:
        """Whether a person was brought in by a fact read before the tail."""
        people: set[str] | None = None

        def known(person: str) -> bool:
            nonlocal people
            if people is None:
                people = {p for f in facts if f.event in ARRIVALS and isinstance(p := f.data.get("person"), str)}
            return person in people

        return known

    def vetted_since(self, low: int) -> tuple[list[Fact], int]:
        """The facts recorded after event `low`, each row vetted as the writer writes it, up to the first foreign
        row not quarantined (passed over with a notice, or refused in a writer's turn): what the derived tables take
        in. Returns the facts and the last row they cover (the derived tables' new position)."""
        chain = None
        if low:
            found = list(self.stream.at([low]))
            chain = self.codec.decode(found[0][2]).get("chain") if found else None
        known = self.known_person or (lambda person: False)
        vetter = Vetter(low, chain, self.codec.decode, known)
        read, names = self.codec.fact_reader(), TOPIC_NAMES
        facts: list[Fact] = []
        end = low
        for version, topic, state in self.stream.scan(low):
            why = vetter.row(version, topic, state)
            name = names.get(topic)
            fact = None
            if why is None and name is not None:
                try:
                    fact = check_shape(read(version, name, state))
                    why = vetter.fact(fact)
                except ForeignRow as e:
                    why = reason(e)
                except (KeyError, TypeError, ValueError, AttributeError) as e:
                    why = reason(unreadable(version, name, e))
            if why is not None:
                if self.skip(version):  # quarantined: passed over, not chained onto
                    end = version
                    continue
                self.met(version, why)
                break  # nothing after a foreign row is taken in until the owner sets it aside
            vetter.accept()
            if fact is not None:
                facts.append(fact)
            end = version
        return facts, end

    def first_foreign(self) -> int | None:
        """The first foreign row met and not quarantined (the derived tables stop before it)."""
        rows = [v for v in self.foreign if not self.skip(v)]
        return min(rows) if rows else None

    def read_head(self) -> int:
        """The stream's last version, with the chain a new event links to, from its last row alone (no fact is read
        into memory: a writer validating against its scope only); 0 for a new store."""
        row = self.stream.last()
        if row is None:
            self.head = None
            return 0
        why = foreign(row[0], row[1], len(row[2]))
        if why is not None and self.met(row[0], why):  # (a writer is refused here)
            self.read()  # a row passed over last: chain onto the last row the ledger wrote
            return self.head[0] if self.head else 0
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
        aside: set[int] = set()
        codec, names, precedence, mark = self.codec, TOPIC_NAMES, PRECEDENCE, EFFECTIVE_MARK
        clear, skip = codec.cipher is None and codec.compressor is None, len(EFFECTIVE_MARK)
        tail, vetter, accepted = self.mark(), None, None
        check_fact = codec.fact_reader()
        for version, topic, state in self.stream.scan(0):
            if version > tail:  # after the derived tables' position: each row checked as the writer writes it
                if vetter is None:
                    chain = codec.decode(accepted[1]).get("chain") if accepted is not None else None
                    vetter = Vetter(accepted[0] if accepted is not None else 0, chain, codec.decode,
                                    self.known_person or (lambda person: False))
                why = vetter.row(version, topic, state)
                if why is None and names.get(topic) is not None:
                    try:
                        why = vetter.fact(check_shape(check_fact(version, names[topic], state)))
                    except ForeignRow as e:
                        why = reason(e)
                    except (KeyError, TypeError, ValueError, AttributeError) as e:
                        why = reason(unreadable(version, names[topic], e))
                if why is not None:
                    self.met(version, why)
                    continue
                vetter.accept()
            else:
                accepted = (version, state)
            name = names.get(topic)
            if name is None or len(state) > MAX_STORED_BYTES:  # the stream's opening event, or a foreign row
                why = foreign(version, topic, len(state))
                if why is not None:
                    self.met(version, why)
                elif topic == QUARANTINE_TOPIC:
                    aside.add(self._quarantined_row(version, state))
                continue
            if name == "retracted":
                try:
                    retractions.append(check_shape(to_fact(version, name, codec.decode(state))))
                except ForeignRow as e:
                    self.met(version, reason(e))
                except (KeyError, TypeError, ValueError, AttributeError) as e:
                    self.met(version, reason(unreadable(version, name, e)))
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
        if aside:  # rows the owner set aside after they were read: no facts
            keep = [k for k in keep if k[2] not in aside]
            retractions = [f for f in retractions if f.id not in aside]
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
            except ForeignRow as e:
                self.met(version, reason(e))
                continue
            except (KeyError, TypeError, ValueError, AttributeError) as e:
                self.met(version, reason(unreadable(version, name, e)))
                continue
            if not when or f.known_at(known_at):
                yield f
