"""Running the view: open the ledger for reading, listen, print where, and serve with uvicorn until interrupted.

The socket is bound before uvicorn starts, so that `--port 0` (any free port) can print the real address, and a
port in use is one clear error before anything else happens.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass

from ledger.app import LedgerError
from web.reading import Reader
from web.security import is_loopback, new_token


@dataclass(frozen=True)
class Listening:
    """Where the view is served, and the token it needs (None on loopback without --token)."""

    url: str
    token: str | None
    token_generated: bool


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as e:
        sock.close()
        raise LedgerError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    sock.listen(128)
    return sock


def serve(store: str | None, host: str, port: int, token: str | None,
          announce: Callable[[Listening], None]) -> None:
    """Serve the ledger in `store` on `host`:`port` until interrupted; `announce` is told where, once listening.

    On a host other than loopback a token is required: `token`, or a new one."""
    import uvicorn

    from web.app import create_app

    generated = token is None and not is_loopback(host)
    token = new_token() if generated else token
    reader = Reader(store)  # a missing store is refused here, before the port is taken
    try:
        sock = _bind(host, port)
        bound = sock.getsockname()[1]
        shown = f"[{host.strip('[]')}]" if ":" in host.strip("[]") else host
        config = uvicorn.Config(create_app(reader, token, host), log_level="warning", access_log=False,
                                lifespan="off")
        announce(Listening(f"http://{shown}:{bound}/", token, generated))
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        reader.close()
