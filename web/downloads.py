"""Downloads: the roster (.xlsx), the yearly report (.docx) and the compliance snapshot (.docx) for the date shown,
each written by its exporter (found through the `ledger.exporters` entry points, as `ledger export` finds it) with
the options `ledger export` would pass, into a temporary folder, and sent as the file.

    /download/roster.xlsx?as_of=D[&known_at=T][&unit=U]            ledger roster --as-of D … --format xlsx -o …
    /download/yearly-report.docx?year=Y[&unit=U][&known_at=T]      ledger export yearly-report --year Y …
    /download/compliance-snapshot.docx?as_of=D[&known_at=T][&since=D0]  ledger export compliance-snapshot --as-of D …
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from exporters.base import ExportContext
from exporters.registry import get_exporter
from ledger.app import Queries
from web.names import unit_code
from web.params import Params

ACTOR = "ledger serve"
TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _export(queries: Queries, name: str, suffix: str, options: dict[str, Any]) -> bytes:
    """Run one exporter into a temporary folder and return the file's bytes (the folder goes with it)."""
    full = {"year": None, "as_of": None, "known_at": None, "unit": None, "narrative": None, "redact": False,
            "format": suffix, **options}
    with tempfile.TemporaryDirectory(prefix="ledger-web-") as folder:
        written = get_exporter(name).export(ExportContext(queries, ACTOR), Path(folder) / f"download.{suffix}", full)
        return Path(written).read_bytes()


async def _send(request: Request, name: str, suffix: str, options: dict[str, Any], filename: str) -> Response:
    data = await request.app.state.reader.ask_heavy(_export, name, suffix, options)  # a heavy read: web.reading
    disposition = f"attachment; filename=\"{name}.{suffix}\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=TYPES[suffix], headers={"content-disposition": disposition})


async def roster(request: Request) -> Response:
    p = Params(request.query_params, "as_of", "known_at", "unit")
    on, unit = p.day("as_of", date.today()), await unit_code(request, p.text("unit"))
    return await _send(request, "roster", "xlsx", {"as_of": on, "known_at": p.moment("known_at"), "unit": unit},
                       f"花名册-{unit or '全部'}-{on.isoformat()}.xlsx")


async def yearly_report(request: Request) -> Response:
    p = Params(request.query_params, "year", "unit", "known_at")
    year = p.year("year", date.today().year - 1)
    return await _send(request, "yearly-report", "docx", {"year": year, "unit": await unit_code(request, p.text("unit")),
                                                          "known_at": p.moment("known_at")},
                       f"{year}年选人用人工作报告.docx")


async def compliance_snapshot(request: Request) -> Response:
    p = Params(request.query_params, "as_of", "known_at", "since")
    on = p.day("as_of", date.today())
    return await _send(request, "compliance-snapshot", "docx",
                       {"as_of": on, "known_at": p.moment("known_at"), "since": p.date("since")},
                       f"{on.isoformat()}合规快照.docx")


ROUTES = [
    Route("/download/roster.xlsx", roster),
    Route("/download/yearly-report.docx", yearly_report),
    Route("/download/compliance-snapshot.docx", compliance_snapshot),
]
