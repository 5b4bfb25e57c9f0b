"""Heavy reads (verify, check, downloads) run in a lane of their own with a limit: over it the view answers 503 with
Retry-After at once, while light pages go on answering; `verify` is reused while the stored head is unchanged, and
concurrent verifies share one run.

The lane is held by a real heavy read that waits for a file (a question asked in the lane's process), so the
tests see the limit as a client does, over the real ASGI app and a real store.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import orjson
import pytest

from tests.conftest import Ledger
from tests.scenarios import ev, small_bureau
from web.app import create_app
from web.reading import RETRY_AFTER, Reader


class Answer:
    """One response of the ASGI app: status, headers (lower-case names), body."""

    def __init__(self, status: int, headers: dict[str, str], content: bytes):
        self.status_code, self.headers, self.content = status, headers, content
        self.text = content.decode("utf-8", "replace")

    def json(self):
        return orjson.loads(self.content)


class Client:
    """GET requests straight into the ASGI app, on the test's own event loop (so requests can overlap)."""

    def __init__(self, app):
        self.app = app

    async def get(self, address: str) -> Answer:
        path, _, query = address.partition("?")
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
                 "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
                 "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80)}
        sent: list[dict] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        await self.app(scope, receive, send)
        start = next(m for m in sent if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return Answer(start["status"], {k.decode().lower(): v.decode() for k, v in start["headers"]}, body)


def wait_for_file(_queries, path: str) -> str:
    """A heavy read that lasts until `path` exists (at most 30 s)."""
    end = time.monotonic() + 30
    while not Path(path).exists() and time.monotonic() < end:
        time.sleep(0.02)
    return "done"


@pytest.fixture
def bureau(tmp_path: Path) -> str:
    store = str(tmp_path / "ledger.sqlite3")
    lines = tmp_path / "bureau.jsonl"
    lines.write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in small_bureau()))
    Ledger(store).ok("import", str(lines))
    return store


async def _hold_the_lane(reader: Reader, flag: Path) -> asyncio.Task:
    held = asyncio.create_task(reader.ask_heavy(wait_for_file, str(flag)))
    while reader._admitted < reader.heavy_limit:
        await asyncio.sleep(0.01)
    return held


def test_over_the_limit_heavy_reads_are_503_with_retry_after_and_light_pages_answer(bureau, tmp_path) -> None:
    flag = tmp_path / "release"

    async def scenario() -> None:
        reader = Reader(bureau, heavy_limit=1)
        try:
            c = Client(create_app(reader))
            held = await _hold_the_lane(reader, flag)
            for path in ("/api/verify", "/api/check?as_of=2021-06-30", "/verify", "/check?as_of=2021-06-30",
                         "/download/roster.xlsx?as_of=2021-06-30"):
                busy = await c.get(path)
                assert busy.status_code == 503, (path, busy.status_code)
                assert busy.headers["retry-after"] == str(RETRY_AFTER)
                assert "Traceback" not in busy.text
            assert (await c.get("/api/verify")).json()["error"].startswith("the view is already answering")
            t = time.perf_counter()
            light = await c.get("/api/units?as_of=2021-06-30")
            assert light.status_code == 200 and time.perf_counter() - t < 2, "a light read does not wait"
            flag.touch()
            assert await held == "done"
            answer = await c.get("/api/verify")
            assert answer.status_code == 200 and answer.json()["ok"] is True
            assert (await c.get("/api/check?as_of=2021-06-30")).status_code == 200
        finally:
            reader.close()

    asyncio.run(scenario())


def test_verify_is_shared_while_running_and_reused_until_the_head_changes(bureau, tmp_path) -> None:
    flag = tmp_path / "release"

    async def scenario() -> None:
        reader = Reader(bureau, heavy_limit=1)
        try:
            c = Client(create_app(reader))
            # three at once with room for one heavy read: they share one run, none is refused
            three = await asyncio.gather(*(c.get("/api/verify") for _ in range(3)))
            assert [r.status_code for r in three] == [200, 200, 200]
            assert len({r.content for r in three}) == 1 and three[0].json()["ok"] is True
            before = three[0].json()["head"]

            held = await _hold_the_lane(reader, flag)
            again = await c.get("/api/verify")  # the lane is full, but the head is the one verified: reused
            assert again.status_code == 200 and again.content == three[0].content

            Ledger(bureau).ok("import", str(_one_more(tmp_path)))  # a clerk records: the head moves on
            assert (await c.get("/api/verify")).status_code == 503, "a new head is verified anew"
            flag.touch()
            await held
            after = await c.get("/api/verify")
            assert after.status_code == 200 and after.json()["ok"] is True and after.json()["head"] != before
        finally:
            reader.close()

    asyncio.run(scenario())


def _one_more(folder: Path) -> Path:
    path = folder / "more.jsonl"
    path.write_bytes(orjson.dumps(ev("rank_promoted", "2022-03-01", person="S04", rank="二级主任科员")) + b"\n")
    return path
