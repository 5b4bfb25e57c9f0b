"""Access control and the access log, as readers and the administrator's commands use them.

`logged(action)` marks a `Queries` method as a read to log: a person's file (history, 简历, the cadre file, the
appointment form, the web's person page) as one line naming the person, a whole roster or the event log as one
line without. The line is written before the answer is made, so that nothing is shown unlogged; a read made inside
another logged read is not logged again. Stores that keep no log (`ledger access enable` was never run, nor any
grant) are read as before.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from ledger.model.errors import StoreError
from ledger.store import access
from ledger.store.access import Member
from ledger.store.access_log import Line

if TYPE_CHECKING:
    from ledger.app.ledger import PersonnelLedger

F = TypeVar("F", bound=Callable[..., Any])


def logged(action: str, whose: bool = False) -> Callable[[F], F]:
    """Log each call of a `Queries` method as one read (`whose`: its first argument is the person read)."""

    def wrap(method: F) -> F:
        @functools.wraps(method)
        def read(self: Any, *args: Any, **kwargs: Any) -> Any:
            if self._reading:  # inside another logged read: that one was logged
                return method(self, *args, **kwargs)
            self._reading = True
            try:
                person = (args[0] if args else kwargs.get("person")) if whose else None
                self.looked_at(action, person)
                return method(self, *args, **kwargs)
            finally:
                self._reading = False

        return read  # type: ignore[return-value]

    return wrap


def enable_access(app: PersonnelLedger) -> None:
    """Keep an access log in this store, and on PostgreSQL guard the events (run by the store's owner)."""
    if app.config.read_only:
        raise StoreError(f"{app.config.location} is open for reading only")
    app.timeline.ensure()  # the derived tables exist before grants are given on them
    access.install(app.dialect, app.events_table)


def grant_access(app: PersonnelLedger, name: str, role: str) -> None:
    """Make `name` a clerk or an auditor of this PostgreSQL store (its role created if need be)."""
    app.timeline.ensure()
    access.grant(app.dialect, app.events_table, name, role)


def revoke_access(app: PersonnelLedger, name: str) -> Member:
    return access.revoke(app.dialect, name)


def access_members(app: PersonnelLedger) -> list[Member]:
    return access.members(app.dialect)


def access_log_lines(app: PersonnelLedger, person: str | None = None, actor: str | None = None,
              since: datetime | None = None) -> list[Line]:
    """The access log's lines (of a person, of a reader, from a moment on)."""
    since_text = since.astimezone(UTC).isoformat(timespec="microseconds") if since is not None else None
    return app.access_log.lines(person, actor, since_text)
