"""The web person page shows the whole file as of the page's date — profile, education, titles, family, photo,
奖惩, 考核 and the 简历 — and its read is one line of the access log, as before."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Ledger
from tests.web_support import web_client

SAMPLES = Path(__file__).parent.parent / "fixtures" / "lrmx"


def test_the_person_page_shows_the_whole_file(sqlite_ledger: Ledger) -> None:
    sqlite_ledger.ok("import", str(SAMPLES / "staffing.jsonl"))
    sqlite_ledger.ok("import-lrmx", str(SAMPLES / "周雨桐.lrmx"))
    with web_client(sqlite_ledger.store) as client:
        page = client.get("/person/Z1?as_of=2023-03-15").text
        earlier = client.get("/person/Z1?as_of=2022-06-30").text
    for shown in ("干部档案", "江苏苏州", "管理学学士", "经济师", "陆明哲", "区第二中学教师", "2021年度优秀",
                  "被评为全区优秀公务员", "2016.05 被评为市优秀共青团员", 'id="photo" src="data:image/png;base64,',
                  "区文化和旅游局办公室四级主任科员"):
        assert shown in page, shown
    assert "320***********002X" in page and "32058319900517002X" not in page  # masked
    def merits(html: str) -> str:
        return html.split('<ul id="merits">')[1].split("</ul>")[0]

    assert "受到诫勉" in merits(page) and "受到诫勉" not in merits(earlier)  # as of the page's date (2022.09)


def test_the_file_on_a_known_at_page_is_as_known_then(sqlite_ledger: Ledger) -> None:
    """Everything on a known-at page is as known then: the file recorded by the form's import is not there before
    the import was recorded."""
    from urllib.parse import quote

    sqlite_ledger.ok("import", str(SAMPLES / "staffing.jsonl"))
    before_form = sqlite_ledger.json("log")[-1]["recorded"]
    sqlite_ledger.ok("import-lrmx", str(SAMPLES / "周雨桐.lrmx"))
    with web_client(sqlite_ledger.store) as client:
        now = client.get("/person/Z1?as_of=2023-03-15").text
        then = client.get(f"/person/Z1?as_of=2023-03-15&known_at={quote(before_form)}").text
    for recorded_by_the_form in ("陆明哲", "2021年度优秀", "被评为全区优秀公务员", 'id="photo"'):
        assert recorded_by_the_form in now and recorded_by_the_form not in then, recorded_by_the_form
