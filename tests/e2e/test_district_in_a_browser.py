"""A district's web view in a real browser (Debian's chromium through Playwright, as
`test_web_view_in_a_browser.py` drives it): `ledger serve` of a district's PostgreSQL schema opens on its bureaus;
an auditor picks a date, opens one bureau's own pages and comes back, and opens the district's roster, which lists
what `ledger district roster` lists. Skipped, saying why, without chromium or Playwright.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import orjson
import pytest

from tests.conftest import Ledger, as_each_test_runs, new_pg_url
from tests.e2e.test_web_view_in_a_browser import browser, open_view, page, screenshot  # noqa: F401 (fixtures)
from tests.web_support import served

ON = "2022-12-31"


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from tests import compliance_bureau, scenarios

    folder = tmp_path_factory.mktemp("district-browser")
    with as_each_test_runs():
        urls = {}
        for code, rows in (("SJ", scenarios.small_bureau() + scenarios.year_2022()),
                           ("NJ", compliance_bureau.history())):
            urls[code] = new_pg_url()
            path = folder / f"{code}.jsonl"
            path.write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in rows))
            Ledger(urls[code]).ok("import", str(path))
        url = new_pg_url()
        for code, name in (("SJ", "区市场监督管理局"), ("NJ", "区农业农村局")):
            Ledger(url).ok("district", "add", code, "--schema", urls[code].rsplit("schema=", 1)[1], "--name", name,
                           "--effective", "2020-01-01")
        with served(url) as address:
            yield {"url": url, "bureaus": urls, "address": address}


def test_the_district_home_a_bureau_and_the_district_roster(page, district: dict[str, Any],  # noqa: F811
                                                            tmp_path: Path) -> None:
    base = district["address"]
    open_view(page, f"{base}?as_of=2021-06-30")
    codes = page.eval_on_selector_all("#bureau-figures tr[data-bureau]", "rows => rows.map(r => r.dataset.bureau)")
    assert codes == ["NJ", "SJ"]

    page.fill("#as-of-date", ON)  # the date form: a new address, the same page on that date
    with page.expect_navigation():
        page.click("#district-dates button")
    page.wait_for_selector("body[data-ready]")
    assert parse_qs(urlparse(page.url).query)["as_of"] == [ON]
    headcount = page.inner_text('#bureau-figures tr[data-bureau="SJ"] td:nth-child(4)')
    units = Ledger(district["bureaus"]["SJ"]).json("units", "--as-of", ON)
    assert int(headcount) == sum(u["headcount"] for u in units)
    screenshot(page, "district", tmp_path)

    with page.expect_navigation():
        page.click('#bureau-figures tr[data-bureau="SJ"] a')  # the bureau's own pages, on the same date
    page.wait_for_selector("body[data-ready]")
    assert urlparse(page.url).path == "/b/SJ/" and parse_qs(urlparse(page.url).query)["as_of"] == [ON]
    assert "区市场监督管理局" in page.inner_text("#bureau-name")
    first = units[0]["unit"]
    shown = page.eval_on_selector_all("#roster tr[data-person]", "rows => rows.map(r => r.dataset.person)")
    own = Ledger(district["bureaus"]["SJ"]).json("roster", "--as-of", ON, "--unit", first)["people"]
    assert shown == [p["person"] for p in own]

    with page.expect_navigation():
        page.click("#district-home")  # back to the district, still on that date
    page.wait_for_selector("body[data-ready]")
    assert urlparse(page.url).path == "/" and parse_qs(urlparse(page.url).query)["as_of"] == [ON]

    open_view(page, f"{base}district/roster?as_of={ON}")
    rows = page.eval_on_selector_all("#district-people tr[data-person]",
                                     "rows => rows.map(r => [r.dataset.bureau, r.dataset.person])")
    rolled = Ledger(district["url"]).json("district", "roster", "--as-of", ON)["people"]
    assert rows == [[p["bureau"], p["person"]] for p in rolled]
