"""Stored events' JSON straight into a fact's data: one msgspec decoder per event type.

orjson gives a dict of every stored key, dates as {"_type_": "date_iso", "_data_": ISO}; `to_fact` then pops the
system keys and parses each date in Python. A typed decoder reads only the type's declared fields (and, for a fact
that keeps them, its recorded time and actor), in the stored order, and parses the dates in C: at a city's
hundreds of thousands of events, the decoding of a cold fold or a rebuild costs about half as much.

The facts are the same as `to_fact`'s for every event stored in the shape its type declares (the stored classes are
made from the declarations: `ledger.store.aggregate`). Bytes a typed decoder refuses (a field stored in another
shape), and an event stored under another class version (whose keys may not be today's), are decoded the plain
way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypedDict

import msgspec

from ledger.model.events import EVENT_TYPES, EventType
from ledger.model.facts import Fact


class _Day(msgspec.Struct, gc=False):
    """A date as eventsourcing stores it ({"_type_": "date_iso", "_data_": ISO}): msgspec parses the ISO text."""

    _data_: date


def _shape(t: EventType, recorded: bool) -> Any:
    """The stored JSON of one event type as a TypedDict: its fields (dates as `_Day`), actor and class version (to
    tell another version's event), and with `recorded` the timestamp too; the seal's chain is skipped."""
    fields: dict[str, Any] = {f.name: (_Day | None) if f.kind is date else Any for f in t.all_fields}
    fields |= {"actor": Any, "class_version": Any}
    if recorded:
        fields["timestamp"] = Any
    return TypedDict(f"Stored{t.stored_as}", fields, total=False)  # type: ignore[operator]


class _Decoders(dict[str, tuple[Callable[[bytes], Any], tuple[str, ...]]]):
    """Each event type's decoder and date fields, made when the type is first read and kept for the process: making
    a TypedDict and its decoder costs more than decoding a clerk's scope (each recording reads the store through a
    new `fact_reader`), and a scope holds a dozen of the types, not all of them."""

    def __init__(self, recorded: bool):
        super().__init__()
        self.recorded = recorded

    def __missing__(self, name: str) -> tuple[Callable[[bytes], Any], tuple[str, ...]]:
        t = EVENT_TYPES[name]
        made = self[name] = (msgspec.json.Decoder(_shape(t, self.recorded)).decode, t.date_fields)
        return made


_DECODERS: dict[bool, _Decoders] = {}


def _decoders(recorded: bool) -> _Decoders:
    """The decoders, made once per process (each type's when first read)."""
    made = _DECODERS.get(recorded)
    if made is None:
        made = _DECODERS[recorded] = _Decoders(recorded)
    return made


def fact_reader(recorded: bool, plain: Callable[[bytes], bytes] | None,
                fallback: Callable[[int, str, bytes], Fact]) -> Callable[[int, str, bytes], Fact]:
    """(version, vocabulary name, stored bytes) → `Fact` through the typed decoders: `plain` turns stored bytes into
    JSON (None: they are JSON), `fallback` decodes the plain way the bytes a typed decoder refuses (a field stored
    in another shape) and the events of another class version. `recorded=False`: no recorded time, as `to_fact(…, when=False)`."""
    decoders = _decoders(recorded)
    error = msgspec.DecodeError

    def read(version: int, name: str, state: bytes) -> Fact:
        decode, dates = decoders[name]
        try:
            data = decode(state if plain is None else plain(state))
        except error:  # a ValidationError too
            return fallback(version, name, state)
        if "class_version" in data:
            return fallback(version, name, state)
        for k in dates:
            day = data.get(k)
            if day is not None:
                data[k] = day._data_
        stamp = data.pop("timestamp", None) if recorded else None
        return Fact(version, name, data["effective"], data,
                    datetime.fromisoformat(stamp["_data_"]) if stamp is not None else None, data.pop("actor", ""))

    return read
