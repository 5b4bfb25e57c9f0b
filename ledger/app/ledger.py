"""The application: appends validated facts to the ledger's stream and answers queries from the fold.

Commands take plain dicts (the vocabulary's JSON form) and return event ids; queries return plain dicts or
`Fact`s. Nothing outside this module touches eventsourcing's repository or the store's tables, except the
integrity and projection modules, which read the same stream.
"""

from __future__ import annotations

import gc
import getpass
import os
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Mapper, StoredEvent, Transcoding
from eventsourcing.utils import get_topic

from ledger.fold.scope import TimelineIndex
from ledger.fold.walk import PRECEDENCE, batch_order, fold, fold_ordered, retracted_ids, validate
from ledger.model.errors import LedgerError, NotFound, Problem, Refused, StoreError, no_unit
from ledger.model.events import EVENT_TYPES
from ledger.model.facts import Draft, Fact, parse_fields
from ledger.model.state import State
from ledger.read.roster import roster_view
from ledger.store.aggregate import TOPIC_NAMES, LedgerStream, ledger_id
from ledger.store.config import StoreConfig, parse_store, prepare_store
from ledger.store.crypto import check_stored_form, encryption_env
from ledger.store.lock import WriterLock
from ledger.store.timeline import Timeline

MAX_ATTEMPTS = 50
# Per event type, the fields stored as {"_type_": "date_iso", ...}: the fast read converts just these.
_DATE_FIELDS: dict[str, tuple[str, ...]] = {name: t.date_fields for name, t in EVENT_TYPES.items()}


class DateAsISO(Transcoding):
    """eventsourcing 9.5 has no `date` transcoding: effective dates are stored as ISO strings."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class SealedMapper(Mapper):
    """eventsourcing's mapper, reusing the JSON the seal (ledger.store.integrity.seal) already made of an event — with
    orjson from the event's own values, which also gives the hashed content without decoding it back — instead
    of encoding each event again with the stdlib encoder. Events it was not given are encoded as usual."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._kept: dict[int, tuple[Any, bytes]] = {}

    def forget(self) -> None:
        self._kept.clear()

    def keep(self, event: Any, state: bytes) -> None:
        self._kept[id(event)] = (event, state)

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        kept = self._kept.pop(id(domain_event), None)
        if kept is None or kept[0] is not domain_event:
            return super().to_stored_event(domain_event)
        state = kept[1]
        if self.compressor:
            state = self.compressor.compress(state)
        if self.cipher:
            state = self.cipher.encrypt(state)
        return StoredEvent(originator_id=domain_event.originator_id, originator_version=domain_event.originator_version,
                           topic=get_topic(type(domain_event)), state=state)


def _back_off(attempt: int) -> None:
    """Sleep a random while, longer after each conflict, so that busy clerks do not retry in lock-step (without
    it, one of four processes appending flat out can lose every race and starve)."""
    time.sleep(random.uniform(0, min(0.005 * 2 ** attempt, 0.25)))


@contextmanager
def _bulk() -> Iterator[None]:
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


def default_actor() -> str:
    """The actor recorded on events: $LEDGER_ACTOR, else the OS user."""
    try:
        return os.environ.get("LEDGER_ACTOR") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


class PersonnelLedger(Application):
    """An organisation's personnel ledger, on SQLite or PostgreSQL."""

    name = "PersonnelLedger"
    snapshotting_intervals = {LedgerStream: 200}
    # Keep the ledger aggregate in memory and fast-forward it from the store on each append (reading only the
    # events since), instead of rebuilding it from the last snapshot: with several clerks appending at once, a
    # slow load leaves a wide window for another append to slip in, and the loser retries.
    env = {"AGGREGATE_CACHE_MAXSIZE": "1"}

    def __init__(self, env: dict[str, str] | None = None, config: StoreConfig | None = None):
        self.config = config
        super().__init__(env=env)
        self.ledger_id: UUID = ledger_id()
        self._facts: list[Fact] = []
        self._baseline: tuple[int, list[Problem]] | None = None
        self._index = TimelineIndex()  # facts by person and unit, for scoped validation (ledger.scope)
        self._timeline: Timeline | None = None
        self._writers = WriterLock(config)
        self._decode_state = self._state_decoder()
        self._head: tuple[int, str | None] | None = None  # (version, chain) of the last stored event read

    def _take_snapshots(self, processing_event: Any) -> None:
        """At most one snapshot per save, taken from the saved aggregate itself.

        eventsourcing takes one per multiple of the interval the save crossed, each rebuilt from the store: 5,000
        reconstructions for a 1,000,000-event import (a quarter of its time). The ledger's state is tiny.
        """
        events = processing_event.events
        if self.snapshots is None or not events:
            return
        interval = self.snapshotting_intervals.get(LedgerStream, 0) if self.snapshotting_intervals else 0
        first, last = events[0].originator_version, events[-1].originator_version
        aggregate = processing_event.aggregates.get(events[-1].originator_id)
        if interval and aggregate is not None and last // interval > (first - 1) // interval:
            snapshot_class = getattr(type(aggregate), "Snapshot", type(self).snapshot_class)
            self.snapshots.put([snapshot_class.take(aggregate)])

    def construct_mapper(self) -> Mapper:
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=SealedMapper)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """Seal the ledger's pending events into the hash chain (ledger.integrity), then save as usual."""
        for obj in objs:
            if isinstance(obj, LedgerStream) and obj.pending_events:
                self._seal(obj.pending_events)
        return super().save(*objs, **kwargs)

    def _seal(self, events: Sequence[Any]) -> None:
        from ledger.store.integrity import seal

        first = events[0].originator_version
        prev: str | None = None
        if first > 1:
            if self._head is None or self._head[0] != first - 1:
                self.facts()  # append has just read the stream; other callers may not have
            if self._head is None or self._head[0] != first - 1 or not self._head[1]:
                return  # a stale aggregate: the save will meet a version conflict and be retried
            prev = self._head[1]
        mapper = self.mapper
        keep = None
        if isinstance(mapper, SealedMapper):
            mapper.forget()  # what an earlier, failed save left
            keep = mapper.keep
        seal(events, prev, Mapper(transcoder=mapper.transcoder), keep)

    # --- reading the stream (fast path) ---------------------------------------------------------------------
    def _state_decoder(self) -> Callable[[bytes], dict[str, Any]]:
        cipher, compressor = self.mapper.cipher, self.mapper.compressor

        def decode(state: bytes) -> dict[str, Any]:
            if cipher is not None:
                state = cipher.decrypt(state)
            if compressor is not None:
                state = compressor.decompress(state)
            return orjson.loads(state)

        return decode

    def _select_rows(self, after: int) -> Iterable[tuple[int, str, bytes]]:
        recorder = self.recorder
        table = recorder.events_table_name
        if self.config is not None and self.config.kind == "postgresql":
            sql = (f'SELECT originator_version, topic, state FROM "{self.config.schema}"."{table}" '
                   "WHERE originator_id = %s AND originator_version > %s ORDER BY originator_version")
            with recorder.datastore.transaction(commit=False) as curs:
                # A server-side cursor streams the rows in pages (a plain one would hold them all at once).
                with curs.connection.cursor(name="ledger_facts") as rows:
                    rows.itersize = 5000
                    rows.execute(sql, (self.ledger_id, after))
                    for row in rows:
                        yield row["originator_version"], row["topic"], bytes(row["state"])
        else:
            # From the start, a table scan in rowid (= recording) order reads ~1.6x faster than the primary-key
            # index; rows are streamed, not fetched all at once, so a cold read holds one copy of the events.
            where = "+originator_id = ? AND +originator_version > ? ORDER BY rowid" if after == 0 else \
                "originator_id = ? AND originator_version > ? ORDER BY originator_version"
            sql = f"SELECT originator_version, topic, state FROM {table} WHERE {where}"
            with recorder.datastore.transaction(commit=False) as curs:
                curs.execute(sql, (self.ledger_id.hex, after))
                raw = curs.sqlite_cursor  # the sqlite3 cursor underneath eventsourcing's wrapper, which has no fetchmany
                while rows := raw.fetchmany(5000):
                    for row in rows:
                        yield row[0], row[1], row[2]

    def facts(self) -> list[Fact]:
        """Every recorded fact (retractions included), in recording order. Reads only what is new."""
        after = self._facts[-1].id if self._facts else 0
        with _bulk():
            for version, topic, state in self._select_rows(after):
                raw = self._decode_state(state)
                self._head = (version, raw.get("chain"))
                name = TOPIC_NAMES.get(topic)
                if name is None:  # the stream's Opened event
                    continue
                self._facts.append(self._to_fact(version, name, raw))
        return self._facts

    @staticmethod
    def _to_fact(version: int, name: str, raw: dict[str, Any], when: bool = True) -> Fact:
        # The decoded dict becomes the fact's data: only the date fields of its type are converted (a third of
        # the cost of looking at every value), and the system fields are taken out. `when=False`: no recorded
        # time (a fold as known now does not look at it).
        stamp = raw.pop("timestamp", None)
        recorded = datetime.fromisoformat(stamp["_data_"]) if stamp is not None and when else None
        actor = raw.pop("actor", "")
        raw.pop("class_version", None)
        raw.pop("chain", None)
        for k in _DATE_FIELDS[name]:
            val = raw.get(k)
            if val is not None:
                raw[k] = date.fromisoformat(val["_data_"])
        return Fact(version, name, raw["effective"], raw, recorded, actor)

    # --- commands -------------------------------------------------------------------------------------------
    def _load_ledger(self) -> LedgerStream:
        try:
            return self.repository.get(self.ledger_id)
        except Exception as e:  # AggregateNotFoundError: the store is new
            if type(e).__name__ != "AggregateNotFoundError":
                raise
            return LedgerStream(name="ledger")

    def check(self, drafts: Sequence[Draft], actor: str | None = None) -> list[Fact]:
        """Validate drafts against the whole timeline as if recorded now; raise `Refused` or return the facts."""
        facts = self.facts()
        return self._prepare(facts, drafts)

    def _prepare(self, facts: list[Fact], drafts: Sequence[Draft]) -> list[Fact]:
        problems: list[Problem] = []
        new: list[tuple[Draft, dict[str, Any]]] = []
        for d in drafts:
            fields, probs = (dict(d.parsed), []) if d.parsed is not None else parse_fields(d.event, d.fields)
            problems += [Problem(p.code, p.message, d.line) for p in probs]
            if not probs:
                new.append((d, fields))
        if problems:
            raise Refused(problems)
        next_id = (facts[-1].id if facts else 1) + 1
        drafted = [Fact(0, d.event, fields["effective"], fields) for d, fields in new]
        lines = {}
        for n, i in enumerate(batch_order(drafted)):
            drafted[i].id = next_id + n
            lines[drafted[i].id] = new[i][0].line
        found = self._new_problems(facts, sorted(drafted, key=lambda f: f.id))
        if found:
            raise Refused([Problem(p.code, p.message, lines.get(p.event_id), p.event_id) for p in found])
        return sorted(drafted, key=lambda f: f.id)

    def _new_problems(self, facts: list[Fact], new: list[Fact]) -> list[Problem]:
        """Problems the batch would bring into the timeline (ledger.fold.scope: only the people and units it can affect)."""
        self._index.sync(facts)
        scope = self._index.scope(new)
        found = validate([*(facts if scope is None else scope), *new])
        if not found:  # the usual case: no need to know what the timeline already had
            return []
        baseline = self._baseline_problems(facts) if scope is None else validate(scope)
        return [p for p in found if p not in baseline]

    def _baseline_problems(self, facts: list[Fact]) -> list[Problem]:
        """Problems the recorded timeline already has (e.g. after a rule changed); a new fact is not blamed for them."""
        top = facts[-1].id if facts else 0
        if self._baseline is None or self._baseline[0] != top:
            self._baseline = (top, validate(facts))
        return self._baseline[1]

    def append(self, drafts: Sequence[Draft], actor: str | None = None, progress: Callable[[int], None] | None = None,
               vet: Callable[[list[Fact], list[Fact]], None] | None = None) -> list[int]:
        """Validate and record drafts as one all-or-nothing batch; returns the new event ids, in recording order.

        On a concurrent append (version conflict) the timeline is re-read, the batch re-validated and retried.
        `vet(recorded, new)`, if given, sees the batch before it is saved and may refuse it by raising (the
        compliance check at entry, `ledger.rules.EntryFindings`); `recorded` is the part of the timeline the batch
        can affect (ledger.scope), or all of it.
        """
        if not drafts:
            return []
        actor = actor or default_actor()
        with self._writers.hold(), _bulk():  # appenders take turns (ledger.writers); the version check stays
            for attempt in range(MAX_ATTEMPTS):
                if attempt:
                    _back_off(attempt)
                ledger = self._load_ledger()
                facts = self.facts()
                recorded_version = facts[-1].id if facts else 1
                if ledger.version != recorded_version and not (ledger.version == 1 and not facts):
                    continue  # someone appended between the two reads
                new = self._prepare(facts, drafts)
                if vet is not None:
                    self._index.sync(facts)
                    vet(self._index.scope(new) or facts, new)
                for f in new:
                    ledger.record(f.event, actor=actor, **f.data)
                try:
                    self.save(ledger)
                except IntegrityError:
                    continue
                return [f.id for f in new]
            raise StoreError("the ledger is too busy: gave up after repeated concurrent appends; try again")

    # --- queries --------------------------------------------------------------------------------------------
    def state(self, on: date | None = None, known_at: datetime | None = None) -> State:
        """The fold of every recorded fact on `on`, as known at `known_at`.

        Cold (nothing read yet), the events are sorted in the fold's order as stored bytes and each is decoded,
        applied and dropped (`_stream_counting`): a city's million `Fact`s never sit in memory at once.
        """
        if not self._facts:
            with _bulk():
                return fold_ordered(self._stream_counting(on, known_at), on)
        facts = self.facts()
        with _bulk():
            return fold(facts, on, known_at)

    def _stream_counting(self, on: date | None, known_at: datetime | None) -> Iterator[Fact]:
        """`counting_facts(self.facts(), known_at)` up to `on`, in `fold_order`, each fact built only when applied.

        One scan keeps each counting event as (effective, PRECEDENCE, id, stored bytes) — its effective date
        read from the stored JSON's text, where eventsourcing always writes it near the start — and decodes the
        few retractions; the sorted list is then decoded one event at a time. ~0.5 KB an event instead of a
        `Fact` with its dict (~1.3 KB).
        """
        marker = b'"effective":{"_type_":"date_iso","_data_":"'
        limit = on.isoformat() if on is not None else None
        days: dict[str, str] = {}
        keep: list[tuple[str, int, int, str, bytes]] = []
        retractions: list[Fact] = []
        for version, topic, state in self._select_rows(0):
            name = TOPIC_NAMES.get(topic)
            if name is None:  # the stream's Opened event
                continue
            if name == "retracted":
                retractions.append(self._to_fact(version, name, self._decode_state(state)))
                continue
            at = state.find(marker)
            if at >= 0:
                eff = state[at + len(marker):at + len(marker) + 10].decode()
            else:  # encrypted or compressed bytes: decode to learn the date
                eff = self._decode_state(state)["effective"]["_data_"]
            if limit is not None and eff > limit:
                continue
            keep.append((days.setdefault(eff, eff), PRECEDENCE[name], version, name, state))
        gone = retracted_ids(retractions, known_at)
        keep.sort()
        decode, to_fact, when = self._decode_state, self._to_fact, known_at is not None
        for i, (_eff, _p, version, name, state) in enumerate(keep):
            keep[i] = None  # type: ignore[call-overload]  # let the applied events go
            if version in gone:
                continue
            f = to_fact(version, name, decode(state), when)
            if known_at is None or f.recorded is None or f.recorded <= known_at:
                yield f

    def roster(self, on: date, known_at: datetime | None = None, unit: str | None = None) -> dict[str, Any]:
        """The roster on `on` in the `ledger roster --json` shape (DESIGN.md §6).

        As known now, it is read from the materialised timeline (ledger.projection), caught up first; as known
        at an earlier moment, from the fold (the reference the timeline is tested against).
        """
        if known_at is None:
            return self.timeline_roster(on, unit)
        return roster_view(self.state(on, known_at), on, known_at, unit)

    @property
    def timeline(self) -> Timeline:
        """The materialised timeline of this ledger (ledger.projection), in the same store."""
        if self._timeline is None:
            self._timeline = Timeline(self)
        return self._timeline

    def timeline_roster(self, on: date, unit: str | None = None) -> dict[str, Any]:
        """`roster(on, unit=unit)` from the materialised timeline: indexed queries, no fold."""
        units, people, assistants = self.timeline.roster(on, unit)
        if unit is not None and unit not in units:
            raise NotFound(no_unit(unit, on, sorted(units, key=lambda u: units[u][0])))
        return {"as_of": on.isoformat(), "known_at": None, "people": people, "assistants": assistants}

    def history(self, person: str) -> list[Fact]:
        """Every fact about a person (retracted ones included), and the retractions of them, in effective order."""
        facts = self.facts()
        mine = [f for f in facts if f.person == person]
        if not mine:
            raise NotFound(f"no person '{person}' in the ledger")
        ids = {f.id for f in mine}
        mine += [f for f in facts if f.event == "retracted" and f.data["target"] in ids]
        return sorted(mine, key=lambda f: (f.effective, f.id))


def open_ledger(store: str | None = None, extra_env: dict[str, str] | None = None) -> PersonnelLedger:
    """Open (creating if need be) the ledger in a store: a SQLite path or a postgresql:// URL."""
    config = parse_store(store)
    cipher_env = encryption_env(extra_env)  # a malformed key is refused before any file is made
    prepare_store(config)
    env = {**config.env, **cipher_env, **(extra_env or {})}
    for attempt in range(5):
        try:
            app = PersonnelLedger(env=env, config=config)
            break
        except LedgerError:
            raise
        except Exception as e:  # the store libraries raise many kinds; the user needs one line
            # Several processes opening a new PostgreSQL schema at once race on CREATE ... IF NOT EXISTS.
            if "concurrently" in str(e) and attempt < 4:
                time.sleep(0.2 * (attempt + 1))
                continue
            raise StoreError(f"cannot open store {config.location}: {str(e).strip() or type(e).__name__}") from None
    try:
        check_stored_form(app)  # wrong key, no key, or plain vs encrypted: refuse before anything is written
    except LedgerError:
        app.close()
        raise
    return app


__all__ = ["Draft", "PersonnelLedger", "default_actor", "open_ledger", "Refused"]
