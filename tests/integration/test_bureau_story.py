"""The core story, on SQLite and on PostgreSQL: import a bureau, correct a wrong promotion, back-date a transfer."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from tests.scenarios import ev, small_bureau, year_2022


def _people(roster: dict) -> dict[str, dict]:
    return {p["person"]: p for p in roster["people"]}


def test_bureau_history_correction_and_backdated_transfer(ledger, write_jsonl):
    ledger.ok("import", str(write_jsonl(small_bureau() + year_2022())))

    # the opening roster
    start = _people(ledger.json("roster", "--as-of", "2021-06-30"))
    assert set(start) == {"S01", "S02", "S03", "S04", "S05", "S06", "J01", "J02"}
    assert start["S01"]["posts"] == [{"post": "局长", "section": None}]
    assert start["S03"]["posts"] == [{"post": "科长", "section": "综合科"}]

    # the year: secondment shown mid-year, retirement removes, promotion and appointment counted
    mid = ledger.json("roster", "--as-of", "2022-07-01")
    people = _people(mid)
    assert "S01" not in people, "a retired person is not on the roster"
    assert people["S05"]["status"] == "seconded"
    assert people["S05"]["secondment"] == {"host": "区委办公室", "kind": "借调", "until": "2022-10-31"}
    assert people["S04"]["rank"] == "二级主任科员"
    assert people["S06"]["posts"] == [{"post": "科长", "section": "质量科"}]
    assert [a["person"] for a in mid["assistants"]] == ["Z01"]
    end = _people(ledger.json("roster", "--as-of", "2022-12-31"))
    assert end["S05"]["status"] == "active" and end["S07"]["rank"] == "一级科员"

    # a promotion entered with the wrong date, then retracted and entered again
    wrong = ledger.ok("promote", "S07", "--rank", "四级主任科员", "--effective", "2022-10-01").stdout.strip()
    assert wrong.isdigit()
    # (S07 cannot be promoted: 一级科员 -> 四级主任科员 is upward, so it is recorded; a finding, not a refusal)
    time.sleep(0.05)
    before_fix = datetime.now(tz=UTC).isoformat()
    time.sleep(0.05)
    ledger.ok("retract", wrong, "--reason", "wrong effective date")
    ledger.ok("import", str(write_jsonl([
        ev("rank_promoted", "2022-11-01", person="S07", rank="四级主任科员"),
        ev("transferred", "2022-08-01", person="S04", section="稽查科", basis="back-dated"),
    ])))

    on_oct = _people(ledger.json("roster", "--as-of", "2022-10-15"))
    assert on_oct["S07"]["rank"] == "一级科员", "the retracted promotion no longer counts"
    assert _people(ledger.json("roster", "--as-of", "2022-11-01"))["S07"]["rank"] == "四级主任科员"
    assert on_oct["S04"]["section"] == "稽查科", "the back-dated transfer applies from its date"
    assert _people(ledger.json("roster", "--as-of", "2022-07-31"))["S04"]["section"] == "法规科"

    # as known before the fix: the wrong promotion counted, the transfer was not yet known
    then = _people(ledger.json("roster", "--as-of", "2022-10-15", "--known-at", before_fix))
    assert then["S07"]["rank"] == "四级主任科员"
    assert then["S04"]["section"] == "法规科"
    assert ledger.json("roster", "--as-of", "2022-10-15", "--known-at", before_fix)["known_at"].startswith(before_fix[:19])


def test_roster_table_counts_posts_and_ranks_per_unit(ledger, write_jsonl):
    ledger.ok("import", str(write_jsonl(small_bureau())))
    out = ledger.ok("roster", "--as-of", "2021-12-31").stdout
    assert "区市场监督管理局" in out and "区检验检测中心" in out
    assert "行政编制 6/8" in out
    assert "局长 1/1; 副局长 1/2; 科长 1/4; 副科长 0/1" in out
    assert "三级主任科员 1; 四级主任科员 1; 一级科员 1" in out
    one_unit = ledger.ok("roster", "--as-of", "2021-12-31", "--unit", "JC").stdout
    assert "令狐冲" in one_unit and "欧阳明" not in one_unit


def test_history_and_log_show_actor_and_retraction(ledger, write_jsonl):
    ledger.ok("import", str(write_jsonl(small_bureau())))
    eid = ledger.ok("promote", "S04", "--rank", "二级主任科员", "--effective", "2022-03-01", "--basis", "区市监〔2022〕1号").stdout.strip()
    ledger.ok("retract", eid, "--reason", "typo")
    hist = ledger.json("history", "S04")
    promo = next(h for h in hist if h["id"] == int(eid))
    assert promo["retracted_by"] is not None and promo["actor"] == "tester" and promo["basis"] == "区市监〔2022〕1号"
    log = ledger.json("log")
    assert log[-1]["event"] == "retracted" and log[-1]["target"] == int(eid)
    assert all({"id", "event", "recorded", "actor", "effective"} <= set(x) for x in log)
    assert "RETRACTED" in ledger.ok("history", "S04").stdout
