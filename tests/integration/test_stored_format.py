"""A store written before the floors were rebuilt opens, verifies and answers as it did then — and, where rules or
wording changed since on purpose, exactly as a new store holding the same facts answers."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import docx
import orjson
import pytest

from tests.conftest import FIXTURES, Ledger

FIXTURES = FIXTURES / "legacy_stores"
KEY = "q6m1R0Jm8w0l0b8g5m4m3o2n1k0j9i8h7g6f5e4d3c2="


@pytest.fixture(params=["plain", "encrypted"])
def legacy(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Ledger, dict]:
    kind = request.param
    shutil.copy(FIXTURES / kind / "ledger.sqlite3", tmp_path / "ledger.sqlite3")
    if kind == "encrypted":
        monkeypatch.setenv("LEDGER_ENCRYPTION_KEY", KEY)
    expected = orjson.loads((FIXTURES / kind / "expected.json").read_bytes())
    return Ledger(str(tmp_path / "ledger.sqlite3")), expected


def test_it_verifies_with_the_same_head_digest(legacy: tuple[Ledger, dict]) -> None:
    ledger, expected = legacy
    assert ledger.json("verify") == expected["verify"]


def test_its_log_rosters_histories_and_diff_are_unchanged(legacy: tuple[Ledger, dict]) -> None:
    ledger, expected = legacy
    assert ledger.json("log") == expected["log"]
    for day, roster in expected["rosters"].items():
        assert ledger.json("roster", "--as-of", day) == roster, day
    assert ledger.json("roster", "--as-of", "2022-12-31", "--known-at", expected["known_at_81"]) == \
        expected["roster_known_at_81"]
    moment = expected["log"][82]["recorded"]
    assert ledger.json("roster", "--as-of", "2023-06-30", "--known-at", moment) == expected["roster_known_at_83_2023"]
    for person, history in expected["history"].items():
        assert ledger.json("history", person) == history, person
    assert ledger.json("diff", "--from", "2021-12-31", "--to", "2022-12-31") == expected["diff"]


@pytest.fixture
def twin(legacy: tuple[Ledger, dict], tmp_path: Path, write_jsonl) -> Ledger:
    """A new store holding the old store's facts that count, recorded today: what the old store must answer like
    wherever the answer depends on rules and wording that changed since it was written (the findings, the report)."""
    ledger, _ = legacy
    log = ledger.json("log")
    gone = {e["target"] for e in log if e["event"] == "retracted"}
    lines = [{k: v for k, v in e.items() if k not in ("id", "recorded", "actor") and v is not None}
             for e in log if e["event"] != "retracted" and e["id"] not in gone]
    fresh = Ledger(str(tmp_path / "fresh.sqlite3"))
    fresh.ok("import", str(write_jsonl(lines)))
    return fresh


def _findings(ledger: Ledger) -> list[tuple]:
    found = orjson.loads(ledger("check", "--as-of", "2022-12-31", "--json").stdout)["findings"]
    return [(x["rule"], x["person"], x["unit"], x["message"]) for x in found]  # event ids differ: no retractions


def test_its_findings_are_those_of_a_new_store_with_the_same_facts(legacy: tuple[Ledger, dict], twin: Ledger) -> None:
    ledger, expected = legacy
    assert _findings(ledger) == _findings(twin)
    # The rules the old code had find what they found then (四级主任科员 after 2 years as 一级科员 again, 第十八条(十):
    # the old store's P16 is promoted in time, as it was when the fixture was written).
    old = [(x["rule"], x["person"]) for x in expected["check"]["findings"]]
    assert [(r, p) for r, p, _u, _m in _findings(ledger) if (r, p) in old or r == "RANK_TENURE"] == old


def test_its_yearly_report_reads_as_a_new_store_with_the_same_facts(legacy: tuple[Ledger, dict], twin: Ledger,
                                                                     tmp_path: Path) -> None:
    """The report's words are today's (they changed since the fixtures were written: `expected.json` keeps the old
    text, whose figures must still be there); its figures are the stored facts', read as a new store reads them."""
    ledger, expected = legacy
    texts = []
    for store in (ledger, twin):
        out = tmp_path / f"report-{len(texts)}.docx"
        store.ok("export", "yearly-report", "--year", "2022", "--date", "2023-01-20", "-o", str(out))
        texts.append([p.text for p in docx.Document(str(out)).paragraphs])
    assert texts[0] == texts[1]
    for figure in ("行政编制24名", "目前在编6名", "许博文同志提拔为旅游发展科科长", "80后、90后干部占100%（80后3名、90后2名）"):
        assert figure in "".join(texts[0]) and figure in "".join(expected["report_text"])


def test_it_takes_new_events_and_still_verifies(legacy: tuple[Ledger, dict], write_jsonl) -> None:
    ledger, expected = legacy
    ledger.ok("import", str(write_jsonl([{"event": "rank_promoted", "person": "P13", "rank": "三级主任科员",
                                         "effective": "2024-03-01"}])))
    result = ledger.json("verify")
    assert result["ok"] and result["events"] == expected["verify"]["events"] + 1
    assert ledger.json("log")[:-1] == expected["log"]
    with sqlite3.connect(ledger.store) as conn:  # new events are stored under the same topics as the old ones
        topics = [t for (t,) in conn.execute("SELECT topic FROM stored_events ORDER BY rowid")]
    assert topics[-1] == topics[-5] == "ledger.domain:Ledger.RankPromoted"
