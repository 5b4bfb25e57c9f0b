"""City-scale benchmarks: each figure beside a baseline measured in the same run, and their ratio.

    python benchmarks/run.py --people 100000 --store sqlite
    python benchmarks/run.py --people 100000 --store postgresql --pg-url postgresql://postgres@127.0.0.1:5432/test

Figures (targets at 100,000 people / ≈1,000,000 events, issue 6):
- import: `PersonnelLedger.append` of the whole city (parse, validate, record, save; one transaction) vs
  eventsourcing's own batched save of the same events (1,000 a transaction, no validation);
- cold fold: a fresh process reads the stream and folds the city on a date vs the bare scan (SELECT every stored
  event + orjson.loads); its peak RSS;
- as-of roster through the materialised timeline: one unit and the whole city, median of N random dates, vs
  the fold's answer to the same question;
- projection rebuild from scratch (fresh process) vs the bare scan;
- yearly report export of one unit (`ledger export yearly-report`, a subprocess) vs `ledger --help`;
- `ledger --help` start-up vs `python -c pass`.
The city comes from benchmarks/generate.py (cached in --workdir). Processes run one at a time; the machine may
be shared, so the medians are of several runs where that is cheap.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

TARGETS = {
    "import (events/s)": ("≥ 25,000/s and ≥ 0.5×", lambda v, r: v >= 25_000 and r >= 0.5),
    "cold fold of the city on a date (s)": ("≤ 2× bare scan", lambda v, r: r <= 2),
    "as-of roster, one unit (median, ms)": ("≤ 20 ms", lambda v, r: v <= 20),
    "as-of roster, whole city (median, s)": ("≤ 1 s", lambda v, r: v <= 1),
    "yearly report, one unit (s)": ("≤ 1 s", lambda v, r: v <= 1),
    "ledger --help (s)": ("≤ 6×", lambda v, r: r <= 6),
    "cold fold peak RSS (MiB)": ("≤ 1024 MiB", lambda v, r: v <= 1024),
}


def city_file(workdir: Path, people: int, seed: int) -> tuple[Path, Path]:
    from generate import corrections_path, generate, write

    path = workdir / f"city-{people}-s{seed}.jsonl"
    if not path.exists():
        t = time.perf_counter()
        lines, fixes = generate(max(2, people // 200), people, 10, seed)
        write(path, lines)
        write(corrections_path(path), fixes)
        print(f"generated {path} ({len(lines):,} events) in {time.perf_counter() - t:.1f}s", file=sys.stderr)
    return path, corrections_path(path)


def fresh_store(kind: str, workdir: Path, name: str, pg_url: str | None) -> str:
    if kind == "sqlite":
        path = workdir / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return str(path)
    import psycopg

    from ledger.store.config import parse_store

    url = f"{pg_url}?schema={name}"
    e = parse_store(url).env
    with psycopg.connect(host=e["POSTGRES_HOST"], port=e["POSTGRES_PORT"], dbname=e["POSTGRES_DBNAME"],
                         user=e["POSTGRES_USER"], password=e["POSTGRES_PASSWORD"] or None, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    return url


def drafts_of(path: Path):
    from ledger.io.jsonl import read_jsonl

    return read_jsonl(path)


def timed(fn, *args, **kw) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - t, out


# --- helpers run in a fresh process --------------------------------------------------------------------------
def bare_scan(store: str) -> int:
    """SELECT every stored event + orjson.loads: the floor any read of the stream pays."""
    from ledger.store.config import parse_store

    config = parse_store(store)
    n = 0
    if config.kind == "sqlite":
        import sqlite3

        conn = sqlite3.connect(str(config.path))
        cur = conn.execute("SELECT state FROM stored_events ORDER BY rowid")
        loads = orjson.loads
        while rows := cur.fetchmany(10_000):
            for (state,) in rows:
                loads(state)
                n += 1
        return n
    import psycopg

    from ledger.app.ledger import open_ledger

    table = open_ledger(store).recorder.events_table_name
    e = config.env
    with psycopg.connect(host=e["POSTGRES_HOST"], port=e["POSTGRES_PORT"], dbname=e["POSTGRES_DBNAME"],
                         user=e["POSTGRES_USER"], password=e["POSTGRES_PASSWORD"] or None) as conn:
        with conn.cursor(name="scan") as cur:
            cur.itersize = 10_000
            cur.execute(f'SELECT state FROM "{config.schema}".{table} ORDER BY notification_id')
            loads = orjson.loads
            for (state,) in cur:
                loads(state)
                n += 1
    return n


def child(argv: list[str]) -> None:
    """`run.py _child WHAT STORE [DATE]`: one measurement in a fresh process; prints JSON."""
    what, store = argv[0], argv[1]
    t = time.perf_counter()
    out: dict = {}
    if what == "scan":
        out["events"] = bare_scan(store)
    elif what == "fold":
        from ledger.app.ledger import open_ledger

        app = open_ledger(store)
        state = app.state(date.fromisoformat(argv[2]))  # cold: the streaming fold (sorted stored bytes)
        out["staff"] = len(state.staff())
    elif what == "rebuild":
        from ledger.app.ledger import open_ledger

        app = open_ledger(store)
        app.timeline.rebuild()
    out["seconds"] = time.perf_counter() - t
    out["peak_rss_mib"] = peak_rss_mib()
    print(orjson.dumps(out).decode())


def peak_rss_mib() -> float:
    """This process's peak resident set (VmHWM; ru_maxrss would include the parent's, kept across fork+exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_child(*args: str) -> dict:
    r = subprocess.run([sys.executable, __file__, "_child", *args], capture_output=True, text=True, check=True)
    return orjson.loads(r.stdout.strip().splitlines()[-1])


def wall(cmd: list[str], n: int = 5, env: dict | None = None) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


# --- the run --------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_child":
        child(argv[1:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/ledger-bench"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--samples", type=int, default=100, help="random dates per roster figure")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON here")
    a = ap.parse_args(argv)
    a.workdir.mkdir(parents=True, exist_ok=True)

    from eventsourcing.application import Application

    from ledger.app.ledger import open_ledger
    from ledger.model.facts import parse_fields
    from ledger.store.aggregate import LedgerStream

    rows: list[tuple[str, float, float, str]] = []  # figure, value, baseline, baseline's name

    path, corrections = city_file(a.workdir, a.people, a.seed)
    drafts = drafts_of(path)
    n = len(drafts)

    # 1. import vs eventsourcing's batched save of the same events
    base_store = fresh_store(a.store, a.workdir, f"bench_save_{a.people}", a.pg_url)
    app = open_ledger(base_store)
    parsed = [(d.event, parse_fields(d.event, d.fields)[0]) for d in drafts]
    ledger = LedgerStream(name="ledger")
    t = time.perf_counter()
    for i in range(0, len(parsed), 1000):
        for event, fields in parsed[i:i + 1000]:
            ledger.record(event, actor="bench", **fields)
        Application.save(app, ledger)  # eventsourcing's own save (no validation, no sealing)
    save_s = time.perf_counter() - t
    del parsed, ledger, app

    store = fresh_store(a.store, a.workdir, f"bench_city_{a.people}", a.pg_url)
    app = open_ledger(store)
    import_s, _ = timed(app.append, drafts, actor="bench")
    rows.append(("import (events/s)", n / import_s, n / save_s, "eventsourcing batched save"))
    del drafts
    app.append(drafts_of(corrections), actor="clerk")  # back-dated entries and retractions

    # one single-event append at city scale (scoped validation), median of 20
    people = [f.person for f in app.facts()[-2000:] if f.event == "rank_promoted"]
    rng = random.Random(a.seed)
    from ledger.model.facts import Draft

    singles = []
    for pid in people[:20]:
        d = Draft("secondment_started", {"person": pid, "host": "区委党校", "kind": "学习", "effective": "2025-03-01"})
        try:
            singles.append(timed(app.append, [d], actor="clerk")[0])
        except Exception:  # this person is seconded or gone on that date: try the next one
            continue

    # 2. cold fold and bare scan (fresh processes)
    on = date(2022, 6, 30)
    scan = min((in_child("scan", store) for _ in range(2)), key=lambda x: x["seconds"])
    cold = in_child("fold", store, on.isoformat())
    rows.append(("cold fold of the city on a date (s)", cold["seconds"], scan["seconds"], "bare scan (SELECT + orjson.loads)"))
    rows.append(("cold fold peak RSS (MiB)", cold["peak_rss_mib"], scan["peak_rss_mib"], "bare scan's peak RSS"))

    # 3. projection rebuild (fresh process), then as-of rosters in this process
    rebuild = in_child("rebuild", store)
    rows.append(("projection rebuild from scratch (s)", rebuild["seconds"], scan["seconds"], "bare scan"))
    app.timeline.catch_up()
    # The yearly report's fact index (ledger.store.fact_index): built with the timeline's catch-up, but a rebuild
    # leaves it alone; build it here, once, so the report below is timed as a clerk meets it after the first.
    t = time.perf_counter()
    app.timeline.fact_index.catch_up()
    rows.append(("yearly report index, first build (s)", time.perf_counter() - t, scan["seconds"], "bare scan"))
    units = list(app.state().units)
    start = date(2015, 1, 1)
    dates = [start + timedelta(days=rng.randint(0, 3650)) for _ in range(a.samples)]
    one = []
    for d in dates:
        unit = rng.choice(units)
        one.append(timed(app.roster, d, None, unit)[0])
    whole = [timed(app.roster, d)[0] for d in dates[: max(5, a.samples // 5)]]
    facts = app.facts()
    from ledger.app.ledger import PersonnelLedger
    from ledger.fold.walk import fold

    def fold_roster(d: date, unit: str | None) -> None:  # the same question answered by the fold
        state = fold(facts, d)
        state.staff(unit)

    fold_one = [timed(fold_roster, d, rng.choice(units))[0] for d in dates[:3]]
    rows.append(("as-of roster, one unit (median, ms)", statistics.median(one) * 1000,
                 statistics.median(fold_one) * 1000, "fold of the city on that date"))
    rows.append(("as-of roster, whole city (median, s)", statistics.median(whole), statistics.median(fold_one),
                 "fold of the city on that date"))
    if singles:
        rows.append(("append one event at city scale (median, ms)", statistics.median(singles) * 1000,
                     statistics.median(fold_one) * 1000, "one fold of the city"))
    assert isinstance(app, PersonnelLedger)

    # 4. start-up and the yearly report (subprocesses, through the CLI)
    env = {**os.environ, "LEDGER_STORE": store}
    ledger_cmd = [shutil.which("ledger") or "ledger"]
    help_s = wall([*ledger_cmd, "--help"], env=env)
    pass_s = wall([sys.executable, "-c", "pass"])
    rows.append(("ledger --help (s)", help_s, pass_s, "python -c pass"))
    out = a.workdir / "report.docx"
    try:
        report_s = wall([*ledger_cmd, "export", "yearly-report", "--year", "2022", "--unit",
                         units[0], "-o", str(out)], n=1, env=env)
        rows.append(("yearly report, one unit (s)", report_s, help_s, "ledger --help"))
    except subprocess.CalledProcessError as e:
        print(f"yearly report failed: {e.stderr[-500:]!r}", file=sys.stderr)

    print(f"\n{a.store}: {a.people:,} people, {n:,} events (+{len(drafts_of(corrections))} corrections)\n")
    print("| figure | value | baseline | ratio | target | met |\n|---|---:|---:|---:|---|---|")
    for name, value, base, base_name in rows:
        target, ok = TARGETS.get(name, ("", None))
        ratio = value / base if base else float("nan")
        met = "" if ok is None else ("yes" if ok(value, ratio) else "**no**")
        print(f"| {name} | {value:,.3f} | {base:,.3f} ({base_name}) | {ratio:.2f}× | {target} | {met} |")
    if a.json:
        a.json.write_bytes(orjson.dumps([{"figure": r[0], "value": r[1], "baseline": r[2], "baseline_name": r[3]}
                                         for r in rows]))


if __name__ == "__main__":
    main()
