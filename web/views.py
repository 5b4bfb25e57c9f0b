"""What each page shows, assembled from the query API's answers (one call of the reader's thread per page, so a
page is one consistent reading of the ledger). Presentation only: every figure is the query API's, as the CLI
prints it; nothing here counts, judges or folds.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime
from typing import Any

from ledger.app import NotFound, Queries, event_label

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


def moment_view(q: Queries, known_at: datetime | None) -> dict[str, Any]:
    """The moment a page is as known at, as the recording it falls in: the known-at control steps from one
    recording (one batch, one moment) to the next. `current` is the last recording made by `known_at` (the last of
    all when known as now), with who made it and what it holds; `before_first` when nothing was recorded by then."""
    found = q.recordings()
    times = [r.recorded for r in found]
    i = bisect_right(times, known_at) if known_at is not None else len(found)
    current = found[i - 1] if i else None

    def described(r: Any) -> dict[str, Any]:
        d = q.what_was_recorded(r)
        what = "、".join(f"{event_label(k, lang='zh_CN')} {n}" for k, n in d["kinds"]) or f"{d['events']} 条事件"
        return {**d, "label": f"第{r.number}次记录 · {r.recorded:%Y-%m-%d %H:%M:%S} UTC · {d['actor']} · {what}"}

    return {"on": known_at is not None, "before_first": known_at is not None and current is None,
            "count": len(found), "times": [x.isoformat() for x in times],
            "index": (current.number - 1) if current else 0,
            "current": described(current) if current else None,
            "previous": times[i - 2].isoformat() if i >= 2 else None,
            "next": times[i].isoformat() if known_at is not None and i < len(times) else None,
            "first": times[0].isoformat() if times else None}


def org_view(q: Queries, on: date, known_at: datetime | None, unit: str | None) -> dict[str, Any]:
    """The organisation on a date: the unit tree with its gauges, one unit's roster and its findings. Before the
    first recording the tree is empty and no unit is chosen (a note, not an unknown unit)."""
    moment = moment_view(q, known_at)
    units = [] if moment["before_first"] else q.units(on, known_at)
    tree = unit_tree(units)
    selected = None if moment["before_first"] else unit or (tree[0]["unit"] if tree else None)
    roster = q.roster(on, known_at, selected) if selected else {"people": [], "assistants": []}  # unknown: NotFound
    chosen = next((u for u in tree if u["unit"] == selected), None)
    findings = q.findings(on, unit=selected, known_at=known_at) if chosen else None
    span = q.span()
    return {"tree": tree, "unit": chosen, "roster": roster, "findings": findings_view(findings),
            "days": slider_days(span, on), "moment": moment, "span": span,
            "calendar": calendar_view(q, on, selected, known_at) if chosen else None}


CALENDAR_WINDOW = "90d"  # how far ahead the 组织 page's 到期提醒 looks (`ledger due --within 90d`)
DUE_TITLES = {"probation_ends": "试用期满", "retirement": "达到退休年龄", "secondment_ends": "交流/借调到期",
              "eligible": "职级晋升任职年限届满"}


def calendar_view(q: Queries, on: date, unit: str, known_at: datetime | None) -> dict[str, Any]:
    """The clerk's calendar of one unit on `on`: `ledger eligible` and `ledger due --within 90d`, as the CLI gives
    them."""
    from ledger.app import window_end

    until = window_end(on, CALENDAR_WINDOW)
    return {"eligible": q.eligible(on, unit, known_at=known_at)["people"],
            "due": q.due(on, until, unit, known_at=known_at)["items"], "until": until.isoformat(),
            "titles": DUE_TITLES}


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


def person_view(q: Queries, person: str, known_at: datetime | None, on: date | None = None) -> dict[str, Any]:
    """A person's bars, 简历 and every event about them, each with its recorded time and actor; a retracted one with
    the retraction's reason; and the whole file as of the page's date (today by default): profile, education,
    titles, family, photo, 奖惩, 考核. With `known_at`, all of it as the ledger knew it then: the events recorded
    later are left out (and counted), and a retraction recorded later does not strike an event through."""
    on = on or date.today()
    with q.one_read("person_page", person):  # one line in the access log for the page
        timeline = q.person_timeline(person, known_at)
        events = q.history(person)
        resume = _resume(q, person, on, known_at)
        file, photo = _file(q, person, on, known_at)
    if known_at is not None:
        shown = [e for e in events if not _later(e["recorded"], known_at)]
        for e in shown:
            if e["retracted"] and _later(e["retracted"]["recorded"], known_at):
                e["retracted"] = None
        later, events = len(events) - len(shown), shown
    else:
        later = 0
    for e in events:
        e["details"] = {k: v for k, v in e.items() if v is not None and k not in EVENT_FRAME}
    return {"timeline": timeline, "events": events, "span": q.span(), "resume": resume, "later": later, "file": file,
            "photo": photo, "on": on.isoformat()}


def _later(recorded: str | None, known_at: datetime) -> bool:
    return bool(recorded) and datetime.fromisoformat(recorded) > known_at


def _resume(q: Queries, person: str, on: date, known_at: datetime | None) -> list[str]:
    """The 简历 the ledger writes for the person on `on`, of what it knew at `known_at` (none for someone never on
    the establishment, such as an assistant)."""
    try:
        return q.resume(person, on, known_at).rendered()
    except NotFound:
        return []


def _file(q: Queries, person: str, on: date,
          known_at: datetime | None = None) -> tuple[dict[str, Any] | None, str | None]:
    """The cadre's file on `on` as known at `known_at` (the 身份证号 masked) and its photo as a data URL (None: no
    file, no photo)."""
    try:
        file = q.cadre_file(person, on, known_at=known_at)
    except NotFound:
        return None, None
    if not file["photo"]:
        return file, None
    image = q.photo(file["photo"]["sha256"])
    return file, f"data:{file['photo']['media_type']};base64,{image}" if image else None


# What every event has (shown in their own columns), as against what its type has (its details).
EVENT_FRAME = {"id", "event", "effective", "person", "basis", "note", "recorded", "actor", "retracted", "retracted_by",
               "override", "details"}


def diff_view(q: Queries, start: date, end: date, unit: str | None, known_at: datetime | None) -> dict[str, Any]:
    return {"diff": q.diff(start, end, unit, known_at), "titles": DIFF_TITLES}


def check_view(q: Queries, on: date, since: date, unit: str | None, known_at: datetime | None) -> dict[str, Any]:
    return {"findings": findings_view(q.findings(on, since, unit, known_at=known_at))}


def span(q: Queries) -> dict[str, Any]:
    """What the ledger holds: the first and last dates and recordings (the verify page's heading)."""
    return q.span()
