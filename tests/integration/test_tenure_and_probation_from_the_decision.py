"""Issue 22: tenure in a post and its probation count from the 党组's decision date where the selection's decision
is on record (任职时间从党委（党组）决定之日起计算, docs/domain.md §3) — each at its boundary, the day before and on
the day. The selection of 工程科科长 is decided on 2023-04-03 and the appointment takes effect on 2023-04-17."""

from __future__ import annotations

import orjson
import pytest

from tests.compliance_bureau import ev, load
from tests.selection_bureau import selection_path, vacancy_bureau

DECIDED, APPOINTED = "2023-04-03", "2023-04-17"


@pytest.fixture
def decided(sqlite_ledger, write_jsonl):
    load(sqlite_ledger, write_jsonl, [*vacancy_bureau(), *selection_path()])
    sqlite_ledger.ok("appoint", "K1", "--post", "科长", "--section", "工程科", "--selection", "SW2023-01",
                     "--publicity-from", "2023-04-06", "--publicity-to", "2023-04-12", "--effective", APPOINTED)
    return sqlite_ledger


def _rules(ledger, as_of: str, since: str = "2023-01-01") -> set[str]:
    r = ledger("check", "--as-of", as_of, "--since", since, "--json")
    assert r.exit_code in (0, 1), r.output
    return {x["rule"] for x in orjson.loads(r.stdout)["findings"] if x["person"] == "K1"}


def test_the_probation_ends_a_year_after_the_decision(decided):
    due = decided.json("due", "--as-of", "2024-04-02", "--within", "0d")["items"]
    assert ("2024-04-02", "probation_ends", "K1") in [(x["date"], x["kind"], x["person"]) for x in due]
    # PROBATION_OPEN: the year from the decision, then 30 days' grace: open on 2024-05-03, not on 2024-05-02
    assert "PROBATION_OPEN" not in _rules(decided, "2024-05-02", "2024-05-02")
    assert "PROBATION_OPEN" in _rules(decided, "2024-05-03", "2024-05-03")


@pytest.mark.parametrize(("promoted", "found"), [("2024-04-02", True), ("2024-04-03", False)])
def test_a_rank_promotion_is_in_the_probation_until_a_year_after_the_decision(decided, promoted, found):
    decided.ok("promote", "K1", "--rank", "二级主任科员", "--effective", promoted)
    assert ("PROMOTION_IN_PROBATION" in _rules(decided, promoted, promoted)) == found


@pytest.mark.parametrize(("appointed", "found"), [("2026-04-02", True), ("2026-04-03", False)])
def test_the_posts_tenure_counts_from_the_decision(decided, write_jsonl, appointed, found):
    load(decided, write_jsonl, [ev("post_quota_set", "2026-01-01", unit="SW", post="副局长", level="县处级副职",
                                   count=1)])
    decided.ok("end-probation", "K1", "--post", "科长", "--result", "合格", "--effective", "2024-04-03")
    decided.ok("appoint", "K1", "--post", "副局长", "--effective", appointed, "--override", "测试")
    assert ("POST_TENURE" in _rules(decided, appointed, appointed)) == found  # 3 years as 乡科级正职 from 2023-04-03


def test_without_a_decision_on_record_they_count_from_the_appointment(sqlite_ledger, write_jsonl):
    load(sqlite_ledger, write_jsonl, vacancy_bureau())
    sqlite_ledger.ok("appoint", "K1", "--post", "科长", "--section", "工程科", "--publicity-from", "2023-04-06",
                     "--publicity-to", "2023-04-12", "--effective", APPOINTED)
    due = sqlite_ledger.json("due", "--as-of", "2024-04-01", "--within", "30d")["items"]
    assert [(x["date"], x["kind"]) for x in due if x["person"] == "K1"] == [("2024-04-16", "probation_ends")]
