"""How the web view reaches the ledger: opened once, for reading only, and asked from one thread of its own.

`open_read_only` is the one place the view opens a store: through the application's read-only opening (nothing
is created or written, not even the derived tables: writers keep them, and a read that finds them behind answers
from the events), refusing a SQLite file that is not there, and it hands out the query API only.

`Reader` owns the open ledger on a single worker thread: the store's connections (SQLite's above all) belong to
the thread that made them, and one question at a time keeps the in-memory fact log consistent. The ASGI event
loop stays free meanwhile (static files, other requests queue for their turn).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ledger.app import LedgerError

if TYPE_CHECKING:
    from ledger.app import Queries

T = TypeVar("T")


def open_read_only(store: str | None) -> Queries:
    """The query API over the ledger in `store` (a SQLite path or a postgresql:// URL; None: $LEDGER_STORE, else
    ./ledger.sqlite3). A missing SQLite file, or a store with nothing recorded, is refused with a LedgerError."""
    from ledger.app import Queries, open_ledger

    spec = store or os.environ.get("LEDGER_STORE") or "ledger.sqlite3"
    if "://" not in spec and not Path(spec).expanduser().is_file():  # a URL names a server: it says what it holds
        raise LedgerError(f"no ledger at {spec}: give the store to show with --store (e.g. `ledger demo` builds "
                          "demo/ledger.sqlite3)")
    queries = Queries(open_ledger(spec, read_only=True), channel="web")
    if queries.span()["events"] < 2:
        queries.application.close()
        raise LedgerError(f"the store {spec} holds no ledger yet: nothing to show")
    return queries


class Reader:
    """The query API of one open ledger, asked from one worker thread."""

    def __init__(self, store: str | None):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-reader")
        try:
            self.queries: Queries = self._pool.submit(open_read_only, store).result()
        except BaseException:
            self._pool.shutdown()
            raise

    async def ask(self, question: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`question(queries, *args, **kwargs)`, answered on the reader's thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, partial(question, self.queries, *args, **kwargs))

    def run(self, question: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """The same, for callers outside the event loop (start-up, tests)."""
        return self._pool.submit(partial(question, self.queries, *args, **kwargs)).result()

    def close(self) -> None:
        """Release the store (on its own thread) and stop the worker."""
        try:
            self._pool.submit(self.queries.application.close).result()
        finally:
            self._pool.shutdown()
