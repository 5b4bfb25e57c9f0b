"""Findings at entry: an append that introduces a finding is recorded with a warning on stderr; under --strict
(or LEDGER_STRICT=1) it is refused and nothing is written. Findings already there are not blamed on new facts."""

from __future__ import annotations

import pytest

from tests.compliance_bureau import bureau, ev, load, person
from tests.conftest import run_ledger


def opened(ledger, write_jsonl) -> None:
    load(ledger, write_jsonl, bureau(person("A", "甲", "四级主任科员", "2021-09-01", section="办公室")))


def test_under_tenured_promotion_is_recorded_with_a_warning(ledger, write_jsonl):
    opened(ledger, write_jsonl)
    before = ledger.event_count()
    r = ledger("promote", "A", "--rank", "三级主任科员", "--effective", "2022-09-01")
    assert r.exit_code == 0, r.output
    assert r.stdout.strip().isdigit()
    assert "Warning: RANK_TENURE 晋升职级任职年限不足" in r.stderr
    assert "《公务员职务与职级并行规定》第十八条、第十九条" in r.stderr
    assert ledger.event_count() == before + 1


@pytest.mark.parametrize("how", ["option", "env"])
def test_strict_refuses_and_writes_nothing(ledger, write_jsonl, how):
    opened(ledger, write_jsonl)
    log = ledger.json("log")
    args, env = (["--strict"], None) if how == "option" else ([], {"LEDGER_STRICT": "1"})
    r = ledger.runner.invoke(__import__("cli.main", fromlist=["cli"]).cli,
                             ["--store", ledger.store, *args, "promote", "A", "--rank", "三级主任科员",
                              "--effective", "2022-09-01"], env=env)
    assert r.exit_code == 1
    assert "Refused (nothing was written):" in r.stderr
    assert "RANK_TENURE" in r.stderr
    assert ledger.json("log") == log


def test_strict_accepts_a_clean_fact(sqlite_ledger, write_jsonl):
    opened(sqlite_ledger, write_jsonl)
    r = sqlite_ledger("--strict", "promote", "A", "--rank", "三级主任科员", "--effective", "2023-09-01",
                      "--publicity-from", "2023-08-21", "--publicity-to", "2023-08-25")
    assert r.exit_code == 0 and r.stderr.startswith("Recorded: ") and r.stderr.count("\n") == 1  # the sentence alone


def test_strict_records_a_promotion_whose_publicity_is_not_entered_with_a_notice(sqlite_ledger, write_jsonl):
    opened(sqlite_ledger, write_jsonl)
    r = sqlite_ledger("--strict", "promote", "A", "--rank", "三级主任科员", "--effective", "2023-09-01")
    assert r.exit_code == 0, r.output
    assert "Warning" not in r.stderr and "Notice: 1 incomplete record (未录入任前公示 1)" in r.stderr


def test_existing_findings_are_not_blamed_on_new_facts(sqlite_ledger, write_jsonl):
    load(sqlite_ledger, write_jsonl, bureau(person("O", "老", "一级主任科员", "2010-01-01", birth="1950-01-01"),
                                            person("A", "甲", "四级主任科员", "2015-01-01")))
    r = sqlite_ledger("--strict", "promote", "A", "--rank", "三级主任科员", "--effective", "2022-09-01")
    assert r.exit_code == 0, r.output  # O is long past retirement, but that is not this promotion's doing


def test_lowering_a_quota_warns_of_the_excess(sqlite_ledger, write_jsonl):
    opened(sqlite_ledger, write_jsonl)
    r = sqlite_ledger("org", "post-quota", "NJ", "--post", "局长", "--level", "县处级正职", "--count", "0",
                      "--effective", "2022-06-01")
    assert r.exit_code == 0 and "Warning: POST_OVER_QUOTA 超职数配备" in r.stderr


def test_back_dated_fact_that_spoils_a_later_promotion_is_caught(sqlite_ledger, write_jsonl):
    load(sqlite_ledger, write_jsonl, bureau(person("A", "甲", "二级科员", "2015-01-01"),
                                            ev("rank_promoted", "2022-09-01", person="A", rank="四级主任科员")))
    later = sqlite_ledger.json("log")[-1]["id"]
    # recorded late: 一级科员 from 2022-03-01, so the recorded 2022-09 promotion came after six months
    r = sqlite_ledger("--strict", "promote", "A", "--rank", "一级科员", "--effective", "2022-03-01")
    assert r.exit_code == 1 and "RANK_TENURE" in r.stderr and f"event {later}" not in r.stderr
    r = sqlite_ledger("promote", "A", "--rank", "一级科员", "--effective", "2022-03-01")
    assert r.exit_code == 0 and r.stderr.count("Warning:") == 1 and "四级主任科员" in r.stderr


def test_import_warns_per_finding_and_strict_import_writes_nothing(sqlite_ledger, write_jsonl):
    opened(sqlite_ledger, write_jsonl)
    lines = [ev("rank_promoted", "2022-09-01", person="A", rank="三级主任科员"),
             ev("post_appointed", "2022-10-17", person="A", post="副科长", section="办公室",
                publicity_from="2022-09-29", publicity_to="2022-10-09")]
    count = sqlite_ledger.event_count()
    r = sqlite_ledger("--strict", "import", str(write_jsonl(lines)))
    assert r.exit_code == 1 and "PUBLICITY_SHORT" in r.stderr and "RANK_TENURE" in r.stderr
    assert sqlite_ledger.event_count() == count
    r = sqlite_ledger("import", str(write_jsonl(lines)))
    assert r.exit_code == 0
    assert r.stderr.count("Warning:") == 2
    assert sqlite_ledger.event_count() == count + 2


def test_strict_through_the_console_script(sqlite_store, write_jsonl):
    from tests.conftest import Ledger

    opened(Ledger(sqlite_store), write_jsonl)
    p = run_ledger("--store", sqlite_store, "promote", "A", "--rank", "三级主任科员", "--effective", "2022-09-01",
                   env={"LEDGER_STRICT": "1"})
    assert p.returncode == 1 and "RANK_TENURE" in p.stderr


def test_dry_run_import_shows_the_warnings_and_writes_nothing(sqlite_ledger, write_jsonl):
    opened(sqlite_ledger, write_jsonl)
    count = sqlite_ledger.event_count()
    path = str(write_jsonl([ev("rank_promoted", "2022-09-01", person="A", rank="三级主任科员")]))
    r = sqlite_ledger("import", "--dry-run", path)
    assert r.exit_code == 0 and "Warning: RANK_TENURE" in r.stderr
    r = sqlite_ledger("--strict", "import", "--dry-run", path)
    assert r.exit_code == 1 and "RANK_TENURE" in r.stderr
    assert sqlite_ledger.event_count() == count


def test_excess_that_lasted_only_a_month_in_the_past_is_still_warned(sqlite_ledger, write_jsonl):
    opened(sqlite_ledger, write_jsonl)
    sqlite_ledger.ok("org", "post-quota", "NJ", "--post", "局长", "--level", "县处级正职", "--count", "1",
                     "--effective", "2022-07-01")
    r = sqlite_ledger("org", "post-quota", "NJ", "--post", "局长", "--level", "县处级正职", "--count", "0",
                      "--effective", "2022-06-01")
    assert r.exit_code == 0 and "Warning: POST_OVER_QUOTA" in r.stderr and "2022-06-01" in r.stderr


def test_hiring_someone_past_retirement_age_is_warned(sqlite_ledger, write_jsonl):
    opened(sqlite_ledger, write_jsonl)
    r = sqlite_ledger("hire", "OLD", "--name", "老王", "--gender", "男", "--birth-date", "1955-01-01", "--unit", "NJ",
                      "--establishment", "行政编制", "--rank", "一级科员", "--mode", "调任", "--effective", "2021-01-01")
    assert r.exit_code == 0 and "Warning: RETIREMENT_OVERDUE" in r.stderr
