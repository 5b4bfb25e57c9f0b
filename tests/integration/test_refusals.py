"""Every refusal of the core: exit 1, one clear line naming who/what and when, and nothing written."""

from __future__ import annotations

import pytest

from tests.scenarios import ev, hire, small_bureau

REFUSALS = [
    # (why, command line, words the message must contain)
    ("unknown person", ["promote", "S99", "--rank", "二级主任科员", "--effective", "2022-01-01"], ["S99", "2022-01-01", "not on the establishment"]),
    ("unknown unit", ["hire", "S20", "--name", "甲", "--gender", "男", "--birth-date", "1990-01-01", "--unit", "XX",
                      "--establishment", "行政编制", "--rank", "一级科员", "--mode", "录用", "--effective", "2022-01-01"], ["XX", "2022-01-01"]),
    ("unknown section", ["transfer", "S04", "--section", "财务科", "--effective", "2022-01-01"], ["S04", "司马光", "财务科", "sections:"]),
    ("unknown rank", ["promote", "S04", "--rank", "二级主任", "--effective", "2022-01-01"], ["unknown rank", "二级主任"]),
    ("unknown post", ["appoint", "S04", "--post", "处长", "--effective", "2022-01-01"], ["S04", "处长", "领导职数"]),
    ("impossible date", ["promote", "S04", "--rank", "二级主任科员", "--effective", "2022-02-30"], ["2022-02-30", "not a real date"]),
    ("birth after hire", ["hire", "S20", "--name", "甲", "--gender", "男", "--birth-date", "2023-01-01", "--unit", "SJ",
                          "--establishment", "行政编制", "--rank", "一级科员", "--mode", "录用", "--effective", "2022-01-01"], ["S20", "birth date"]),
    ("before the hire", ["promote", "S04", "--rank", "二级主任科员", "--effective", "2020-06-01"], ["S04", "2020-06-01", "not on the establishment"]),
    ("after separation", ["promote", "S06", "--rank", "三级主任科员", "--effective", "2022-08-01"], ["S06", "left 2022-06-30", "辞职"]),
    ("second hire", ["hire", "S04", "--name", "司马光", "--gender", "男", "--birth-date", "1988-03-03", "--unit", "SJ",
                     "--establishment", "行政编制", "--rank", "一级科员", "--mode", "转任", "--effective", "2022-01-01"], ["S04", "already on the establishment"]),
    ("same rank", ["promote", "S04", "--rank", "三级主任科员", "--effective", "2022-01-01"], ["S04", "三级主任科员", "higher"]),
    ("lower rank", ["promote", "S04", "--rank", "一级科员", "--effective", "2022-01-01"], ["S04", "the ledger holds 三级主任科员"]),
    ("vacate a post not held", ["vacate", "S04", "--post", "科长", "--effective", "2022-01-01"], ["S04", "does not hold 科长"]),
    ("overlapping secondment", ["second", "S05", "--host", "区委办", "--kind", "借调", "--effective", "2022-03-01"], ["S05", "already on 借调 at 区政府办"]),
    ("return when not seconded", ["return", "S04", "--effective", "2022-03-01"], ["S04", "not on secondment"]),
    ("超编", ["hire", "S20", "--name", "甲", "--gender", "男", "--birth-date", "1990-01-01", "--unit", "SJ",
             "--establishment", "行政编制", "--rank", "一级科员", "--mode", "录用", "--effective", "2021-06-01"], ["超编", "区市场监督管理局", "quota of 6"]),
    ("超职数", ["appoint", "S04", "--post", "副局长", "--effective", "2022-01-01"], ["超职数", "副局长", "领导职数 1"]),
    ("rank not held in a 事业单位", ["hire", "J05", "--name", "乙", "--gender", "女", "--birth-date", "1990-01-01", "--unit", "JC",
                                  "--establishment", "事业编制", "--rank", "一级科员", "--mode", "招聘", "--effective", "2022-01-01"], ["一级科员", "management or professional"]),
    ("retract an unknown event", ["retract", "9999", "--reason", "x"], ["no event 9999"]),
    ("back-dated separation before a later promotion", ["separate", "S04", "--reason", "辞职", "--effective", "2021-06-01"],
     ["2022-03-01 S04", "not on the establishment", "left 2021-06-01"]),
]


@pytest.fixture
def bureau(ledger, write_jsonl):
    lines = small_bureau()
    # a tight 编制 and 副局长 quota, a secondment, a separation and a later promotion to check back-dating against
    lines = [x if not (x["event"] == "quota_set" and x["unit"] == "SJ") else {**x, "count": 6} for x in lines]
    lines = [x if not (x["event"] == "post_quota_set" and x.get("post") == "副局长") else {**x, "count": 1} for x in lines]
    lines += [
        ev("secondment_started", "2022-02-01", person="S05", host="区政府办", kind="借调"),
        ev("separated", "2022-06-30", person="S06", reason="辞职"),
        ev("rank_promoted", "2022-03-01", person="S04", rank="二级主任科员"),
    ]
    ledger.ok("import", str(write_jsonl(lines)))
    return ledger


@pytest.mark.parametrize("why,args,words", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refused_with_a_clear_line_and_nothing_written(bureau, why, args, words):
    before = bureau.json("log")
    r = bureau(*args)
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    for w in words:
        assert w in r.stderr, f"{why}: expected {w!r} in:\n{r.stderr}"
    assert bureau.json("log") == before, "a refused command wrote to the ledger"


def test_override_records_the_reason_on_the_event(bureau):
    args = ["hire", "S20", "--name", "甲", "--gender", "男", "--birth-date", "1990-01-01", "--unit", "SJ",
            "--establishment", "行政编制", "--rank", "一级科员", "--mode", "录用", "--effective", "2021-06-01"]
    eid = int(bureau.ok(*args, "--override", "区编办临时批准").stdout)
    assert bureau.json("log")[-1] == {**bureau.json("log")[-1], "id": eid, "override": "区编办临时批准"}
    assert "S20" in {p["person"] for p in bureau.json("roster", "--as-of", "2021-06-01")["people"]}


def test_same_day_swap_is_not_over_quota(bureau, write_jsonl):
    """One leaves and another is hired on the same day: the day's end count is within 编制, whatever the line order."""
    swap = [hire("S21", "丙", "SJ", "一级科员", "2022-09-01", mode="录用"), ev("separated", "2022-09-01", person="S03", reason="调出")]
    bureau.ok("import", str(write_jsonl(swap)))
    people = {p["person"] for p in bureau.json("roster", "--as-of", "2022-09-01")["people"]}
    assert "S21" in people and "S03" not in people


def test_import_reports_every_bad_line_and_writes_nothing(bureau, write_jsonl, tmp_path):
    before = bureau.event_count()
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join([
        '{"event": "rank_promoted", "person": "S04", "rank": "二级主任科员", "effective": "2022-05-01"}',
        "{not json",
        '{"event": "promoted", "person": "S04", "effective": "2022-05-01"}',
        '{"event": "hired", "person": "S30", "effective": "2022-05-01"}',
        '{"person": "S04"}',
    ]) + "\n", encoding="utf-8")
    r = bureau("import", str(path))
    assert r.exit_code == 1
    for n in (2, 3, 4, 5):
        assert f"line {n}:" in r.stderr
    assert "line 1:" not in r.stderr
    assert bureau.event_count() == before


def test_import_timeline_problem_names_its_line(bureau, write_jsonl):
    before = bureau.event_count()
    r = bureau("import", str(write_jsonl([
        ev("rank_promoted", "2022-05-01", person="S03", rank="四级调研员"),
        ev("post_vacated", "2022-05-01", person="S04", post="科长"),
    ])))
    assert r.exit_code == 1 and "line 2:" in r.stderr and "S04" in r.stderr and "line 1:" not in r.stderr
    assert bureau.event_count() == before


def test_import_line_order_does_not_matter(ledger, write_jsonl):
    lines = small_bureau()
    ledger.ok("import", str(write_jsonl(list(reversed(lines)))))
    assert len(ledger.json("roster", "--as-of", "2021-01-01")["people"]) == 8


def test_missing_option_is_a_usage_error(bureau):
    before = bureau.event_count()
    r = bureau("promote", "S04", "--effective", "2022-01-01")
    assert r.exit_code == 2 and "--rank" in r.output
    assert bureau.event_count() == before
