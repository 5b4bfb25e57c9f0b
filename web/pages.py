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

from datetime import date
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from web import views
from web.params import Params
from web.render import page_url, render


async def organisation(request: Request) -> Response:
    p = Params(request.query_params, "as_of", "known_at", "unit")
    on, known_at = p.day("as_of", date.today()), p.moment("known_at")
    view = await request.app.state.reader.ask(views.org_view, on, known_at, p.text("unit"))
    return render(request, "organisation.html", view, as_of=on, known_at=known_at)


async def unit(request: Request) -> Response:
    p = Params(request.query_params, "as_of", "known_at", "year")
    known_at = p.moment("known_at")
    year = p.year("year", 0) or None
    view = await request.app.state.reader.ask(views.unit_view, request.path_params["unit"], known_at, year)
    return render(request, "unit.html", view, as_of=p.date("as_of"), known_at=known_at)


async def person(request: Request) -> Response:
    p = Params(request.query_params, "as_of", "known_at")
    known_at = p.moment("known_at")
    view = await request.app.state.reader.ask(views.person_view, request.path_params["person"], known_at)
    return render(request, "person.html", view, as_of=p.date("as_of"), known_at=known_at)


async def find_person(request: Request) -> Response:
    """The search box: to the person's page (an unknown id is that page's 404)."""
    p = Params(request.query_params, "person", "as_of", "known_at")
    who = p.text("person")
    if not who:
        return RedirectResponse("/", status_code=303)
    keep = {k: v for k, v in p.values.items() if k != "person"}
    return RedirectResponse(page_url(f"/person/{quote(who, safe='')}", **keep), status_code=303)


async def diff(request: Request) -> Response:
    from web.api import diff_range

    p = Params(request.query_params, "from", "to", "unit", "known_at", "as_of")
    on = p.day("as_of", date.today())
    if "from" not in p.values and "to" not in p.values:  # the page's default: this year so far
        start, end = date(on.year - 1, 12, 31), on
    else:
        start, end = diff_range(p)
    known_at = p.moment("known_at")
    view = await request.app.state.reader.ask(views.diff_view, start, end, p.text("unit"), known_at)
    return render(request, "diff.html", view, as_of=on, known_at=known_at, start=start, end=end, unit=p.text("unit"))


async def check(request: Request) -> Response:
    from web.api import check_dates

    p = Params(request.query_params, "as_of", "since", "unit", "known_at")
    on, since = check_dates(p)
    known_at = p.moment("known_at")
    view = await request.app.state.reader.ask_heavy(views.check_view, on, since, p.text("unit"), known_at)
    return render(request, "check.html", view, as_of=on, known_at=known_at, since=since, unit=p.text("unit"))


async def verify(request: Request) -> Response:
    p = Params(request.query_params, "as_of", "known_at")
    reader = request.app.state.reader
    view = {"verification": await reader.verified(), "span": await reader.ask(views.span)}
    return render(request, "verify.html", view, as_of=p.date("as_of"), known_at=p.moment("known_at"))


ROUTES = [
    Route("/", organisation, name="organisation"),
    Route("/unit/{unit}", unit, name="unit"),
    Route("/person", find_person, name="find_person"),
    Route("/person/{person}", person, name="person"),
    Route("/diff", diff, name="diff"),
    Route("/check", check, name="check"),
    Route("/verify", verify, name="verify"),
]
