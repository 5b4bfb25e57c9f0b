"""The pages, server-rendered (Jinja2), in Chinese with the CLI's terms. Each parses its parameters as the JSON API
does (`web.params`), asks the reader for one view (`web.views`) and renders it. Every page's address holds all it
shows (`as_of`, `known_at`, the unit …), so a view can be linked and reproduced.

    /                       the organisation on a date: unit tree with gauges, a unit's roster, its findings
    /unit/UNIT              a unit over the years, and one year's ins and outs
    /person/PERSON          a person's timeline, and every event with its recorded time, actor and corrections
    /diff                   what changed between two dates
    /check                  compliance findings with their clauses
    /verify                 the hash chain's verdict and the head digest
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ledger.app import NotFound
from web import views
from web.names import person_id, search, unit_code
from web.params import Params
from web.render import here, render


async def _moment(request: Request, known_at: datetime | None) -> dict[str, Any] | None:
    """The recording a known-at page is as of (the banner's label and steps), or None as known now."""
    return None if known_at is None else await request.app.state.reader.ask(views.moment_view, known_at)


def _not_yet(request: Request, moment: dict[str, Any], what: str, **page: Any) -> Response:
    """A page asked for a moment before its subject was recorded: a note, with the ways on (not a 404)."""
    return render(request, "not_yet.html", {"what": what}, moment=moment, **page)


async def organisation(request: Request) -> Response:
    p = Params(request.query_params, "as_of", "known_at", "unit")
    on, known_at = p.day("as_of", date.today()), p.moment("known_at")
    view = await request.app.state.reader.ask(views.org_view, on, known_at, await unit_code(request, p.text("unit")))
    return render(request, "organisation.html", view, as_of=on, known_at=known_at, moment=view["moment"])


async def unit(request: Request) -> Response:
    p = Params(request.query_params, "as_of", "known_at", "year")
    known_at = p.moment("known_at")
    on = p.date("as_of")
    year = p.year("year", 0) or (on.year if on else None)  # the year of the date being looked at
    code = await unit_code(request, request.path_params["unit"])
    if code != request.path_params["unit"]:  # a name or another case: to the unit's own address
        return RedirectResponse(here(request, f"/unit/{quote(code, safe='')}", **p.values), status_code=303)
    moment = await _moment(request, known_at)
    if moment and moment["before_first"]:
        return _not_yet(request, moment, "台账尚无任何记录", as_of=p.date("as_of"), known_at=known_at)
    view = await request.app.state.reader.ask(views.unit_view, code, known_at, year)
    return render(request, "unit.html", view, as_of=p.date("as_of"), known_at=known_at, moment=moment)


async def person(request: Request) -> Response:
    p = Params(request.query_params, "as_of", "known_at")
    known_at = p.moment("known_at")
    who = await person_id(request, request.path_params["person"])
    if who != request.path_params["person"]:  # a name, initials or another case: to the person's own address
        return RedirectResponse(here(request, f"/person/{quote(who, safe='')}", **p.values), status_code=303)
    moment = await _moment(request, known_at)
    if moment and moment["before_first"]:
        return _not_yet(request, moment, "台账尚无任何记录", as_of=p.date("as_of"), known_at=known_at)
    try:
        view = await request.app.state.reader.ask(views.person_view, who, known_at, p.date("as_of"))
    except NotFound:
        if moment is None:
            raise
        return _not_yet(request, moment, f"台账此时尚未记录 {who}", as_of=p.date("as_of"), known_at=known_at)
    return render(request, "person.html", view, as_of=p.date("as_of"), known_at=known_at, moment=moment)


async def find_person(request: Request) -> Response:
    """The search box: an id (any case), a name or pinyin initials — to the person's page when it names one
    person, else a page listing everyone it may mean."""
    p = Params(request.query_params, "person", "as_of", "known_at")
    who = p.text("person")
    if not who:
        return RedirectResponse(here(request, "/"), status_code=303)
    keep = {k: v for k, v in p.values.items() if k != "person"}
    found = await request.app.state.reader.ask(search, who)
    if found["person"] is not None:
        return RedirectResponse(here(request, f"/person/{quote(found['person'], safe='')}", **keep), status_code=303)
    return render(request, "search.html", found, as_of=p.date("as_of"), known_at=p.moment("known_at"))


async def diff(request: Request) -> Response:
    from web.api import diff_range

    p = Params(request.query_params, "from", "to", "unit", "known_at", "as_of")
    on = p.day("as_of", date.today())
    if "from" not in p.values and "to" not in p.values:  # the page's default: this year so far
        start, end = date(on.year - 1, 12, 31), on
    else:
        start, end = diff_range(p)
    known_at = p.moment("known_at")
    unit = await unit_code(request, p.text("unit"))
    view = await request.app.state.reader.ask(views.diff_view, start, end, unit, known_at)
    return render(request, "diff.html", view, as_of=on, known_at=known_at, start=start, end=end, unit=unit,
                  moment=await _moment(request, known_at))


async def check(request: Request) -> Response:
    from web.api import check_dates

    p = Params(request.query_params, "as_of", "since", "unit", "known_at")
    on, since = check_dates(p)
    known_at = p.moment("known_at")
    unit = await unit_code(request, p.text("unit"))
    view = await request.app.state.reader.ask_heavy(views.check_view, on, since, unit, known_at)
    return render(request, "check.html", view, as_of=on, known_at=known_at, since=since, unit=unit,
                  moment=await _moment(request, known_at))


async def verify(request: Request) -> Response:
    p = Params(request.query_params, "as_of", "known_at")
    reader = request.app.state.reader
    view = {"verification": await reader.verified(), "span": await reader.ask(views.span)}
    known_at = p.moment("known_at")
    return render(request, "verify.html", view, as_of=p.date("as_of"), known_at=known_at,
                  moment=await _moment(request, known_at))


ROUTES = [
    Route("/", organisation, name="organisation"),
    Route("/unit/{unit}", unit, name="unit"),
    Route("/person", find_person, name="find_person"),
    Route("/person/{person}", person, name="person"),
    Route("/diff", diff, name="diff"),
    Route("/check", check, name="check"),
    Route("/verify", verify, name="verify"),
]
