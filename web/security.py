"""What keeps the web view to those meant to see it, and its pages to its own files.

- **Token.** Served on a host other than loopback, every request needs the token (`ledger serve --token`, or one
  generated and printed): as `Authorization: Bearer TOKEN`, or once as `?token=TOKEN` in the address, which sets
  an HTTP-only, same-site cookie and redirects to the address without it (so it stays out of the history and of
  any link copied from the page). A wrong or missing token is 401.
- **Headers.** A content security policy allows scripts, styles and images from the view itself only: no CDN, no
  inline script can run, and no page can be framed. (Inline *styles* are allowed: the charting library styles
  its tooltips so.)
"""

from __future__ import annotations

import ipaddress
import secrets
from urllib.parse import urlencode

from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "ledger_token"
HEADERS = {
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
# Answers change as clerks record; the packaged scripts and styles do not (within one version).
CACHE = {"/static/": "max-age=3600"}
NO_STORE = "no-store"


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: only this machine can connect."""
    if host.strip("[]") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve to any interface


def new_token() -> str:
    return secrets.token_urlsafe(24)


class TokenGate:
    """ASGI middleware: with a token set, a request passes only with it (see the module doc)."""

    def __init__(self, app: ASGIApp, token: str | None):
        self.app = app
        self.token = token

    def _matches(self, given: str | None) -> bool:
        return given is not None and self.token is not None and secrets.compare_digest(given.encode(), self.token.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.token is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        bearer = request.headers.get("authorization", "")
        if self._matches(bearer[7:] if bearer.lower().startswith("bearer ") else None) or \
                self._matches(request.cookies.get(COOKIE)):
            await self.app(scope, receive, send)
            return
        if self._matches(request.query_params.get("token")):
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            target = URL(scope=scope).replace(query=urlencode(rest))
            response = RedirectResponse(f"{target.path}{'?' + target.query if target.query else ''}", status_code=303)
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict", path="/")
        else:
            response = PlainTextResponse("This ledger view needs its token: open the address `ledger serve` printed "
                                         "(…/?token=…), or send 'Authorization: Bearer TOKEN'.\n", status_code=401)
        await response(scope, receive, send)


class SecurityHeaders:
    """ASGI middleware: the headers above on every response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        path = scope.get("path", "")
        cache = next((v for prefix, v in CACHE.items() if path.startswith(prefix)), NO_STORE)
        extra = [(k.encode(), v.encode()) for k, v in {**HEADERS, "cache-control": cache}.items()]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _v in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *((k, v) for k, v in extra if k not in have)]
            await send(message)

        await self.app(scope, receive, with_headers)
