"""Signed checkpoints: proof, kept outside the store, that the store still holds an exact prefix of events; and
re-keying, the other proof an administrator runs (the chain, hence every checkpoint, survives it).

A checkpoint names the event count, the head digest (the hash chain at that event), the time and the store's
identity (the chain of its opening event, which its creation time makes unique), signed with Ed25519. The chain
is public, so a store rewritten with recomputed hashes verifies on its own; it cannot carry the signed head at the
signed count unless its first events are the ones signed. `check` says which way a store fails:

- truncated: fewer events than signed, and the store's own records (its derived tables, its snapshots) show that
  it held more: events were cut off the end;
- rolled back: fewer events than signed, and nothing in the store shows more: an older copy was put back;
- rewritten: as many events or more, but the chain at the signed count is not the signed head (or the store's
  identity is another): events were rewritten with recomputed hashes, or the store replaced;
- tampered: the chain itself does not hold (`ledger verify` names the event);
- access_log: the events hold, but the access log's signed lines (a checkpoint signs its last line too) were cut
  off its end or rewritten.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ledger.app.kept_checkpoints import FORMAT, kept_problem, parsed, signed_part
from ledger.app.upkeep import verify_ledger
from ledger.model.errors import StoreError
from ledger.model.i18n import _
from ledger.store import checkpoints
from ledger.store.private_files import write_private

if TYPE_CHECKING:
    from ledger.app.ledger import PersonnelLedger

CHAIN_BREAKS = ("changed", "deleted", "inserted", "reordered", "unchained", "no_stream")


def write_signing_keys(path: Path) -> tuple[Path, Path]:
    """A new Ed25519 key pair: the private key at `path` (PEM, mode 0600), the public key at `path`.pub (0600 too: the administrator hands it on)."""
    public = Path(f"{path}.pub")
    for p in (path, public):
        if p.exists():
            raise StoreError(f"{p} exists: a signing key is never overwritten (choose another name)")
    if not path.parent.is_dir():
        raise StoreError(f"cannot write {path}: folder {path.parent} does not exist")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    write_private(path, pem, exclusive=True)
    write_private(public, key.public_key().public_bytes(serialization.Encoding.PEM,
                                                        serialization.PublicFormat.SubjectPublicKeyInfo),
                  exclusive=True)
    return path, public


def _load(path: Path, private: bool) -> Any:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise StoreError(f"cannot read {path}: {e.strerror}") from None
    try:
        key = (serialization.load_pem_private_key(data, None) if private else
               serialization.load_pem_public_key(data))
    except (ValueError, TypeError):
        kind = "private" if private else "public"
        raise StoreError(f"{path} is not an Ed25519 {kind} key in PEM (`ledger keygen --signing -o NAME` makes "
                         "one)") from None
    if not isinstance(key, Ed25519PrivateKey if private else Ed25519PublicKey):
        raise StoreError(f"{path} is not an Ed25519 key")
    return key


def _identity(app: PersonnelLedger) -> str | None:
    """The store's identity: the chain of its opening event."""
    for _version, _topic, state in app.stream.at([1]):
        return app.codec.decode(state).get("chain")
    return None


def make_checkpoint(app: PersonnelLedger, key_file: Path) -> dict[str, Any]:
    """Sign the store's current prefix (after verifying its chain), keep a copy in the store, and return it."""
    key = _load(key_file, private=True)
    found = verify_ledger(app, derived=False)
    if found.problem is not None:
        raise StoreError(f"the store does not verify ({found.problem.message}): a checkpoint is not signed over it")
    body: dict[str, Any] = {
        "format": FORMAT,
        "store": {"identity": _identity(app), "location": app.config.location},
        "events": found.events,
        "head": found.head,
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "public_key": base64.b64encode(key.public_key().public_bytes(serialization.Encoding.Raw,
                                                                     serialization.PublicFormat.Raw)).decode(),
    }
    log = app.access_log.head()
    if log is not None:  # the access log's prefix too: lines cut off its end are evident against it
        body["access_log"] = {"lines": log[0], "head": log[1]}
    body["signature"] = base64.b64encode(key.sign(signed_part(body))).decode()
    if not app.config.read_only:
        checkpoints.keep(app.dialect, orjson.dumps(body).decode())
    return body


def latest_checkpoint(app: PersonnelLedger) -> dict[str, Any] | None:
    """The last checkpoint kept in the store that is sound (signed by the key it names, over this store's chain):
    still to be checked with the public key kept elsewhere. A line that is not one is skipped (`verify` names it)."""
    for _seq, text in checkpoints.kept(app.dialect):
        body = parsed(text)
        if body is not None and kept_problem(app, body) is None:
            return body
    return None


@dataclass(frozen=True)
class CheckpointCheck:
    """What `ledger verify --checkpoint` found: ok, truncated, rolled_back, rewritten or tampered, and why."""

    kind: str
    message: str
    events: int  # the store's events that verify
    signed_events: int

    @property
    def ok(self) -> bool:
        return self.kind == "ok"

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "kind": self.kind, "message": self.message, "events": self.events,
                "signed_events": self.signed_events}


def read_checkpoint(path: Path) -> dict[str, Any]:
    try:
        data = orjson.loads(path.read_bytes())
    except OSError as e:
        raise StoreError(f"cannot read {path}: {e.strerror}") from None
    except orjson.JSONDecodeError:
        raise StoreError(f"{path} is not a checkpoint (not JSON)") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("events"), int):
        raise StoreError(f"{path} is not a checkpoint ({FORMAT})")
    return data


def check_checkpoint(app: PersonnelLedger, checkpoint: dict[str, Any], public_key: Path) -> CheckpointCheck:
    """Whether the store still holds the exact prefix the checkpoint signed; refused (StoreError) when the
    checkpoint is not signed by the key."""
    key = _load(public_key, private=False)
    try:
        key.verify(base64.b64decode(str(checkpoint.get("signature", ""))), signed_part(checkpoint))
    except (InvalidSignature, ValueError):
        raise StoreError(_("the checkpoint is not signed by this public key (or was altered since it was signed): "
                           "it proves nothing about the store")) from None
    count, head = int(checkpoint["events"]), str(checkpoint["head"])
    found = verify_ledger(app, head, derived=False)
    if found.problem is not None and found.problem.kind in CHAIN_BREAKS:
        return CheckpointCheck("tampered", _("the store's chain does not hold: {problem}").format(
                                   problem=found.problem.message),
                               found.events, count)
    if found.digest_event == count:
        log = checkpoint.get("access_log")
        if isinstance(log, dict) and app.access_log.chain_at(int(log["lines"])) != log.get("head"):
            return CheckpointCheck("access_log", _("the access log no longer holds the {lines} signed lines unchanged: lines were cut off its end or "
                                     "rewritten").format(lines=log["lines"]), found.events, count)
        more = found.events - count
        return CheckpointCheck("ok", (_("the store holds the signed {count} events unchanged, and {more} recorded since") if more
                                       else _("the store holds the signed {count} events unchanged")).format(
                                   count=count, more=more), found.events, count)
    if found.events < count:
        position, _top = app.timeline.current()
        evidence = found.problem is not None or position > found.events
        if evidence:
            return CheckpointCheck("truncated", _("events {first}–{count} were cut off the end: the store ends at event {last}, and its own "
                                     "records show it held more").format(first=found.events + 1, count=count,
                                                                         last=found.events),
                                   found.events, count)
        return CheckpointCheck("rolled_back", _("the store was rolled back to an older copy: it holds {held} of the {count} signed events, "
                                 "and nothing in it shows the rest").format(held=found.events, count=count),
                               found.events, count)
    identity = checkpoint.get("store", {}).get("identity")
    if identity and identity != _identity(app):
        return CheckpointCheck("rewritten", _("the store was rewritten from its first event (its identity is not the "
                                 "signed one), or it is another store"), found.events, count)
    return CheckpointCheck("rewritten", _("events up to {count} were rewritten with recomputed hashes: the chain at event {count} is not "
                             "the signed head").format(count=count), found.events, count)


def rekey_store(app: PersonnelLedger, store: str | None, new_key: str) -> tuple[int, int]:
    """Re-encrypt the store under `new_key` (one transaction), then derive its derived tables again under it;
    returns (rows re-encrypted, last event). The old key no longer opens the store."""
    from ledger.app.ledger import open_ledger
    from ledger.app.upkeep import rebuild_derived, rekey
    from ledger.store.crypto import KEY_VAR

    rows = rekey(app, new_key)
    fresh = open_ledger(store, extra_env={KEY_VAR: new_key.strip()})
    try:
        return rows, rebuild_derived(fresh)
    finally:
        fresh.close()
