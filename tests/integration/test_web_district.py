"""`ledger serve` of a district's store: the bureaus on a date, each bureau's own pages under /b/CODE, and the
roll-up pages, over a real PostgreSQL district of two bureaus (Starlette's TestClient on the view's ASGI app).

The district's API answers byte for byte what `ledger district … --json` prints; a bureau's pages and API answer
what `ledger serve` of that bureau's schema answers; a person read through the district lands in the bureau's own
access log; a plain bureau's store is served as it always was.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from starlette.testclient import TestClient

from tests.conftest import Ledger, as_each_test_runs, jsonl_file, new_pg_url
from tests.web_support import web_client

ON = "2022-12-31"


def schema_of(url: str) -> str:
    return url.rsplit("schema=", 1)[1]


def lines(rows: list[dict[str, Any]], folder: Path, name: str) -> str:
    return str(jsonl_file(rows, folder / f"{name}.jsonl"))


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two bureaus (SJ: a small bureau and its 2022; NJ: a bureau with findings), registered in a district whose
    second bureau's name holds markup (it must be shown as text)."""
    from tests import compliance_bureau, scenarios

    folder = tmp_path_factory.mktemp("web-district")
    with as_each_test_runs():
        urls = {"SJ": new_pg_url(), "NJ": new_pg_url()}
        Ledger(urls["SJ"]).ok("import", lines(scenarios.small_bureau() + scenarios.year_2022(), folder, "sj"))
        Ledger(urls["NJ"]).ok("import", lines(compliance_bureau.history(), folder, "nj"))
        for url in urls.values():
            Ledger(url).ok("access", "enable")
        url = new_pg_url()
        owner = Ledger(url)
        owner.ok("district", "add", "SJ", "--schema", schema_of(urls["SJ"]), "--name", "区市场监督管理局",
                 "--effective", "2020-01-01")
        owner.ok("district", "add", "NJ", "--schema", schema_of(urls["NJ"]), "--name", "区农业<b>农村局",
                 "--effective", "2020-01-01")
    return {"url": url, "bureaus": urls, "folder": folder}


@pytest.fixture(scope="module")
def client(district: dict[str, Any]) -> Iterator[TestClient]:
    with web_client(district["url"]) as c:
        yield c


def cli_json(store: str, *args: str) -> bytes:
    r = Ledger(store)(*args, "--json")
    assert r.exit_code == 0 or (r.exit_code == 1 and "check" in args and r.stdout), r.output  # check: 1 on findings
    return r.stdout_bytes


ASKED = [("list", ""), ("roster", f"as_of={ON}"), ("units", f"as_of={ON}"), ("check", f"as_of={ON}"),
         ("check", f"as_of={ON}&since=2022-06-01"), ("eligible", "as_of=2023-06-30"),
         ("due", "as_of=2023-01-01&within=1y")]


def options(query: str) -> list[str]:
    out = []
    for pair in filter(None, query.split("&")):
        k, v = pair.split("=", 1)
        out += [f"--{k.replace('_', '-')}", v]
    return out


@pytest.mark.parametrize(("command", "query"), ASKED, ids=lambda x: x or "-")
def test_the_district_api_answers_what_the_cli_prints(district: dict[str, Any], client: TestClient, command: str,
                                                      query: str) -> None:
    r = client.get(f"/api/district/{command}?{query}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.content == cli_json(district["url"], "district", command, *options(query))
    assert r.json() != [] and r.json() != {}


def test_the_api_as_known_at_a_moment_and_the_report_are_the_clis(district: dict[str, Any],
                                                                   client: TestClient) -> None:
    moment = Ledger(district["url"]).json("log")[0]["recorded"]  # after SJ's registration, before NJ's
    r = client.get("/api/district/roster", params={"as_of": ON, "known_at": moment})
    assert r.content == cli_json(district["url"], "district", "roster", "--as-of", ON, "--known-at", moment)
    assert r.json()["bureaus"] == ["SJ"]
    out = district["folder"] / "report.json"
    Ledger(district["url"]).ok("district", "report", "--year", "2022", "-o", str(out), "--force")
    r = client.get("/api/district/report?year=2022")
    assert r.status_code == 200 and r.content == out.read_bytes()


def test_the_home_page_lists_the_bureaus_with_their_own_figures(district: dict[str, Any], client: TestClient) -> None:
    r = client.get("/", params={"as_of": ON})
    assert r.status_code == 200 and "content-security-policy" in r.headers
    for code, url in district["bureaus"].items():
        units = Ledger(url).json("units", "--as-of", ON)
        row = re.search(rf'<tr data-bureau="{code}">(.*?)</tr>', r.text, re.S)
        assert row is not None, code
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
        assert cells[3] == str(sum(u["headcount"] for u in units))  # 在编
        filled = sum(e["filled"] for u in units for e in u["establishment"])
        assert cells[4] == f"{filled}/{sum(e['quota'] for u in units for e in u['establishment'])}"
        assert f'href="/b/{code}/?as_of={ON}"' in row.group(1)
    assert "区农业&lt;b&gt;农村局" in r.text and "<b>农村局" not in r.text  # data is text, never markup
    before = client.get("/", params={"as_of": "2019-06-30"})  # before either bureau joined
    assert before.status_code == 200 and 'data-bureau="SJ"' not in before.text


def test_a_bureau_under_its_code_is_its_own_view(district: dict[str, Any], client: TestClient) -> None:
    sj = district["bureaus"]["SJ"]
    with web_client(sj) as alone:
        for path in (f"/api/roster?as_of={ON}", f"/api/units?as_of={ON}", f"/api/check?as_of={ON}",
                     "/api/history/S03"):
            inside = client.get(f"/b/SJ{path}")
            assert inside.status_code == 200 and inside.content == alone.get(path).content, path
    page = client.get("/b/SJ/", params={"as_of": ON})
    assert page.status_code == 200 and 'id="bureau-name"' in page.text and "区市场监督管理局" in page.text
    links = re.findall(r'(?:href|action)="([^"]+)"', page.text)
    own = [x for x in links if not x.startswith(("/static/", "data:"))]
    assert all(x.startswith("/b/SJ/") or x.startswith("/b/SJ?") or x == f"/?as_of={ON}" for x in own), own
    assert f'href="/?as_of={ON}"' in page.text  # back to the district, on the same date
    r = client.get("/b/SJ/person", params={"person": "s03", "as_of": ON}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/b/SJ/person/S03?as_of={ON}"


def test_a_person_read_through_the_district_lands_in_the_bureaus_log(district: dict[str, Any],
                                                                     client: TestClient) -> None:
    nj = Ledger(district["bureaus"]["NJ"])
    person = nj.json("roster", "--as-of", ON)["people"][0]["person"]
    before = len(nj.json("access", "log"))
    assert client.get(f"/b/NJ/person/{person}", params={"as_of": ON}).status_code == 200
    logged = nj.json("access", "log")[before:]
    assert [(x["action"], x["person"], x["detail"]) for x in logged] == [("person_page", person, "web")]
    sj = Ledger(district["bureaus"]["SJ"]).json("access", "log")
    assert all(x["person"] != person or x["detail"] != "web" for x in sj)


def test_the_roll_up_pages_show_every_bureaus_rows(district: dict[str, Any], client: TestClient) -> None:
    roster = client.get("/district/roster", params={"as_of": ON})
    assert roster.status_code == 200
    everyone = orjson.loads(cli_json(district["url"], "district", "roster", "--as-of", ON))["people"]
    shown = re.findall(r'<tr data-bureau="(\w+)" data-person="([^"]+)">', roster.text)
    assert shown == [(p["bureau"], p["person"]) for p in everyone]
    one = client.get("/district/roster", params={"as_of": ON, "bureau": "NJ"})
    assert set(re.findall(r'<tr data-bureau="(\w+)" data-person', one.text)) == {"NJ"}
    units = client.get("/district/units", params={"as_of": ON})
    assert len(re.findall(r'<tr data-bureau="\w+" data-unit=', units.text)) == len(
        orjson.loads(cli_json(district["url"], "district", "units", "--as-of", ON)))
    check = client.get("/district/check", params={"as_of": ON})
    found = orjson.loads(cli_json(district["url"], "district", "check", "--as-of", ON))
    assert len(re.findall(r'<tr class="\w+" data-bureau=', check.text)) == len(found["findings"]) > 0
    total = re.search(r'<tr class="total"><td>合计</td><td class="num">(\d+)</td>', check.text)
    assert total is not None and int(total.group(1)) == sum(found["summary"].values())
    report = client.get("/district/report", params={"year": "2022"})
    figures = orjson.loads(cli_json(district["url"], "district", "list"))  # the bureaus, then the 合计 row
    assert report.status_code == 200 and len(re.findall(r"<tr data-bureau=", report.text)) == len(figures)
    assert '<tr class="total">' in report.text and "合计" in report.text
    assert "区农业&lt;b&gt;农村局" in report.text


def test_unknown_bureaus_and_bad_parameters_are_answers_not_tracebacks(client: TestClient) -> None:
    r = client.get("/b/XX/api/roster")
    assert r.status_code == 404 and r.json()["error"] == "no bureau 'XX' in the district (registered: NJ, SJ)"
    r = client.get("/b/XX/")
    assert r.status_code == 404 and "no bureau &#39;XX&#39;" in r.text
    r = client.get("/api/district/roster?as_of=yesterday")
    assert r.status_code == 400 and r.json()["error"].startswith("as_of:")
    assert client.get("/api/district/report").status_code == 400
    assert client.get("/district/roster?colour=red").status_code == 400


def test_a_bureaus_store_is_served_as_before(district: dict[str, Any]) -> None:
    with web_client(district["bureaus"]["SJ"]) as alone:
        home = alone.get("/", params={"as_of": ON})
        assert home.status_code == 200 and 'id="unit-tree"' in home.text and 'id="bureau-name"' not in home.text
        assert alone.get("/district/roster").status_code == 404
        assert alone.get("/api/district/list").status_code == 404


def test_the_view_keeps_few_bureaus_open_and_reopens_the_others(district: dict[str, Any],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from web.district import BureauPages

    monkeypatch.setattr(BureauPages, "OPEN", 1)  # one bureau's ledger open at a time
    with web_client(district["url"]) as c:
        answers = [c.get(f"/b/{code}/api/units", params={"as_of": ON}) for code in ("SJ", "NJ", "SJ")]
    assert [r.status_code for r in answers] == [200, 200, 200]
    assert answers[0].content == answers[2].content == cli_json(district["bureaus"]["SJ"], "units", "--as-of", ON)
