"""Tamper evidence: one SHA-256 hash chain over the ledger's stream, sealed at save and verified from raw rows.

The store holds one stream (the `Ledger` aggregate), so one chain follows it: event v carries, inside its own
stored payload, `chain` = SHA-256(chain of event v-1 ‖ topic ‖ canonical content of event v). The canonical
content is the event's stored JSON (as the transcoder writes it, before compression and encryption) without the
`chain` field, re-serialised with sorted keys. The chain of the last event is the ledger's head digest.

Why inside the payload, not a side table: it is written by the same INSERT as the event (no second write to keep
in one transaction, no recorder subclass), and with encryption at rest AES-GCM authenticates it together with the
event, so without the key nobody can forge a row or its hash — only delete or move rows, which the chain shows.
Why over content, not over stored bytes: a digest names what was recorded, whatever the encoding (compression,
cipher nonce). The price: verifying an encrypted store needs its key.

What verification catches from the store alone: changed bytes (a row that no longer decodes, or whose content no
longer hashes to its chain), a deleted row (a gap in versions), an inserted row (no chain, or one that does not
follow its predecessor), rows moved or swapped, a row re-inserted out of recording order, a deleted stream. What
needs an auditor's noted digest (`verify --digest`): events cut off the end, or a plaintext store rewritten by
someone who recomputed every later hash — the algorithm is public, so only a digest kept elsewhere (or the key)
makes that evident.

Snapshots (eventsourcing's snapshots table, every `SNAPSHOT_INTERVAL` events of `ledger.app.ledger`) are not chained: the ledger
reads its facts from the events table only, and a snapshot holds nothing but the aggregate's name, version and
timestamps. A forged snapshot can at most make the aggregate's version disagree with the stream, which `append`
notices (it compares that version with the last stored fact) and answers by retrying, then refusing as busy: it
can block writes, never change an answer. `verify` uses snapshots as evidence only: one beyond the stream's last
event shows that events were cut off the end.

This module hashes and checks rows (read by `ledger.store.stream`); it holds no rules about the facts themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from eventsourcing.persistence import Mapper
from eventsourcing.utils import get_topic

from ledger.store.aggregate import QUARANTINE_TOPIC
from ledger.store.chain import CHAIN_FIELD, GENESIS, link
from ledger.store.codec import Codec, SealedMapper
from ledger.store.log import FactLog
from ledger.store.row_rules import foreign
from ledger.store.stream import EventStream, Row

_NO_CHAIN = b'"' + CHAIN_FIELD.encode() + b'":null'


def seal(events: Sequence[Any], prev_hex: str | None, plain: Mapper,
         keep: Callable[[Any, bytes], None] | None = None) -> str:
    """Set `chain` on pending events (in version order) before they are saved; returns the new head.

    `plain` is a mapper with the application's transcoder and no cipher or compressor, so the content hashed is
    exactly the JSON that will be stored. Events are frozen dataclasses, hence `object.__setattr__`; they are
    not yet stored and nothing reads `chain` back into the aggregate. `keep(event, state)`, if given, receives
    the event's stored JSON with its chain — the transcoder's own bytes with `"chain":null` replaced, equal to
    encoding the sealed event again — so that the save need not encode it a second time.
    """
    prev = bytes.fromhex(prev_hex) if prev_hex else GENESIS
    for event in events:
        state = _plain_state(event, plain) if keep is not None else None
        if state is not None:  # the usual case: hash the dict itself, encode once (orjson)
            prev = link(prev, get_topic(type(event)), state)
            chain = prev.hex()
            object.__setattr__(event, CHAIN_FIELD, chain)
            state[CHAIN_FIELD] = chain
            keep(event, orjson.dumps(state))  # type: ignore[misc]
            continue
        stored = plain.to_stored_event(event)
        prev = link(prev, stored.topic, orjson.loads(stored.state))
        chain = prev.hex()
        object.__setattr__(event, CHAIN_FIELD, chain)
        # A JSON string cannot hold an unescaped quote, so the top-level field is the only possible match.
        if keep is not None and stored.state.count(_NO_CHAIN) == 1:
            keep(event, stored.state.replace(_NO_CHAIN, _NO_CHAIN[:-4] + b'"' + chain.encode() + b'"'))
    return prev.hex()


def seal_pending(events: Sequence[Any], log: FactLog, mapper: Mapper) -> None:
    """Seal an aggregate's pending events onto the stream's head before the application saves them; with a
    `SealedMapper`, the save then reuses the JSON the seal made. A stale aggregate (its first pending event does
    not follow the stream's last) is left unsealed: its save meets a version conflict and the append retries."""
    first = events[0].originator_version
    prev: str | None = None
    if first > 1:
        prev = log.chain_before(first)
        if not prev:
            return
    keep = None
    if isinstance(mapper, SealedMapper):
        mapper.forget()  # what an earlier, failed save left
        keep = mapper.keep
    seal(events, prev, Mapper(transcoder=mapper.transcoder), keep)


_NATIVE = (str, int, bool, type(None))


def _plain_state(event: Any, plain: Mapper) -> dict[str, Any] | None:
    """The event's state exactly as `orjson.loads(plain.to_stored_event(event).state)` would give it — the
    transcoder's JSON decoded — built without encoding; None if a value is not a plain scalar or a registered
    type whose transcoding gives a string (then the caller encodes as eventsourcing does)."""
    types = getattr(plain.transcoder, "types", None)
    if types is None:
        return None
    state = dict(vars(event))
    del state["originator_id"], state["originator_version"]
    class_version = getattr(type(event), "class_version", 1)
    if class_version > 1:
        state["class_version"] = class_version
    for k, val in state.items():
        if type(val) in _NATIVE:
            continue
        t = types.get(type(val))
        if t is None:
            return None
        data = t.encode(val)
        if type(data) is not str:
            return None
        state[k] = {"_type_": t.name, "_data_": data}
    return state


# --- verification --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold: the event (stream version) and what is wrong with it."""

    event_id: int | None
    kind: str  # changed | deleted | inserted | reordered | unchained | no_stream | snapshot | derived | guard | actor | access_log | foreign | checkpoint
    message: str


@dataclass
class Verification:
    """What `ledger verify` found: how many events hold, the head digest, and the first break if any."""

    events: int = 0
    head: str | None = None
    problem: Break | None = None
    digest: str | None = None  # the digest asked about (verify --digest)
    digest_event: int | None = None  # the event whose chain equals it
    # The derived tables (timeline, report index) as verify found them: "current" (derived again and equal),
    # "behind (…)", "absent", or None (not looked at). Not in `as_json`, whose shape is a contract; a difference
    # is the `problem` (kind "derived").
    derived: str | None = None
    # Rows the owner quarantined (`ledger quarantine`), passed over: (row, the quarantine's event, actor, reason).
    quarantined: list[tuple[int, int, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None and (self.digest is None or self.digest_event is not None)

    def as_json(self) -> dict[str, Any]:
        """The contract of `verify --json`; "quarantined" is there only when the owner set rows aside."""
        quarantined = {"quarantined": [{"event_id": row, "by_event": by, "actor": actor, "reason": reason}
                                       for row, by, actor, reason in self.quarantined]} if self.quarantined else {}
        return {
            "ok": self.ok,
            "events": self.events,
            "head": self.head,
            "problem": None if self.problem is None else
            {"event_id": self.problem.event_id, "kind": self.problem.kind, "message": self.problem.message},
            "digest": self.digest,
            "digest_event": self.digest_event,
            **quarantined,
        }


Decode = Callable[[bytes], dict[str, Any]]


def _decoded(rows: Iterable[Row], decode: Decode) -> Iterator[tuple[Row, dict[str, Any] | None]]:
    for row in rows:
        try:
            yield row, decode(row.state)
        except Exception:
            yield row, None


def verify_rows(rows: Callable[[], Iterable[Row]], decode: Decode, digest: str | None = None,
                snapshots: Sequence[int] = (), quarantined: dict[int, tuple[int, str, str]] | None = None
                ) -> Verification:
    """Recompute the chain over the stream's rows (given in version order) and report the first break.

    `rows` is called again, only on a break, to tell a changed event from one that was moved. A row in
    `quarantined` (set aside by the owner's later quarantine event) is outside the chain: it is named, not checked,
    and the next row chains onto the one before it.
    """
    quarantined = quarantined or {}
    result = Verification(digest=digest.lower() if digest else None)
    prev, expected, last_position = GENESIS, 1, None
    positions: list[int] = []  # table positions of the events verified so far, to name a row moved among them
    for row, state in _decoded(rows(), decode):
        v = row.version
        if v in quarantined and quarantined[v][0] > v:  # set aside by the owner, whatever its number or content
            positions.append(row.position)
            result.quarantined.append((v, *quarantined[v]))
            last_position, expected = row.position, v + 1
            continue
        if v != expected:
            missing = f"event {expected}" if v == expected + 1 else f"events {expected}–{v - 1}"
            result.problem = Break(expected, "deleted", f"{missing} missing from the store (deleted, or later rows "
                                   f"renumbered); the stream goes on at event {v}")
            return result
        if last_position is not None and row.position < last_position:
            moved = next(u for u, p in enumerate(positions, start=1) if p > row.position)
            result.problem = Break(moved, "reordered", f"event {moved} is stored out of recording order (its row "
                                   "was removed and inserted again, or rows were reordered)")
            result.events, result.head = moved - 1, None
            return result
        positions.append(row.position)
        why = foreign(v, row.topic, len(row.state))
        if why is not None:
            result.problem = Break(v, "foreign", why)
            return result
        if state is None:
            result.problem = Break(v, "changed", f"event {v}: its stored bytes were changed (they no longer decode "
                                   "with this store's key and format)")
            return result
        stored = state.get(CHAIN_FIELD)
        computed = link(prev, row.topic, state)
        if not stored and v == 1:
            result.problem = Break(v, "unchained", "the stream's first event carries no chain hash: this store was "
                                   "recorded before the ledger sealed its events, or its opening row was replaced")
            return result
        if not stored:
            result.problem = Break(v, "inserted", f"event {v} carries no chain hash: it was not recorded through the "
                                   "ledger (inserted into the table)")
            return result
        if computed.hex() != stored:
            result.problem = _diagnose(v, row, state, stored, rows, decode)
            return result
        prev, last_position, expected = computed, row.position, v + 1
        result.events, result.head = v, computed.hex()
        if result.digest is not None and computed.hex() == result.digest:
            result.digest_event = v
    if result.events == 0:
        result.problem = Break(None, "no_stream", "the store holds no ledger events: the stream was deleted, or "
                               "nothing was ever recorded here")
        return result
    late = sorted(s for s in snapshots if s > result.events)
    if late:
        result.problem = Break(late[0], "snapshot", f"a snapshot claims version {late[0]}, but the stream ends at "
                               f"event {result.events}: events after it were deleted")
    return result


def _diagnose(v: int, row: Row, state: dict[str, Any], stored: str, rows: Callable[[], Iterable[Row]],
              decode: Decode) -> Break:
    """Event v does not hash to its chain: was it changed, or recorded elsewhere in the stream and moved here?"""
    if link(GENESIS, row.topic, state).hex() == stored and v != 1:
        return Break(v, "reordered", f"event {v} is out of place: it was recorded as the stream's first event "
                     "(rows deleted, inserted or reordered)")
    after: int | None = None
    for other, other_state in _decoded(rows(), decode):
        chain = (other_state or {}).get(CHAIN_FIELD)
        if other.version == v or not chain:
            continue
        if chain == stored:
            return Break(v, "inserted", f"event {v} is a copy of event {other.version} (a row was inserted or "
                         "duplicated)")
        if after is None and link(bytes.fromhex(chain), row.topic, state).hex() == stored:
            after = other.version
    if after is not None:
        return Break(v, "reordered", f"event {v} is out of place: the event stored here was recorded after the "
                     f"event now stored as {after} (rows deleted, inserted or reordered)")
    return Break(v, "changed", f"event {v}: its content was changed since it was recorded (it no longer matches "
                 "its chain hash)")


def verify(stream: EventStream, codec: Codec, digest: str | None = None) -> Verification:
    """Verify the stream as stored, reading the raw rows (not the aggregate; snapshots only as evidence)."""
    quarantined: dict[int, tuple[int, str, str]] = {}
    for version, _topic, state in stream.with_topic(QUARANTINE_TOPIC):
        try:
            data = codec.decode(state)
        except Exception:
            continue  # its own row does not decode: the chain walk names it
        if isinstance(data.get("row"), int):
            quarantined.setdefault(data["row"], (version, str(data.get("actor")), str(data.get("reason"))))
    return verify_rows(stream.rows, codec.decode, digest, stream.snapshot_versions(), quarantined)
