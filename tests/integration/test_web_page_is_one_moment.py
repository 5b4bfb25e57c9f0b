"""Issue 24, items 1 and 2: known-at steps through recordings (one batch, one moment), and a page as known at a
moment is all of that moment — bars, 简历, retraction marks, events, links, the 合规快照 download — while a moment
before the first recording is a note, never a 404. The CLI's `log` and `history` name each event's recording."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from docx import Document
from starlette.testclient import TestClient

from ledger.app import build_demo
from tests.conftest import Ledger, as_each_test_runs
from tests.web_support import web_client


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Ledger, list[dict]]]:
    with as_each_test_runs():
        store = str(build_demo(tmp_path_factory.mktemp("demo")).config.location)
        ledger = Ledger(store)
        with web_client(store) as client:
            yield client, ledger, ledger.json("log")


def _recordings(log: list[dict]) -> list[str]:
    return sorted({e["recorded"] for e in log})


def test_the_demo_records_its_history_in_dated_batches(demo) -> None:
    _, _, log = demo
    moments = _recordings(log)
    assert len(moments) >= 6 and len({m[:10] for m in moments}) >= 5  # several batches, on several days
    assert moments[-1] < "2024"  # its own clock, not today
    retraction = next(e for e in log if e["event"] == "retracted")
    assert retraction["effective"] == retraction["recorded"][:10]  # dated when it was recorded, not today


def test_the_control_steps_from_one_recording_to_the_next(demo) -> None:
    client, _, log = demo
    moments = _recordings(log)
    page = client.get(f"/?as_of=2022-12-31&known_at={moments[2]}".replace("+", "%2B")).text
    assert f'max="{len(moments) - 1}"' in page and 'value="2"' in page  # a step per recording
    label = re.search(r'id="known-at-recording">([^<]*)<', page).group(1)
    assert label.startswith("第3次记录 · " + moments[2][:19].replace("T", " "))
    assert "demo" in label
    for link, expected in (("previous-recording", moments[1]), ("next-recording", moments[3])):
        href = re.search(rf'id="{link}" href="([^"]*)"', page).group(1).replace("&amp;", "&")
        assert parse_qs(urlparse(href).query)["known_at"] == [expected]
    times = re.search(r'id="recordings-data">([^<]*)<', page).group(1)
    assert all(m in times for m in moments)


def test_a_moment_between_recordings_is_the_one_before(demo) -> None:
    client, _, log = demo
    moments = _recordings(log)
    page = client.get("/?as_of=2022-12-31&known_at=2022-11-10T00:00:00Z").text
    number = sum(m <= "2022-11-10" for m in moments)
    assert f"第{number}次记录" in re.search(r'id="known-at-recording">([^<]*)<', page).group(1)


@pytest.mark.parametrize("path", ["/?as_of=2022-12-31&unit=JU", "/unit/JU", "/person/P16", "/diff", "/check",
                                  "/verify"])
def test_a_moment_before_the_first_recording_is_a_note(demo, path: str) -> None:
    client, _, _ = demo
    sep = "&" if "?" in path else "?"
    r = client.get(f"{path}{sep}known_at=2019-06-01T00:00:00Z")
    assert r.status_code == 200, r.text
    assert 'id="known-at-before-first"' in r.text and 'id="next-recording"' in r.text


def test_a_person_recorded_later_is_a_note_then(demo) -> None:
    client, _, log = demo
    hired = next(e for e in log if e["event"] == "hired" and e["recorded"] > "2023")
    r = client.get(f"/person/{hired['person']}?known_at=2022-12-31T00:00:00Z")
    assert r.status_code == 200 and 'id="not-yet"' in r.text


def test_the_person_page_is_as_known_then(demo) -> None:
    client, ledger, log = demo
    retraction = next(e for e in log if e["event"] == "retracted")
    wrong = next(e for e in log if e["id"] == retraction["target"])
    person = wrong["person"]
    between = retraction["recorded"]  # the wrong entry recorded, its retraction not yet: a moment just before
    before = next(m for m in reversed(_recordings(log)) if m < between)
    then = client.get(f"/person/{person}?known_at={before}".replace("+", "%2B")).text
    now = client.get(f"/person/{person}").text
    # the retraction: struck through now, not then; and not listed then (recorded later)
    assert f'data-event="{wrong["id"]}" class="retracted"' in now
    assert f'data-event="{wrong["id"]}" class="">' in then and f'data-event="{retraction["id"]}"' not in then
    assert 'id="later-events"' in then and "此时尚未记录" not in then
    # the 简历 as known then holds the wrong promotion's month; now it does not
    month = wrong["effective"][:7].replace("-", ".")
    resume_then = re.search(r'<pre id="resume"[^>]*>(.*?)</pre>', then, re.S).group(1)
    resume_now = re.search(r'<pre id="resume"[^>]*>(.*?)</pre>', now, re.S).group(1)
    assert f"{month}--" in resume_then and f"{month}--" not in resume_now
    cli_then = ledger.json("resume", person, "--as-of", "2099-12-31")  # the CLI's 简历 now
    assert cli_then["text"]


def test_every_link_and_download_carries_the_moment(demo) -> None:
    client, _, log = demo
    moment = _recordings(log)[4]
    page = client.get(f"/?as_of=2022-12-31&unit=JU&known_at={moment}".replace("+", "%2B")).text
    banner = re.search(r'<div class="banner" id="known-at-banner">.*?</div>', page, re.S).group(0)
    page = page.replace(banner, "")  # its links step to the recordings before and after, and to now
    hrefs = [h.replace("&amp;", "&") for h in re.findall(r'href="(/[^"]*)"', page) if not h.startswith("/static")]
    for href in hrefs:
        query = parse_qs(urlparse(href).query)
        if "known_at" in query:
            assert query["known_at"] == [moment], href
    assert all("known_at" in parse_qs(urlparse(h).query) for h in hrefs if "as_of" in h)
    snapshot = re.search(r'id="download-snapshot" href="([^"]*)"', page).group(1).replace("&amp;", "&")
    assert parse_qs(urlparse(snapshot).query)["known_at"] == [moment]


def test_the_snapshot_downloaded_then_says_what_the_page_says(demo) -> None:
    client, _, log = demo
    moment = "2022-11-10T00:00:00Z"
    page = client.get(f"/check?as_of=2022-12-31&since=2022-01-01&known_at={moment}").text
    count = len(re.findall(r'<tr[^>]*data-rule=', page.split('id="notices"')[0]))  # the breaches, not the notices
    snap = client.get(f"/download/compliance-snapshot.docx?as_of=2022-12-31&since=2022-01-01&known_at={moment}")
    assert snap.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(snap.content)).paragraphs)
    assert "按2022-11-10 00:00:00（UTC）时台账所知" in text
    now = client.get("/download/compliance-snapshot.docx?as_of=2022-12-31&since=2022-01-01")
    text_now = "\n".join(p.text for p in Document(io.BytesIO(now.content)).paragraphs)
    assert "时台账所知" not in text_now
    if count:
        assert f"共发现{count}项问题" in text


def test_log_and_history_name_the_recording_and_its_second(demo) -> None:
    _, ledger, log = demo
    moments = _recordings(log)
    out = ledger.ok("log").output
    last = log[-1]
    row = next(line for line in out.splitlines() if line.startswith(f"{last['id']} "))
    assert f" {len(moments)} " in row and last["recorded"][:19].replace("T", " ") in row
    history = ledger.ok("history", "P16").output
    assert re.search(r"#\d+ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", history)


def test_the_unit_page_opens_on_the_year_of_the_date_looked_at(demo) -> None:
    client, _, _ = demo
    for day, year in (("2021-12-31", "2021"), ("2020-06-30", "2020")):
        page = client.get(f"/unit/JU?as_of={day}").text
        assert f"<h2>{year}年进出与变动" in page
        assert re.search(rf'class="here">{year}</a>', page)
