"""The web view in a real browser: Debian's chromium, driven by Playwright (never `playwright install`), against
`ledger serve` started on a free loopback port over real stores.

An auditor drags the date slider and sees the headcount and roster `ledger roster` gives for that date; switches
to "as the ledger knew it" and drags back to before a correction; opens a person and sees the retracted event
struck through with its reason; downloads the roster and it reads back as the roster. Each page's screenshot is
taken here (`UPDATE_SCREENSHOTS=1` writes them to docs/, where README shows them).

Without a browser these tests skip, saying why (chromium: `apt-get install -y chromium`; Playwright: the `test`
extra).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from ledger.app import build_demo
from tests.conftest import ROOT, Ledger
from tests.scenarios import small_bureau
from tests.web_support import served, served_with

CHROMIUM = os.environ.get("LEDGER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed (pip install -e '.[test]')")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install -y chromium, or set LEDGER_CHROMIUM)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    app = build_demo(tmp_path_factory.mktemp("demo"))
    app.close()
    store = str(app.config.location)
    with served(store) as url:
        yield store, url


@pytest.fixture
def page(browser, tmp_path: Path):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True, locale="zh-CN")
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    pg.on("request", lambda r: problems.append(f"off-machine request: {r.url}")
          if urlparse(r.url).hostname not in ("127.0.0.1", None) and not r.url.startswith("data:") else None)
    pg.problems = problems
    yield pg
    context.close()
    assert problems == [], problems


def open_view(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-ready]")


def shown(page) -> tuple[int, list[str]]:
    """The headcount the page shows and the people of its roster table, in order."""
    return int(page.inner_text("#headcount")), page.eval_on_selector_all("#roster tr[data-person]",
                                                                          "rows => rows.map(r => r.dataset.person)")


def expected(store: str, day: str, unit: str, known_at: str | None = None) -> tuple[int, list[str]]:
    args = ["roster", "--as-of", day, "--unit", unit, *(["--known-at", known_at] if known_at else [])]
    people = [p["person"] for p in Ledger(store).json(*args)["people"]]
    return len(people), people


def slide_to(page, slider: str, position: int) -> None:
    """Drag a slider to `position` as a browser does it (input events, then change), and wait for the new page."""
    with page.expect_navigation():
        page.fill(slider, str(position))
    page.wait_for_selector("body[data-ready]")


def day_position(page, day: str) -> int:
    lo = date.fromisoformat(page.get_attribute("#as-of-slider", "data-min"))
    return (date.fromisoformat(day) - lo).days


def screenshot(page, name: str, tmp_path: Path) -> Path:
    out = (DOCS if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path) / f"web-{name}.png"
    out.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 10_000 and out.read_bytes()[:4] == b"\x89PNG"
    return out


def test_dragging_the_date_slider_changes_headcount_and_roster_as_ledger_roster_says(page, demo, tmp_path) -> None:
    store, url = demo
    open_view(page, f"{url}?as_of=2022-12-31&unit=JU")
    assert shown(page) == expected(store, "2022-12-31", "JU")
    screenshot(page, "organisation", tmp_path)

    slide_to(page, "#as-of-slider", day_position(page, "2021-12-31"))
    assert parse_qs(urlparse(page.url).query)["as_of"] == ["2021-12-31"]  # the address holds the view
    assert shown(page) == expected(store, "2021-12-31", "JU")
    assert shown(page)[0] != expected(store, "2022-12-31", "JU")[0], "the demo's headcount changed in 2022"

    page.focus("#as-of-slider")
    with page.expect_navigation():
        page.keyboard.press("Home")  # the slider's first day: the ledger's first fact
    page.wait_for_selector("body[data-ready]")
    assert parse_qs(urlparse(page.url).query)["as_of"] == ["2019-01-01"]
    assert shown(page) == expected(store, "2019-01-01", "JU")

    # Another unit of the tree, on the date in the address; reloading the address gives the same view.
    open_view(page, f"{url}?as_of=2022-06-30")
    page.click("#unit-tree tr[data-unit=WHG] a")
    page.wait_for_selector("body[data-ready]")
    assert shown(page) == expected(store, "2022-06-30", "WHG")
    open_view(page, page.url)
    assert shown(page) == expected(store, "2022-06-30", "WHG")


@pytest.fixture(scope="module")
def corrected(tmp_path_factory: pytest.TempPathFactory, write_jsonl_module) -> Iterator[tuple[str, str, str]]:
    """A bureau recorded, then — over a second later — one hire retracted as a mistake."""
    store = str(tmp_path_factory.mktemp("corrected") / "ledger.sqlite3")
    ledger = Ledger(store)
    ledger.ok("import", str(write_jsonl_module(small_bureau())))
    time.sleep(1.2)
    hire = next(e for e in ledger.json("log") if e["event"] == "hired" and e["person"] == "S06")
    ledger.ok("retract", str(hire["id"]), "--reason", "录入错误：此人未到岗")
    with served(store) as url:
        yield store, url, "S06"


@pytest.fixture(scope="module")
def write_jsonl_module(tmp_path_factory: pytest.TempPathFactory):
    import orjson

    folder = tmp_path_factory.mktemp("lines")

    def write(lines: list[dict]) -> Path:
        path = folder / f"batch{len(list(folder.iterdir()))}.jsonl"
        path.write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in lines))
        return path

    return write


def test_the_known_at_slider_shows_the_roster_as_the_ledger_knew_it(page, corrected, tmp_path) -> None:
    store, url, person = corrected
    open_view(page, f"{url}?as_of=2021-06-30&unit=SJ")
    now = shown(page)
    assert now == expected(store, "2021-06-30", "SJ") and person not in now[1]

    with page.expect_navigation():
        page.check("#known-at-toggle")  # as known at the last recording: the same as now
    page.wait_for_selector("body[data-ready]")
    assert shown(page) == now and page.is_visible("#known-at-banner")

    middle = int(page.get_attribute("#known-at-slider", "max")) // 2  # between the import and the retraction
    slide_to(page, "#known-at-slider", middle)
    known_at = parse_qs(urlparse(page.url).query)["known_at"][0]
    then = shown(page)
    assert then == expected(store, "2021-06-30", "SJ", known_at) and person in then[1]
    assert then[0] == now[0] + 1
    screenshot(page, "organisation-known-at", tmp_path)

    page.click("#as-known-now")  # back to as known now
    page.wait_for_selector("body[data-ready]")
    assert shown(page) == now and "known_at" not in page.url


def test_a_person_shows_the_retracted_event_struck_through_with_its_reason(page, demo, tmp_path) -> None:
    store, url = demo
    history = Ledger(store).json("history", "P16")
    wrong = next(e for e in history if e["retracted"])
    open_view(page, f"{url}person/P16")
    row = page.locator(f"#events tr[data-event='{wrong['id']}']")
    assert "retracted" in row.get_attribute("class")
    struck = row.locator("del").first
    assert "line-through" in struck.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert wrong["retracted"]["reason"] in row.inner_text() and wrong["retracted"]["actor"] in row.inner_text()
    standing = [e for e in history if not e["retracted"] and e["event"] != "retracted"]
    for e in standing:
        assert page.locator(f"#events tr[data-event='{e['id']}'] del").count() == 0
    assert page.locator(".timeline canvas").count() == 1, "the timeline chart is drawn"
    screenshot(page, "person", tmp_path)


def test_the_downloaded_roster_reads_back_as_the_roster(page, demo, tmp_path) -> None:
    from openpyxl import load_workbook

    store, url = demo
    open_view(page, f"{url}?as_of=2022-12-31&unit=WHG")
    with page.expect_download() as info:
        page.click("#download-roster")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name == "花名册-WHG-2022-12-31.xlsx"
    rows = list(load_workbook(saved).active.iter_rows(values_only=True))
    ids = [r[rows[0].index("人员编号")] for r in rows[1:]]
    assert ids == expected(store, "2022-12-31", "WHG")[1]


def test_every_page_renders_its_charts_from_the_packaged_files(page, demo, tmp_path) -> None:
    _store, url = demo
    for name, path, chart in (("unit", "unit/JU", ".series canvas"), ("diff", "diff?from=2021-12-31&to=2022-12-31", None),
                              ("check", "check?as_of=2022-12-31&since=2019-01-01", None), ("verify", "verify", None)):
        open_view(page, url + path)
        if chart:
            assert page.locator(chart).count() == 1
        screenshot(page, name, tmp_path)
    assert page.inner_text("#verify-status").startswith("通过")


def test_ledger_serve_prints_its_address_and_serves_the_store_named_after_the_command(demo, tmp_path) -> None:
    import urllib.request

    store, url = demo  # `ledger --store S serve --port 0` printed it
    assert url.startswith("http://127.0.0.1:")
    with served_with("serve", "--store", store, "--port", "0") as url:
        with urllib.request.urlopen(f"{url}api/verify") as answer:
            assert answer.status == 200 and b'"ok": true' in answer.read()


# --- issue 24: one moment per page, names, a phone ---------------------------------------------------------------

def test_known_at_steps_from_one_recording_to_the_next(page, demo) -> None:
    store, url = demo
    moments = sorted({e["recorded"] for e in Ledger(store).json("log")})
    open_view(page, f"{url}?as_of=2022-12-31&unit=JU")
    with page.expect_navigation():
        page.check("#known-at-toggle")  # on: at the last recording
    page.wait_for_selector("body[data-ready]")
    assert parse_qs(urlparse(page.url).query)["known_at"] == [moments[-1]]
    assert page.get_attribute("#known-at-slider", "max") == str(len(moments) - 1)
    for position in (2, 3):
        slide_to(page, "#known-at-slider", position)  # one step: one recording
        assert parse_qs(urlparse(page.url).query)["known_at"] == [moments[position]]
        label = page.inner_text("#known-at-recording")
        assert label.startswith(f"第{position + 1}次记录 · {moments[position][:19].replace('T', ' ')}")
    with page.expect_navigation():
        page.click("#previous-recording")
    page.wait_for_selector("body[data-ready]")
    assert parse_qs(urlparse(page.url).query)["known_at"] == [moments[2]]
    assert shown(page) == expected(store, "2022-12-31", "JU", moments[2])


def test_a_moment_before_the_first_recording_is_a_note_with_the_way_on(page, demo) -> None:
    _store, url = demo
    open_view(page, f"{url}?as_of=2022-12-31&unit=JU&known_at=2019-06-01T00:00:00Z")
    assert page.is_visible("#known-at-before-first") and page.is_visible("#no-units")
    assert page.is_visible("#known-at-slider") and page.is_visible("#as-of-slider")  # the controls stay
    with page.expect_navigation():
        page.click("#next-recording")  # to the first recording
    page.wait_for_selector("body[data-ready]")
    assert page.inner_text("#known-at-recording").startswith("第1次记录")
    open_view(page, f"{url}person/P16?known_at=2019-06-01T00:00:00Z")
    assert page.is_visible("#not-yet")


def test_the_person_page_is_as_the_ledger_knew_it_then(page, demo) -> None:
    store, url = demo
    history = Ledger(store).json("history", "P16")
    wrong = next(e for e in history if e["retracted"])
    before = wrong["retracted"]["recorded"].replace("06:45:00", "06:44:59")  # just before the retraction
    open_view(page, f"{url}person/P16?known_at={before}".replace("+", "%2B"))
    row = page.locator(f"#events tr[data-event='{wrong['id']}']")
    assert row.count() == 1 and row.locator("del").count() == 0  # not retracted yet
    assert page.locator(f"#events tr[data-event='{wrong['retracted']['id']}']").count() == 0
    assert page.is_visible("#later-events")
    month = wrong["effective"][:7].replace("-", ".")
    assert f"{month}--" in page.inner_text("#resume")  # the 简历 as known then
    open_view(page, f"{url}person/P16")
    assert f"{month}--" not in page.inner_text("#resume")


def test_the_snapshot_downloaded_on_a_known_at_page_is_of_that_moment(page, demo, tmp_path) -> None:
    from docx import Document

    _store, url = demo
    open_view(page, f"{url}check?as_of=2022-12-31&since=2022-01-01&known_at=2022-11-10T00:00:00Z")
    findings = page.locator("tr[data-rule]:not(.notice)").count()  # breaches: notices are listed apart
    assert findings > 0
    with page.expect_download() as info:
        page.click("#download-snapshot")
    saved = tmp_path / "snapshot.docx"
    info.value.save_as(saved)
    text = "\n".join(p.text for p in Document(str(saved)).paragraphs)
    assert "按2022-11-10 00:00:00（UTC）时台账所知" in text and f"共发现{findings}项问题" in text


def test_the_search_box_takes_a_name(page, demo) -> None:
    _store, url = demo
    open_view(page, f"{url}?as_of=2022-12-31")
    page.fill("form.find input[name=person]", "梁宇")
    with page.expect_navigation():
        page.click("form.find button")
    page.wait_for_selector("body[data-ready]")
    assert urlparse(page.url).path == "/person/P16" and "梁宇" in page.inner_text("#person-name")


PHONE_PAGES = ["?as_of=2022-12-31&unit=JU", "?as_of=2022-12-31&unit=JU&known_at=2022-11-10T00:00:00Z", "unit/JU",
               "person/P16", "person/P16?known_at=2022-11-10T00:00:00Z", "diff?from=2021-12-31&to=2022-12-31",
               "check?as_of=2022-12-31&since=2019-01-01", "verify", "person?person=志", "no-such-page"]


def test_every_page_fits_a_phone(browser, demo, tmp_path) -> None:
    _store, url = demo
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    pg = context.new_page()
    try:
        for path in PHONE_PAGES:
            open_view(pg, url + path)
            width, narrow = pg.evaluate("""() => {
                const narrow = [];
                for (const el of document.querySelectorAll('body *')) {  // text set one character a line
                    const text = (el.innerText || '').trim();
                    if (el.children.length === 0 && text.length > 2 && el.getClientRects().length > 0
                        && el.getBoundingClientRect().width < 20) narrow.push(text.slice(0, 12));
                }
                return [document.documentElement.scrollWidth, narrow];
            }""")
            assert width <= 390, f"{path} is {width} px wide at 390 px"
            assert narrow == [], f"{path}: one character a line: {narrow}"
        open_view(pg, url + "person/P16")
        screenshot(pg, "phone-person", tmp_path)
    finally:
        context.close()
