"""Item 6 of issue 22, the clerk's calendar: `ledger eligible` (who meets the tenure for the next rank, and from
when) and `ledger due` (what falls due in a window), each at its boundary — the day before and on the day — and
`eligible_from` always the first day a promotion draws no RANK_TENURE finding; both on the web view's 组织 page."""

from __future__ import annotations

from datetime import date, timedelta

import orjson
import pytest

from tests.compliance_bureau import bureau, ev, load, person
from tests.web_support import web_client


def _day(text: str, days: int) -> str:
    return (date.fromisoformat(text) + timedelta(days=days)).isoformat()


def _eligible(ledger, as_of: str, *extra: str) -> dict[str, dict]:
    return {r["person"]: r for r in ledger.json("eligible", "--as-of", as_of, *extra)["people"]}


def _due(ledger, as_of: str, within: str = "90d", *extra: str) -> list[tuple[str, str, str]]:
    items = ledger.json("due", "--as-of", as_of, "--within", within, *extra)["items"]
    return [(x["date"], x["kind"], x["person"]) for x in items]


def _tenure_found(ledger, promoted: str) -> bool:
    r = ledger("check", "--as-of", promoted, "--since", "2019-01-01", "--json")
    assert r.exit_code in (0, 1), r.output
    return any(x["rule"] == "RANK_TENURE" for x in orjson.loads(r.stdout)["findings"])


# (who and their file, the next rank, the day the tenure is met): 第十八条 2 years; 第十九条 half a year less per
# 优秀 year; 不定等次 not counting; "2 years as 四级主任科员 or 乡科级副职" through the post.
CASES = {
    "two years as 一级科员": ([person("A", "甲", "一级科员", "2020-09-01")], "四级主任科员", "2022-09-01"),
    "an 优秀 year": ([person("A", "甲", "四级主任科员", "2020-09-01"),
                     ev("appraised", "2021-01-20", person="A", year=2020, grade="称职"),
                     ev("appraised", "2022-01-20", person="A", year=2021, grade="优秀")], "三级主任科员", "2022-03-01"),
    "a 不定等次 year": ([person("A", "甲", "四级主任科员", "2020-09-01"),
                       ev("appraised", "2021-01-20", person="A", year=2020, grade="称职"),
                       ev("appraised", "2022-01-20", person="A", year=2021, grade="不定等次"),
                       ev("appraised", "2023-01-20", person="A", year=2022, grade="称职")], "三级主任科员", "2023-09-01"),
    "a 基本称职 year": ([person("A", "甲", "四级主任科员", "2020-09-01"),
                       ev("appraised", "2021-01-20", person="A", year=2020, grade="称职"),
                       ev("appraised", "2022-01-20", person="A", year=2021, grade="基本称职"),
                       ev("appraised", "2023-01-20", person="A", year=2022, grade="称职")], "三级主任科员", "2023-09-01"),
    "two years as 副科长": ([person("A", "甲", "四级主任科员", "2021-06-01", section="法规科"),
                          ev("post_appointed", "2021-06-01", person="A", post="副科长", section="法规科",
                             since="2020-01-01")], "三级主任科员", "2022-01-01"),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("offset", [-1, 0], ids=["day before", "on the day"])
def test_eligible_from_is_the_first_day_a_promotion_has_its_tenure(sqlite_ledger, write_jsonl, case, offset):
    lines, next_rank, met = CASES[case]
    load(sqlite_ledger, write_jsonl, bureau(*lines))
    day = _day(met, offset)
    row = _eligible(sqlite_ledger, day)["A"]
    assert (row["next_rank"], row["eligible_from"], row["eligible"]) == (next_rank, met, offset == 0)
    sqlite_ledger.ok("promote", "A", "--rank", next_rank, "--effective", day, "--basis", "党组〔2023〕1号")
    assert _tenure_found(sqlite_ledger, day) == (offset < 0)  # `ledger check` agrees with the calendar


def test_eligible_names_the_years_that_shorten_or_do_not_count(sqlite_ledger, write_jsonl):
    load(sqlite_ledger, write_jsonl, bureau(*CASES["an 优秀 year"][0]))
    row = _eligible(sqlite_ledger, "2022-02-01")["A"]
    assert row["excellent_years"] == [2021] and row["counted_from"] == "2020-09-01" and row["years"] == 2
    assert row["rank_since"] == "2020-09-01" and row["quotas"] == [] and row["quota_room"] is None
    load(sqlite_ledger, write_jsonl, [ev("appraised", "2023-01-20", person="A", year=2022, grade="不称职")])
    assert _eligible(sqlite_ledger, "2023-02-01")["A"]["not_counting"] == [{"year": 2022, "grade": "不称职"}]


def test_a_rank_held_from_before_without_its_date_has_no_eligible_date(sqlite_ledger, write_jsonl):
    lines = bureau()
    lines[-2] = {k: v for k, v in lines[-2].items() if k != "rank_since"}  # 局长 L1's hire, 任现职级时间 not given
    load(sqlite_ledger, write_jsonl, lines)
    row = _eligible(sqlite_ledger, "2022-12-31")["L1"]
    assert (row["rank_since"], row["eligible_from"], row["eligible"]) == (None, None, False)
    out = sqlite_ledger.ok("--lang", "zh_CN", "eligible", "--as-of", "2022-12-31").stdout
    assert "未知" in out and "L1" in out


def test_the_rank_quota_room_left_is_shown_where_a_rules_file_sets_it(sqlite_ledger, write_jsonl, tmp_path):
    load(sqlite_ledger, write_jsonl, bureau(person("A", "甲", "一级科员", "2020-09-01"),
                                            person("B", "乙", "四级主任科员", "2020-09-01")))
    rules = tmp_path / "rules.toml"
    rules.write_text('[RANK_QUOTA]\nlimits = [{name = "主任科员", ranks = ["四级主任科员", "三级主任科员", '
                     '"二级主任科员", "一级主任科员"], share = 0.25, of = "行政编制"}]\n', encoding="utf-8")
    rows = _eligible(sqlite_ledger, "2022-12-31", "--rules", str(rules))
    assert rows["A"]["quotas"] == [{"name": "主任科员", "cap": 3, "held": 1, "room": 2, "basis": "0.25 × 12 行政编制"}]
    assert rows["A"]["quota_room"] == 2 and rows["L1"]["quota_room"] is None  # 二级调研员 → 一级调研员: no limit
    assert _eligible(sqlite_ledger, "2022-12-31")["A"]["quota_room"] is None  # no rules file: no limit set


@pytest.fixture
def calendar_bureau(sqlite_ledger, write_jsonl):
    """A probation, a secondment, a retirement, a new recruit and a tenure, each falling due on a known day."""
    load(sqlite_ledger, write_jsonl, bureau(
        person("A", "甲", "一级科员", "2020-09-01"),  # eligible for 四级主任科员 on 2022-09-01
        person("R", "老", "三级调研员", "2017-01-01", birth="1962-03-15"),  # 60 on 2022-03-15
        person("S", "借", "一级科员", "2019-01-01", section="办公室"),
        ev("secondment_started", "2022-01-10", person="S", host="区委巡察办", kind="交流", until="2022-06-30"),
        person("P", "试", "四级主任科员", "2019-01-01", section="法规科"),
        ev("post_appointed", "2022-05-16", person="P", post="副科长", section="法规科", probation=True,
           publicity_from="2022-05-05", publicity_to="2022-05-13"),  # probation's last day 2023-05-15
        person("N", "新", "一级科员", "2022-08-01", section="产业科", mode="录用", effective="2022-08-01"),
    ))
    return sqlite_ledger


@pytest.mark.parametrize(("kind", "person_id", "last"), [
    ("eligible", "A", "2022-09-01"), ("retirement", "R", "2022-03-15"), ("secondment_ends", "S", "2022-06-30"),
    ("probation_ends", "P", "2023-05-15"), ("probation_ends", "N", "2023-07-31"),
])
def test_due_lists_each_kind_from_the_day_its_date_enters_the_window_to_the_day_it_falls(calendar_bureau, kind,
                                                                                        person_id, last):
    entry = (last, kind, person_id)
    assert entry not in _due(calendar_bureau, _day(last, -91))  # the window ends the day before
    assert entry in _due(calendar_bureau, _day(last, -90))  # its last day is the date
    assert entry in _due(calendar_bureau, last, "0d")  # on the day
    assert entry not in _due(calendar_bureau, _day(last, 1))  # past: `ledger check`'s, not the calendar's


def test_due_in_the_clerks_language_and_as_json(calendar_bureau):
    out = calendar_bureau.ok("--lang", "zh_CN", "due", "--as-of", "2022-02-01", "--within", "1y").stdout
    for words in ("达到退休年龄", "交流/借调到期", "职级晋升任职年限届满", "60岁", "区委巡察办"):
        assert words in out, out
    answer = calendar_bureau.json("due", "--as-of", "2022-02-01", "--within", "6m", "--unit", "区农业农村局")
    assert (answer["as_of"], answer["until"], answer["unit"]) == ("2022-02-01", "2022-08-01", "NJ")
    assert [x["kind"] for x in answer["items"]] == ["retirement", "secondment_ends"]


@pytest.mark.parametrize("args", [("due", "--within", "soon"), ("due", "--unit", "NOPE"), ("eligible", "--unit", "NOPE")])
def test_a_bad_window_or_unit_is_one_sentence_and_exit_2(calendar_bureau, args):
    before = calendar_bureau.event_count()
    r = calendar_bureau(*args, "--as-of", "2022-01-01")
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert calendar_bureau.event_count() == before


def test_the_organisation_page_shows_the_calendar_and_the_check_page_lists_notices_apart(calendar_bureau):
    calendar_bureau.ok("promote", "A", "--rank", "四级主任科员", "--effective", "2022-09-01")  # no publicity: a notice
    with web_client(calendar_bureau.store) as client:
        page = client.get("/", params={"as_of": "2022-06-02", "unit": "NJ"}).text
        eligible = page.split('id="eligible"')[1].split("</section>")[0]
        assert 'data-person="A"' in eligible and "2022-09-01" in eligible and "四级主任科员" in eligible
        due = page.split('id="due"')[1].split("</section>")[0]
        assert "2022-06-02 至 2022-08-31" in due
        assert 'data-kind="secondment_ends"' in due and "2022-06-30" in due and 'data-person="A"' not in due
        later = client.get("/", params={"as_of": "2022-06-03", "unit": "NJ"}).text.split('id="due"')[1]
        assert 'data-person="A" data-kind="eligible"' in later.split("</section>")[0]  # 2022-09-01: day 90
        check = client.get("/check", params={"as_of": "2022-12-31", "since": "2022-01-01"}).text
        breaches, notices = check.split('id="notices"')
        assert 'data-rule="RETIREMENT_OVERDUE"' in breaches and 'data-rule="PUBLICITY_MISSING"' not in breaches
        assert 'data-rule="PUBLICITY_MISSING"' in notices and 'data-rule="RETIREMENT_OVERDUE"' not in notices
