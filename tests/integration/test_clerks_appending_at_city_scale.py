"""Load and faults at city scale (a CI-sized generated city), on SQLite and PostgreSQL:

- four clerk processes append 2,000 single events each to shared units at once: no acknowledged event is lost or
  duplicated, the final timeline validates clean, and the materialised timeline ends exactly equal to the fold;
- a `ledger import` of a large file killed with SIGKILL midway leaves all of the file or none of it, and the
  next import works.

LEDGER_LOAD_APPENDS sets the appends per process (default 2,000, the issue's figure).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from generate import generate

from ledger.app.ledger import PersonnelLedger, open_ledger
from ledger.app.sources import read_source
from ledger.fold.walk import validate
from ledger.model.errors import Refused
from ledger.model.facts import Draft

WORKERS = 4
APPENDS = int(os.environ.get("LEDGER_LOAD_APPENDS", "2000"))
HIRE_EVERY = 50  # one hire attempt in 50 appends: they race for the units' few free places of 编制
LATER = date(2025, 2, 1)  # the workers' facts come after the generated history


def city_drafts(units: int, people: int, years: int, seed: int) -> list[Draft]:
    lines, _ = generate(units, people, years, seed)
    return [Draft(x["event"], {k: v for k, v in x.items() if k != "event"}, n) for n, x in enumerate(lines, 1)]


def _plan(worker: int, people: list[str], units: list[str], n: int) -> list[Draft]:
    """This worker's appends: secondments of its own people (back and forth), and hires into shared units."""
    mine = people[worker::WORKERS]
    step: dict[str, int] = {}
    out: list[Draft] = []
    for i in range(n):
        if i % HIRE_EVERY == 0:
            k = i // HIRE_EVERY
            out.append(Draft("hired", {
                "person": f"L{worker}-{k}", "name": f"新{worker}{k}", "gender": "女", "birth_date": "1998-01-01",
                "unit": units[k % len(units)], "establishment": "行政编制", "rank": "一级科员", "mode": "录用",
                "effective": (LATER + timedelta(days=k)).isoformat()}))
            continue
        person = mine[i % len(mine)]
        k = step.get(person, 0)
        step[person] = k + 1
        day = (LATER + timedelta(days=2 * k)).isoformat()
        if k % 2 == 0:
            out.append(Draft("secondment_started", {"person": person, "host": "区委党校", "kind": "学习", "effective": day}))
        else:
            out.append(Draft("secondment_ended", {"person": person, "effective": day}))
    return out


def _worker(store: str, worker: int, people: list, units: list, n: int, start, results) -> None:
    app = open_ledger(store)
    app.facts()
    drafts = _plan(worker, people, units, n)
    start.wait()
    recorded: list[int] = []
    refused: list[str] = []
    for i, d in enumerate(drafts):
        try:
            recorded += app.append([d], actor=f"clerk{worker}")
        except Refused as e:
            refused.append(f"{d.event}: {e.problems[0].code}")
        if i % 500 == 250:
            read_source(app).roster(LATER)  # readers catch the timeline up while others write
    results.put((worker, recorded, refused))


@pytest.mark.slow  # minutes: started first under xdist (tests/conftest.py)
def test_four_processes_appending_to_shared_units_lose_nothing(store: str) -> None:
    app = open_ledger(store)
    app.append(city_drafts(units=6, people=400, years=4, seed=3), actor="setup")
    state = app.state(LATER)
    units = [u.unit for u in state.units.values() if u.kind == "机关"]
    people = sorted(p.person for p in state.staff() if p.secondment is None and state.units[p.unit].kind == "机关")
    before = len(app.facts())

    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(WORKERS), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(store, w, people, units, APPENDS, barrier, results))
             for w in range(WORKERS)]
    t = time.perf_counter()
    for p in procs:
        p.start()
    # A worker that dies shows its traceback on stderr, and fails the test at once (rather than after the whole
    # wait, which only guards against a hang: each append refreshes the bitemporal tables, and 4 × 2,000 appends
    # take minutes).
    out = []
    deadline = time.monotonic() + 2400
    while len(out) < WORKERS:
        try:
            out.append(results.get(timeout=5))
        except queue.Empty:
            died = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
            assert not died, f"a clerk process died (exit codes {died}): its traceback is on stderr"
            assert time.monotonic() < deadline, "the clerk processes did not finish in 40 minutes"
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    elapsed = time.perf_counter() - t

    ids = [i for _, rec, _ in out for i in rec]
    refusals = [r for _, _, ref in out for r in ref]
    assert all(r.startswith("hired: over_establishment") for r in refusals), refusals[:5]
    assert len(ids) + len(refusals) == WORKERS * APPENDS
    assert len(ids) == len(set(ids)), "an event id was handed out twice"
    fresh = open_ledger(store)
    facts = fresh.facts()
    assert len(facts) == before + len(ids), "every acknowledged event is in the store, and nothing else"
    assert {f.id for f in facts[before:]} == set(ids)
    assert validate(facts) == []
    for on in (LATER, LATER + timedelta(days=3), LATER + timedelta(days=200), date(2023, 6, 30)):
        expected = read_source(fresh).roster(on, datetime(9999, 1, 1, tzinfo=UTC))
        expected["known_at"] = None
        assert read_source(fresh).roster(on) == expected
    print(f"{WORKERS}×{APPENDS} appends in {elapsed:.1f}s ({len(refusals)} hires refused: 编制 full)")


# --- SIGKILL midway through an import ---------------------------------------------------------------------------
def _count(store: str) -> int:
    return len(open_ledger(store).facts())


def test_an_import_killed_midway_writes_all_or_nothing_and_the_next_import_works(store: str, tmp_path: Path) -> None:
    lines, _ = generate(units=20, people=3000, years=8, seed=5)
    big = tmp_path / "city.jsonl"
    big.write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in lines))
    code = "from cli.main import cli; cli(prog_name='ledger')"
    cmd = [sys.executable, "-c", code, "--store", store, "import", str(big)]

    # A first run tells how long the import takes on this machine; kill the second at a point inside its write.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    after_first = _count(store)
    assert after_first in (0, len(lines))

    killed_at = []
    for delay in (1.0, 2.0, 3.0, 4.0, 6.0):
        if _count(store):
            break
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed_at.append(delay)
        proc.wait(timeout=300)
        assert _count(store) in (0, len(lines)), "a killed import left part of its file"
    assert killed_at, "the import finished before it could be killed: make the file larger"

    if _count(store) == 0:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
    assert _count(store) == len(lines)
    app: PersonnelLedger = open_ledger(store)
    assert validate(app.facts()) == []
    more = tmp_path / "more.jsonl"
    state = app.state(LATER)
    person = next(p.person for p in state.staff() if p.secondment is None)
    more.write_bytes(orjson.dumps({"event": "secondment_started", "person": person, "host": "区委党校", "kind": "学习",
                                   "effective": LATER.isoformat()}) + b"\n")
    nxt = subprocess.run([sys.executable, "-c", code, "--store", store, "import", str(more)], capture_output=True,
                         text=True, timeout=300)
    assert nxt.returncode == 0, nxt.stderr
    assert _count(store) == len(lines) + 1
