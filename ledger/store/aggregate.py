"""The ledger aggregate and its events: the immutable, effective-dated facts of the event vocabulary.

One `Ledger` aggregate holds every fact of an organisation (a bureau and its institutions, or a whole city) as
one stream. Its version is the recording order the fold needs ("same effective date: recording order"), and its
optimistic-concurrency check makes every append serialisable against everything it was validated with, across
units (transfers, people who move). Validation itself lives in `ledger.fold`; this module holds no rules.
"""

from __future__ import annotations

import dataclasses
import typing
import uuid
from datetime import date
from functools import cache
from typing import Any

from eventsourcing.domain import Aggregate
from eventsourcing.utils import register_topic

LEDGER_NAMESPACE = uuid.UUID("5b7c3a52-2f6e-4c1e-9d7a-6a1f0e8c2b11")


def ledger_id(name: str = "ledger") -> uuid.UUID:
    """Stable id of an organisation's ledger stream."""
    return uuid.uuid5(LEDGER_NAMESPACE, name)


class Ledger(Aggregate):
    """An organisation's personnel ledger (one stream of facts)."""

    class Opened(Aggregate.Created):
        name: str
        chain: str | None = None  # tamper-evidence hash (ledger.integrity), set when the event is saved

    def __init__(self, name: str):
        self.name = name

    @staticmethod
    def create_id(name: str) -> uuid.UUID:  # type: ignore[override]
        return ledger_id(name)

    class Fact(Aggregate.Event):
        """Base of every effective-dated fact. Every field is always given (None where absent)."""

        effective: date
        actor: str
        basis: str | None
        note: str | None
        override: str | None
        chain: str | None  # tamper-evidence hash (ledger.integrity), set when the event is saved

    # --- structure -------------------------------------------------------------------------------------
    class UnitEstablished(Fact):
        unit: str
        name: str
        kind: str
        parent: str | None
        funding: str | None

    class SectionEstablished(Fact):
        unit: str
        section: str

    class SectionAbolished(Fact):
        unit: str
        section: str

    class QuotaSet(Fact):  # 编制
        unit: str
        establishment: str
        count: int

    class PostQuotaSet(Fact):  # 领导职数
        unit: str
        post: str
        level: str
        count: int

    # --- people on establishment ------------------------------------------------------------------------
    class Hired(Fact):
        person: str
        name: str
        gender: str
        birth_date: date
        education: str | None
        unit: str
        section: str | None
        establishment: str
        rank: str
        rank_since: date | None
        mode: str

    class RankPromoted(Fact):  # 职级晋升
        person: str
        rank: str
        publicity_from: date | None
        publicity_to: date | None

    class PostAppointed(Fact):  # 任职
        person: str
        post: str
        section: str | None
        since: date | None
        probation: bool | None
        publicity_from: date | None
        publicity_to: date | None

    class PostVacated(Fact):  # 免职
        person: str
        post: str
        section: str | None

    class Transferred(Fact):  # 调动 / 内部调整
        person: str
        to_unit: str | None
        section: str | None
        establishment: str | None
        rank: str | None

    class SecondmentStarted(Fact):  # 交流 / 挂职 / 借调 / 学习
        person: str
        host: str
        kind: str
        until: date | None

    class SecondmentEnded(Fact):
        person: str
        host: str | None

    class Separated(Fact):
        person: str
        reason: str

    # --- off establishment (编外) -------------------------------------------------------------------------
    class AssistantEngaged(Fact):  # 自聘助理
        person: str
        name: str
        role: str
        unit: str
        gender: str | None
        birth_date: date | None
        education: str | None

    class AssistantReleased(Fact):
        person: str

    # --- corrections ----------------------------------------------------------------------------------------
    class Retracted(Fact):
        target: int
        reason: str
        replacement: int | None

    def record(self, event_type: str, **fields: Any) -> None:
        """Append one fact of the vocabulary (fields already validated by the fold)."""
        self.trigger_event(EVENT_CLASSES[event_type], chain=None, **fields)


# Vocabulary name (the JSON "event") -> event class. The names are the import/export contract.
EVENT_CLASSES: dict[str, type[Ledger.Fact]] = {
    "unit_established": Ledger.UnitEstablished,
    "section_established": Ledger.SectionEstablished,
    "section_abolished": Ledger.SectionAbolished,
    "quota_set": Ledger.QuotaSet,
    "post_quota_set": Ledger.PostQuotaSet,
    "hired": Ledger.Hired,
    "rank_promoted": Ledger.RankPromoted,
    "post_appointed": Ledger.PostAppointed,
    "post_vacated": Ledger.PostVacated,
    "transferred": Ledger.Transferred,
    "secondment_started": Ledger.SecondmentStarted,
    "secondment_ended": Ledger.SecondmentEnded,
    "assistant_engaged": Ledger.AssistantEngaged,
    "assistant_released": Ledger.AssistantReleased,
    "separated": Ledger.Separated,
    "retracted": Ledger.Retracted,
}

# Stored topics are part of the stored format: the classes keep the module name the first stores were written with.
LEGACY_MODULE = "ledger.domain"
for _cls in (Ledger, Ledger.Opened, *EVENT_CLASSES.values()):
    _cls.__module__ = LEGACY_MODULE
    register_topic(f"{LEGACY_MODULE}:{_cls.__qualname__}", _cls)
EVENT_NAMES: dict[type, str] = {cls: name for name, cls in EVENT_CLASSES.items()}
TOPIC_NAMES: dict[str, str] = {f"{cls.__module__}:{cls.__qualname__}": name for cls, name in EVENT_NAMES.items()}

# Fields the store or the application sets, never the clerk.
SYSTEM_FIELDS = frozenset({"originator_id", "originator_version", "timestamp", "actor", "chain"})
COMMON_FIELDS = ("effective", "basis", "note", "override")


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    """One field of an event type, as the CLI and the importers see it."""

    name: str
    kind: type  # str, int, bool or date
    required: bool


@cache
def field_specs(event_type: str) -> tuple[FieldSpec, ...]:
    """The clerk-supplied fields of an event type, specific fields first, then the common ones."""
    cls = EVENT_CLASSES[event_type]
    hints = typing.get_type_hints(cls)
    specs = []
    for f in dataclasses.fields(cls):
        if f.name in SYSTEM_FIELDS:
            continue
        hint = hints[f.name]
        args = typing.get_args(hint)
        optional = type(None) in args
        kind = next((a for a in args if a is not type(None)), hint) if args else hint
        specs.append(FieldSpec(f.name, kind, not optional))
    own = [s for s in specs if s.name not in COMMON_FIELDS]
    common = [s for s in specs if s.name in COMMON_FIELDS]
    return tuple(own + common)
