"""Item 7 of issue 22: a section's post (副科长) needs its section, a unit's post (副局长) is never shown in the
holder's section, and an --override on a second same-day hire is recorded — its excess never blamed on the first."""

from __future__ import annotations

from tests.compliance_bureau import bureau, ev, load, person


def _loaded(ledger, write_jsonl, *extra):
    load(ledger, write_jsonl, bureau(person("A", "甲", "四级主任科员", "2019-01-01", section="法规科"), *extra))
    return ledger


def test_a_sections_post_without_its_section_is_refused_in_a_sentence(sqlite_ledger, write_jsonl):
    ledger = _loaded(sqlite_ledger, write_jsonl)
    before = ledger.event_count()
    r = ledger("appoint", "A", "--post", "副科长", "--effective", "2022-03-01")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "副科长 is a section's post in 区农业农村局: name its section with --section" in r.stderr
    assert "办公室、法规科、产业科" in r.stderr and ledger.event_count() == before
    zh = ledger("--lang", "zh_CN", "appoint", "A", "--post", "副科长", "--effective", "2022-03-01")
    assert zh.exit_code == 1 and "--section" in zh.stderr and "科室" in zh.stderr
    ledger.ok("appoint", "A", "--post", "副科长", "--section", "法规科", "--effective", "2022-03-01")
    assert ledger.event_count() == before + 1


def test_a_units_post_needs_no_section_and_is_shown_without_the_holders_section(sqlite_ledger, write_jsonl):
    ledger = _loaded(sqlite_ledger, write_jsonl)
    ledger.ok("appoint", "A", "--post", "副局长", "--effective", "2022-03-01", "--publicity-from", "2022-02-14",
              "--publicity-to", "2022-02-18")
    last = ledger.json("resume", "A", "--as-of", "2022-12-31")["lines"][-1]["text"]
    assert last == "区农业农村局副局长（四级主任科员）", last
    ledger.ok("appoint", "A", "--post", "副科长", "--section", "法规科", "--effective", "2022-04-01", "--override", "x")
    last = ledger.json("resume", "A", "--as-of", "2022-12-31")["lines"][-1]["text"]
    assert last == "区农业农村局副局长、法规科副科长（四级主任科员）", last


def test_an_opening_roster_puts_a_units_post_in_no_section(sqlite_ledger, write_jsonl, tmp_path):
    load(sqlite_ledger, write_jsonl, bureau())
    sheet = tmp_path / "花名册.csv"
    sheet.write_text("姓名,性别,出生年月,单位,科室,编制类型,职级,职务\n"
                     "乙,男,1980.01,NJ,法规科,行政编制,四级调研员,副局长\n"
                     "丙,男,1985.01,NJ,法规科,行政编制,一级主任科员,科长\n", encoding="utf-8")
    sqlite_ledger.ok("import-roster", str(sheet), "--as-of", "2022-01-01")
    posts = {p["name"]: p["posts"] for p in sqlite_ledger.json("roster", "--as-of", "2022-01-01")["people"]}
    assert posts["乙"] == [{"post": "副局长", "section": None}]
    assert posts["丙"] == [{"post": "科长", "section": "法规科"}]


def _hire(ledger, pid: str, *extra: str):
    return ledger("hire", pid, "--name", f"名{pid}", "--gender", "男", "--birth-date", "1990-01-01", "--unit", "OU",
                  "--establishment", "行政编制", "--rank", "一级科员", "--mode", "转任", "--effective", "2021-01-04",
                  *extra)


def test_an_override_on_a_second_same_day_hire_is_recorded_and_a_third_without_is_refused(sqlite_ledger,
                                                                                           write_jsonl):
    load(sqlite_ledger, write_jsonl, [ev("unit_established", "2020-01-01", unit="OU", name="区测试局", kind="机关"),
                                      ev("quota_set", "2020-01-01", unit="OU", establishment="行政编制", count=1)])
    assert _hire(sqlite_ledger, "A1").exit_code == 0
    second = _hire(sqlite_ledger, "B1", "--override", "经编办同意临时超编")
    assert second.exit_code == 0 and "A1" not in second.output, second.output
    third = _hire(sqlite_ledger, "C1")
    assert third.exit_code == 1 and "C1" in third.stderr and "A1" not in third.stderr and "B1" not in third.stderr
    assert "would have 3 on 行政编制 against a quota of 1" in third.stderr
    assert [p["person"] for p in sqlite_ledger.json("roster", "--as-of", "2021-01-04")["people"]] == ["A1", "B1"]
