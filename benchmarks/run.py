"""City-scale benchmarks: each figure beside a baseline measured in the same run, and their ratio.

    python benchmarks/run.py --people 100000 --store sqlite
    python benchmarks/run.py --people 100000 --store postgresql --pg-url postgresql://postgres@127.0.0.1:5432/test

    python benchmarks/run.py --people 20000 --json run.json && python benchmarks/run.py --markdown run.json
    python benchmarks/run.py --markdown pg.json --versus sqlite.json   # PostgreSQL beside SQLite, figure by figure
    python benchmarks/run.py --bureaus 40 --store postgresql --json district.json   # a district of 40 × 2,500

Figures, by their stable `key` (targets at 100,000 people / ≈1,000,000 events in `TARGETS`):
- `import`: `PersonnelLedger.append` of the whole city (parse, validate, record, save; one transaction) vs
  eventsourcing's own batched save of the same events (1,000 a transaction, no validation);
- `cold_fold`, `cold_fold_rss`: a fresh process reads the stream and folds the city on a date vs the bare scan
  (SELECT every stored event + orjson.loads); its peak RSS;
- `rebuild`: the materialised timeline rebuilt from scratch (fresh process) vs the bare scan;
  `report_index_build`: the yearly report's fact index, built once;
- `roster_unit`, `roster_city`: as-of rosters through the materialised timeline, median of N random dates, vs the
  fold's answer to the same question; `roster_known_at_unit`, `roster_known_at_city`: the same as the ledger
  knew it at earlier moments; `append_one`: a single append at city scale (in a process holding the city);
- `append_fresh`, `append_fresh_rss`: a clerk's append as the CLI makes it, one fresh `ledger second …` process
  per event, against `ledger --help` in the same run; its peak RSS;
- `check_city`: `ledger check` of the whole city; `report_unit`: the yearly report of one unit, and `help`:
  `ledger --help` start-up (subprocesses, through the CLI);
- `web_*`: the web view's pages and API answers through its ASGI app (`benchmarks/web_view.py`), medians after a
  first request of each kind (`web_*_first`), against the fold of the city.
- `district_*` (with `--bureaus N`, PostgreSQL only; `--people` is then each bureau's, 2,500 by default): the district
  built by `generate.py --bureaus` (once: a schema that holds its bureau is reused; `district_build` is the build's
  time when this run built it); the district roster of a date in a process and through the CLI (each bureau opened,
  asked, closed; four at once, on sessions the roll-up lends them), the district check, and one bureau's roster and
  组织 page alone against the same inside the district (`/b/CODE/…`).
The city comes from benchmarks/generate.py (cached in --workdir). Processes run one at a time; the machine may
be shared, so the medians are of several runs where that is cheap.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

@dataclass(frozen=True)
class Row:
    """One figure beside its baseline, measured in the same run. `key` is stable (the --json contract)."""

    key: str
    figure: str
    value: float
    baseline: float
    baseline_name: str

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("nan")


# key -> (target as the README states it, whether a row meets it)
TARGETS: dict[str, tuple[str, Callable[[float, float], bool]]] = {
    "import": ("≥ 25,000/s and ≥ 0.5×", lambda v, r: v >= 25_000 and r >= 0.5),
    "cold_fold": ("≤ 2× bare scan", lambda v, r: r <= 2),
    "cold_fold_rss": ("≤ 600 MiB", lambda v, r: v <= 600),
    "rebuild": ("≤ 3× bare scan", lambda v, r: r <= 3),
    "roster_unit": ("≤ 20 ms", lambda v, r: v <= 20),
    "roster_city": ("≤ 1 s", lambda v, r: v <= 1),
    "roster_known_at_unit": ("≤ 20 ms", lambda v, r: v <= 20),
    "roster_known_at_city": ("≤ 1 s", lambda v, r: v <= 1),
    "check_city": ("≤ 2 s", lambda v, r: v <= 2),
    "report_unit": ("≤ 1 s", lambda v, r: v <= 1),
    **{key: ("≤ 200 ms", lambda v, r: v <= 200) for key in (
        "web_org_page", "web_unit_page", "web_person_page", "web_api_units", "web_api_roster_unit", "web_api_history",
        "web_api_check_unit", "web_api_diff_unit")},
    "help": ("≤ 4×", lambda v, r: r <= 4),
    "append_fresh": ("≤ 2× ledger --help", lambda v, r: r <= 2),
    "append_fresh_rss": ("≤ 120 MiB", lambda v, r: v <= 120),
    "district_roster": ("≤ 2 s", lambda v, r: v <= 2),
    "district_roster_cli": ("≤ 2 s", lambda v, r: v <= 2),
    "district_check": ("≤ 5 s", lambda v, r: v <= 5),
    "district_bureau_roster": ("≤ 1.2× alone", lambda v, r: r <= 1.2),
    "district_bureau_page": ("≤ 1.2× alone", lambda v, r: r <= 1.2),
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


# Started from a small process: a child's ru_maxrss keeps the high-water mark of the memory it was forked from (this
# process holds a city), so the command is run and waited for by a fresh interpreter, which prints what wait4 says.
_WAIT4 = ("import os, subprocess, sys, time; t = time.perf_counter(); "
          "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
          "_, status, usage = os.wait4(p.pid, 0); "
          "print(time.perf_counter() - t, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status))")


def wall_rss(cmd: list[str], env: dict | None = None) -> tuple[float, float, int]:
    """One run of a command: its wall time, its own peak RSS (MiB) and its exit code."""
    out = subprocess.run([sys.executable, "-c", _WAIT4, *cmd], capture_output=True, text=True, env=env, check=True)
    seconds, rss, code = out.stdout.split()
    return float(seconds), float(rss), int(code)


def wall(cmd: list[str], n: int = 5, env: dict | None = None, ok: tuple[int, ...] = (0,)) -> float:
    """The median wall time of a command; an exit status outside `ok` raises."""
    times = []
    for _ in range(n):
        t = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, env=env)
        if r.returncode not in ok:
            raise subprocess.CalledProcessError(r.returncode, cmd, r.stdout, r.stderr)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


# --- the run --------------------------------------------------------------------------------------------------
@dataclass
class Run:
    """What the phases share: the options, the city's files and store, and the rows measured so far."""

    args: argparse.Namespace
    path: Path
    corrections: Path
    store: str = ""
    events: int = 0
    rows: list[Row] = field(default_factory=list)
    fresh_candidates: list[str] = field(default_factory=list)  # people for the fresh processes' appends

    def add(self, key: str, figure: str, value: float, baseline: float, baseline_name: str) -> None:
        self.rows.append(Row(key, figure, value, baseline, baseline_name))


def measure_import(run: Run) -> Any:
    """`PersonnelLedger.append` of the whole city against eventsourcing's own batched save of the same events."""
    from eventsourcing.application import Application

    from ledger.app.ledger import open_ledger
    from ledger.model.parsing import parse_fields
    from ledger.store.aggregate import LedgerStream

    a = run.args
    drafts = drafts_of(run.path)
    run.events = len(drafts)
    app = open_ledger(fresh_store(a.store, a.workdir, f"bench_save_{a.people}", a.pg_url))
    parsed = [(d.event, parse_fields(d.event, d.fields)[0]) for d in drafts]
    stream = LedgerStream(name="ledger")
    t = time.perf_counter()
    for i in range(0, len(parsed), 1000):
        for event, fields in parsed[i:i + 1000]:
            stream.record(event, actor="bench", **fields)
        Application.save(app, stream)  # eventsourcing's own save (no validation, no sealing)
    save_s = time.perf_counter() - t
    del parsed, stream, app
    run.store = fresh_store(a.store, a.workdir, f"bench_city_{a.people}", a.pg_url)
    app = open_ledger(run.store)
    import_s, _ = timed(app.append, drafts, actor="bench")
    run.add("import", "import (events/s)", run.events / import_s, run.events / save_s, "eventsourcing batched save")
    del drafts
    app.append(drafts_of(run.corrections), actor="clerk")  # back-dated entries and retractions
    return app


def measure_single_appends(app: Any) -> list[float]:
    """Single-event appends at city scale (scoped validation): the times of up to 20 of them."""
    from ledger.model.facts import Draft

    people = [f.person for f in app.facts()[-2000:] if f.event == "rank_promoted"]
    singles = []
    for pid in people[:20]:
        d = Draft("secondment_started", {"person": pid, "host": "区委党校", "kind": "学习", "effective": "2025-03-01"})
        try:
            singles.append(timed(app.append, [d], actor="clerk")[0])
        except Exception:  # this person is seconded or gone on that date: try the next one
            continue
    return singles


def measure_cold(run: Run) -> dict:
    """The cold fold and the projection rebuild, each in a fresh process, against the bare scan."""
    on = date(2022, 6, 30)
    scan = min((in_child("scan", run.store) for _ in range(2)), key=lambda x: x["seconds"])
    cold = in_child("fold", run.store, on.isoformat())
    run.add("cold_fold", "cold fold of the city on a date (s)", cold["seconds"], scan["seconds"],
            "bare scan (SELECT + orjson.loads)")
    run.add("cold_fold_rss", "cold fold peak RSS (MiB)", cold["peak_rss_mib"], scan["peak_rss_mib"],
            "bare scan's peak RSS")
    rebuild = in_child("rebuild", run.store)
    run.add("rebuild", "projection rebuild from scratch (s)", rebuild["seconds"], scan["seconds"], "bare scan")
    return scan


def measure_rosters(run: Run, app: Any, scan: dict, singles: list[float]) -> list[str]:
    """As-of rosters (as known now, and as known at a moment) against the fold answering the same question."""
    from ledger.app.sources import read_source
    from ledger.fold.walk import fold

    a = run.args
    app.timeline.catch_up()
    # The yearly report's fact index: a rebuild leaves it alone; build it here, once, so the report below is
    # timed as a clerk meets it after the first.
    t = time.perf_counter()
    app.timeline.fact_index.catch_up()
    run.add("report_index_build", "yearly report index, first build (s)", time.perf_counter() - t, scan["seconds"],
            "bare scan")
    rng = random.Random(a.seed)
    units = list(app.state().units)
    dates = [date(2015, 1, 1) + timedelta(days=rng.randint(0, 3650)) for _ in range(a.samples)]
    one = [timed(read_source(app).roster, d, None, rng.choice(units))[0] for d in dates]
    whole = [timed(read_source(app).roster, d)[0] for d in dates[: max(5, a.samples // 5)]]
    facts = app.facts()
    fold_one = [timed(lambda d: fold(facts, d).staff(), d)[0] for d in dates[:3]]
    per_fold = statistics.median(fold_one)
    run.add("roster_unit", "as-of roster, one unit (median, ms)", statistics.median(one) * 1000, per_fold * 1000,
            "fold of the city on that date")
    run.add("roster_city", "as-of roster, whole city (median, s)", statistics.median(whole), per_fold,
            "fold of the city on that date")
    # Moments after the import, after the corrections and after the single appends (one recording each).
    stamps = sorted({f.recorded for f in facts if f.recorded is not None})
    moments = [stamps[0], stamps[min(1, len(stamps) - 1)], stamps[-1]]
    known_one = [timed(read_source(app).roster, d, moments[i % len(moments)], rng.choice(units))[0]
                 for i, d in enumerate(dates[: max(3, a.samples // 3)])]
    known_whole = [timed(read_source(app).roster, d, moments[i % len(moments)])[0] for i, d in enumerate(dates[:3])]
    run.add("roster_known_at_unit", "roster as known at a moment, one unit (median, ms)",
            statistics.median(known_one) * 1000, per_fold * 1000, "fold of the city on that date")
    run.add("roster_known_at_city", "roster as known at a moment, whole city (median, s)",
            statistics.median(known_whole), per_fold, "fold of the city on that date")
    if singles:
        run.add("append_one", "append one event at city scale (median, ms)", statistics.median(singles) * 1000,
                per_fold * 1000, "one fold of the city")
    return units


def measure_cli(run: Run, units: list[str], per_fold: float) -> None:
    """Start-up, the compliance check of the city and the yearly report, through the CLI (subprocesses)."""
    env = {**os.environ, "LEDGER_STORE": run.store}
    beside = Path(sys.executable).with_name("ledger")  # the venv's, when run.py runs with its python unactivated
    ledger_cmd = [str(beside) if beside.exists() else shutil.which("ledger") or "ledger"]
    help_s = wall([*ledger_cmd, "--help"], env=env)
    run.add("help", "ledger --help (s)", help_s, wall([sys.executable, "-c", "pass"]), "python -c pass")
    measure_fresh_appends(run, ledger_cmd, env, help_s)
    check_s = wall([*ledger_cmd, "check", "--as-of", "2022-12-31", "--json"], n=1, env=env, ok=(0, 1))
    run.add("check_city", "compliance check of the city (s)", check_s, per_fold, "fold of the city on that date")
    out = run.args.workdir / "report.docx"
    out.unlink(missing_ok=True)  # a previous run's (the CLI never overwrites without --force)
    try:
        report_s = wall([*ledger_cmd, "export", "yearly-report", "--year", "2022", "--unit", units[0], "-o", str(out)],
                        n=1, env=env)
        run.add("report_unit", "yearly report, one unit (s)", report_s, help_s, "ledger --help")
    except subprocess.CalledProcessError as e:
        print(f"yearly report failed: {e.stderr[-500:]!r}", file=sys.stderr)


def measure_fresh_appends(run: Run, ledger_cmd: list[str], env: dict, help_s: float) -> None:
    """A clerk's append as the CLI makes it: a fresh `ledger second …` process per event, for people of the last
    promotions (an append that is refused, because the person is gone or away that day, is not counted)."""
    people = run.fresh_candidates
    times, peaks = [], []
    for pid in people:
        cmd = [*ledger_cmd, "second", pid, "--host", "区委党校", "--kind", "学习", "--effective", "2025-06-02"]
        seconds, rss, code = wall_rss(cmd, env)
        if code == 0:
            times.append(seconds)
            peaks.append(rss)
        if len(times) == 7:
            break
    if not times:
        print("fresh appends: every candidate was refused", file=sys.stderr)
        return
    help_rss = wall_rss([*ledger_cmd, "--help"], env)[1]
    run.add("append_fresh", "append one event in a fresh `ledger` process (median, s)", statistics.median(times),
            help_s, "ledger --help")
    run.add("append_fresh_rss", "its peak RSS (max, MiB)", max(peaks), help_rss, "ledger --help's peak RSS")


def measure_web(run: Run, per_fold: float) -> None:
    """Each page and API answer of the web view (benchmarks/web_view.py), as the server meets them."""
    from web_view import measure

    for r in measure(run.store, max(5, run.args.samples // 10), run.args.seed):
        run.add(r["key"], f"{r['figure']} (ms)", r["ms"], per_fold * 1000, "fold of the city on that date")


def measure_district(a: argparse.Namespace) -> list[Row]:
    """A district of `a.bureaus` bureaus on PostgreSQL (built once, reused): its roster, its check and one bureau
    alone against inside it (see the module doc)."""
    from generate import BUREAU_PEOPLE, build_district, write_district
    from starlette.testclient import TestClient

    from ledger.app import District, Queries, open_ledger
    from web.app import create_app
    from web.reading import Reader

    people = a.people or BUREAU_PEOPLE
    folder = a.workdir / f"d{a.bureaus}" if people == BUREAU_PEOPLE else a.workdir / f"d{a.bureaus}x{people}"
    prefix = f"bench{a.bureaus}" if people == BUREAU_PEOPLE else f"bench{a.bureaus}x{people}"
    files = write_district(folder, a.bureaus, people, 10, a.seed, prefix)
    built = build_district(folder, files, a.pg_url, prefix, a.jobs)
    rows: list[Row] = []

    def add(key: str, figure: str, value: float, baseline: float, name: str) -> None:
        rows.append(Row(key, figure, value, baseline, name))

    if built["built"]:
        add("district_build", f"build {built['built']} bureaus of {people:,} people (s)", built["build_seconds"],
            built["build_seconds"] / built["built"], "a bureau's share")
    rng = random.Random(a.seed)
    dates = [date(2016, 1, 1) + timedelta(days=rng.randint(0, 3000)) for _ in range(3)]
    queries = Queries(open_ledger(built["district"], read_only=True))
    first = sorted(built["bureaus"])[0]
    alone = Queries(open_ledger(built["bureaus"][first], read_only=True))
    alone.roster(dates[0])  # what the first ask of a process reads once
    own = [timed(alone.roster, d)[0] for d in dates]
    whole = [timed(District(queries).roster, d)[0] for d in dates]
    add("district_roster", f"district roster of a date, {a.bureaus} bureaus (median, s)", statistics.median(whole),
        statistics.median(own) * a.bureaus, f"{a.bureaus} × one bureau's roster, its ledger open")
    env = {**os.environ, "LEDGER_STORE": built["district"], "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "cli.main", "district", "roster", "--as-of", dates[0].isoformat(), "--json"]
    try:
        cli = wall(cmd, n=3, env=env)
    except subprocess.CalledProcessError as e:
        raise SystemExit(f"{' '.join(cmd)}: {e.stderr.decode()[-500:]}") from None
    add("district_roster_cli", "`ledger district roster --json`, a fresh process (median, s)", cli,
        statistics.median(whole), "the same in a process")
    on = date(2022, 12, 31)
    one_check = timed(alone.findings, on)[0]
    add("district_check", f"district check, {a.bureaus} bureaus (s)", timed(District(queries).check, on)[0],
        one_check, "one bureau's check alone")
    district = District(queries)
    bureau = next(b for b in district.bureaus() if b.code == first)
    with district.bureau(bureau) as inside:
        inside.roster(dates[0])
        in_district = [timed(inside.roster, d)[0] for d in dates]
    add("district_bureau_roster", "one bureau's roster inside the district (median, ms)",
        statistics.median(in_district) * 1000, statistics.median(own) * 1000, "the same bureau alone")
    units = [u["unit"] for u in alone.units(on)]
    paths = [f"/?as_of={d}&unit={rng.choice(units)}" for d in dates * 2]
    times: dict[str, list[float]] = {}
    for key, store, prefix_path in (("alone", built["bureaus"][first], ""), ("inside", built["district"],
                                                                             f"/b/{first}")):
        reader = Reader(store)
        try:
            with TestClient(create_app(reader), base_url="http://127.0.0.1") as client:
                client.get(prefix_path + paths[0]).raise_for_status()  # the first: opens what the server keeps
                times[key] = []
                for path in paths:
                    t = time.perf_counter()
                    client.get(prefix_path + path).raise_for_status()
                    times[key].append(time.perf_counter() - t)
        finally:
            reader.close()
    add("district_bureau_page", "one bureau's 组织 page inside the district's view (median, ms)",
        statistics.median(times["inside"]) * 1000, statistics.median(times["alone"]) * 1000,
        "the same page served alone")
    return rows


def markdown(rows: list[Row], versus: list[Row] | None = None) -> str:
    """The README's table of a run's rows; with `versus` (another store's run of the same city), two more columns:
    that run's value and this one's time against it (rates inverted, so that > 1× is always slower)."""
    other = {r.key: r for r in versus or ()}
    head, rule = "| figure | value | baseline | ratio | target | met |", "|---|---:|---:|---:|---|---|"
    if versus is not None:
        head, rule = head + " other store | × other |", rule + "---:|---:|"
    out = [head, rule]
    for r in rows:
        target, ok = TARGETS.get(r.key, ("", None))
        met = "" if ok is None else ("yes" if ok(r.value, r.ratio) else "**no**")
        line = (f"| {r.figure} | {r.value:,.3f} | {r.baseline:,.3f} ({r.baseline_name}) | {r.ratio:.2f}× | {target} "
                f"| {met} |")
        if versus is not None:
            o = other.get(r.key)
            if o is None:
                line += " | |"
            elif max(o.value, r.value) < 0.01 or not (o.value and r.value):  # nothing to compare (an index built
                # during the import)
                line += f" {o.value:,.3f} | — |"
            else:
                line += f" {o.value:,.3f} | {(o.value / r.value if r.key == 'import' else r.value / o.value):.2f}× |"
        out.append(line)
    return "\n".join(out)


def compiled() -> None:
    """The project's modules compiled to bytecode, as an installed program runs: the `ledger` processes measured
    read it (where PYTHONDONTWRITEBYTECODE is set, they would otherwise compile every module at every start)."""
    import compileall

    for package in ("ledger", "cli", "exporters", "web"):
        compileall.compile_dir(str(ROOT / package), quiet=1)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_child":
        child(argv[1:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, help="people in the city (each bureau's with --bureaus)  [default: 10,000; "
                    "2,500 a bureau]")
    ap.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/ledger-bench"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--samples", type=int, default=100, help="random dates per roster figure")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON here")
    ap.add_argument("--markdown", type=Path, metavar="JSON", help="print the table of a --json file and exit")
    ap.add_argument("--versus", type=Path, metavar="JSON",
                    help="with --markdown: another store's --json file of the same city, compared figure by figure")
    ap.add_argument("--bureaus", type=int, help="measure a district of this many bureaus instead (PostgreSQL)")
    ap.add_argument("--jobs", type=int, default=2, help="with --bureaus: bureaus built at once  [default: 2]")
    a = ap.parse_args(argv)
    if a.markdown:
        def rows_of(path: Path) -> list[Row]:
            return [Row(**r) for r in orjson.loads(path.read_bytes())]

        print(markdown(rows_of(a.markdown), rows_of(a.versus) if a.versus else None))
        return
    a.workdir.mkdir(parents=True, exist_ok=True)
    compiled()
    if a.bureaus:
        rows = measure_district(a)
        print(markdown(rows))
        if a.json:
            a.json.write_bytes(orjson.dumps([dataclasses.asdict(r) for r in rows], option=orjson.OPT_INDENT_2))
        return
    a.people = a.people or 10_000
    run = Run(a, *city_file(a.workdir, a.people, a.seed))
    app = measure_import(run)
    singles = measure_single_appends(app)
    run.fresh_candidates = list(dict.fromkeys(  # others than the single appends' people (seconded by now)
        f.person for f in app.facts()[-6000:-2000] if f.event == "rank_promoted"))[:40]
    scan = measure_cold(run)
    units = measure_rosters(run, app, scan, singles)
    per_fold = next(r.baseline for r in run.rows if r.key == "roster_city")
    measure_cli(run, units, per_fold)
    measure_web(run, per_fold)
    print(f"\n{a.store}: {a.people:,} people, {run.events:,} events (+{len(drafts_of(run.corrections))} corrections)\n")
    print(markdown(run.rows))
    if a.json:
        a.json.write_bytes(orjson.dumps([dataclasses.asdict(r) for r in run.rows], option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    main()
