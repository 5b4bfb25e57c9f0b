"""The web view's answers at city scale: each page and API answer, timed through the ASGI app (routing, the query,
rendering or encoding), against a store built by `run.py` (or any ledger).

    python benchmarks/web_view.py STORE [--samples 7] [--json out.json]

Each figure is the median over `--samples` requests (random dates, units and people of the store) — wall time, and
the CPU time of the process (the server's own work, which other jobs on a shared machine do not inflate) — after
one warm-up request of each kind: the server keeps its process, so what an auditor meets after the first page is
what counts. The first request of each kind is reported too (`*_first`): it reads what the process then keeps.
`run.py` adds these rows to its table (keys are stable: the --json contract).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# key -> (what is asked, the address for sample i)
Address = Callable[[random.Random], str]


def addresses(units: list[str], people: list[str], moments: list[str]) -> dict[str, tuple[str, Address]]:
    def day(rng: random.Random) -> str:
        return (date(2015, 6, 1) + timedelta(days=rng.randint(0, 3400))).isoformat()

    return {
        "web_org_page": ("组织 page: tree of every unit, one unit's roster and findings (as known now)",
                         lambda r: f"/?as_of={day(r)}&unit={r.choice(units)}"),
        "web_unit_page": ("单位 page: the unit's series and one year's ins and outs",
                          lambda r: f"/unit/{r.choice(units)}?year={r.randint(2016, 2024)}"),
        "web_person_page": ("人员 page: timeline bars and every event",
                            lambda r: f"/person/{r.choice(people)}"),
        "web_api_units": ("/api/units (every unit)", lambda r: f"/api/units?as_of={day(r)}"),
        "web_api_roster_unit": ("/api/roster of one unit", lambda r: f"/api/roster?as_of={day(r)}&unit={r.choice(units)}"),
        "web_api_history": ("/api/history/PERSON", lambda r: f"/api/history/{r.choice(people)}"),
        "web_api_check_unit": ("/api/check of one unit", lambda r: f"/api/check?as_of={day(r)}&unit={r.choice(units)}"),
        "web_api_diff_unit": ("/api/diff of one unit over a year",
                              lambda r: (lambda y: f"/api/diff?from={y - 1}-12-31&to={y}-12-31&unit={r.choice(units)}")(
                                  r.randint(2016, 2024))),
        "web_known_at_org_page": ("组织 page as known at an earlier moment",
                                  lambda r: f"/?as_of={day(r)}&unit={r.choice(units)}&known_at={r.choice(moments)}"),
        "web_known_at_api_roster_unit": ("/api/roster of one unit as known at an earlier moment",
                                         lambda r: f"/api/roster?as_of={day(r)}&unit={r.choice(units)}"
                                                   f"&known_at={r.choice(moments)}"),
    }


def measure(store: str, samples: int, seed: int, only: list[str] | None = None) -> list[dict[str, Any]]:
    from starlette.testclient import TestClient

    from web.app import create_app
    from web.reading import Reader

    reader = Reader(store)
    rows: list[dict[str, Any]] = []
    try:
        with TestClient(create_app(reader), base_url="http://127.0.0.1") as client:
            t = time.perf_counter()
            units = [u["unit"] for u in client.get("/api/units?as_of=2030-01-01").json()]
            rows.append(row("web_first_units", "first /api/units of a fresh process (catches the tables up)",
                            time.perf_counter() - t))
            span = reader.run(lambda q: q.span())
            people, moments = _people_and_moments(client, units, span)
            rng = random.Random(seed)
            for key, (what, address) in addresses(units, people, moments).items():
                if only and key not in only:
                    continue
                t = time.perf_counter()
                first = client.get(address(rng))
                rows.append(row(key + "_first", what + ", first request", time.perf_counter() - t))
                assert first.status_code == 200, (key, first.status_code, first.text[:300])
                times, cpu = [], []
                for _ in range(samples):
                    path = address(rng)
                    t, c = time.perf_counter(), time.process_time()
                    r = client.get(path)
                    times.append(time.perf_counter() - t)
                    cpu.append(time.process_time() - c)
                    assert r.status_code == 200, (path, r.status_code, r.text[:300])
                rows.append(row(key, what, statistics.median(times), statistics.median(cpu)))
    finally:
        reader.close()
    return rows


def _people_and_moments(client: Any, units: list[str], span: dict[str, Any]) -> tuple[list[str], list[str]]:
    """People of some units' rosters (through the API itself), and moments spread over the recording."""
    from datetime import datetime

    people = [p["person"] for u in units[:: max(1, len(units) // 10)]
              for p in client.get(f"/api/roster?as_of=2020-06-30&unit={u}").json()["people"]]
    first, last = datetime.fromisoformat(span["first_recorded"]), datetime.fromisoformat(span["last_recorded"])
    moments = [(first + (last - first) * k / 5).isoformat().replace("+00:00", "Z") for k in range(1, 5)]
    return people, moments


def row(key: str, figure: str, seconds: float, cpu: float | None = None) -> dict[str, Any]:
    """One figure: the median wall time, and the median CPU time of this process (the server's work alone: on a
    machine shared with other jobs, the wall time also holds their turns)."""
    return {"key": key, "figure": figure, "ms": round(seconds * 1000, 1),
            "cpu_ms": None if cpu is None else round(cpu * 1000, 1)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("store")
    ap.add_argument("--samples", type=int, default=7)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", nargs="*", help="only these keys")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args(argv)
    rows = measure(a.store, a.samples, a.seed, a.only)
    for r in rows:
        cpu = "" if r["cpu_ms"] is None else f"{r['cpu_ms']:,.1f} ms"
        print(f"| {r['key']} | {r['figure']} | {r['ms']:,.1f} ms | {cpu} |")
    if a.json:
        a.json.write_bytes(orjson.dumps(rows, option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    main()
