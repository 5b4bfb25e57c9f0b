"""The web view's JSON API answers exactly what the CLI's `--json` prints — the same bytes — on the demo bureau
(SQLite and PostgreSQL) and on a generated city with back-dated corrections and retractions."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from generate import generate

from ledger.app import build_demo
from tests.conftest import Ledger
from tests.integration.test_materialised_timeline_agrees_with_the_fold import drafts
from tests.web_support import web_client


def same(client, ledger: Ledger, path: str, *args: str, ok: tuple[int, ...] = (0,)) -> None:
    """GET `path` gives the bytes `ledger ARGS --json` prints."""
    r = ledger(*args, "--json")
    assert r.exit_code in ok, r.output
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert answer.content == r.stdout_bytes, f"{path} differs from ledger {' '.join(args)} --json"


def compare_everything(client, ledger: Ledger, days: list[str], units: list[str], people: list[str]) -> None:
    for day in days:
        same(client, ledger, f"/api/roster?as_of={day}", "roster", "--as-of", day)
        same(client, ledger, f"/api/units?as_of={day}", "units", "--as-of", day)
        same(client, ledger, f"/api/check?as_of={day}", "check", "--as-of", day, ok=(0, 1))
        for unit in units:
            same(client, ledger, f"/api/roster?as_of={day}&unit={unit}", "roster", "--as-of", day, "--unit", unit)
            same(client, ledger, f"/api/units?as_of={day}&unit={unit}", "units", "--as-of", day, "--unit", unit)
    for person in people:
        same(client, ledger, f"/api/history/{person}", "history", person)
    same(client, ledger, f"/api/diff?from={days[0]}&to={days[-1]}", "diff", "--from", days[0], "--to", days[-1])
    same(client, ledger, f"/api/diff?from={days[0]}&to={days[-1]}&unit={units[0]}", "diff", "--from", days[0],
         "--to", days[-1], "--unit", units[0])
    same(client, ledger, "/api/verify", "verify")


def test_api_equals_cli_json_on_the_demo_bureau(tmp_path: Path) -> None:
    store = str(build_demo(tmp_path).config.location)
    ledger = Ledger(store)
    log = ledger.json("log")
    recorded = sorted({e["recorded"] for e in log})
    with web_client(store) as client:
        compare_everything(client, ledger, ["2019-06-30", "2021-12-31", "2022-12-31"], ["JU", "WHG"],
                           ["P01", "P13", "P16", "A01"])
        # As the ledger knew it before the wrong promotion was retracted (the retraction is the last event).
        before = recorded[-3]
        for path, args in ((f"/api/roster?as_of=2022-12-31&known_at={before}", ("roster", "--as-of", "2022-12-31")),
                           (f"/api/units?as_of=2022-12-31&known_at={before}", ("units", "--as-of", "2022-12-31")),
                           (f"/api/diff?from=2021-12-31&to=2022-12-31&known_at={before}",
                            ("diff", "--from", "2021-12-31", "--to", "2022-12-31")),
                           (f"/api/check?as_of=2022-12-31&known_at={before}", ("check", "--as-of", "2022-12-31"))):
            same(client, ledger, path.replace("+", "%2B"), *args, "--known-at", before, ok=(0, 1))


def test_api_equals_cli_json_on_postgresql(pg_store: str, bureau_lines, write_jsonl) -> None:
    ledger = Ledger(pg_store)
    ledger.ok("import", str(write_jsonl(bureau_lines)))
    with web_client(pg_store) as client:
        compare_everything(client, ledger, ["2021-01-01", "2021-06-30"], ["SJ", "JC"], ["S01"])


@pytest.fixture(scope="module")
def city_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    from ledger.app import open_ledger

    lines, corrections = generate(units=10, people=600, years=5, seed=16)
    store = str(tmp_path_factory.mktemp("city") / "ledger.sqlite3")
    app = open_ledger(store)
    for batch in (lines, corrections):
        app.append(drafts(batch), actor="generator")
    app.close()
    return store


def test_api_equals_cli_json_on_a_generated_city(city_store: str) -> None:
    ledger = Ledger(city_store)
    rng = random.Random(16)
    units = [u["unit"] for u in ledger.json("units", "--as-of", "2024-12-31")]
    promotions = ledger.json("log", "--event", "rank_promoted")
    retracted = {e["target"] for e in ledger.json("log", "--event", "retracted")}
    corrected = [e["person"] for e in promotions if e["id"] in retracted]
    assert corrected, "the generator's corrections retract promotions"
    people = sorted({*corrected[:3], *(e["person"] for e in rng.sample(promotions, 3))})
    days = sorted((date(2020, 1, 1) + timedelta(days=rng.randint(0, 5 * 365))).isoformat() for _ in range(3))
    with web_client(city_store) as client:
        compare_everything(client, ledger, days, rng.sample(units, 2), people)
        # Every page renders every kind of change the city has (vacated posts, moves, separations …).
        for path in ["/diff?from=2019-12-31&to=2024-12-31", f"/?as_of={days[1]}", *(f"/unit/{u}?year={y}"
                     for u in units[:3] for y in (2021, 2023)), *(f"/person/{p}" for p in people),
                     "/check?as_of=2024-12-31&since=2020-01-01"]:
            r = client.get(path)
            assert r.status_code == 200, f"{path}: {r.text[-500:]}"
