"""The web view under test: its ASGI app over a real store (Starlette's TestClient), and `ledger serve` as a real
server process on a free loopback port (for the browser)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from starlette.testclient import TestClient

from web.app import create_app
from web.reading import Reader

BASE = "http://127.0.0.1"  # a loopback host: the view refuses requests that name another host


@contextmanager
def web_client(store: str, token: str | None = None, host: str = "127.0.0.1", **kw) -> Iterator[TestClient]:
    reader = Reader(store)
    try:
        with TestClient(create_app(reader, token, host), base_url=BASE, **kw) as client:
            yield client
    finally:
        reader.close()


@contextmanager
def served(store: str, *extra: str) -> Iterator[str]:
    """`ledger --store STORE serve --port 0` in a subprocess; yields the address it printed."""
    with served_with("--store", store, "serve", "--port", "0", *extra) as url:
        yield url


@contextmanager
def served_with(*args: str) -> Iterator[str]:
    """`ledger ARGS` (a `serve` command) in a subprocess; yields the address it printed once listening."""
    code = "from cli.main import cli; cli(prog_name='ledger')"
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        said = ""
        found = None
        for _ in range(3):  # the announcement, folded to $COLUMNS when set: the address may be on its second line
            said += proc.stdout.readline() if proc.stdout else ""
            found = re.search(r"http://\S+/", said)
            if found is not None:
                break
        if found is None:
            proc.kill()
            raise AssertionError(f"ledger serve did not start: {said}{proc.stderr.read() if proc.stderr else ''}")
        yield found.group(0)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
