"""A district's web view: `ledger serve --store 'postgresql://…?schema=district'` (a store that registers bureaus,
`ledger.app.is_district`) shows the district instead of one bureau.

    /                            the bureaus registered on a date (as known at a moment), each with its figures
    /b/CODE/…                    the bureau's own pages, API and downloads, exactly as `ledger serve` of its schema
                                 shows them (its ledger opened read-only once, on a reader of its own; a read of a
                                 person lands in the bureau's access log, as the view's reads always do)
    /district/roster|units|check|report     the roll-ups, every row with its bureau
    /api/district/list|roster|units|check|eligible|due|report   what `ledger district … --json` prints, byte for byte

The roll-ups are `ledger.app.District`'s (each bureau asked through its own query API, via "district" in its
access log); the compliance check and the yearly report are heavy reads (`web.reading`). Pages keep `as_of` and
`known_at` as the bureau pages do; every value is escaped by the templates.
"""

from __future__ import annotations

import asyncio
from collections import Counter, OrderedDict
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.types import Receive, Scope, Send

from ledger.app import District, Queries, approving_percent, dump_json, window_end
from web.api import JSON, check_dates
from web.params import BadRequest, Params
from web.reading import Reader
from web.render import render

SHOWN = 1000  # rows a roll-up page lists at most (the JSON API and each bureau's pages have every row)


# --- questions, asked on the district reader's thread (or, heavy, in its process) --------------------------------
def district_of(q: Queries) -> District:
    """The district over the reader's store: a roll-up opens each bureau's ledger, asks it and closes it (kept open,
    forty bureaus' connections would exceed what a PostgreSQL server allows)."""
    return District(q)


def listing(q: Queries, on: date | None, known_at: datetime | None) -> list[dict[str, Any]]:
    return district_of(q).listing(on, known_at)


def figures(q: Queries, on: date, known_at: datetime | None) -> list[dict[str, Any]]:
    return district_of(q).figures(on, known_at)


def roster(q: Queries, on: date, known_at: datetime | None) -> dict[str, Any]:
    return district_of(q).roster(on, known_at)


def units(q: Queries, on: date, known_at: datetime | None) -> list[dict[str, Any]]:
    return district_of(q).units(on, known_at)


def check(q: Queries, on: date, since: date, known_at: datetime | None) -> dict[str, Any]:
    return district_of(q).check(on, since, known_at)


def eligible(q: Queries, on: date, known_at: datetime | None) -> dict[str, Any]:
    return district_of(q).eligible(on, known_at)


def due(q: Queries, on: date, until: date, known_at: datetime | None) -> dict[str, Any]:
    return district_of(q).due(on, until, known_at)


def report(q: Queries, year: int, known_at: datetime | None) -> dict[str, Any]:
    return district_of(q).report(year, known_at)


def registered(q: Queries, code: str) -> tuple[dict[str, str], str]:
    """The bureau registered now as `code` (its code and name) and its ledger's address."""
    d = district_of(q)
    b = d.registered(code)
    return {"code": b.code, "name": b.name}, d.store_of(b)


# --- the bureaus' own pages ------------------------------------------------------------------------------------
class BureauPages:
    """ASGI app mounted at `/b/{code}`: hands the request to the bureau's own view (`make(reader, bureau)`, the
    app `ledger serve` makes of a bureau's store), whose reader opens its ledger read-only at the first request and
    keeps it open — the `OPEN` bureaus asked last, the others closed when no request is using them (each open ledger
    holds a few of the server's connections) — until the district's reader closes."""

    OPEN = 8

    def __init__(self, district: Reader, make: Callable[[Reader, dict[str, str]], Starlette]):
        self.district = district
        self.make = make
        self.views: OrderedDict[str, tuple[Reader, Starlette]] = OrderedDict()
        self.busy: Counter[str] = Counter()
        self.lock = asyncio.Lock()
        district.also_close(self.close)

    async def view(self, code: str) -> Starlette:
        bureau, store = await self.district.ask(registered, code)  # NotFound (404) for a code not registered now
        async with self.lock:
            if code not in self.views:
                reader = await asyncio.to_thread(Reader, store)
                self.views[code] = reader, self.make(reader, bureau)
            self.views.move_to_end(code)
            idle = [c for c in list(self.views)[:-self.OPEN] if not self.busy[c]]
            for c in idle:
                await asyncio.to_thread(self.views.pop(c)[0].close)
            self.busy[code] += 1
        return self.views[code][1]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        code = scope["path_params"]["code"]
        app = await self.view(code)
        try:
            await app(scope, receive, send)
        finally:
            self.busy[code] -= 1

    def close(self) -> None:
        for reader, _app in self.views.values():
            reader.close()
        self.views.clear()


# --- pages -------------------------------------------------------------------------------------------------------
def _dates(request: Request, *more: str) -> tuple[Params, date, datetime | None]:
    p = Params(request.query_params, "as_of", "known_at", *more)
    return p, p.day("as_of", date.today()), p.moment("known_at")


def _bureau(p: Params, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str | None]:
    """The rows of the bureau the page asks for (`bureau`; all when none)."""
    code = p.text("bureau")
    return ([r for r in rows if r["bureau"] == code] if code else rows), code


async def home(request: Request) -> Response:
    p, on, known_at = _dates(request)
    reader = request.app.state.reader
    view = {"bureaus": await reader.ask(figures, on, known_at)}
    return render(request, "district.html", view, as_of=on, known_at=known_at)


async def roster_page(request: Request) -> Response:
    p, on, known_at = _dates(request, "bureau")
    answer = await request.app.state.reader.ask(roster, on, known_at)
    people, code = _bureau(p, answer["people"])
    view = {"bureaus": answer["bureaus"], "people": people[:SHOWN], "count": len(people), "shown": SHOWN,
            "assistants": _bureau(p, answer["assistants"])[0][:SHOWN]}
    return render(request, "district_roster.html", view, as_of=on, known_at=known_at, bureau_code=code)


async def units_page(request: Request) -> Response:
    p, on, known_at = _dates(request, "bureau")
    rows, code = _bureau(p, await request.app.state.reader.ask(units, on, known_at))
    return render(request, "district_units.html", {"units": rows}, as_of=on, known_at=known_at, bureau_code=code)


async def check_page(request: Request) -> Response:
    p = Params(request.query_params, "as_of", "since", "known_at", "bureau")
    on, since = check_dates(p)
    known_at = p.moment("known_at")
    answer = await request.app.state.reader.ask_heavy(check, on, since, known_at)
    findings, code = _bureau(p, answer["findings"])
    view = {**answer, "findings": findings[:SHOWN], "count": len(findings), "shown": SHOWN,
            "notices": _bureau(p, answer["notices"])[0][:SHOWN]}
    return render(request, "district_check.html", view, as_of=on, since=since, known_at=known_at, bureau_code=code)


async def report_page(request: Request) -> Response:
    p = Params(request.query_params, "year", "as_of", "known_at")
    on = p.date("as_of")
    year = p.year("year", (on or date.today()).year - 1)
    known_at = p.moment("known_at")
    answer = await request.app.state.reader.ask_heavy(report, year, known_at)
    rows = [{**r, "approving": approving_percent(r["reviews"])} for r in [*answer["bureaus"], answer["total"]]]
    return render(request, "district_report.html", {**answer, "rows": rows}, as_of=on, known_at=known_at, year=year)


# --- the JSON API: `ledger district … --json` --------------------------------------------------------------------
async def _json(request: Request, question: Callable[..., Any], *args: Any, heavy: bool = False) -> Response:
    reader = request.app.state.reader
    data = await (reader.ask_heavy(question, *args) if heavy else reader.ask(question, *args))
    return Response(dump_json(data), media_type=JSON)


async def api_list(request: Request) -> Response:
    p = Params(request.query_params, "as_of", "known_at")
    return await _json(request, listing, p.date("as_of"), p.moment("known_at"))


async def api_roster(request: Request) -> Response:
    _p, on, known_at = _dates(request)
    return await _json(request, roster, on, known_at)


async def api_units(request: Request) -> Response:
    _p, on, known_at = _dates(request)
    return await _json(request, units, on, known_at)


async def api_check(request: Request) -> Response:
    p = Params(request.query_params, "as_of", "since", "known_at")
    on, since = check_dates(p)
    return await _json(request, check, on, since, p.moment("known_at"), heavy=True)


async def api_eligible(request: Request) -> Response:
    _p, on, known_at = _dates(request)
    return await _json(request, eligible, on, known_at)


async def api_due(request: Request) -> Response:
    p, on, known_at = _dates(request, "within")
    try:
        until = window_end(on, p.text("within") or "90d")
    except ValueError as e:
        raise BadRequest(f"within: {e}") from None
    return await _json(request, due, on, until, known_at)


async def api_report(request: Request) -> Response:
    p = Params(request.query_params, "year", "known_at")
    if p.text("year") is None:
        raise BadRequest("year is required (e.g. year=2024)")
    return await _json(request, report, p.year("year", 0), p.moment("known_at"), heavy=True)


def routes(reader: Reader, make: Callable[[Reader, dict[str, str]], Starlette]) -> list[Route | Mount]:
    """The district's pages and API, and each bureau's own view under /b/CODE (`make`: the bureau's app)."""
    return [
        Route("/", home, name="district"),
        Route("/district/roster", roster_page),
        Route("/district/units", units_page),
        Route("/district/check", check_page),
        Route("/district/report", report_page),
        Route("/api/district/list", api_list),
        Route("/api/district/roster", api_roster),
        Route("/api/district/units", api_units),
        Route("/api/district/check", api_check),
        Route("/api/district/eligible", api_eligible),
        Route("/api/district/due", api_due),
        Route("/api/district/report", api_report),
        Mount("/b/{code}", app=BureauPages(reader, make)),
    ]
