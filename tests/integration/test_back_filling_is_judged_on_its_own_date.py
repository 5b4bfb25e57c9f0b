"""Issue 15 item 7: a clerk back-filling the past is warned of what is wrong on the dates entered, not of what is
overdue today because the later facts (a retirement, a secondment's end) are not entered yet."""

from __future__ import annotations

from tests.compliance_bureau import bureau, ev, load, person


def opened(ledger, write_jsonl) -> None:
    load(ledger, write_jsonl, bureau(person("A", "甲", "四级主任科员", "2019-01-01", section="办公室")))


def test_a_2020_hire_of_someone_retiring_in_2023_is_not_warned_of_the_retirement(sqlite_ledger, write_jsonl):
    opened(sqlite_ledger, write_jsonl)
    r = sqlite_ledger("hire", "OLD", "--name", "老李", "--gender", "男", "--birth-date", "1963-01-10", "--unit", "NJ",
                      "--establishment", "行政编制", "--rank", "一级主任科员", "--mode", "转任",
                      "--effective", "2020-01-01")
    assert r.exit_code == 0, r.output
    assert "RETIREMENT_OVERDUE" not in r.stderr and r.stderr.startswith("Recorded: ") and r.stderr.count("\n") == 1
    # the retirement, entered next, is accepted without a warning either
    r = sqlite_ledger("separate", "OLD", "--reason", "退休", "--effective", "2023-01-31")
    assert r.exit_code == 0 and r.stderr.startswith("Recorded: ") and r.stderr.count("\n") == 1, r.output


def test_an_overdue_retirement_on_the_batchs_own_date_is_still_warned(sqlite_ledger, write_jsonl):
    opened(sqlite_ledger, write_jsonl)
    r = sqlite_ledger("hire", "OLD", "--name", "老李", "--gender", "男", "--birth-date", "1955-01-10", "--unit", "NJ",
                      "--establishment", "行政编制", "--rank", "一级主任科员", "--mode", "调任",
                      "--effective", "2020-01-01")
    assert r.exit_code == 0 and "Warning: RETIREMENT_OVERDUE" in r.stderr


def test_a_2022_secondment_is_judged_in_2022_not_today(sqlite_ledger, write_jsonl):
    opened(sqlite_ledger, write_jsonl)
    r = sqlite_ledger("second", "A", "--host", "区委办", "--kind", "借调", "--effective", "2022-03-01")
    assert r.exit_code == 0 and "SECONDMENT_OVERDUE" not in r.stderr, r.output
    r = sqlite_ledger("return", "A", "--effective", "2022-08-31")
    assert r.exit_code == 0 and r.stderr.startswith("Recorded: ") and r.stderr.count("\n") == 1, r.output
    # a batch that goes on past six months of a 借调 it starts is warned on its own latest date
    lines = [ev("secondment_started", "2023-01-01", person="A", host="区委办", kind="借调"),
             ev("award_recorded", "2023-09-01", person="A", text="嘉奖")]
    r = sqlite_ledger("import", str(write_jsonl(lines)))
    assert r.exit_code == 0 and "Warning: SECONDMENT_OVERDUE" in r.stderr, r.output
