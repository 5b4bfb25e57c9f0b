"""How the web view reaches the ledger: opened once, for reading only, and asked from one thread of its own.

`open_read_only` is the one place the view opens a store: through the application's read-only opening (nothing
is created or written, not even the derived tables: writers keep them, and a read that finds them behind answers
from the events), refusing a SQLite file that is not there, and it hands out the query API only.

`Reader` owns the open ledger on a single worker thread: the store's connections (SQLite's above all) belong to
the thread that made them, and one question at a time keeps the in-memory fact log consistent. The ASGI event
loop stays free meanwhile (static files, other requests queue for their turn).

Heavy reads (`verify`, the compliance check, the downloads) are not asked on that thread: one verify of a city
takes seconds, and light pages would wait behind it. They go to a second lane, a worker *process* with its own
read-only opening of the store (`ask_heavy`), so they neither hold the light thread nor its interpreter lock. At most
`heavy_limit` heavy reads are admitted at once (running or waiting their turn); one more is refused at once with
`Busy` (503 and Retry-After), never queued without bound. `verified()` answers `verify` from a cache keyed by the
stored head (the last event's version and stored bytes, one indexed look-up), for at most `VERIFY_TTL` seconds,
and concurrent asks of the same head share one run.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ledger.app import LedgerError

if TYPE_CHECKING:
    from ledger.app import Queries

T = TypeVar("T")

HEAVY_LIMIT = 2  # heavy reads admitted at once (one running, one waiting its turn)
VERIFY_TTL = 60.0  # seconds a verification of an unchanged head is reused
RETRY_AFTER = 5  # seconds a refused heavy read is told to wait


class Busy(LedgerError):
    """Too many heavy reads at once: the request is refused now (HTTP 503, Retry-After), not queued."""

    retry_after = RETRY_AFTER


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


_heavy_queries: list[Queries] = []  # in a heavy-lane process: its own opening of the store


def _open_heavy(store: str | None) -> None:
    _heavy_queries.append(open_read_only(store))


def _ask_heavy(question: Callable[..., T], args: tuple[Any, ...]) -> T:
    return question(_heavy_queries[0], *args)


def _verification(queries: Queries) -> dict[str, Any]:
    return queries.verify().as_json()


def _stored_head(queries: Queries) -> tuple[int, str] | None:
    return queries.stored_head()


class Reader:
    """The query API of one open ledger, asked from one worker thread; heavy reads in a process of their own."""

    def __init__(self, store: str | None, heavy_limit: int = HEAVY_LIMIT):
        self._store = store
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-reader")
        self._heavy: ProcessPoolExecutor | None = None
        self.heavy_limit = heavy_limit
        self._admitted = 0
        self._verifying: dict[Any, asyncio.Future[dict[str, Any]]] = {}
        self._verified: tuple[Any, float, dict[str, Any]] | None = None
        self._also: list[Callable[[], None]] = []
        try:
            self.queries: Queries = self._pool.submit(open_read_only, store).result()
        except BaseException:
            self._pool.shutdown()
            raise

    async def ask(self, question: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`question(queries, *args, **kwargs)`, answered on the reader's thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, partial(question, self.queries, *args, **kwargs))

    async def ask_heavy(self, question: Callable[..., T], *args: Any) -> T:
        """`question(queries, *args)` in the heavy lane's process (`question` and `args` travel by pickle: a
        module-level function and plain values); `Busy` when `heavy_limit` heavy reads are already admitted."""
        if self._admitted >= self.heavy_limit:
            raise Busy(f"the view is already answering {self._admitted} heavy requests (verify, check, downloads): "
                       f"try again in {RETRY_AFTER} seconds")
        self._admitted += 1
        try:
            if self._heavy is None:
                self._heavy = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("forkserver"),
                                                  initializer=_open_heavy, initargs=(self._store,))
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._heavy, _ask_heavy, question, args)
        finally:
            self._admitted -= 1

    async def verified(self) -> dict[str, Any]:
        """`ledger verify --json`'s answer, reused while the stored head is unchanged (at most `VERIFY_TTL`
        seconds); asks of the same head while one runs wait for it instead of running again."""
        head = await self.ask(_stored_head)
        cached = self._verified
        if cached is not None and cached[0] == head and time.monotonic() - cached[1] < VERIFY_TTL:
            return cached[2]
        running = self._verifying.get(head)
        if running is not None:
            return await asyncio.shield(running)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._verifying[head] = future
        try:
            answer = await self.ask_heavy(_verification)
        except Exception as e:
            future.set_exception(e)
            future.exception()  # retrieved: no "never retrieved" warning when nobody else waited
            raise
        except BaseException:  # cancelled (the asker left): those waiting ask again
            future.cancel()
            raise
        finally:
            del self._verifying[head]
        self._verified = (head, time.monotonic(), answer)
        future.set_result(answer)
        return answer

    def run(self, question: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """The same, for callers outside the event loop (start-up, tests)."""
        return self._pool.submit(partial(question, self.queries, *args, **kwargs)).result()

    def also_close(self, release: Callable[[], None]) -> None:
        """Call `release` when this reader closes (a district's view: its bureaus' readers)."""
        self._also.append(release)

    def close(self) -> None:
        """Release the store (on its own thread) and stop the worker; then what was to close with it."""
        try:
            for release in reversed(self._also):
                release()
            self._pool.submit(self.queries.application.close).result()
        finally:
            self._pool.shutdown()
            if self._heavy is not None:
                self._heavy.shutdown(cancel_futures=True)
