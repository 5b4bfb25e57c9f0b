"""Encryption at rest: `LEDGER_ENCRYPTION_KEY` (base64 AES key) and `LEDGER_COMPRESS` to eventsourcing's cipher
and compressor settings, and the check, on opening, that the store was written the way it is being opened.

Every event payload (and snapshot) is then AES-GCM encrypted by eventsourcing's mapper, through the
`cryptography` package; names, birth dates and every other field are ciphertext in the file or table. Only the
stream id, version and topic (the event's class name) stay readable, which the store needs for its keys.
A store is all encrypted or all plain: opening one the other way, or with the wrong key, is refused before
anything is read into the ledger or written.
"""

from __future__ import annotations

import binascii
import os
import zlib
from base64 import b64decode
from collections.abc import Mapping

import orjson

from ledger.model.errors import StoreError
from ledger.store.codec import Codec
from ledger.store.stream import EventStream

KEY_VAR = "LEDGER_ENCRYPTION_KEY"
COMPRESS_VAR = "LEDGER_COMPRESS"
CIPHER_TOPIC = "eventsourcing.cryptography:AESCipher"
COMPRESSOR_TOPIC = "eventsourcing.compressor:ZlibCompressor"
KEY_SIZES = (16, 24, 32)


def new_key(size: int = 32) -> str:
    """A fresh random AES key (256-bit by default), base64, as `ledger keygen` prints it."""
    from eventsourcing.cryptography import AESCipher

    return AESCipher.create_key(size)


def _setting(name: str, given: Mapping[str, str] | None) -> str:
    if given is not None and name in given:
        return given[name]
    return os.environ.get(name, "")


def check_key(key: str) -> None:
    """Refuse a key that is not base64 of 16, 24 or 32 bytes, saying how to make one."""
    try:
        raw = b64decode(key.strip().encode(), validate=True)
    except (binascii.Error, ValueError):
        raise StoreError(f"{KEY_VAR} is not base64; make a key with `ledger keygen`") from None
    if len(raw) not in KEY_SIZES:
        raise StoreError(f"{KEY_VAR} is {len(raw)} bytes; an AES key is 16, 24 or 32 bytes (`ledger keygen` makes "
                         "a 32-byte one)")


def encryption_env(given: Mapping[str, str] | None = None) -> dict[str, str]:
    """eventsourcing's settings for the key and compression asked for (in `given`, else the environment)."""
    env: dict[str, str] = {}
    key = _setting(KEY_VAR, given).strip()
    if key:
        check_key(key)
        env.update(CIPHER_TOPIC=CIPHER_TOPIC, CIPHER_KEY=key)
    if _setting(COMPRESS_VAR, given).strip().lower() in ("1", "true", "yes", "on"):
        env["COMPRESSOR_TOPIC"] = COMPRESSOR_TOPIC
    return env


def _is_json(data: bytes) -> bool:
    try:
        return isinstance(orjson.loads(data), dict)
    except orjson.JSONDecodeError:
        return False


def _is_zlib_json(data: bytes) -> bool:
    try:
        return _is_json(zlib.decompress(data))
    except zlib.error:
        return False


def _form(codec: Codec, state: bytes) -> str:
    """How one stored payload reads: "ok" with the settings the store was opened with, else what it is."""
    try:
        codec.decode(state)
        return "ok"
    except Exception:
        pass
    if _is_json(state):
        return "plain"
    if _is_zlib_json(state):
        return "plain_zlib"
    cipher = codec.cipher
    if cipher is not None:
        try:
            inner = cipher.decrypt(state)
        except Exception:
            return "damaged" if state[:1] == b"{" else "opaque"
        return "encrypted" if _is_json(inner) else "encrypted_zlib" if _is_zlib_json(inner) else "damaged"
    return "damaged" if state[:1] in (b"{", b"x") else "opaque"


def check_stored_form(stream: EventStream, codec: Codec, where: str) -> None:
    """Refuse to use a store whose events were written with another key, without a key, or with other compression.

    Probes the first rows and the last row of the events table: one that reads with the settings given settles
    it; a store with no events takes whatever it is opened with. A damaged row is left for `ledger verify` to
    name. Raises `StoreError` saying what to do; `where` names the store in it.
    """
    forms = {_form(codec, state) for state in stream.edge_states()}
    if not forms or "ok" in forms:
        return
    compressing = codec.compressor is not None
    if codec.cipher is not None:
        if forms & {"plain", "plain_zlib"}:
            raise StoreError(f"{where} is not encrypted (its events were written without a key); refusing to mix "
                             f"encrypted and plain events: unset {KEY_VAR} to use it")
        if "encrypted_zlib" in forms and not compressing:
            raise StoreError(f"{where} was written compressed: set {COMPRESS_VAR}=1 to open it")
        if "encrypted" in forms and compressing:
            raise StoreError(f"{where} was written uncompressed: unset {COMPRESS_VAR} to open it")
        if "opaque" in forms:
            raise StoreError(f"{KEY_VAR} does not open {where}: wrong key; nothing was read or written")
        return
    if "plain_zlib" in forms and not compressing:
        raise StoreError(f"{where} was written compressed: set {COMPRESS_VAR}=1 to open it")
    if "plain" in forms and compressing:
        raise StoreError(f"{where} was written uncompressed: unset {COMPRESS_VAR} to open it")
    if "opaque" in forms:
        raise StoreError(f"{where} is encrypted: set {KEY_VAR} to the key it was created with (refusing to mix "
                         "plain and encrypted events)")
