"""People and units as the CLI takes them: every `{person}` and `unit` of the view, pages, API and downloads alike,
may be an id (in any case), a name or pinyin initials, turned into the id by the query API's one resolver
(`Queries.resolve_person`/`resolve_unit`, what `ledger history 梁宇` and `--unit 区文化馆` use). A unique match is
used; several are a 400 listing them (the search box lists them as a page instead); none is the ledger's 404.
An id-shaped text with no lower-case letter is used as typed, without asking the ledger, as the CLI does.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from ledger.app import LedgerError, NotFound, Queries, typed_as_id


async def person_id(request: Request, text: str) -> str:
    """The id of the person `text` names."""
    if typed_as_id(text):
        return text
    return (await request.app.state.reader.ask(Queries.resolve_person, text)).id


async def unit_code(request: Request, text: str | None) -> str | None:
    """The code of the unit `text` names (None: none asked)."""
    if text is None or typed_as_id(text):
        return text
    return (await request.app.state.reader.ask(Queries.resolve_unit, text)).id


def search(q: Queries, text: str) -> dict[str, Any]:
    """The search box's answer: the one person `text` names (`person`), else everyone it may mean (`ledger find`'s
    answer) and why the name alone did not do (`reason`)."""
    try:
        who = q.resolve_person(text).id
        if not typed_as_id(text) or any(i == who for i, _ in q.known_ids("person")):
            return {"person": who}
        reason = f"no person '{text}' in the ledger"
    except (NotFound, LedgerError) as e:
        reason = str(e)
    found = q.find(text)
    return {"person": None, "query": text, "people": found["people"], "units": found["units"], "reason": reason}
