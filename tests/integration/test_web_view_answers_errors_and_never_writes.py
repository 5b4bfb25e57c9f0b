"""The web view says clearly what is wrong with a request (400 bad parameter, 404 unknown person, unit or page),
never shows a traceback, never records anything, and lets no one in without the token when one is set."""

from __future__ import annotations

import html
import sqlite3
from pathlib import Path

import pytest

from ledger.app import LedgerError, build_demo
from tests.conftest import Ledger, run_ledger
from tests.web_support import web_client
from web.reading import Reader

EVERY_PAGE = ["/", "/?as_of=2021-06-30&unit=WHG", "/?as_of=2022-12-31&known_at=2020-01-01T00:00:00Z", "/unit/JU",
              "/unit/WHG?year=2020", "/person/P16", "/person/A01", "/diff", "/diff?from=2021-12-31&to=2022-12-31&unit=JU",
              "/check?as_of=2022-12-31", "/verify", "/api/roster?as_of=2022-12-31", "/api/units", "/api/history/P13",
              "/api/diff?from=2020-01-01&to=2022-12-31", "/api/check?as_of=2022-12-31", "/api/verify",
              "/download/roster.xlsx?as_of=2022-12-31&unit=JU", "/download/yearly-report.docx?year=2022",
              "/download/compliance-snapshot.docx?as_of=2022-12-31", "/static/app.js", "/static/vendor/echarts.min.js"]


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    app = build_demo(tmp_path_factory.mktemp("demo"))
    app.close()
    return str(app.config.location)


def stored_rows(store: str) -> list[tuple]:
    with sqlite3.connect(store) as conn:
        return conn.execute("SELECT originator_id, originator_version, topic, state FROM stored_events").fetchall()


def test_every_page_and_answer_reads_without_recording_anything(demo_store: str) -> None:
    before = stored_rows(demo_store)
    with web_client(demo_store) as client:
        for path in EVERY_PAGE:
            r = client.get(path)
            assert r.status_code == 200, f"{path}: {r.status_code} {r.text[:300]}"
        for method in (client.post, client.put, client.delete):
            assert method("/api/roster").status_code == 405  # nothing but GET is answered
    assert stored_rows(demo_store) == before


@pytest.mark.parametrize("path,status,words", [
    ("/api/roster?as_of=2022-02-30", 400, "as_of: '2022-02-30' is not a real date"),
    ("/api/roster?as_of=yesterday", 400, "as_of: 'yesterday' is not a date (expected YYYY-MM-DD;"),
    ("/api/roster?known_at=soon", 400, "known_at: 'soon' is not a moment"),
    ("/api/roster?asof=2022-01-01", 400, "unknown parameter 'asof' (expected: as_of, known_at, unit)"),
    ("/api/roster?unit=XX", 404, "no unit 'XX' on"),
    ("/api/units?as_of=2022-12-31&unit=XX", 404, "no unit 'XX' on 2022-12-31 (units: JU, WHG, LYZX)"),
    ("/api/history/P99", 404, "no person 'P99' in the ledger"),
    ("/api/diff?from=2022-01-01", 400, "to is required (YYYY-MM-DD)"),
    ("/api/diff?from=2022-12-31&to=2022-01-01", 400, "to 2022-01-01 is before from 2022-12-31"),
    ("/api/check?as_of=2022-01-01&since=2022-06-01", 400, "since 2022-06-01 is after as_of 2022-01-01"),
    ("/api/check?as_of=2022-12-31&unit=XX", 404, "no unit 'XX'"),
    ("/api/nothing", 404, "no such page"),
])
def test_a_bad_api_request_is_a_json_error_that_says_why(demo_store: str, path: str, status: int, words: str) -> None:
    with web_client(demo_store) as client:
        r = client.get(path)
    assert r.status_code == status
    assert r.json()["status"] == status and words in r.json()["error"], r.json()
    assert "Traceback" not in r.text


@pytest.mark.parametrize("path,status,words", [
    ("/person/P99", 404, "no person 'P99'"),
    ("/unit/XX", 404, "no unit 'XX'"),
    ("/?as_of=2022-13-01", 400, "as_of: '2022-13-01' is not a real date"),
    ("/?unit=XX&as_of=2022-12-31", 404, "no unit 'XX' on 2022-12-31"),
    ("/download/yearly-report.docx?year=20", 400, "year: '20' is not a year"),
])
def test_a_bad_page_request_is_a_page_that_says_why(demo_store: str, path: str, status: int, words: str) -> None:
    with web_client(demo_store) as client:
        r = client.get(path)
    assert r.status_code == status and words in html.unescape(r.text), r.text[-800:]
    assert "text/html" in r.headers["content-type"] and "Traceback" not in r.text


def test_an_unexpected_failure_is_one_line_and_no_traceback(demo_store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from ledger.app import Queries

    def broken(self, *a, **kw):
        raise KeyError("a bug")

    monkeypatch.setattr(Queries, "units", broken)
    with web_client(demo_store, raise_server_exceptions=False) as client:
        api, page = client.get("/api/units"), client.get("/")
    assert api.status_code == 500 and api.json()["error"] == "internal error (KeyError); the server's log has the details"
    assert page.status_code == 500 and "内部错误（KeyError）" in page.text  # the page speaks Chinese (issue 24 item 5)
    assert "Traceback" not in api.text + page.text and "a bug" not in api.text + page.text


def test_pages_load_nothing_from_elsewhere(demo_store: str) -> None:
    with web_client(demo_store) as client:
        r = client.get("/?as_of=2022-12-31")
    policy = r.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "http://" not in r.text.replace("http://127.0.0.1", "") and "https://" not in r.text
    assert '<script src="/static/vendor/echarts.min.js"' in r.text


def test_a_request_naming_another_host_is_refused_on_loopback(demo_store: str) -> None:
    with web_client(demo_store) as client:
        assert client.get("/api/units", headers={"host": "evil.example"}).status_code == 400
        assert client.get("/api/units", headers={"host": "localhost:8000"}).status_code == 200


def test_with_a_token_nothing_is_shown_without_it(demo_store: str) -> None:
    with web_client(demo_store, token="s3cret", host="0.0.0.0", follow_redirects=False) as client:
        for path in ("/", "/api/units", "/static/app.js", "/download/roster.xlsx"):
            r = client.get(path)
            assert r.status_code == 401 and "needs its token" in r.text, path
        assert client.get("/api/units", headers={"authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/api/units", headers={"authorization": "Bearer s3cret"}).status_code == 200
        # Opened once with ?token=…, the address drops it and a cookie carries it on.
        r = client.get("/unit/JU?token=s3cret&year=2021")
        assert r.status_code == 303 and r.headers["location"] == "/unit/JU?year=2021"
        assert "httponly" in r.headers["set-cookie"].lower() and "samesite=strict" in r.headers["set-cookie"].lower()
        assert client.get("/unit/JU?year=2021").status_code == 200
        assert client.get("/any-other-host-name-is-fine", headers={"host": "ledger.bureau.lan"}).status_code == 404


def test_serving_a_missing_store_is_refused_and_makes_no_file(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.sqlite3"
    with pytest.raises(LedgerError, match="no ledger at"):
        Reader(str(missing))
    for args in (("--store", str(missing), "serve"), ("serve", "--store", str(missing))):  # either place
        r = run_ledger(*args, "--port", "0")
        assert r.returncode == 1 and f"Error: no ledger at {missing}" in r.stderr and "Traceback" not in r.stderr
    assert not missing.exists()


def test_serving_on_a_port_in_use_says_so(demo_store: str) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = run_ledger("--store", demo_store, "serve", "--port", str(port))
    assert r.returncode == 1 and f"cannot listen on 127.0.0.1:{port}" in r.stderr


def test_bad_serve_usage_exits_2(demo_store: str) -> None:
    r = run_ledger("--store", demo_store, "serve", "--port", "70000")
    assert r.returncode == 2 and "70000" in r.stderr
    assert Ledger(demo_store).event_count() > 0


def test_a_persons_page_shows_the_resume_the_ledger_writes(demo_store: str) -> None:
    resume = Ledger(demo_store).json("resume", "P16")["text"]
    with web_client(demo_store) as client:
        page = html.unescape(client.get("/person/P16").text)
        assistant = client.get("/person/A01").text
    assert resume and all(line in page for line in resume)
    assert 'id="resume"' not in assistant  # an assistant was never on the establishment: no 简历
