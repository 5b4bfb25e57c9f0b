"""What every command shares: the store, who is acting, how strict to be, and the ledger, opened on first use —
for writing by commands that record, for reading only by those that read (which then create and write nothing)."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the application loads eventsourcing and the store drivers: only when a command needs it
    from ledger.app import PersonnelLedger, Queries

ONE_COMMAND = False  # the process runs one command and ends (`ledger …` from a shell: `LedgerGroup.main`)


def one_command() -> None:
    """This process runs one command and ends (`settle`)."""
    global ONE_COMMAND
    ONE_COMMAND = True


def settle() -> None:
    """In a process that runs one command and ends, hand what it has loaded so far (modules, classes, the command
    line) to the collector's permanent generation before the store is opened: it all lives until the process ends,
    and the interpreter's last collections need not walk it again (~8 ms of a clerk's append). Not in a process
    that runs many commands (tests through `CliRunner`): what is frozen is never collected."""
    if ONE_COMMAND:
        gc.freeze()


@dataclass
class Session:
    """The global options of one `ledger` invocation, and the ledger they open (the click context's object)."""

    store: str | None
    actor: str | None
    strict: bool
    _app: PersonnelLedger | None = field(default=None, repr=False)
    _reader: PersonnelLedger | None = field(default=None, repr=False)
    _queries: Queries | None = field(default=None, repr=False)
    _trial: PersonnelLedger | None = field(default=None, repr=False)

    @property
    def app(self) -> PersonnelLedger:
        """The open ledger, for commands that record (created if need be)."""
        if self._app is None:
            from ledger.app import open_ledger

            settle()
            self._app = open_ledger(self.store)
        return self._app

    @property
    def trial(self) -> PersonnelLedger:
        """The ledger a --dry-run validates against, opened so that nothing is written: the store read-only (an
        empty ledger, in a temporary folder, where there is none yet); the recording ledger if already open."""
        if self._app is not None:
            return self._app
        if self._trial is None:
            from ledger.app import open_trial

            settle()
            self._trial = open_trial(self.store)
        return self._trial

    @property
    def queries(self) -> Queries:
        """The query API, for commands that read: over the ledger this session records into, if any, else over
        the ledger opened read-only (a missing store is "no ledger at …", never created)."""
        if self._queries is None:
            from ledger.app import Queries, open_ledger

            if self._app is None and self._reader is None:
                settle()
                self._reader = open_ledger(self.store, read_only=True)
            self._queries = Queries(self._app or self._reader, reader=self.actor)  # type: ignore[arg-type]
        return self._queries

    @property
    def notices(self) -> list[str]:
        """What the ledgers opened have to say about how their answers were found (printed after the command)."""
        return [n for app in (self._app, self._reader, self._trial) if app is not None for n in app.notices]

    def use(self, app: PersonnelLedger) -> None:
        """Work on a ledger opened elsewhere (the demo builds its own), closing the one this session opened."""
        self.close()
        self._app = app

    def close(self) -> None:
        """Release the store (a PostgreSQL connection pool): in-process callers run many commands."""
        for app in (self._app, self._reader, self._trial):
            if app is not None:
                app.close()
        self._app = self._reader = self._trial = None
        self._queries = None
