"""The ledger's stream as an eventsourcing aggregate, and its stored event classes, made from the declarations.

One `LedgerStream` aggregate holds every fact of an organisation (a bureau and its institutions, or a whole city)
as one stream. Its version is the recording order the fold needs ("same effective date: recording order"), and
its optimistic-concurrency check makes every append serialisable against everything it was validated with,
across units (transfers, people who move). Validation lives in `ledger.fold`; this module holds no rules.

The stored event classes are generated from the event types (`ledger.model.events`): one class per type, its
fields in declared order. Stored topics are part of the stored format: the classes keep the names the first
stores were written with (`ledger.domain:Ledger.Hired`, …), registered here so that they resolve.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from typing import Any, cast

from eventsourcing.domain import Aggregate
from eventsourcing.utils import register_topic

from ledger.model.events import EVENT_TYPES, EventType

LEDGER_NAMESPACE = uuid.UUID("5b7c3a52-2f6e-4c1e-9d7a-6a1f0e8c2b11")
TOPIC_MODULE = "ledger.domain"  # the module the stored topics name (a contract of the stored format)
TOPIC_CLASS = "Ledger"


def ledger_id(name: str = "ledger") -> uuid.UUID:
    """Stable id of an organisation's ledger stream."""
    return uuid.uuid5(LEDGER_NAMESPACE, name)


class LedgerStream(Aggregate):
    """An organisation's personnel ledger: one stream of facts."""

    class Opened(Aggregate.Created):
        name: str
        chain: str | None = None  # tamper-evidence hash (ledger.store.integrity), set when the event is saved

    def __init__(self, name: str):
        self.name = name

    @staticmethod
    def create_id(name: str) -> uuid.UUID:  # type: ignore[override]
        return ledger_id(name)

    class Fact(Aggregate.Event):
        """Base of every stored fact. Every field is always given (None where absent)."""

        effective: date
        actor: str
        basis: str | None
        note: str | None
        override: str | None
        chain: str | None  # tamper-evidence hash (ledger.store.integrity), set when the event is saved

    class Quarantined(Aggregate.Event):
        """The owner sets a stored row aside (`ledger quarantine`): a row the ledger did not write, which readers,
        writers and `verify` then skip. Not a fact: it changes no one's timeline."""

        row: int
        reason: str
        actor: str
        chain: str | None  # tamper-evidence hash, as a fact's

    def record(self, event_type: str, **fields: Any) -> None:
        """Append one fact of the vocabulary (fields already validated by the fold)."""
        self.trigger_event(STORED_CLASSES[event_type], chain=None, **fields)


def _stored_class(t: EventType) -> type[LedgerStream.Fact]:
    common = {"effective", "basis", "note", "override"}
    annotations = {f.name: f.kind if f.required else f.kind | None for f in t.fields if f.name not in common}
    namespace = {"__annotations__": annotations, "__module__": TOPIC_MODULE,
                 "__qualname__": f"{TOPIC_CLASS}.{t.stored_as}", "__doc__": f"A stored `{t.name}` fact."}
    return type(t.stored_as, (LedgerStream.Fact,), namespace)


class _StoredClasses(dict[str, type[LedgerStream.Fact]]):
    """The stored event classes by vocabulary name, each made (and its topic registered) when first asked for: a
    clerk's command records one or two types, and making all of them costs more than its validation."""

    def __missing__(self, name: str) -> type[LedgerStream.Fact]:
        cls = _stored_class(EVENT_TYPES[name])
        register_topic(f"{TOPIC_MODULE}:{cls.__qualname__}", cls)
        self[name] = cls
        return cls

    def every(self) -> list[type[LedgerStream.Fact]]:
        """Every stored class (what decoding stored events through eventsourcing's mapper needs)."""
        return [self[name] for name in EVENT_TYPES]


STORED_CLASSES = _StoredClasses()

for _cls in (LedgerStream, LedgerStream.Opened, LedgerStream.Quarantined):
    _cls.__module__ = TOPIC_MODULE
    _cls.__qualname__ = _cls.__qualname__.replace("LedgerStream", TOPIC_CLASS)
    register_topic(f"{TOPIC_MODULE}:{_cls.__qualname__}", _cls)

QUARANTINE_TOPIC = f"{TOPIC_MODULE}:{TOPIC_CLASS}.Quarantined"
# Stored topic -> vocabulary name (the stream's Opened event has none, nor a quarantine).
TOPIC_NAMES: dict[str, str] = {f"{TOPIC_MODULE}:{TOPIC_CLASS}.{t.stored_as}": name for name, t in EVENT_TYPES.items()}


def stream_at(version: int) -> LedgerStream:
    """The ledger's aggregate at `version`, the stream's last (0: a store where nothing was recorded yet), without
    reading or replaying a stored event: the aggregate holds nothing but its name and version, and an append needs
    only the version, which the save checks against the store (a concurrent append meets a version conflict)."""
    opened = LedgerStream(name="ledger")
    if version == 0:
        return opened
    return cast(LedgerStream, replace(LedgerStream.Snapshot.take(opened), originator_version=version).mutate(None))


def load_stream(repository: Any, stream_id: uuid.UUID) -> LedgerStream:
    """The ledger's aggregate from eventsourcing's repository (replayed from its last snapshot), or a new one for a
    store where nothing was recorded yet."""
    from eventsourcing.application import AggregateNotFoundError

    STORED_CLASSES.every()  # the repository decodes stored events of any type
    try:
        return repository.get(stream_id)
    except AggregateNotFoundError:
        return LedgerStream(name="ledger")
