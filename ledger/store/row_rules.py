"""Which stored event rows the ledger itself writes: any other row is refused when read, and named.

A role with INSERT on the events table (a clerk) could add a row the ledger never writes: a topic naming a module
of the attacker's choosing (eventsourcing would import it to decode the row), a payload of megabytes, fields
missing. The chain is public, so such a row can even carry a valid chain. The ledger therefore reads a row only
when its topic is one of the ledger's own stored classes (looked up in a fixed table: nothing named by a row is
ever imported), its stream-opening topic is at version 1 only, and its stored bytes stay within a size no fact
of the ledger comes near; `ledger verify` names such a row (kind "foreign").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from ledger.model.errors import StoreError
from ledger.model.facts import Fact
from ledger.store.aggregate import QUARANTINE_TOPIC, TOPIC_CLASS, TOPIC_MODULE, TOPIC_NAMES

OPENED_TOPIC = f"{TOPIC_MODULE}:{TOPIC_CLASS}.Opened"
MAX_STORED_BYTES = 64 * 1024  # a fact's text fields are at most 1,000 characters each: a few KiB at most
QUOTE = 80  # characters of a foreign value quoted in a message


class ForeignRow(StoreError):
    """A stored row the ledger would not have written: it is not read (nothing it names is imported)."""

    def __init__(self, message: str, version: int | None = None):
        super().__init__(message)
        self.version = version


def quoted(value: object) -> str:
    """A value as a message quotes it: at most `QUOTE` characters, control characters shown escaped."""
    text = repr(str(value))[1:-1]
    return text if len(text) <= QUOTE else text[:QUOTE] + f"… ({len(str(value))} characters)"


def foreign(version: int, topic: str, size: int) -> str | None:
    """Why the row at `version` is not one the ledger writes (None: it may be)."""
    if topic == OPENED_TOPIC:
        return None if version == 1 else (f"event {version} claims to open the stream, which only event 1 does: it "
                                          "was inserted into the table directly")
    if topic == QUARANTINE_TOPIC and size <= MAX_STORED_BYTES:
        return None  # the owner's quarantine of a foreign row: the ledger's own, not a fact
    if topic not in TOPIC_NAMES:
        return (f"event {version} has the topic '{quoted(topic)}', which is none of the ledger's event types: it was "
                "inserted into the table directly (it is not read, and nothing it names is imported)")
    if size > MAX_STORED_BYTES:
        return (f"event {version} is {size:,} bytes stored, more than any fact the ledger writes "
                f"({MAX_STORED_BYTES:,}): it was inserted into the table directly")
    return None


def check(version: int, topic: str, state: bytes) -> None:
    """Refuse (`ForeignRow`) a row the ledger would not have written."""
    why = foreign(version, topic, len(state))
    if why is not None:
        raise ForeignRow(f"{why}; `ledger verify` names it", version)


Skip = Callable[[int, str], bool]  # (row version, why it is foreign) -> pass over it (else it is refused)


def unreadable(version: int, name: str, error: Exception) -> ForeignRow:
    """A row with a known topic whose payload is not in that type's shape (fields missing, wrong types)."""
    return ForeignRow(f"event {version} cannot be read as a {name} fact ({quoted(error)}): it was not written by the "
                      "ledger but inserted into the table directly; `ledger verify` names it", version)


_REQUIRED: dict[str, tuple[str, ...]] = {}


def _required(name: str) -> tuple[str, ...]:
    found = _REQUIRED.get(name)
    if found is None:
        from ledger.model.events import EVENT_TYPES

        common = {"effective", "basis", "note", "override"}
        found = _REQUIRED[name] = tuple(f.name for f in EVENT_TYPES[name].fields if f.required
                                        and f.name not in common)
    return found


def check_shape(fact: Fact) -> Fact:
    """The fact as read, refused (`ForeignRow`) when a field its type requires is missing: the ledger never
    writes one without it."""
    data = fact.data
    for name in _required(fact.event):
        if data.get(name) is None:
            raise ForeignRow(f"event {fact.id} cannot be read as a {fact.event} fact (it has no {name}): it was not "
                             "written by the ledger but inserted into the table directly; `ledger verify` names it",
                             fact.id)
    if not isinstance(fact.effective, date):
        raise ForeignRow(f"event {fact.id} cannot be read as a {fact.event} fact (it has no effective date): it was "
                         "not written by the ledger but inserted into the table directly; `ledger verify` names it",
                         fact.id)
    return fact
