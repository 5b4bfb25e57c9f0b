"""The hash chain's arithmetic (`ledger.store.integrity` explains the chain): what a row's chain value must be.

Kept apart so that the fact log can check a row's link while reading, below the modules that seal and verify.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

CHAIN_FIELD = "chain"
GENESIS = hashlib.sha256(b"personnel-ledger/chain/v1").digest()


def canonical(state: dict[str, Any]) -> bytes:
    """An event's content as hashed: its stored JSON without the chain field, keys sorted, compact."""
    return orjson.dumps({k: v for k, v in state.items() if k != CHAIN_FIELD}, option=orjson.OPT_SORT_KEYS)


def link(prev: bytes, topic: str, state: dict[str, Any]) -> bytes:
    """The chain value of an event that follows `prev`."""
    return hashlib.sha256(prev + topic.encode() + b"\x00" + canonical(state)).digest()


__all__ = ["CHAIN_FIELD", "GENESIS", "canonical", "link"]
