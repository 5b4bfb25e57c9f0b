"""The ledger's opening (期初, docs/domain.md §7): a bureau that records its opening staff as `hired` (转任) plus
`post_appointed` on its first day, without `since`, gets no finding about them — no 提拔, probation, publicity or
tenure check, nothing in the year's figures — only notices asking for the 任现职务时间. The day after the opening an
appointment is an act again; a post taken with a 转任 arrival on its day is the post the person arrived in."""

from __future__ import annotations

import orjson
import pytest

from tests.scenarios import ev, hire

OPEN = "2022-01-01"


def opening_bureau(*extra: dict) -> list[dict]:
    """区林业局 (LJ), opened 2022-01-01 with its staff in post, none with a 任现职务时间 entered."""
    lines = [
        ev("unit_established", OPEN, unit="LJ", name="区林业局", kind="机关"),
        *[ev("section_established", OPEN, unit="LJ", section=s) for s in ("办公室", "造林科")],
        ev("quota_set", OPEN, unit="LJ", establishment="行政编制", count=12),
        ev("post_quota_set", OPEN, unit="LJ", post="局长", level="县处级正职", count=1),
        ev("post_quota_set", OPEN, unit="LJ", post="副局长", level="县处级副职", count=2),
        ev("post_quota_set", OPEN, unit="LJ", post="科长", level="乡科级正职", count=2),
        ev("post_quota_set", OPEN, unit="LJ", post="副科长", level="乡科级副职", count=2),
    ]
    staff = [("O1", "甲一", "二级调研员", "局长", None), ("O2", "乙二", "四级调研员", "副局长", None),
             ("O3", "丙三", "一级主任科员", "科长", "办公室"), ("O4", "丁四", "一级科员", "副科长", "造林科")]
    for pid, name, rank, post, section in staff:
        lines += [hire(pid, name, "LJ", rank, OPEN, section=section, mode="转任"),
                  ev("post_appointed", OPEN, person=pid, post=post, section=section)]
    lines.append(hire("O5", "戊五", "LJ", "一级科员", OPEN, section="办公室", mode="转任", rank_since="2021-06-01"))
    return [*lines, *extra]


def check(ledger, *args: str) -> tuple[int, dict]:
    r = ledger("check", *args, "--json")
    assert r.exit_code in (0, 1), r.output
    return r.exit_code, orjson.loads(r.stdout)


def load(ledger, write_jsonl, lines) -> str:
    r = ledger("import", str(write_jsonl(lines)))
    assert r.exit_code == 0, r.output
    return r.stderr


@pytest.fixture
def opened(sqlite_ledger, write_jsonl):
    stderr = load(sqlite_ledger, write_jsonl, opening_bureau())
    return sqlite_ledger, stderr


def test_the_opening_import_prints_no_finding_only_a_notice(opened):
    ledger, stderr = opened
    assert "Warning" not in stderr
    assert "Notice: 4 incomplete records (期初任职未录入任现职务时间 4)" in stderr


@pytest.mark.parametrize("as_of", ["2022-01-01", "2022-12-31", "2023-02-15", "2024-06-30"])
def test_the_opening_staff_have_no_finding_on_any_date(opened, as_of):
    ledger, _ = opened
    code, data = check(ledger, "--as-of", as_of, "--since", OPEN)
    assert code == 0 and data["findings"] == [] and data["summary"] == {}
    assert sorted((x["rule"], x["person"], x["severity"]) for x in data["notices"]) == [
        ("OPENING_SINCE_MISSING", p, "notice") for p in ("O1", "O2", "O3", "O4")]


def test_the_check_table_lists_notices_apart_and_exits_0(opened):
    ledger, _ = opened
    r = ledger("check", "--as-of", "2023-02-15", "--since", OPEN)
    assert r.exit_code == 0, r.output
    assert "No findings." in r.stdout
    assert "Notices (incomplete records, not findings):" in r.stdout and "4 notices." in r.stdout


def test_the_opening_posts_start_no_probation(opened):
    ledger, _ = opened
    r = ledger("end-probation", "O4", "--post", "副科长", "--section", "造林科", "--result", "合格",
               "--effective", "2023-01-01")
    assert r.exit_code == 1 and "without a probation" in r.output


def test_the_opening_is_not_the_years_act(opened, tmp_path):
    ledger, _ = opened
    out = tmp_path / "r.json"
    r = ledger("export", "yearly-report", "--year", "2022", "--format", "json", "-o", str(out))
    assert r.exit_code == 0, r.output
    data = orjson.loads(out.read_bytes())
    assert data["appointments"] == [] and data["rank_promotions"] == [] and data["ways_in"] == []
    assert data["findings"] == [] and data["promoted"]["count"] == 0


def test_a_since_given_answers_the_notice(sqlite_ledger, write_jsonl):
    lines = opening_bureau()
    for x in lines:
        if x["event"] == "post_appointed":
            x["since"] = "2018-05-01"
    stderr = load(sqlite_ledger, write_jsonl, lines)
    assert "Notice" not in stderr and "Warning" not in stderr
    assert check(sqlite_ledger, "--as-of", "2022-12-31")[1]["notices"] == []


# --- boundaries: the day after the opening is the ledger's own act ------------------------------------------------
@pytest.mark.parametrize(("appointed", "rules"), [
    (OPEN, []),
    ("2022-01-02", ["POST_TENURE"]),  # 一级科员 since 2021-06-01: a 提拔 to 副科长 needs 3 years
])
def test_an_appointment_the_day_after_the_opening_is_judged(sqlite_ledger, write_jsonl, appointed, rules):
    load(sqlite_ledger, write_jsonl, opening_bureau(
        ev("post_appointed", appointed, person="O5", post="副科长", section="办公室")))
    code, data = check(sqlite_ledger, "--as-of", "2022-12-31", "--since", OPEN)
    assert sorted(x["rule"] for x in data["findings"] if x["person"] == "O5") == rules
    notices = sorted(x["rule"] for x in data["notices"] if x["person"] == "O5")
    assert notices == (["OPENING_SINCE_MISSING"] if appointed == OPEN else ["PUBLICITY_MISSING"])


@pytest.mark.parametrize(("as_of", "open_probation"), [("2023-01-31", False), ("2023-02-01", True)])
def test_a_promotion_the_day_after_the_opening_starts_a_probation(sqlite_ledger, write_jsonl, as_of,
                                                                   open_probation):
    load(sqlite_ledger, write_jsonl, opening_bureau(
        ev("post_appointed", "2022-01-02", person="O3", post="副局长", publicity_from="2021-12-20",
           publicity_to="2021-12-24")))
    data = check(sqlite_ledger, "--as-of", as_of, "--since", OPEN)[1]
    assert [x["rule"] for x in data["findings"] if x["rule"] == "PROBATION_OPEN"] == (
        ["PROBATION_OPEN"] if open_probation else [])


@pytest.mark.parametrize(("appointed", "kind", "rules"), [
    ("2022-05-01", "任命", []),  # the post the 转任 arrival came in with
    ("2022-05-02", "提拔", ["POST_TENURE"]),
])
def test_a_post_taken_with_a_transfer_in_is_the_post_arrived_in(sqlite_ledger, write_jsonl, tmp_path, appointed,
                                                                 kind, rules):
    load(sqlite_ledger, write_jsonl, opening_bureau(
        hire("N1", "新来", "LJ", "一级科员", "2022-05-01", section="造林科", rank_since="2021-05-01"),
        ev("post_appointed", appointed, person="N1", post="副科长", section="造林科")))
    data = check(sqlite_ledger, "--as-of", "2022-12-31")[1]
    assert sorted(x["rule"] for x in data["findings"] if x["person"] == "N1") == rules
    out = tmp_path / "r.json"
    assert sqlite_ledger("export", "yearly-report", "--year", "2022", "--format", "json", "-o", str(out)).exit_code == 0
    report = orjson.loads(out.read_bytes())
    assert [(a["person"], a["kind"]) for a in report["appointments"]] == [("N1", kind)]
    assert [m["person"] for m in report["ways_in"]] == ["N1"]
