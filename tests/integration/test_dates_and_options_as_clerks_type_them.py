"""Item 4 of issue 15: one date reader for every input, global options after the command, usage errors exit 2."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.app import parse_date
from ledger.io.roster_table import parse_roster_date
from ledger.model.dates import YearMonth, parse_month
from tests.conftest import Ledger

SPELLINGS = ["2022-12-31", "20221231", "2022/12/31", "2022.12.31", "2022年12月31日", "２０２２－１２－３１"]


@pytest.mark.parametrize("typed", SPELLINGS)
def test_every_spelling_of_a_day_is_the_same_day_in_the_ledger_and_in_rosters(typed):
    assert parse_date(typed) == parse_roster_date(typed) == date(2022, 12, 31)


@pytest.mark.parametrize("typed", ["2022-09", "202209", "2022年9月", "2022.09", "2022/9"])
def test_a_month_is_read_where_a_month_is_meant(typed):
    assert parse_month(typed) == parse_roster_date(typed) == date(2022, 9, 1)
    assert YearMonth.parse(typed) == "2022-09"


def test_a_month_is_not_taken_for_a_day():
    with pytest.raises(ValueError, match="is not a date"):
        parse_date("2022-09")


@pytest.fixture
def bureau(sqlite_ledger: Ledger, write_jsonl, bureau_lines) -> Ledger:
    sqlite_ledger.ok("import", str(write_jsonl(bureau_lines)))
    return sqlite_ledger


@pytest.mark.parametrize("typed", SPELLINGS)
def test_as_of_takes_every_spelling(bureau: Ledger, typed: str):
    roster = bureau.json("roster", "--as-of", typed)
    assert roster["as_of"] == "2022-12-31" and len(roster["people"]) == 8


def test_an_append_command_takes_a_compact_date(bureau: Ledger):
    bureau.ok("promote", "S05", "--rank", "四级主任科员", "--effective", "20230105")
    bureau.ok("second", "S04", "--host", "区委办", "--kind", "借调", "--effective", "2023年2月1日", "--until", "2023/08/01")
    log = bureau.json("log")
    assert [e["effective"] for e in log[-2:]] == ["2023-01-05", "2023-02-01"] and log[-1]["until"] == "2023-08-01"


def test_a_date_that_is_not_one_is_a_usage_error_that_names_the_spellings(bureau: Ledger):
    before = bureau.event_count()
    r = bureau("roster", "--as-of", "31/12/2022")
    assert r.exit_code == 2 and "'31/12/2022' is not a date" in r.output and "2022年9月1日" in r.output
    r = bureau("diff", "--from", "2022-01-01", "--to", "20220230")
    assert r.exit_code == 2 and "not a real date" in r.output
    assert bureau.event_count() == before


def test_global_options_may_follow_the_command(tmp_path, write_jsonl, bureau_lines):
    store = str(tmp_path / "after.sqlite3")
    runner = Ledger(store).runner
    from cli.main import cli

    r = runner.invoke(cli, ["import", str(write_jsonl(bureau_lines)), "--store", store, "--actor", "王文书"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["promote", "S05", "--rank", "四级主任科员", "--effective", "2023-08-01", "--store=" + store,
                            "--actor", "李科长", "--strict"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["log", "--json", "--store", store])
    assert r.exit_code == 0, r.output
    import orjson

    log = orjson.loads(r.stdout)
    assert {e["actor"] for e in log[:-1]} == {"王文书"} and log[-1]["actor"] == "李科长"
    r = runner.invoke(cli, ["org", "section", "SJ", "--section", "新科", "--effective", "2023-02-01", "--store", store])
    assert r.exit_code == 0, r.output


def test_strict_after_the_command_refuses_findings(bureau: Ledger):
    before = bureau.event_count()
    # promoted before two years in the rank: a tenure finding, refused under --strict wherever it is typed
    r = bureau("promote", "S05", "--rank", "四级主任科员", "--effective", "2021-05-01", "--strict")
    assert r.exit_code == 1 and "RANK_TENURE" in r.output and bureau.event_count() == before


def test_an_exporter_missing_its_year_is_a_usage_error(bureau: Ledger, tmp_path):
    r = bureau("export", "yearly-report", "-o", str(tmp_path / "r.docx"))
    assert r.exit_code == 2 and "needs --year" in r.output and not (tmp_path / "r.docx").exists()
    r = bureau("export", "review-form", "-o", str(tmp_path / "r.xlsx"))
    assert r.exit_code == 2 and "needs --year" in r.output
