"""What every command shares: the store, who is acting, how strict to be, and the ledger, opened on first use."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the application loads eventsourcing and the store drivers: only when a command needs it
    from ledger.app import PersonnelLedger, Queries


@dataclass
class Session:
    """The global options of one `ledger` invocation, and the ledger they open (the click context's object)."""

    store: str | None
    actor: str | None
    strict: bool
    _app: PersonnelLedger | None = field(default=None, repr=False)
    _queries: Queries | None = field(default=None, repr=False)

    @property
    def app(self) -> PersonnelLedger:
        """The open ledger, for commands that record."""
        if self._app is None:
            from ledger.app import open_ledger

            self._app = open_ledger(self.store)
        return self._app

    @property
    def queries(self) -> Queries:
        """The query API over the open ledger, for commands that read."""
        if self._queries is None:
            from ledger.app import Queries

            self._queries = Queries(self.app)
        return self._queries

    def use(self, app: PersonnelLedger) -> None:
        """Work on a ledger opened elsewhere (the demo builds its own), closing the one this session opened."""
        self.close()
        self._app = app

    def close(self) -> None:
        """Release the store (a PostgreSQL connection pool): in-process callers run many commands."""
        if self._app is not None:
            self._app.close()
            self._app = None
        self._queries = None
