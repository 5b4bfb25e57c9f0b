"""What the safety measures cost, on a generated city (plain and encrypted SQLite, optionally PostgreSQL):

    python benchmarks/safety.py --people 10000 [--pg-url postgresql://postgres@127.0.0.1:5432/test]

- `parse`: parsing (sanitising, typing) the city's lines, per event;
- `import`: recording the city in one append, the derived tables refreshed by the writer (`rebuild` apart);
- `append_one`: one fact about one person at city scale, with the writer's refresh of the derived tables, and
  without it;
- `roster_unit`, `roster_city`: as-of rosters from the timeline with every read check (seals of the rows read, the
  unit's totals) and without them — and, in an encrypted store, what encrypting the interval dates would cost:
  the rows could no longer be selected by date, so every row of the unit (or the city) is read and decrypted;
- `verify`: the hash chain alone, and with the derived tables derived again and compared.
Medians of several runs; the machine may be shared (other work running), so compare figures within one run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

from ledger.app.ledger import PersonnelLedger, open_ledger  # noqa: E402
from ledger.app.sources import read_source  # noqa: E402
from ledger.app.upkeep import verify_ledger  # noqa: E402
from ledger.model.facts import Draft  # noqa: E402
from ledger.model.parsing import parse_fields  # noqa: E402
from ledger.store import seals  # noqa: E402

KEY = "q6m1R0Jm8w0l0b8g5m4m3o2n1k0j9i8h7g6f5e4d3c2="


def median(fn: Callable[[], Any], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def unchecked_roster(app: PersonnelLedger, on: date, unit: str | None) -> Any:
    """The timeline's roster as it was read before the read checks (no seals looked at)."""
    timeline = app.timeline
    check, totals = timeline.sealer.check_texts, seals.check_totals
    timeline.sealer.check_texts = lambda rows: None  # type: ignore[method-assign]
    seals.check_totals = lambda *a: None  # type: ignore[assignment]
    try:
        return timeline.roster(on, unit)
    finally:
        timeline.sealer.check_texts, seals.check_totals = check, totals  # type: ignore[method-assign]


def dates_encrypted_roster(app: PersonnelLedger, on: date, unit: str | None) -> int:
    """What a roster would cost with the interval dates encrypted: no date in SQL, every row decrypted and kept or
    dropped in Python (the dates would be read from inside the decrypted row)."""
    d, codec = app.dialect, app.codec
    sql = f"SELECT valid_from, valid_to, doc FROM {d.table('timeline_people')}"
    args: list[Any] = []
    if unit is not None:
        sql += f" WHERE unit = {d.mark}"
        args.append(unit)
    day = on.isoformat()
    kept = 0
    for r in app.timeline.tables.connection().execute(sql, args).fetchall():
        codec.decode_doc(r[2])  # stands for decrypting the dates kept inside the doc
        if str(r[0]) <= day < str(r[1]):
            kept += 1
    return kept


def measure(store: str, lines: list[dict], encrypted: bool) -> dict[str, float]:
    extra = {"LEDGER_ENCRYPTION_KEY": KEY} if encrypted else {"LEDGER_ENCRYPTION_KEY": ""}
    drafts = [Draft(x["event"], {k: v for k, v in x.items() if k != "event"}, n) for n, x in enumerate(lines, 1)]
    out: dict[str, float] = {}
    t = time.perf_counter()
    for dr in drafts:
        parse_fields(dr.event, dr.fields)
    out["parse µs/event"] = (time.perf_counter() - t) / len(drafts) * 1e6
    app = open_ledger(store, extra)
    t = time.perf_counter()
    app.append(drafts, actor="bench")
    out["import s (with refresh)"] = time.perf_counter() - t
    out["rebuild s (the refresh's share)"] = median(app.timeline.rebuild, 1)
    people = sorted(app.state().people)
    state = app.state()
    person = next(p for p in people if state.people[p].left is None and state.people[p].secondment is None)
    units = sorted(state.units)
    on = date(2024, 6, 30)
    unit = max(units, key=lambda u: len(state.staff(u)))
    out["roster_unit ms (checked)"] = median(lambda: read_source(app).roster(on, unit=unit)) * 1e3
    out["roster_unit ms (unchecked)"] = median(lambda: unchecked_roster(app, on, unit)) * 1e3
    out["roster_city ms (checked)"] = median(lambda: read_source(app).roster(on), 3) * 1e3
    out["roster_city ms (unchecked)"] = median(lambda: unchecked_roster(app, on, None), 3) * 1e3
    if encrypted:
        out["roster_unit ms (dates encrypted)"] = median(lambda: dates_encrypted_roster(app, on, unit)) * 1e3
        out["roster_city ms (dates encrypted)"] = median(lambda: dates_encrypted_roster(app, on, None), 3) * 1e3
    steps = iter(range(10_000))

    def second(refresh: bool) -> None:
        """A secondment started or ended (alternately) on a new day: a fact about one person, always valid."""
        n = next(steps)
        saved = app._refresh_derived
        if not refresh:
            app._refresh_derived = lambda: None  # type: ignore[method-assign]
        fields = {"person": person, "effective": (date(2030, 1, 1) + timedelta(days=n)).isoformat()}
        try:
            app.append([Draft("secondment_ended", fields) if n % 2 else
                        Draft("secondment_started", {**fields, "host": "区委党校", "kind": "学习"})])
        finally:
            app._refresh_derived = saved  # type: ignore[method-assign]
    out["append_one ms (with refresh)"] = median(lambda: second(True), 8) * 1e3
    out["append_one ms (without refresh)"] = median(lambda: second(False), 8) * 1e3
    app.timeline.catch_up()
    out["verify s (chain only)"] = median(lambda: verify_ledger(app, derived=False), 1)
    out["verify s (chain + derived)"] = median(lambda: verify_ledger(app), 1)
    app.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--units", type=int, default=60)
    ap.add_argument("--pg-url", help="also measure on PostgreSQL (a URL without ?schema=; a fresh schema is used)")
    a = ap.parse_args()
    lines, _ = generate(units=a.units, people=a.people, years=10, seed=1)
    print(f"city: {a.people} people, {len(lines)} events")
    with tempfile.TemporaryDirectory() as tmp:
        stores = [("sqlite plain", str(Path(tmp) / "plain.sqlite3"), False),
                  ("sqlite encrypted", str(Path(tmp) / "enc.sqlite3"), True)]
        if a.pg_url:
            stamp = int(time.time())
            stores += [("postgresql plain", f"{a.pg_url}?schema=bench_safety_{stamp}", False),
                       ("postgresql encrypted", f"{a.pg_url}?schema=bench_safety_enc_{stamp}", True)]
        for name, store, encrypted in stores:
            print(f"\n{name}")
            for key, value in measure(store, lines, encrypted).items():
                print(f"  {key:36} {value:12.3f}")
            if store.startswith("postgresql://"):
                drop_schema(store)


def drop_schema(store: str) -> None:
    import psycopg

    from ledger.store.config import parse_store

    e = parse_store(store).env
    with psycopg.connect(host=e["POSTGRES_HOST"], port=e["POSTGRES_PORT"], dbname=e["POSTGRES_DBNAME"],
                         user=e["POSTGRES_USER"], password=e["POSTGRES_PASSWORD"] or None, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{e["POSTGRES_SCHEMA"]}" CASCADE')


if __name__ == "__main__":
    main()
