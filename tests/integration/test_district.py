"""A district of three bureaus on one PostgreSQL database: the registry, roll-ups equal to the union (or the sum) of
the bureaus' own answers, the yearly report side by side, and a district auditor who reads every bureau and writes
nothing — each read landing in the bureau's own access log.

The bureaus are three small ledgers in three schemas (not the demo's people); the district is a fourth schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import orjson
import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from tests.conftest import PG_DSN, Ledger, as_each_test_runs, jsonl_file, new_pg_role, new_pg_url

DATA = Path(__file__).resolve().parents[2] / "ledger" / "data"


def schema_of(url: str) -> str:
    return url.rsplit("schema=", 1)[1]


def as_role(url: str, role: str) -> str:
    return url.replace(f"//{PG_DSN['user']}@", f"//{role}@", 1)


def run(store: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--store", store, "--lang", "en", *args], catch_exceptions=False)


def lines(rows: list[dict[str, Any]], folder: Path, name: str) -> str:
    return str(jsonl_file(rows, folder / f"{name}.jsonl"))


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Three bureaus (SJ: a small bureau and its 2022; NJ: a bureau with findings; WL: the demo's ledger format
    with its 2023 and 评议) and a district registering them."""
    from tests import compliance_bureau, scenarios

    folder = tmp_path_factory.mktemp("district")
    with as_each_test_runs():
        bureaus = {"SJ": [lines(scenarios.small_bureau() + scenarios.year_2022(), folder, "sj")],
                   "NJ": [lines(compliance_bureau.history(), folder, "nj")],
                   "WL": [str(DATA / "demo_bureau.jsonl"), str(DATA / "demo_2023.jsonl")]}
        urls = {}
        for code, files in bureaus.items():
            urls[code] = new_pg_url()
            for f in files:
                Ledger(urls[code]).ok("import", f)
        url = new_pg_url()
        owner = Ledger(url)
        for code, name in (("SJ", "区市场监督管理局"), ("NJ", "区农业农村局"), ("WL", "区文化和旅游局")):
            owner.ok("district", "add", code, "--schema", schema_of(urls[code]), "--name", name,
                     "--effective", "2020-01-01")
    return {"url": url, "bureaus": urls, "folder": folder}


# --- the registry --------------------------------------------------------------------------------------------------
def test_the_registry_lists_adds_refuses_and_removes(district: dict[str, Any]) -> None:
    listed = Ledger(district["url"]).json("district", "list")
    assert [(b["bureau"], b["schema"]) for b in listed] == [(c, schema_of(district["bureaus"][c]))
                                                            for c in ("NJ", "SJ", "WL")]
    url = new_pg_url()  # a district of its own: this test changes it
    d = Ledger(url)
    sj = schema_of(district["bureaus"]["SJ"])
    d.ok("district", "add", "SJ", "--schema", sj, "--name", "区市场监督管理局")
    empty = schema_of(new_pg_url())  # no ledger there
    r = run(url, "district", "add", "XX", "--schema", empty, "--name", "区空局")
    assert r.exit_code == 1 and f"schema {empty} holds no ledger" in r.output and "Traceback" not in r.output
    r = run(url, "district", "add", "SJ", "--schema", schema_of(district["bureaus"]["NJ"]), "--name", "又一个")
    assert r.exit_code == 1 and "registered already" in r.output
    r = run(url, "district", "add", "S2", "--schema", sj, "--name", "同一库")
    assert r.exit_code == 1 and "registered already, as bureau SJ" in r.output
    assert [b["bureau"] for b in d.json("district", "list")] == ["SJ"]  # nothing written by the refusals
    before = Ledger(district["bureaus"]["SJ"]).event_count()
    registered = max(f["recorded"] for f in d.json("log"))
    d.ok("district", "remove", "SJ")
    assert d.json("district", "list") == []
    assert [b["bureau"] for b in d.json("district", "list", "--known-at", registered)] == ["SJ"]  # as known then
    assert Ledger(district["bureaus"]["SJ"]).event_count() == before  # the bureau's ledger untouched
    assert run(url, "district", "remove", "SJ").exit_code == 1
    assert [e["event"] for e in d.json("log")] == ["bureau_registered", "bureau_removed"]


def test_a_district_on_sqlite_is_refused_in_one_sentence(tmp_path: Path) -> None:
    store = str(tmp_path / "ledger.sqlite3")
    Ledger(store).ok("org", "unit", "JU", "--name", "区局", "--kind", "机关", "--effective", "2020-01-01")
    r = run(store, "district", "add", "JU", "--schema", "wenlv_ju", "--name", "区局")
    assert r.exit_code == 1 and "SQLite" in r.output and "Traceback" not in r.output
    r = run(store, "district", "roster", "--as-of", "2022-12-31")
    assert r.exit_code == 1 and "SQLite" in r.output and len(r.output.strip().splitlines()) == 1


# --- roll-ups equal the sum of their parts -----------------------------------------------------------------------
ASKED = [("roster", ("--as-of", "2022-12-31"), "people"), ("roster", ("--as-of", "2023-06-30"), "assistants"),
         ("eligible", ("--as-of", "2023-06-30"), "people"),
         ("due", ("--as-of", "2023-01-01", "--within", "1y"), "items")]


@pytest.mark.parametrize(("command", "options", "key"), ASKED, ids=lambda x: x if isinstance(x, str) else None)
def test_each_roll_up_is_the_union_of_the_bureaus_answers(district: dict[str, Any], command: str,
                                                           options: tuple[str, ...], key: str) -> None:
    rolled = Ledger(district["url"]).json("district", command, *options)
    own = [{"bureau": code, **row} for code, url in sorted(district["bureaus"].items())
           for row in Ledger(url).json(command, *options)[key]]
    assert rolled[key] == own and own  # every row, with its bureau, in the bureaus' order


def test_units_and_check_are_the_bureaus_own_figures_and_findings(district: dict[str, Any]) -> None:
    d = Ledger(district["url"])
    units = d.json("district", "units", "--as-of", "2022-12-31")
    assert units == [{"bureau": c, **u} for c, url in sorted(district["bureaus"].items())
                     for u in Ledger(url).json("units", "--as-of", "2022-12-31")]
    r = d("district", "check", "--as-of", "2022-12-31", "--json")
    assert r.exit_code == 1  # there are findings (NJ's)
    rolled = orjson.loads(r.stdout)
    total: dict[str, int] = {}
    for code, url in sorted(district["bureaus"].items()):
        own = orjson.loads(Ledger(url)("check", "--as-of", "2022-12-31", "--json").stdout)
        assert [x for x in rolled["findings"] if x["bureau"] == code] == [{"bureau": code, **x} for x in own["findings"]]
        assert rolled["bureaus"][code] == own["summary"]
        for rule, n in own["summary"].items():
            total[rule] = total.get(rule, 0) + n
    assert rolled["summary"] == total and any(x["bureau"] == "NJ" for x in rolled["findings"])


def test_a_roll_up_as_known_at_a_moment_leaves_out_what_was_recorded_later(district: dict[str, Any]) -> None:
    """A bureau registered after the moment is not in the roll-up; the others answer as they knew it then."""
    url = new_pg_url()
    d = Ledger(url)
    d.ok("district", "add", "SJ", "--schema", schema_of(district["bureaus"]["SJ"]), "--name", "区市场监督管理局",
         "--effective", "2020-01-01")
    moment = d.json("log")[-1]["recorded"]
    d.ok("district", "add", "NJ", "--schema", schema_of(district["bureaus"]["NJ"]), "--name", "区农业农村局",
         "--effective", "2020-01-01")
    then = d.json("district", "roster", "--as-of", "2022-12-31", "--known-at", moment)
    now = d.json("district", "roster", "--as-of", "2022-12-31")
    assert then["bureaus"] == ["SJ"] and now["bureaus"] == ["NJ", "SJ"]
    sj = Ledger(district["bureaus"]["SJ"]).json("roster", "--as-of", "2022-12-31", "--known-at", moment)
    assert then["people"] == [{"bureau": "SJ", **p} for p in sj["people"]]


def test_the_report_sets_the_bureaus_side_by_side_with_a_total(district: dict[str, Any]) -> None:
    d, folder = Ledger(district["url"]), district["folder"]
    d.ok("district", "report", "--year", "2022", "-o", str(folder / "r.json"))
    report = orjson.loads((folder / "r.json").read_bytes())
    assert [r["bureau"] for r in report["bureaus"]] == ["NJ", "SJ", "WL"]
    for code, url in district["bureaus"].items():
        Ledger(url).ok("export", "yearly-report", "--year", "2022", "--format", "json", "-o", str(folder / f"{code}.json"))
        own = orjson.loads((folder / f"{code}.json").read_bytes())
        row = next(r for r in report["bureaus"] if r["bureau"] == code)
        assert row["quota"] == sum(e["quota"] for e in own["establishment"])
        assert row["filled"] == own["filled"]
        assert row["rank_promotions"] == len(own["rank_promotions"])
        assert row["promotions"] == sum(1 for a in own["appointments"] if a["kind"] == "提拔")
        assert row["genders"] == own["promoted"]["genders"] and row["cohorts"] == own["promoted"]["cohorts"]
    total = report["total"]
    for key in ("quota", "filled", "over_quota", "post_quota", "posts_filled", "over_posts", "promotions",
                "rank_promotions", "promoted"):
        assert total[key] == sum(r[key] for r in report["bureaus"]), key
    assert total["over_posts"] >= 1  # NJ's 副局长 beyond its cut 职数
    d.ok("district", "report", "--year", "2022", "-o", str(folder / "r.docx"))
    table = docx.Document(str(folder / "r.docx")).tables[0]
    names = [row.cells[0].text for row in table.rows]
    assert names == ["单位", "区农业农村局", "区市场监督管理局", "区文化和旅游局", "合计"]
    assert table.rows[-1].cells[1].text == str(total["quota"])


def test_an_edited_timeline_row_of_a_bureau_is_not_served_in_the_roll_up(district: dict[str, Any]) -> None:
    """The roll-up reads its bureaus on sessions it lends them, one bureau after another: a bureau's edited row is
    still found by its seal before it is served, and that bureau's roster answered from its events, saying so."""
    from tests import scenarios

    bureau, url = new_pg_url(), new_pg_url()
    Ledger(bureau).ok("import", lines(scenarios.small_bureau() + scenarios.year_2022(), district["folder"], "edited"))
    d = Ledger(url)
    for code, schema in (("NJ", schema_of(district["bureaus"]["NJ"])), ("SJ", schema_of(bureau)),
                         ("WL", schema_of(district["bureaus"]["WL"]))):
        d.ok("district", "add", code, "--schema", schema, "--name", f"区{code}局", "--effective", "2020-01-01")
    before = d.json("district", "roster", "--as-of", "2022-12-31")
    people = f'"{schema_of(bureau)}"."timeline_people"'
    import psycopg

    with psycopg.connect(**PG_DSN, autocommit=True) as conn:  # as an intruder would: a served row's name changed
        changed = conn.execute(
            f"UPDATE {people} SET doc = convert_to(replace(convert_from(doc, 'UTF8'), '\"name\":\"', "
            f"'\"name\":\"某'), 'UTF8') WHERE ctid = (SELECT ctid FROM {people} WHERE kind = 'staff' AND "
            "valid_from <= '2022-12-31' AND valid_to > '2022-12-31' AND recorded_to = 4611686018427387904 LIMIT 1)")
        assert changed.rowcount == 1
    r = run(url, "district", "roster", "--as-of", "2022-12-31", "--json")
    assert r.exit_code == 0 and orjson.loads(r.stdout) == before
    assert "SJ: " in r.stderr and "does not match its seal" in r.stderr, r.stderr


# --- roles -------------------------------------------------------------------------------------------------------
def test_a_district_auditor_reads_every_bureau_writes_nothing_and_is_logged(district: dict[str, Any]) -> None:
    d = Ledger(district["url"])
    auditor = new_pg_role("d_auditor")
    out = d.ok("--lang", "en", "district", "access", "grant", auditor, "--as", "auditor").output
    assert "3 bureaus" in out
    mine = as_role(district["url"], auditor)
    rolled = orjson.loads(run(mine, "district", "roster", "--as-of", "2022-12-31", "--json").stdout)
    assert rolled["bureaus"] == ["NJ", "SJ", "WL"] and rolled["people"]
    r = run(mine, "district", "add", "ZZ", "--schema", schema_of(district["bureaus"]["SJ"]), "--name", "某局")
    assert r.exit_code == 1 and "may not record" in r.output
    r = run(as_role(district["bureaus"]["SJ"], auditor), "hire", "Q1", "--name", "某某", "--unit", "SJ")
    assert r.exit_code != 0
    for code, url in district["bureaus"].items():
        logged = Ledger(url).json("access", "log", "--actor", auditor)
        assert [(x["action"], x["detail"]) for x in logged] == [("roster", "district")], code


def test_a_bureau_clerk_stays_in_its_own_schema(district: dict[str, Any]) -> None:
    clerk = new_pg_role("sj_clerk")
    Ledger(district["bureaus"]["SJ"]).ok("access", "grant", clerk, "--as", "clerk")
    assert run(as_role(district["bureaus"]["SJ"], clerk), "roster", "--as-of", "2022-12-31").exit_code == 0
    r = run(as_role(district["bureaus"]["NJ"], clerk), "roster", "--as-of", "2022-12-31")
    assert r.exit_code == 1 and "Traceback" not in r.output
    r = run(as_role(district["url"], clerk), "district", "roster", "--as-of", "2022-12-31")
    assert r.exit_code == 1 and "Traceback" not in r.output
