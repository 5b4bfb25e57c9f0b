"""The web view under load, on 127.0.0.1: do light pages stay fast while heavy reads run beside them?

    python benchmarks/web_load.py [--people 5000] [--store STORE] [--workdir /tmp/ledger-bench] [--json out.json]

Starts `ledger serve` (a real server process, its own event loop) over a synthetic city (`generate.py`, imported
once into WORKDIR) or over STORE, then asks light pages one after another — a unit's roster, the unit list, a
person's page, a unit's page — three times:

- `alone`: nothing else running (the baseline);
- `beside_3_verifies`: while three clients ask `/api/verify` at once (a fresh server: nothing cached);
- `beside_3_checks`: while three clients ask `/api/check` of the whole city, each of another date (nothing to
  share: the lane admits `web.reading.HEAVY_LIMIT`, the others are told 503 and Retry-After).

Each phase reports the light requests' count, median, 95th percentile and maximum (ms), and each heavy request's
status and time. Bounded: every request has a timeout, the light loop stops when the heavy ones are answered (or
after `--limit` seconds), and the server is stopped at the end. The target (issue 25): light pages ≤ 200 ms beside
three verifies.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
LEDGER = [sys.executable, "-c", "from cli.main import cli; cli(prog_name='ledger')"]


def get(url: str, timeout: float = 120) -> tuple[int, float, bytes]:
    """Status, seconds and body of one GET."""
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            body = answer.read()
            return answer.status, time.perf_counter() - t, body
    except urllib.error.HTTPError as e:
        return e.code, time.perf_counter() - t, e.read()


def city_store(workdir: Path, people: int) -> str:
    """A SQLite store of the synthetic city of `people` (built once, then reused)."""
    from generate import generate, write

    workdir.mkdir(parents=True, exist_ok=True)
    store = workdir / f"web-load-{people}.sqlite3"
    if not store.exists():
        lines = workdir / f"web-load-{people}.jsonl"
        write(lines, generate(max(2, people // 200), people, 10, 1)[0])
        subprocess.run([*LEDGER, "--store", str(store), "--actor", "bench", "import", str(lines)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return str(store)


class Server:
    """`ledger serve --port 0` over a store, stopped on exit."""

    def __init__(self, store: str):
        self.proc = subprocess.Popen([*LEDGER, "--store", store, "serve", "--port", "0"], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        said = ""
        for _ in range(3):
            said += self.proc.stdout.readline() if self.proc.stdout else ""
            found = re.search(r"http://\S+/", said)
            if found:
                self.url = found.group(0)
                return
        self.proc.kill()
        raise SystemExit(f"ledger serve did not start: {said}")

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def light_addresses(url: str) -> list[str]:
    units = [u["unit"] for u in orjson.loads(get(f"{url}api/units?as_of=2020-06-30")[2])]
    people = [p["person"] for u in units[:: max(1, len(units) // 5)]
              for p in orjson.loads(get(f"{url}api/roster?as_of=2020-06-30&unit={u}")[2])["people"]][:20]
    out = []
    for i in range(20):
        u, p = units[i % len(units)], people[i % len(people)]
        out += [f"{url}api/roster?as_of=2020-06-30&unit={u}", f"{url}api/units?as_of=2021-12-31",
                f"{url}person/{p}", f"{url}unit/{u}?year=2020"]
    return out


def light_while(addresses: list[str], busy: threading.Event | None, minimum: int, limit: float) -> list[float]:
    """Light requests one after another: `minimum` of them, or while `busy` is set (at most `limit` seconds)."""
    times: list[float] = []
    end = time.monotonic() + limit
    i = 0
    while time.monotonic() < end and (len(times) < minimum or (busy is not None and busy.is_set())):
        status, seconds, _ = get(addresses[i % len(addresses)], timeout=30)
        assert status == 200, (addresses[i % len(addresses)], status)
        times.append(seconds)
        i += 1
    return times


def heavy_beside(url: str, heavy: list[str], addresses: list[str], limit: float) -> dict[str, Any]:
    """The light loop while the `heavy` addresses are asked at once, each by a client of its own."""
    busy = threading.Event()
    busy.set()
    answers: list[tuple[str, int, float]] = []

    def ask(address: str) -> None:
        status, seconds, _ = get(address, timeout=limit)
        answers.append((address.removeprefix(url), status, round(seconds * 1000, 1)))

    clients = [threading.Thread(target=ask, args=(a,)) for a in heavy]
    for c in clients:
        c.start()
    watcher = threading.Thread(target=lambda: ([c.join() for c in clients], busy.clear()))
    watcher.start()
    time.sleep(0.05)  # let the heavy requests reach the server first
    times = light_while(addresses, busy, 10, limit)
    watcher.join()
    return {**figures(times), "heavy": answers}


def figures(times: list[float]) -> dict[str, Any]:
    ms = sorted(t * 1000 for t in times)
    return {"light_requests": len(ms), "median_ms": round(statistics.median(ms), 1),
            "p95_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.95))], 1), "max_ms": round(ms[-1], 1)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--people", type=int, default=5000)
    ap.add_argument("--store")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/ledger-bench"))
    ap.add_argument("--limit", type=float, default=120.0, help="seconds a phase may last at most")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args(argv)
    store = a.store or city_store(a.workdir, a.people)
    result: dict[str, Any] = {"store": store}
    with Server(store) as server:
        url = server.url
        addresses = light_addresses(url)
        light_while(addresses, None, 20, a.limit)  # warm the light lane
        result["alone"] = figures(light_while(addresses, None, 60, a.limit))
        result["beside_3_verifies"] = heavy_beside(url, [f"{url}api/verify"] * 3, addresses, a.limit)
        checks = [f"{url}api/check?as_of=202{k}-06-30" for k in (1, 2, 3)]
        result["beside_3_checks"] = heavy_beside(url, checks, addresses, a.limit)
    for phase in ("alone", "beside_3_verifies", "beside_3_checks"):
        r = result[phase]
        print(f"{phase:18} light: n={r['light_requests']:4} median {r['median_ms']:7.1f} ms  p95 {r['p95_ms']:7.1f} ms"
              f"  max {r['max_ms']:7.1f} ms")
        for address, status, ms in r.get("heavy", []):
            print(f"{'':18}   {address:32} {status}  {ms:9.1f} ms")
    if a.json:
        a.json.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    main()
