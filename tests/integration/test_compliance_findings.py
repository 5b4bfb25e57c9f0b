"""`ledger check` on crafted timelines: each rule at its boundary, the rules file, exit codes, and the issue's
done-when scenario (a lowered 副局长 quota, an under-tenured promotion, a short publicity period, a man past
retirement age — named exactly, each with its clause, and a clean year exits 0)."""

from __future__ import annotations

import orjson
import pytest

from tests.compliance_bureau import bureau, ev, history, load, person
from tests.conftest import ROOT


def findings(ledger, *args: str) -> tuple[int, dict]:
    r = ledger("check", *args, "--json")
    assert r.exit_code in (0, 1), r.output
    data = orjson.loads(r.stdout)
    assert (r.exit_code == 1) == bool(data["findings"])
    return r.exit_code, data


def rules(data: dict, *only: str) -> list[tuple[str, str | None]]:
    """The findings' (rule, person), sorted; with `only`, of those rules alone."""
    return sorted((x["rule"], x["person"]) for x in data["findings"] if not only or x["rule"] in only)


# --- the done-when scenario ----------------------------------------------------------------------------------
def test_bureau_findings_are_exactly_the_four_breaches_each_with_its_clause(ledger, write_jsonl):
    load(ledger, write_jsonl, history())
    code, data = findings(ledger, "--as-of", "2022-12-31")
    assert code == 1
    assert data["as_of"] == "2022-12-31" and data["since"] == "2022-01-01"
    assert rules(data) == [("POST_OVER_QUOTA", None), ("PUBLICITY_SHORT", "C3"), ("RANK_TENURE", "C1"),
                           ("RETIREMENT_OVERDUE", "L2")]
    assert data["summary"] == {"POST_OVER_QUOTA": 1, "PUBLICITY_SHORT": 1, "RANK_TENURE": 1, "RETIREMENT_OVERDUE": 1}
    by_rule = {x["rule"]: x for x in data["findings"]}
    assert set(by_rule["RANK_TENURE"]) == {"rule", "title", "severity", "unit", "person", "event_id", "message", "source"}
    assert by_rule["POST_OVER_QUOTA"]["unit"] == "NJ" and "副局长" in by_rule["POST_OVER_QUOTA"]["message"]
    assert "since 2022-06-01" in by_rule["POST_OVER_QUOTA"]["message"]
    assert by_rule["RANK_TENURE"]["source"] == "《公务员职务与职级并行规定》第十八条、第十九条"
    assert by_rule["RANK_TENURE"]["title"] == "晋升职级任职年限不足"
    assert "eligible from 2022-09-01" in by_rule["RANK_TENURE"]["message"]
    assert "4 working day(s)" in by_rule["PUBLICITY_SHORT"]["message"]
    assert "60岁" in by_rule["RETIREMENT_OVERDUE"]["message"]
    assert all(x["source"] for x in data["findings"])
    log = ledger.json("log")
    promoted = next(e for e in log if e["event"] == "rank_promoted" and e["person"] == "C1")
    assert by_rule["RANK_TENURE"]["event_id"] == promoted["id"]


def test_clean_year_checks_clean(ledger, write_jsonl):
    load(ledger, write_jsonl, history())
    r = ledger("check", "--as-of", "2021-12-31")
    assert r.exit_code == 0, r.output
    assert "No findings." in r.output


def test_findings_appear_on_the_dates_they_are_true(sqlite_ledger, write_jsonl):
    load(sqlite_ledger, write_jsonl, history())
    # before the quota was lowered and before the 60th birthday's month ended: nothing
    assert findings(sqlite_ledger, "--as-of", "2022-03-31")[0] == 0
    # the day after the month of the 60th birthday
    assert rules(findings(sqlite_ledger, "--as-of", "2022-04-01")[1]) == [("RETIREMENT_OVERDUE", "L2")]
    # the next year: the fact findings are outside the window, the state findings remain
    assert rules(findings(sqlite_ledger, "--as-of", "2023-06-30")[1]) == [("POST_OVER_QUOTA", None),
                                                                        ("RETIREMENT_OVERDUE", "L2")]
    # a window reaching back picks the facts up again
    data = findings(sqlite_ledger, "--as-of", "2023-06-30", "--since", "2022-09-01")[1]
    assert ("PUBLICITY_SHORT", "C3") in rules(data) and ("RANK_TENURE", "C1") not in rules(data)


def test_human_table_names_who_what_since_and_clause(sqlite_ledger, write_jsonl):
    load(sqlite_ledger, write_jsonl, history())
    r = sqlite_ledger("check", "--as-of", "2022-12-31")
    assert r.exit_code == 1
    out = r.stdout
    assert "C1 吴桐" in out and "2022-08-31" in out and "L2 钱守业" in out
    assert "RANK_TENURE 晋升职级任职年限不足 (1): 《公务员职务与职级并行规定》第十八条、第十九条" in out
    assert "4 findings." in out


def test_unit_filter_and_bad_input_exit_2(sqlite_ledger, write_jsonl):
    load(sqlite_ledger, write_jsonl, history())
    r = sqlite_ledger("check", "--as-of", "2022-12-31", "--unit", "XX")
    assert r.exit_code == 2 and "no unit 'XX'" in r.output
    assert sqlite_ledger("check", "--as-of", "2022-02-30").exit_code == 2
    r = sqlite_ledger("check", "--as-of", "2022-12-31", "--since", "2023-01-01")
    assert r.exit_code == 2 and "after --as-of" in r.output
    assert findings(sqlite_ledger, "--as-of", "2022-12-31", "--unit", "NJ")[0] == 1


# --- each rule at its boundary --------------------------------------------------------------------------------
@pytest.mark.parametrize(("promoted", "finding"), [("2022-09-01", False), ("2022-08-31", True)])
def test_rank_tenure_exactly_two_years_passes(sqlite_ledger, write_jsonl, promoted, finding):
    load(sqlite_ledger, write_jsonl, bureau(person("A", "甲", "四级主任科员", "2020-09-01"),
                                            ev("rank_promoted", promoted, person="A", rank="三级主任科员")))
    data = findings(sqlite_ledger, "--as-of", "2022-12-31")[1]
    assert rules(data) == ([("RANK_TENURE", "A")] if finding else [])


@pytest.mark.parametrize(("promoted", "expected"), [
    ("2023-02-28", [("RANK_TENURE", "R")]),  # tenure counts from the end of probation (2021-03-01): 2 years
    ("2023-03-01", []),  # 一级科员 → 四级主任科员 needs 2 years (第十八条(十)), not 3
])
def test_new_recruit_tenure_counts_from_end_of_probation(sqlite_ledger, write_jsonl, promoted, expected):
    load(sqlite_ledger, write_jsonl, bureau(person("R", "新", "一级科员", "2020-03-01", mode="录用", effective="2020-03-01"),
                                            ev("rank_promoted", promoted, person="R", rank="四级主任科员")))
    assert rules(findings(sqlite_ledger, "--as-of", promoted, "--since", "2019-01-01")[1]) == expected


def test_post_tenure_counts_for_rank_tenure(sqlite_ledger, write_jsonl):
    # two years as 副科长 (乡科级副职) count toward 三级主任科员 even with under two years as 四级主任科员
    load(sqlite_ledger, write_jsonl, bureau(
        person("A", "甲", "四级主任科员", "2021-06-01", section="办公室"),  # transferred in, 副科长 since 2019-12
        ev("post_appointed", "2021-06-01", person="A", post="副科长", section="办公室", since="2019-12-01"),
        ev("rank_promoted", "2022-02-01", person="A", rank="三级主任科员")))
    assert findings(sqlite_ledger, "--as-of", "2022-12-31")[0] == 0


def test_rank_skip(sqlite_ledger, write_jsonl):
    load(sqlite_ledger, write_jsonl, bureau(person("A", "甲", "一级科员", "2015-01-01"),
                                            ev("rank_promoted", "2022-05-01", person="A", rank="三级主任科员")))
    data = findings(sqlite_ledger, "--as-of", "2022-12-31")[1]
    assert rules(data) == [("RANK_SKIP", "A")]
    assert data["findings"][0]["source"] == "《公务员法》第49条"


@pytest.mark.parametrize(("appointed", "expected"), [("2023-04-30", [("POST_TENURE", "A")]), ("2023-05-01", [])])
def test_post_tenure_three_years_as_yiji_keyuan(sqlite_ledger, write_jsonl, appointed, expected):
    load(sqlite_ledger, write_jsonl, bureau(person("A", "甲", "一级科员", "2020-05-01", section="产业科"),
                                            ev("post_appointed", appointed, person="A", post="副科长", section="产业科")))
    # (The appointment is a 提拔 recorded without publicity: PUBLICITY_SHORT's, not this test's.)
    assert rules(findings(sqlite_ledger, "--as-of", appointed)[1], "POST_TENURE") == expected


def test_promotion_during_probation_and_within_a_year(sqlite_ledger, write_jsonl):
    load(sqlite_ledger, write_jsonl, bureau(
        person("A", "甲", "三级主任科员", "2017-01-01", section="产业科"),
        ev("post_appointed", "2022-01-10", person="A", post="副科长", section="产业科", probation=True),
        ev("post_vacated", "2022-06-01", person="A", post="副科长", section="产业科"),
        ev("post_appointed", "2022-06-01", person="A", post="科长", section="产业科"),
        person("B", "乙", "三级主任科员", "2017-01-01", section="法规科"),
        ev("post_appointed", "2021-01-10", person="B", post="副科长", section="法规科"),
        ev("post_appointed", "2021-12-01", person="B", post="科长", section="法规科"),
    ))
    # (The 提拔s without publicity, and B's 科长 on the probation a 提拔 starts, are other rules' findings.)
    tested = ("PROMOTION_IN_PROBATION", "PROMOTION_WITHIN_YEAR")
    assert rules(findings(sqlite_ledger, "--as-of", "2022-12-31")[1], *tested) == [
        ("PROMOTION_IN_PROBATION", "A"), ("PROMOTION_WITHIN_YEAR", "A")]
    assert rules(findings(sqlite_ledger, "--as-of", "2021-12-31")[1], *tested) == [("PROMOTION_WITHIN_YEAR", "B")]


def test_recruit_promoted_in_probation(sqlite_ledger, write_jsonl):
    load(sqlite_ledger, write_jsonl, bureau(person("R", "新", "二级科员", "2022-01-01", mode="录用", effective="2022-01-01"),
                                            ev("rank_promoted", "2022-06-01", person="R", rank="一级科员")))
    assert rules(findings(sqlite_ledger, "--as-of", "2022-12-31")[1]) == [
        ("PROMOTION_IN_PROBATION", "R"), ("RANK_TENURE", "R")]


@pytest.mark.parametrize(("start", "end", "short"), [
    ("2023-05-04", "2023-05-09", False),  # the worked Saturday 6 May counts
    ("2023-05-04", "2023-05-08", True),
    ("2022-09-28", "2022-10-09", False),  # 国庆 with its worked weekend
    ("2022-09-29", "2022-10-09", True),
])
def test_publicity_counts_chinese_working_days(sqlite_ledger, write_jsonl, start, end, short):
    load(sqlite_ledger, write_jsonl, bureau(
        person("A", "甲", "一级主任科员", "2015-01-01", section="办公室"),
        ev("post_appointed", "2023-05-20", person="A", post="科长", section="办公室",
           publicity_from=start, publicity_to=end)))
    assert rules(findings(sqlite_ledger, "--as-of", "2023-05-31")[1]) == ([("PUBLICITY_SHORT", "A")] if short else [])


def test_publicity_outside_the_calendar_falls_back_to_weekdays_and_says_so(sqlite_ledger, write_jsonl):
    load(sqlite_ledger, write_jsonl, bureau(
        person("A", "甲", "一级主任科员", "2015-01-01", section="办公室"),
        ev("post_appointed", "2027-01-20", person="A", post="科长", section="办公室",
           publicity_from="2027-01-04", publicity_to="2027-01-07")))
    data = findings(sqlite_ledger, "--as-of", "2027-01-31")[1]
    assert rules(data) == [("PUBLICITY_SHORT", "A")]
    assert "Monday–Friday" in data["findings"][0]["message"]


@pytest.mark.parametrize(("on", "overdue"), [("2026-10-31", False), ("2026-11-01", True)])
def test_retirement_of_a_man_born_inside_the_gradual_raise(sqlite_ledger, write_jsonl, on, overdue):
    # born 1966-05-10: 60 years 5 months, reached 2026-10-10
    load(sqlite_ledger, write_jsonl, bureau(person("A", "甲", "一级主任科员", "2015-01-01", birth="1966-05-10")))
    data = findings(sqlite_ledger, "--as-of", on)[1]
    assert rules(data) == ([("RETIREMENT_OVERDUE", "A")] if overdue else [])
    if overdue:
        assert "60岁5个月 on 2026-10-10" in data["findings"][0]["message"]


@pytest.mark.parametrize(("on", "expected"), [
    ("2022-06-30", []),
    ("2022-07-01", [("SECONDMENT_OVERDUE", "B")]),  # 学习 agreed until 2022-06-30, not back
    ("2022-07-02", [("SECONDMENT_OVERDUE", "A"), ("SECONDMENT_OVERDUE", "B")]),  # 借调: 6 months at most
])
def test_secondment_overdue(sqlite_ledger, write_jsonl, on, expected):
    load(sqlite_ledger, write_jsonl, bureau(
        person("A", "甲", "一级科员", "2015-01-01"), person("B", "乙", "一级科员", "2015-01-01"),
        ev("secondment_started", "2022-01-02", person="A", host="区委办公室", kind="借调", until="2022-12-31"),
        ev("secondment_started", "2022-01-01", person="B", host="区委宣传部", kind="学习", until="2022-06-30")))
    assert rules(findings(sqlite_ledger, "--as-of", on)[1]) == expected


def test_quota_lowered_under_the_filled_count(sqlite_ledger, write_jsonl):
    load(sqlite_ledger, write_jsonl, bureau(
        *[person(f"A{i}", f"员{i}", "一级科员", "2015-01-01") for i in range(4)],
        ev("quota_set", "2022-06-01", unit="NJ", establishment="行政编制", count=3)))
    assert findings(sqlite_ledger, "--as-of", "2022-05-31")[0] == 0
    data = findings(sqlite_ledger, "--as-of", "2022-06-01")[1]
    assert rules(data) == [("STAFF_OVER_QUOTA", None)]
    assert "5 on 行政编制 against a quota of 3 (over by 2, since 2022-06-01)" in data["findings"][0]["message"]


# --- the rules file -------------------------------------------------------------------------------------------
def test_rules_file_overrides_parameters_and_switches_rules(sqlite_ledger, write_jsonl, tmp_path):
    load(sqlite_ledger, write_jsonl, history() + [
        ev("assistant_engaged", "2022-03-01", person="Z1", name="助一", role="办公室助理", unit="NJ"),
        ev("assistant_engaged", "2022-03-01", person="Z2", name="助二", role="办公室助理", unit="NJ")])
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(
        '[RANK_TENURE.years]\n"二级主任科员" = 1\n\n'  # one row of the table changed
        "[PUBLICITY_SHORT]\nworking_days = 4\n\n"
        '[RETIREMENT_OVERDUE]\nenabled = false\n\n'
        "[ASSISTANT_CAP]\nmax = 1\n\n"
        '[RANK_QUOTA]\nlimits = [{name = "四级调研员以上", ranks = ["四级调研员", "三级调研员", "二级调研员"], max = 2}]\n',
        encoding="utf-8")
    data = findings(sqlite_ledger, "--as-of", "2022-12-31", "--rules", str(rules_file))[1]
    assert rules(data) == [("ASSISTANT_CAP", None), ("POST_OVER_QUOTA", None), ("RANK_QUOTA", None)]
    # without the file the two local rules are off
    assert ("ASSISTANT_CAP", None) not in rules(findings(sqlite_ledger, "--as-of", "2022-12-31")[1])


def test_ledger_toml_beside_the_store_is_used(sqlite_ledger, write_jsonl):
    from pathlib import Path

    load(sqlite_ledger, write_jsonl, history())
    (Path(sqlite_ledger.store).parent / "ledger.toml").write_text("[RETIREMENT_OVERDUE]\nenabled = false\n")
    assert ("RETIREMENT_OVERDUE", "L2") not in rules(findings(sqlite_ledger, "--as-of", "2022-12-31")[1])


@pytest.mark.parametrize(("text", "message"), [
    ("[NO_SUCH_RULE]\nenabled = true\n", "unknown rule 'NO_SUCH_RULE'"),
    ("[PUBLICITY_SHORT]\ndays = 3\n", "unknown setting 'days'"),
    ("[PUBLICITY_SHORT]\nworking_days = \"five\"\n", "must be a int"),
    ("[PUBLICITY_SHORT\n", "not valid TOML"),
])
def test_bad_rules_file_is_bad_input(sqlite_ledger, tmp_path, text, message):
    sqlite_ledger.ok("org", "unit", "E", "--name", "区某局", "--kind", "机关", "--effective", "2020-01-01")
    f = tmp_path / "bad.toml"
    f.write_text(text)
    r = sqlite_ledger("check", "--as-of", "2022-12-31", "--rules", str(f))
    assert r.exit_code == 2 and message in r.output
    r = sqlite_ledger("check", "--as-of", "2022-12-31", "--rules", str(tmp_path / "missing.toml"))
    assert r.exit_code == 2 and "does not exist" in r.output


def test_reference_rules_example_is_a_valid_rules_file():
    import re
    import tomllib

    from ledger.rules.catalogue import apply_overrides

    readme = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(.*?)```", readme, re.S).group(1)
    rulebook = apply_overrides(tomllib.loads(block))
    assert rulebook.on("ASSISTANT_CAP") and rulebook.on("RANK_QUOTA")
    assert rulebook.param("RANK_TENURE", "years")["二级主任科员"] == 1
    assert rulebook.param("RANK_TENURE", "years")["一级调研员"] == 3  # the rest of the table stays
