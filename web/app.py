"""The ASGI application of `ledger serve`: the pages, the JSON API, the downloads and the packaged static files,
behind the token gate and the security headers (`web.security`).

Errors become answers, never tracebacks: a bad parameter is 400, an unknown person, unit or address 404, any other
refusal of the ledger 400 with its message; anything unexpected is 500 with one line, and its traceback goes to
the server's log only; too many heavy reads at once is 503 with Retry-After (`web.reading`). The API answers errors as JSON (`{"error": …, "status": …}`), the pages as a page.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from ledger.app import LedgerError, NotFound, is_district
from web import api, district, downloads, pages
from web.reading import Busy, Reader
from web.render import render
from web.security import SecurityHeaders, TokenGate, is_loopback

STATIC = Path(__file__).resolve().parent / "static"
API = re.compile(r"(/b/[^/]+)?/api/")  # the API's addresses, a bureau's in a district's view too
log = logging.getLogger("ledger.web")


def _status(exc: Exception) -> tuple[int, str]:
    if isinstance(exc, HTTPException):
        return exc.status_code, "no such page" if exc.status_code == 404 else str(exc.detail)
    if isinstance(exc, NotFound):
        return 404, str(exc)
    if isinstance(exc, Busy):
        return 503, str(exc)
    if isinstance(exc, LedgerError):
        return 400, str(exc)
    log.error("unexpected error answering a request", exc_info=exc)
    return 500, f"internal error ({type(exc).__name__}); the server's log has the details"


async def _error(request: Request, exc: Exception) -> Response:
    status, message = _status(exc)
    headers = {"retry-after": str(exc.retry_after)} if isinstance(exc, Busy) else None
    if API.match(request.url.path):
        return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)
    if isinstance(exc, HTTPException) and status == 404:
        message = "没有此页面"  # the pages speak Chinese; the API keeps its messages as they are
    elif status == 500:
        message = f"内部错误（{type(exc).__name__}）；详情见服务器日志"
    try:
        return render(request, "error.html", {"status": status, "message": message}, status=status, headers=headers)
    except Exception as e:  # the error page itself failed: still one line, never a traceback
        log.error("the error page failed", exc_info=e)
        return PlainTextResponse(f"{status}: {message}\n", status_code=status)


HANDLERS = {HTTPException: _error, LedgerError: _error, Exception: _error}


def bureau_app(reader: Reader, bureau: dict[str, str]) -> Starlette:
    """One bureau's pages, API and downloads in a district's view (under /b/CODE; the district's app has the
    gate, the headers and the static files)."""
    app = Starlette(routes=[*pages.ROUTES, *api.ROUTES, *downloads.ROUTES], exception_handlers=HANDLERS)
    app.state.reader = reader
    app.state.bureau = bureau
    return app


def create_app(reader: Reader, token: str | None = None, host: str = "127.0.0.1") -> Starlette:
    """The view of the ledger `reader` holds — or, when it holds a district's registry, of the district and each
    of its bureaus (`web.district`). With `token`, every request must carry it; served on loopback, requests must
    also name a loopback host (a page of another site cannot reach it through DNS rebinding)."""
    middleware = [Middleware(SecurityHeaders), Middleware(TokenGate, token=token)]
    if is_loopback(host) and ":" not in host:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost", host]))
    static = Mount("/static", StaticFiles(directory=STATIC), name="static")
    is_a_district = reader.run(is_district)
    own = district.routes(reader, bureau_app) if is_a_district else [*pages.ROUTES, *api.ROUTES, *downloads.ROUTES]
    app = Starlette(routes=[*own, static], middleware=middleware, exception_handlers=HANDLERS)
    app.state.reader = reader
    app.state.district = is_a_district
    return app
