"""The checkpoints kept in the store itself (`ledger checkpoint` keeps a copy of each): whether one is sound —
signed by the key it names, over this store's chain — for `ledger verify` and for the compliance snapshot, which
carries the latest sound one."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ledger.store import checkpoints

if TYPE_CHECKING:
    from ledger.app.ledger import PersonnelLedger

FORMAT = checkpoints.FORMAT


def signed_part(checkpoint: dict[str, Any]) -> bytes:
    """What a checkpoint's signature signs: every key but the signature, sorted."""
    return orjson.dumps({k: v for k, v in checkpoint.items() if k != "signature"}, option=orjson.OPT_SORT_KEYS)


def parsed(text: str) -> dict[str, Any] | None:
    try:
        body = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    return body if isinstance(body, dict) else None


def kept_problem(app: PersonnelLedger, body: dict[str, Any]) -> str | None:
    """Why a checkpoint kept in the store is not one `ledger checkpoint` wrote over this store (None: it is)."""
    if body.get("format") != FORMAT or not isinstance(body.get("events"), int) or body["events"] < 1:
        return f"it is not a checkpoint ({FORMAT})"
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(str(body.get("public_key", "")), validate=True))
        key.verify(base64.b64decode(str(body.get("signature", "")), validate=True), signed_part(body))
    except (InvalidSignature, ValueError):
        return "it is not signed by the key it names"
    rows = list(app.stream.at([body["events"]]))
    try:
        chain = app.codec.decode(rows[0][2]).get("chain") if rows else None
    except Exception:
        chain = None
    if chain is None or chain != body.get("head"):
        return f"its head is not the chain this store holds at event {body['events']}"
    return None


def unsound_checkpoint(app: PersonnelLedger) -> str | None:
    """The first checkpoint kept in the store that is not sound, named (for `ledger verify`), or None."""
    for seq, text in reversed(checkpoints.kept(app.dialect)):
        body = parsed(text)
        why = "it is not JSON" if body is None else kept_problem(app, body)
        if why is not None:
            return (f"checkpoint {seq} kept in the store does not hold ({why}): it was inserted into the table "
                    "directly, or the events were rewritten since it was signed")
    return None
