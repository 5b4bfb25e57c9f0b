"""The owner's upkeep of a store, apart from recording and reading: `verify_ledger` (the hash chain, the store's
own guards and access log, the derived tables derived again and compared), `rebuild_derived` (the derived tables derived
again from the stream) and `rekey` (every stored event re-encrypted under a new key).

Each works on an open `PersonnelLedger` through the store floor; none is needed to record or to read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventsourcing.utils import Environment

from ledger.app.kept_checkpoints import unsound_checkpoint
from ledger.model.errors import StoreError
from ledger.model.facts import Fact
from ledger.store import access, blobs
from ledger.store.guard_definitions import guard_problem
from ledger.store.integrity import Break, Verification, verify
from ledger.store.vetting import ARRIVALS
from ledger.store.vetting import unwritten as refused_at_entry

if TYPE_CHECKING:
    from ledger.app.ledger import PersonnelLedger



def verify_ledger(app: PersonnelLedger, digest: str | None = None, derived: bool = True) -> Verification:
    """The stored stream checked against its hash chain (and against `digest`, a head digest noted earlier), then
    the store's own protections (its guard triggers, forged actors, its access log's chain), then, with `derived`,
    the derived tables derived again from the events and compared (when they claim to be up to date)."""
    result = verify(app.stream, app.codec, digest)
    if result.problem is None:  # every row read as the ledger reads it: one it would not have written is named
        app.facts()
        stop = app.fact_log.first_foreign()
        if stop is not None:
            result.problem = Break(stop, "foreign", app.fact_log.foreign[stop])
            result.events, result.head = max(0, stop - 1), None  # the chain holds; the row is not a fact
            notice = app.fact_log.notes.get(stop)
            if notice in app.notices:  # said once, as the verdict
                app.notices.remove(notice)
    if result.problem is None:  # a row that passed the (public) chain and the read-time shape check by hand
        result.problem = unwritten(app.facts())
    if result.problem is None:  # the store's own protections: guards, actors, access log, kept checkpoints
        guard = guard_problem(app.dialect, app.events_table)
        logged = app.access_log.verify()
        forged = _forged_actor(app)
        kept = unsound_checkpoint(app)
        images = blobs.problem(app.dialect, app.codec, ((f.id, f.data["sha256"]) for f in app.facts()
                                                        if f.event == "photo_recorded" and f.get("sha256")))
        if guard is not None:
            result.problem = Break(None, "guard", guard)
        elif forged is not None:
            result.problem = forged
        elif logged is not None:
            result.problem = Break(None, "access_log", logged)
        elif kept is not None:
            result.problem = Break(None, "checkpoint", kept)
        elif images is not None:
            result.problem = Break(None, "blobs", images)
    if result.problem is not None or not derived:
        return result
    position, top = app.timeline.current()
    if position == 0:
        result.derived = "absent" if top else None
        return result
    if position != top:
        result.derived = (f"behind: they hold events 1–{position} of {top}; reads answer from the events until "
                          "the next recording or `ledger rebuild`") if position < top else None
        if position > top:
            result.problem = Break(None, "derived", f"the derived tables claim event {position}, but the ledger "
                                   f"ends at event {top}: events were removed, or the tables edited")
        return result
    found = app.timeline.differences(app.facts())
    if found is not None:
        result.problem = Break(None, "derived", f"a derived table differs from the events: {found}; "
                               "`ledger rebuild` derives them again from the events")
    else:
        result.derived = "current"
    return result


def unwritten(facts: list[Fact]) -> Break | None:
    """The first stored fact the ledger refuses at entry and so never writes — text holding a control, format or
    separator character (bidi marks, escapes), a date outside the ledger's range, a fact about a person no fact
    brings in — named, for a row inserted by hand with its chain recomputed (the chain is public)."""
    people = {f.data.get("person") for f in facts if f.event in ARRIVALS}
    for f in facts:
        why = refused_at_entry(f, people.__contains__)
        if why is not None:
            return Break(f.id, "unwritten", why)
    return None


def _forged_actor(app: PersonnelLedger) -> Break | None:
    """The first event whose actor is not the role the database stamped on its row (PostgreSQL under access
    control: it catches an actor forged inside an encrypted payload, which the insert trigger cannot read)."""
    stamped = access.recorded_by(app.dialect, app.events_table, app.dialect.stream_key(app.ledger_id), app.fetch)
    if not stamped:
        return None
    for version, _topic, state in sorted(app.stream.at(sorted(stamped))):
        actor = app.codec.decode(state).get("actor")
        if actor is not None and actor != stamped[version]:
            return Break(version, "actor", f"event {version} names {actor} as its actor, but the database "
                         f"recorded it from the role {stamped[version]}")
    return None


def rebuild_derived(app: PersonnelLedger) -> int:
    """Derive the materialised timeline, the unit figures and the fact index again from the stream, in the
    writers' turn; returns the last event they hold."""
    if app.config.read_only:
        raise StoreError(f"{app.config.location} is open for reading only")
    with app.dialect.writers_turn():
        return app.timeline.rebuild()


def rekey(app: PersonnelLedger, new_key: str) -> int:
    """Re-encrypt every stored event and snapshot under `new_key` in one transaction (`ledger.store.rekey`), in the
    writers' turn; returns how many rows. The derived tables are then derived again by a ledger opened with the new
    key (`open_ledger(..., extra_env={KEY_VAR: new_key})`, `rebuild_derived`): the caller's."""
    from eventsourcing.cryptography import AESCipher

    from ledger.store.crypto import check_key
    from ledger.store.rekey import rekey as rekey_rows

    if app.config.read_only:
        raise StoreError(f"{app.config.location} is open for reading only")
    if app.codec.cipher is None:
        raise StoreError(f"{app.config.location} is not encrypted: there is no key to change (set "
                         "LEDGER_ENCRYPTION_KEY to the store's key)")
    check_key(new_key)
    new = AESCipher(Environment(env={AESCipher.CIPHER_KEY: new_key.strip()}))
    tables = [app.events_table]
    if app.snapshots is not None:
        tables.append(app.snapshots.recorder.events_table_name)  # type: ignore[attr-defined]
    with app.dialect.writers_turn():
        return rekey_rows(app.dialect, tables, app.codec.cipher, new)
