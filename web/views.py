"""What each page shows, assembled from the query API's answers (one call of the reader's thread per page, so a
page is one consistent reading of the ledger). Presentation only: every figure is the query API's, as the CLI
prints it; nothing here counts, judges or folds.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from ledger.app import NotFound, Queries

# The diff's lists, as the pages title them (the CLI's terms).
DIFF_TITLES = {"joined": "进入", "left": "退出", "promoted": "职级晋升", "appointed": "任职", "vacated": "免职",
               "moved": "调动", "seconded": "交流/借调", "returned": "交流/借调结束",
               "assistants_engaged": "自聘助理（编外）", "assistants_released": "解聘助理（编外）"}


def unit_tree(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The units in tree order (each under its parent, in the order they were established), with their depth and
    their totals: 编制 (all types) and 领导职数 (all posts) against who fills them."""
    codes = {u["unit"] for u in units}
    children: dict[str | None, list[dict[str, Any]]] = {}
    for u in units:
        children.setdefault(u["parent"] if u["parent"] in codes else None, []).append(u)
    out: list[dict[str, Any]] = []
    stack = [(u, 0) for u in reversed(children.get(None, []))]
    while stack:
        u, depth = stack.pop()
        quota = sum(e["quota"] for e in u["establishment"])
        posts_quota = sum(p["quota"] for p in u["posts"])
        posts_filled = sum(p["filled"] for p in u["posts"])
        out.append({**u, "depth": min(depth, 4), "quota": quota, "posts_quota": posts_quota, "posts_filled": posts_filled,
                    # the gauges' scale (<meter>): up to the larger of quota and filled; past the quota is "high"
                    "scale": max(quota, u["headcount"], 1), "posts_scale": max(posts_quota, posts_filled, 1)})
        stack += [(c, depth + 1) for c in reversed(children.get(u["unit"], []))]
    return out


def slider_days(span: dict[str, Any], on: date) -> dict[str, str]:
    """The effective-date slider's ends: the first fact's date to the later of today and the last fact's date."""
    first = date.fromisoformat(span["first_effective"]) if span["first_effective"] else on
    last = date.fromisoformat(span["last_effective"]) if span["last_effective"] else on
    return {"min": min(first, on).isoformat(), "max": max(date.today(), last, on).isoformat(), "value": on.isoformat()}


def slider_moments(span: dict[str, Any], known_at: datetime | None) -> dict[str, Any]:
    """The recorded-time slider's ends: the first and the last recording (a second apart at least)."""
    first = datetime.fromisoformat(span["first_recorded"]) if span["first_recorded"] else datetime.now(UTC)
    last = datetime.fromisoformat(span["last_recorded"]) if span["last_recorded"] else first
    last = max(last, first + timedelta(seconds=1))
    value = min(max(known_at, first), last) if known_at else last
    return {"min": first.isoformat(), "max": last.isoformat(), "value": value.isoformat(), "on": known_at is not None}


def org_view(q: Queries, on: date, known_at: datetime | None, unit: str | None) -> dict[str, Any]:
    """The organisation on a date: the unit tree with its gauges, one unit's roster and its findings."""
    units = q.units(on, known_at)
    tree = unit_tree(units)
    selected = unit or (tree[0]["unit"] if tree else None)
    roster = q.roster(on, known_at, selected) if selected else {"people": [], "assistants": []}  # unknown: NotFound
    chosen = next((u for u in tree if u["unit"] == selected), None)
    findings = q.findings(on, unit=selected, known_at=known_at) if chosen else None
    span = q.span()
    return {"tree": tree, "unit": chosen, "roster": roster, "findings": findings_view(findings),
            "days": slider_days(span, on), "moments": slider_moments(span, known_at), "span": span}


def findings_view(findings: Any) -> dict[str, Any] | None:
    """`ledger check --json`'s answer and, for each rule found, its title and clause."""
    if findings is None:
        return None
    data = findings.as_json()
    data["clauses"] = [{"rule": r, "title": findings.rulebook[r].title, "source": findings.rulebook[r].source,
                        "count": n} for r, n in findings.summary().items()]
    return data


def unit_view(q: Queries, unit: str, known_at: datetime | None, year: int | None) -> dict[str, Any]:
    """A unit over the years: its figures on each 31 December, and one year's ins and outs."""
    series = q.unit_series(unit, known_at)
    years = [int(p["date"][:4]) for p in series["points"]]
    chosen = year if year is not None else (years[-1] if years else date.today().year)
    changes = q.diff(date(chosen - 1, 12, 31), date(chosen, 12, 31), unit, known_at)
    return {"series": series, "years": years, "year": chosen, "diff": changes, "titles": DIFF_TITLES,
            "latest": series["points"][-1] if series["points"] else None}


def person_view(q: Queries, person: str, known_at: datetime | None) -> dict[str, Any]:
    """A person's bars and every event about them, each with its recorded time and actor; a retracted one with
    the retraction's reason; with `known_at`, which of them the ledger did not know yet."""
    with q.one_read("person_page", person):  # one line in the access log for the page
        timeline = q.person_timeline(person, known_at)
        events = q.history(person)
        resume = _resume(q, person)
    for e in events:
        e["unknown_then"] = bool(known_at and e["recorded"] and datetime.fromisoformat(e["recorded"]) > known_at)
        e["details"] = {k: v for k, v in e.items() if v is not None and k not in EVENT_FRAME}
    return {"timeline": timeline, "events": events, "span": q.span(), "resume": resume}


def _resume(q: Queries, person: str) -> list[str]:
    """The 简历 the ledger writes for the person as of today (none for someone never on the establishment, such as an
    assistant)."""
    try:
        return q.resume(person, date.today()).rendered()
    except NotFound:
        return []


# What every event has (shown in their own columns), as against what its type has (its details).
EVENT_FRAME = {"id", "event", "effective", "person", "basis", "note", "recorded", "actor", "retracted", "retracted_by",
               "override", "unknown_then", "details"}


def diff_view(q: Queries, start: date, end: date, unit: str | None, known_at: datetime | None) -> dict[str, Any]:
    return {"diff": q.diff(start, end, unit, known_at), "titles": DIFF_TITLES}


def check_view(q: Queries, on: date, since: date, unit: str | None, known_at: datetime | None) -> dict[str, Any]:
    return {"findings": findings_view(q.findings(on, since, unit, known_at=known_at))}


def span(q: Queries) -> dict[str, Any]:
    """What the ledger holds: the first and last dates and recordings (the verify page's heading)."""
    return q.span()
