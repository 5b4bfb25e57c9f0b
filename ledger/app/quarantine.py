"""The owner sets aside a stored row the ledger did not write (`ledger quarantine ROW --reason TEXT`), so that
reading and writing go on.

A row inserted into the events table by hand (a clerk's raw SQL INSERT) is refused when read (`ledger.store.row_rules`)
and so stops every read and every append after it. Rows are never deleted (the store is append-only, and a delete
would be tampering): instead the owner records a quarantine event naming the row's version and why. From then on
readers and writers pass over that row (only if it is one the ledger would refuse: a quarantine cannot hide a
fact), new events chain onto the last row the ledger wrote, and `ledger verify` names the row as quarantined —
by whom, why, in which event — instead of failing at it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ledger.model.errors import StoreError
from ledger.model.parsing import sanitise
from ledger.store.aggregate import LedgerStream, stream_at
from ledger.store.log import paused_gc
from ledger.store.row_rules import foreign

if TYPE_CHECKING:
    from ledger.app.ledger import PersonnelLedger


def quarantine(app: PersonnelLedger, rows: Sequence[int], reason: str, actor: str | None = None) -> list[int]:
    """Record one quarantine event per row in `rows` (all or nothing); returns the new events' versions."""
    try:
        reason = sanitise(reason)
    except ValueError as e:
        raise StoreError(f"--reason {e}; nothing was written") from None
    if not reason:
        raise StoreError("--reason is required: say why the row is set aside; nothing was written")
    if app.config.read_only:
        raise StoreError(f"{app.config.location} is open for reading only")
    _owner_only(app)
    actor = app.recording_actor(actor)
    log = app.fact_log
    with app.dialect.writers_turn(), paused_gc():
        done = log.quarantines()
        log.read()  # as a reader reads: every foreign row is met (and noted), none refuses yet
        for row in rows:
            if row in done:
                raise StoreError(f"event {row} was already quarantined by event {done[row][0]}; nothing was written")
            if _why_foreign(app, row) is None:
                raise StoreError(f"event {row} is one the ledger wrote, so it is not quarantined (`ledger retract "
                                 f"{row}` takes a fact out of the timeline); nothing was written")
        log.pending = set(rows)
        try:
            with log.writing():  # every other foreign row refuses: it names itself here
                top = log.head[0] if log.head else 0
                stream = stream_at(top)
                for row in rows:
                    stream.trigger_event(LedgerStream.Quarantined, row=row, reason=reason, actor=actor, chain=None)
                app.save(stream)
        finally:
            log.pending = set()
            log.quarantines()
    for row in rows:  # set aside: no longer a reason for a notice
        note = log.notes.pop(row, None)
        if note in app.notices:
            app.notices.remove(note)
    app._refresh_derived()
    return list(range(top + 1, top + 1 + len(rows)))


def _why_foreign(app: PersonnelLedger, row: int) -> str | None:
    """Why stored row `row` is one the ledger would refuse (None: it is the ledger's own), as the read just made
    found it."""
    found = list(app.stream.at([row]))
    if not found:
        raise StoreError(f"there is no event {row} in {app.config.location}; nothing was written")
    version, topic, state = found[0]
    return app.fact_log.foreign.get(row) or foreign(version, topic, len(state))


def _owner_only(app: PersonnelLedger) -> None:
    """On PostgreSQL under access control, only the owner of the events table quarantines."""
    role, controlled, _may_append = app.session_role()
    if role is None or not controlled:
        return
    rows = app.fetch("SELECT pg_get_userbyid(c.relowner) = current_user OR (SELECT rolsuper FROM pg_roles WHERE "
                     "rolname = current_user) FROM pg_class c WHERE c.oid = to_regclass(%s)",
                     (app.dialect.table(app.events_table),))
    if not rows or not rows[0][0]:
        raise StoreError(f"only the store's owner quarantines a row; the role {role} may not; nothing was written")
