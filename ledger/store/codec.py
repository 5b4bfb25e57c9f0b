"""One codec between stored bytes and facts: bytes → dict (decrypt, decompress, JSON) → `Fact`, and back the way
eventsourcing's mapper writes them (with a `date` transcoding, and the seal's JSON reused).

The fast read path decodes rows itself instead of through eventsourcing's mapper: a typed msgspec decoder per event
type (`ledger.store.decoding`) reads the stored JSON's declared fields into the fact's data and parses its dates;
`to_fact` does the same from orjson's dict of every key (the plain way, for any other caller). The decoded dict
becomes the fact's data; no other object is made per event.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any

import orjson
from eventsourcing.persistence import Mapper, StoredEvent, Transcoding
from eventsourcing.utils import get_topic

from ledger.model.events import EVENT_TYPES
from ledger.model.facts import Fact
from ledger.store.aggregate import TOPIC_NAMES
from ledger.store.dialect import StoredRow
from ledger.store.row_rules import MAX_STORED_BYTES, ForeignRow, Skip, check_shape, foreign, unreadable

# Per event type, the fields stored as {"_type_": "date_iso", "_data_": ISO}: the fast read converts just these.
DATE_FIELDS: dict[str, tuple[str, ...]] = {name: t.date_fields for name, t in EVENT_TYPES.items()}
# Where eventsourcing's JSON holds a fact's effective date: it writes the field near the start of the object.
EFFECTIVE_MARK = b'"effective":{"_type_":"date_iso","_data_":"'


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

    @property
    def waiting(self) -> int:
        """How many kept encodings no save has used yet."""
        return len(self._kept)

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


def to_fact(version: int, name: str, raw: dict[str, Any], when: bool = True) -> Fact:
    """A decoded stored event as a `Fact`: `raw` itself becomes its data, with the system fields taken out and the
    type's date fields converted. `when=False`: no recorded time (a fold as known now does not look at it)."""
    stamp = raw.pop("timestamp", None)
    recorded = datetime.fromisoformat(stamp["_data_"]) if stamp is not None and when else None
    actor = raw.pop("actor", "")
    raw.pop("class_version", None)
    raw.pop("chain", None)
    for k in DATE_FIELDS[name]:
        val = raw.get(k)
        if val is not None:
            raw[k] = date.fromisoformat(val["_data_"])
    return Fact(version, name, raw["effective"], raw, recorded, actor)


class Codec:
    """Stored bytes ↔ the stored JSON's dict, with the store's cipher and compressor (eventsourcing's, from the
    application's mapper); and the same cipher for what the store derives from events (roster docs, names)."""

    def __init__(self, cipher: Any = None, compressor: Any = None):
        self.cipher = cipher
        self.compressor = compressor
        self.decode: Callable[[bytes], dict[str, Any]] = self._decoder()
        self.plain: Callable[[bytes], bytes] = self._plain()
        # JSON the store derives from events (the timeline's roster docs), as `encrypt` kept it.
        self.decode_doc: Callable[[bytes], Any] = orjson.loads if cipher is None else \
            (lambda stored: orjson.loads(cipher.decrypt(bytes(stored))))

    @classmethod
    def of(cls, mapper: Mapper) -> Codec:
        return cls(mapper.cipher, mapper.compressor)

    def _decoder(self) -> Callable[[bytes], dict[str, Any]]:
        cipher, compressor = self.cipher, self.compressor
        if cipher is None and compressor is None:
            return orjson.loads  # a plain store: nothing between the bytes and the JSON

        def decode(state: bytes) -> dict[str, Any]:
            if cipher is not None:
                state = cipher.decrypt(state)
            if compressor is not None:
                state = compressor.decompress(state)
            return orjson.loads(state)

        return decode

    def _plain(self) -> Callable[[bytes], bytes]:
        """Stored bytes → the stored JSON's bytes (decrypted, decompressed)."""
        cipher, compressor = self.cipher, self.compressor
        if cipher is None and compressor is None:
            return bytes

        def plain(state: bytes) -> bytes:
            if cipher is not None:
                state = cipher.decrypt(state)
            if compressor is not None:
                state = compressor.decompress(state)
            return state

        return plain

    def fact_reader(self, recorded: bool = True) -> Callable[[int, str, bytes], Fact]:
        """(version, vocabulary name, stored bytes) → `Fact`, through the typed decoders (`recorded=False`: no
        recorded time, as `to_fact(…, when=False)`). msgspec is loaded here, not with the store: a clerk's append
        need not pay for it at start-up."""
        from ledger.store.decoding import fact_reader

        clear = self.cipher is None and self.compressor is None
        decode = self.decode
        return fact_reader(recorded, None if clear else self.plain,
                           lambda version, name, state: to_fact(version, name, decode(state), recorded))

    def facts(self, rows: Iterable[StoredRow], skip: Skip | None = None) -> Iterator[Fact]:
        """The facts of stored rows (the stream's opening event and quarantines, which are no facts, left out); a
        foreign row is refused (`ForeignRow`) unless `skip(version, why)` passes over it (`FactLog.met`: the owner
        quarantined it, or a reader notes it and goes on)."""
        read = self.fact_reader()
        for version, topic, state in rows:
            name = TOPIC_NAMES.get(topic)
            if name is None or len(state) > MAX_STORED_BYTES:  # the stream's opening event, or a foreign row
                why = foreign(version, topic, len(state))
                if why is not None and (skip is None or not skip(version, why)):
                    raise ForeignRow(f"{why}; `ledger verify` names it", version)
                continue
            try:
                yield check_shape(read(version, name, state))
            except ForeignRow as e:
                if skip is None or not skip(version, str(e).removesuffix("; `ledger verify` names it")):
                    raise
            except (KeyError, TypeError, ValueError, AttributeError) as e:
                refused = unreadable(version, name, e)
                if skip is None or not skip(version, str(refused).removesuffix("; `ledger verify` names it")):
                    raise refused from None

    def effective(self, state: bytes) -> str:
        """A stored fact's effective date (ISO), read from the JSON's text where it can be, without decoding."""
        at = state.find(EFFECTIVE_MARK)
        if at >= 0:
            start = at + len(EFFECTIVE_MARK)
            return state[start:start + 10].decode()
        return self.decode(state)["effective"]["_data_"]  # encrypted or compressed bytes: decode to learn it

    def encrypt(self, data: bytes) -> bytes:
        """Bytes derived from events as the store keeps them: encrypted in an encrypted store, else unchanged."""
        return self.cipher.encrypt(data) if self.cipher is not None else data

    def encrypt_last(self, rows: list[tuple]) -> list[tuple]:
        """Rows whose last column is bytes derived from events, with that column as `encrypt` gives it."""
        if self.cipher is None:
            return rows
        return [(*r[:-1], self.cipher.encrypt(r[-1])) for r in rows]

    def lookup_key(self, text: str) -> str:
        """A key to find a value by without keeping it (a 身份证号 in the fact index): in an encrypted store an HMAC
        under a key derived from the store's own (a number has too few digits for a plain hash to hide it), else
        a plain SHA-256 (the events hold the value in the clear anyway)."""
        if self.cipher is None:
            return hashlib.sha256(text.encode()).hexdigest()
        secret = hashlib.sha256(b"ledger lookup key\x00" + bytes(self.cipher.key)).digest()
        return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()

    def decrypt(self, stored: bytes) -> bytes:
        return self.cipher.decrypt(bytes(stored)) if self.cipher is not None else bytes(stored)
