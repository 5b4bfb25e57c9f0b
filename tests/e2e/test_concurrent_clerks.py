"""Two clerks appending to the same unit at once, as real processes: no event is lost, no invariant breaks."""

from __future__ import annotations

import multiprocessing as mp
from datetime import date

from ledger.app.ledger import open_ledger
from ledger.fold.walk import validate
from ledger.model.errors import Refused
from ledger.model.facts import Draft
from tests.conftest import run_ledger
from tests.scenarios import hire, small_bureau

PER_WORKER = 12


def _worker(store: str, worker: int, start: mp.Barrier, results: mp.Queue) -> None:
    app = open_ledger(store)
    app.facts()
    start.wait()
    recorded, refused = [], 0
    for i in range(PER_WORKER):
        line = hire(f"W{worker}-{i}", f"工{worker}{i}", "SJ", "一级科员", "2022-03-01", mode="录用")
        line.pop("event")
        try:
            recorded += app.append([Draft("hired", {k: v for k, v in line.items()})], actor=f"clerk{worker}")
        except Refused as e:
            assert all(p.code == "over_establishment" for p in e.problems), e.problems
            refused += 1
    results.put((worker, recorded, refused))


def _race(store: str, workers: int = 2) -> list[tuple[int, list[int], int]]:
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(workers), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(store, w, barrier, results)) for w in range(workers)]
    for p in procs:
        p.start()
    out = [results.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return out


def test_concurrent_hires_into_one_unit_respect_the_quota_and_lose_nothing(store, write_jsonl):
    app = open_ledger(store)
    lines = small_bureau()
    lines = [x if not (x["event"] == "quota_set" and x["unit"] == "SJ") else {**x, "count": 6 + 10} for x in lines]
    from ledger.io.jsonl import read_jsonl

    app.append(read_jsonl(write_jsonl(lines)), actor="setup")
    before = len(app.facts())

    results = _race(store)

    ids = [i for _, rec, _ in results for i in rec]
    assert len(ids) == len(set(ids)), "an event id was handed out twice"
    assert len(ids) == 10, "exactly the 10 free places of 编制 are filled"
    assert sum(r for _, _, r in results) == 2 * PER_WORKER - 10
    fresh = open_ledger(store)
    facts = fresh.facts()
    assert len(facts) == before + len(ids), "every acknowledged event is in the store, and nothing else"
    assert {f.id for f in facts[before:]} == set(ids)
    assert validate(facts) == []
    assert fresh.state(date(2022, 3, 1)).headcount("SJ", "行政编制") == 16


def test_two_cli_processes_promoting_the_same_person_cannot_both_win(sqlite_store, write_jsonl):
    """Two clerks promote the same person to the same rank at once: one is recorded, the other refused."""
    import subprocess
    import sys

    first = run_ledger("--store", sqlite_store, "import", str(write_jsonl(small_bureau())))
    assert first.returncode == 0, first.stderr
    code = "from cli.main import cli; cli(prog_name='ledger')"
    args = ["--store", sqlite_store, "promote", "S04", "--rank", "二级主任科员", "--effective", "2022-05-01"]
    procs = [subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outcomes = sorted(p.wait(timeout=120) for p in procs)
    assert outcomes == [0, 1]
    log = run_ledger("--store", sqlite_store, "log", "--json")
    import orjson

    promotions = [e for e in orjson.loads(log.stdout) if e["event"] == "rank_promoted"]
    assert len(promotions) == 1
