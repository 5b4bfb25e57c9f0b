"""The 简历 begins where the ledger knows the person began (a post's 任现职务时间), the lines from before the ledger
never overlap the ledger's own, `resume --known-at` answers as the ledger knew it then, and a 身份证号 is one
person's."""

from __future__ import annotations

from pathlib import Path

from ledger.model.identity import check_character
from tests.conftest import Ledger

SAMPLES = Path(__file__).parent.parent / "fixtures" / "lrmx"


def chief(ledger: Ledger) -> None:
    ledger.ok("import", str(SAMPLES / "staffing.jsonl"))
    ledger.ok("org", "post-quota", "JU", "--post", "主任", "--level", "乡科级正职", "--count", "1", "--effective",
              "2019-01-01")
    ledger.ok("appoint", "Z1", "--post", "主任", "--section", "办公室", "--since", "2016-03-01", "--effective",
              "2019-01-07")


def test_the_resume_begins_at_the_post_held_since_before_the_ledger(ledger: Ledger) -> None:
    chief(ledger)
    ledger.ok("career", "Z1", "--from-month", "2012.08", "--text", "区发展和改革局办公室科员", "--effective", "2019-01-07")
    ledger.ok("career", "Z1", "--from-month", "2016.03", "--to-month", "2018.12", "--text", "区文化局办公室主任",
              "--effective", "2019-01-07")
    lines = ledger.json("resume", "Z1", "--as-of", "2021-12-31")["lines"]
    assert [(x["from"], x["to"], x["source"]) for x in lines] == [
        ("2012-08", "2016-03", "career"), ("2016-03", None, "ledger")]  # no stretch twice


def test_resume_as_the_ledger_knew_it(ledger: Ledger) -> None:
    chief(ledger)
    first = ledger.json("log")[-1]["recorded"]
    ledger.ok("promote", "Z1", "--rank", "三级主任科员", "--effective", "2023-01-01")
    now = ledger.json("resume", "Z1", "--as-of", "2023-06-30")["text"]
    then = ledger.json("resume", "Z1", "--as-of", "2023-06-30", "--known-at", first)["text"]
    assert any("三级主任科员" in x for x in now) and not any("三级主任科员" in x for x in then)


def test_an_id_number_is_one_persons(ledger: Ledger) -> None:
    ledger.ok("import", str(SAMPLES / "staffing.jsonl"))
    number = "32058319900517002"
    number += check_character(number)
    ledger.ok("profile", "Z1", "--id-number", number, "--effective", "2023-01-01")
    ledger.ok("hire", "Z2", "--name", "周雨", "--gender", "女", "--birth-date", "1990-05-09", "--unit", "JU",
              "--section", "办公室", "--establishment", "行政编制", "--rank", "一级科员", "--mode", "转任",
              "--effective", "2023-01-01")
    before = ledger.event_count()
    r = ledger("profile", "Z2", "--id-number", number, "--effective", "2023-01-02")
    assert r.exit_code == 1 and "Z1" in r.output and number not in r.output  # named, and still masked
    assert ledger.event_count() == before
    ledger.ok("profile", "Z1", "--id-number", number, "--ethnicity", "汉族", "--effective", "2023-02-01")  # their own
