"""Issue 24, item 3: the web view takes people and units as the CLI does — an id in any case, a name, pinyin
initials — through the query API's one resolver; several matches are listed, none is a 404."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from ledger.app import build_demo
from tests.conftest import Ledger, as_each_test_runs
from tests.web_support import web_client


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Ledger]]:
    with as_each_test_runs():
        store = str(build_demo(tmp_path_factory.mktemp("demo")).config.location)
        with web_client(store, follow_redirects=False) as client:
            yield client, Ledger(store)


@pytest.mark.parametrize("typed", ["梁宇", "p16", "ly", "liangyu", "P16"])
def test_the_person_page_takes_an_id_in_any_case_a_name_or_initials(demo, typed: str) -> None:
    client, _ = demo
    r = client.get(f"/person/{typed}?as_of=2022-12-31")
    if typed == "P16":
        assert r.status_code == 200 and "梁宇" in r.text
    else:
        assert r.status_code == 303 and r.headers["location"] == "/person/P16?as_of=2022-12-31"


@pytest.mark.parametrize("typed", ["梁宇", "p16", "ly"])
def test_the_search_box_goes_to_the_one_person_it_names(demo, typed: str) -> None:
    client, _ = demo
    r = client.get(f"/person?person={typed}&as_of=2022-12-31")
    assert r.status_code == 303 and r.headers["location"] == "/person/P16?as_of=2022-12-31"


def test_the_search_box_lists_everyone_a_part_of_a_name_may_mean(demo) -> None:
    client, ledger = demo
    found = ledger.json("find", "志")
    assert len(found["people"]) >= 2  # part of several names
    r = client.get("/person?person=志")
    assert r.status_code == 200
    for p in found["people"]:
        assert f'data-person="{p["person"]}"' in r.text and p["name"] in r.text


def test_the_search_box_says_when_no_one_matches(demo) -> None:
    client, _ = demo
    for typed in ("没有这个人", "P99"):
        r = client.get(f"/person?person={typed}")
        assert r.status_code == 200 and 'id="search-none"' in r.text


@pytest.mark.parametrize("typed", ["梁宇", "p16", "ly"])
def test_the_api_history_answers_as_ledger_history_by_name(demo, typed: str) -> None:
    client, ledger = demo
    r = client.get(f"/api/history/{typed}")
    assert r.status_code == 200 and r.content == ledger("history", typed, "--json").stdout_bytes
    assert r.content == ledger("history", "P16", "--json").stdout_bytes


@pytest.mark.parametrize("typed", ["区文化馆", "whg", "文化馆"])
def test_every_unit_parameter_takes_a_name_or_a_code_in_any_case(demo, typed: str) -> None:
    client, ledger = demo
    for path, args in ((f"/api/roster?as_of=2022-12-31&unit={typed}", ("roster", "--as-of", "2022-12-31")),
                       (f"/api/units?as_of=2022-12-31&unit={typed}", ("units", "--as-of", "2022-12-31")),
                       (f"/api/diff?from=2021-12-31&to=2022-12-31&unit={typed}",
                        ("diff", "--from", "2021-12-31", "--to", "2022-12-31"))):
        r = client.get(path)
        assert r.status_code == 200, r.text
        assert r.content == ledger(*args, "--unit", "WHG", "--json").stdout_bytes
        assert r.content == ledger(*args, "--unit", typed, "--json").stdout_bytes
    assert client.get(f"/api/check?as_of=2022-12-31&unit={typed}").status_code == 200
    page = client.get(f"/?as_of=2022-12-31&unit={typed}")
    assert page.status_code == 200 and 'data-person="H01"' in page.text or "区文化馆" in page.text
    r = client.get(f"/unit/{typed}")
    assert r.status_code == 303 and r.headers["location"] == "/unit/WHG"
    assert client.get(f"/download/roster.xlsx?as_of=2022-12-31&unit={typed}").status_code == 200


def test_several_people_of_one_name_are_listed_and_none_is_404(tmp_path: Path) -> None:
    ledger = Ledger(str(tmp_path / "ledger.sqlite3"))
    ledger.ok("org", "unit", "JU", "--name", "区文化和旅游局", "--kind", "机关", "--effective", "2019-01-01")
    ledger.ok("org", "quota", "JU", "--establishment", "行政编制", "--count", "5", "--effective", "2019-01-01")
    for pid in ("P1", "P2"):
        ledger.ok("hire", pid, "--name", "张伟", "--gender", "男", "--birth-date", "1990-05-01", "--unit", "JU",
                  "--establishment", "行政编制", "--rank", "一级科员", "--mode", "录用", "--effective", "2020-01-01")
    with web_client(ledger.store, follow_redirects=False) as client:
        r = client.get("/api/history/张伟")
        assert r.status_code == 400 and "P1" in r.json()["error"] and "P2" in r.json()["error"]
        page = client.get("/person?person=张伟")
        assert page.status_code == 200 and 'data-person="P1"' in page.text and 'data-person="P2"' in page.text
        assert client.get("/person/zw").status_code == 400
        assert client.get("/api/history/李四").status_code == 404
        assert client.get("/api/roster?unit=没有的单位").status_code == 404
