"""The JSON API: each endpoint answers exactly what a `ledger … --json` command prints, byte for byte.

Each makes the command's own query call (`ledger.app.Queries`) with the parameters parsed as the command parses
its options, and encodes the answer with the same function (`ledger.app.dump_json`):

    /api/roster?as_of=D[&known_at=T][&unit=U]         ledger roster --as-of D [--known-at T] [--unit U] --json
    /api/units?as_of=D[&known_at=T][&unit=U]          ledger units  --as-of D [--known-at T] [--unit U] --json
    /api/history/PERSON                               ledger history PERSON --json
    /api/diff?from=D1&to=D2[&unit=U][&known_at=T]     ledger diff --from D1 --to D2 [--unit U] [--known-at T] --json
    /api/check?as_of=D[&since=D0][&unit=U][&known_at=T]  ledger check --as-of D [--since D0] … --json
    /api/verify                                       ledger verify --json

A missing date defaults as the command's does (today). A person or unit may be named as the CLI takes it
(`web.names`): an id in any case, a name, pinyin initials. Bad parameters are 400, an unknown person or unit 404
(`web.app` turns the errors into JSON bodies; never a traceback). `check` and `verify` are heavy reads
(`web.reading`): over the limit they are 503 with Retry-After; `verify` is reused while the stored head is unchanged.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ledger.app import Queries, dump_json
from web.names import person_id, unit_code
from web.params import BadRequest, Params

JSON = "application/json"


async def _answer(request: Request, question: Any, *args: Any) -> Response:
    data = await request.app.state.reader.ask(question, *args)
    return Response(dump_json(data), media_type=JSON)


async def roster(request: Request) -> Response:
    p = Params(request.query_params, "as_of", "known_at", "unit")
    return await _answer(request, Queries.roster, p.day("as_of", date.today()), p.moment("known_at"),
                         await unit_code(request, p.text("unit")))


async def units(request: Request) -> Response:
    p = Params(request.query_params, "as_of", "known_at", "unit")
    return await _answer(request, Queries.units, p.day("as_of", date.today()), p.moment("known_at"),
                         await unit_code(request, p.text("unit")))


async def history(request: Request) -> Response:
    Params(request.query_params)
    return await _answer(request, Queries.history, await person_id(request, request.path_params["person"]))


def diff_range(p: Params) -> tuple[date, date]:
    """`from` and `to`, both required, in order (the page's form checks the same)."""
    start, end = p.required_date("from"), p.required_date("to")
    if end < start:
        raise BadRequest(f"to {end} is before from {start}")
    return start, end


async def diff(request: Request) -> Response:
    p = Params(request.query_params, "from", "to", "unit", "known_at")
    start, end = diff_range(p)
    return await _answer(request, Queries.diff, start, end, await unit_code(request, p.text("unit")),
                         p.moment("known_at"))


def check_dates(p: Params) -> tuple[date, date]:
    """`as_of` (default today) and `since` (default 1 January of as_of's year), as `ledger check` takes them."""
    on = p.day("as_of", date.today())
    since = p.day("since", date(on.year, 1, 1))
    if since > on:
        raise BadRequest(f"since {since} is after as_of {on}")
    return on, since


def _findings(queries: Queries, on: date, since: date, unit: str | None, known_at: Any) -> dict[str, Any]:
    return queries.findings(on, since, unit, known_at=known_at).as_json()


async def check(request: Request) -> Response:
    p = Params(request.query_params, "as_of", "since", "unit", "known_at")
    on, since = check_dates(p)
    data = await request.app.state.reader.ask_heavy(_findings, on, since, await unit_code(request, p.text("unit")), p.moment("known_at"))
    return Response(dump_json(data), media_type=JSON)


async def verify(request: Request) -> Response:
    Params(request.query_params)
    return Response(dump_json(await request.app.state.reader.verified()), media_type=JSON)


ROUTES = [
    Route("/api/roster", roster),
    Route("/api/units", units),
    Route("/api/history/{person}", history),
    Route("/api/diff", diff),
    Route("/api/check", check),
    Route("/api/verify", verify),
]
