"""A selection from 动议 to 试用期满, through the CLI and through an import, on SQLite and PostgreSQL; and a probation
closed 不合格 puts the person back where they were."""

from __future__ import annotations

from tests.conftest import Ledger
from tests.scenarios import ev
from tests.selection_bureau import selection_path, vacancy_bureau


def _person(ledger: Ledger, day: str, person: str) -> dict:
    return next(p for p in ledger.json("roster", "--as-of", day)["people"] if p["person"] == person)


def test_each_step_through_its_command_and_the_path_shown(ledger: Ledger, write_jsonl) -> None:
    ledger.ok("import", str(write_jsonl(vacancy_bureau())))
    ok = ledger.ok
    ok("selection", "start", "SW2023-01", "--unit", "SW", "--post", "科长", "--section", "工程科",
       "--effective", "2023-03-01", "--basis", "纪要〔2023〕1号")
    ok("selection", "recommend", "SW2023-01", "--participants", "9", "--votes", "K1:7, K2:2", "--effective", "2023-03-10")
    ok("selection", "inspect", "SW2023-01", "--candidates", "K1", "--conclusion", "考察合格", "--effective", "2023-03-20")
    ok("selection", "decide", "SW2023-01", "--present", "6", "--members", "7", "--chosen", "K1",
       "--effective", "2023-04-03")
    ok("appoint", "K1", "--post", "科长", "--section", "工程科", "--selection", "SW2023-01", "--effective", "2023-04-17",
       "--publicity-from", "2023-04-04", "--publicity-to", "2023-04-10")
    ok("vacate", "K1", "--post", "副科长", "--section", "综合科", "--effective", "2023-04-17")
    ok("end-probation", "K1", "--post", "科长", "--section", "工程科", "--result", "合格", "--effective", "2024-04-17")
    shown = ledger.json("selection", "show", "SW2023-01")
    assert [(s["step"], s["effective"]) for s in shown["steps"]] == [
        ("动议", "2023-03-01"), ("民主推荐", "2023-03-10"), ("考察", "2023-03-20"), ("讨论决定", "2023-04-03"),
        ("任前公示", "2023-04-04"), ("任职", "2023-04-17"), ("试用期满", "2024-04-17")]
    assert shown["post"] == "科长" and shown["section"] == "工程科" and shown["unit"] == "SW"
    recommendation = shown["steps"][1]
    assert recommendation["votes"] == [{"candidate": "K1", "name": "田野", "votes": 7},
                                       {"candidate": "K2", "name": "江河", "votes": 2}]
    assert shown["steps"][3]["present"] == 6 and shown["steps"][3]["members"] == 7
    assert shown["steps"][4]["to"] == "2023-04-10" and shown["steps"][6]["result"] == "合格"
    text = ledger.ok("selection", "show", "SW2023-01").output
    for line in ("2023-03-01  动议", "2023-04-03  讨论决定", "2023-04-17  任职", "2024-04-17  试用期满"):
        assert line in text
    # The 提拔 started its probation by default: the appointment says so outright.
    appointed = [e for e in ledger.json("log") if e["event"] == "post_appointed" and e["person"] == "K1"]
    assert appointed[-1]["probation"] is True and appointed[-1]["selection"] == "SW2023-01"
    assert _person(ledger, "2024-06-30", "K1")["posts"] == [{"post": "科长", "section": "工程科"}]


def test_each_step_through_an_import_in_any_line_order(ledger: Ledger, write_jsonl) -> None:
    lines = [*vacancy_bureau(), *selection_path(),
             ev("post_appointed", "2023-04-17", person="K1", post="科长", section="工程科", selection="SW2023-01",
                publicity_from="2023-04-04", publicity_to="2023-04-10"),
             ev("post_vacated", "2023-04-17", person="K1", post="副科长", section="综合科")]
    ledger.ok("import", str(write_jsonl(list(reversed(lines)))))
    shown = ledger.json("selection", "show", "SW2023-01")
    assert [s["step"] for s in shown["steps"]] == ["动议", "民主推荐", "考察", "讨论决定", "任前公示", "任职"]
    assert shown["appointed"] == [{"person": "K1", "name": "田野", "effective": "2023-04-17", "probation": True,
                                   "probation_ended": None, "result": None}]


def test_steps_that_cannot_be_are_refused_and_nothing_is_written(ledger: Ledger, write_jsonl) -> None:
    ledger.ok("import", str(write_jsonl([*vacancy_bureau(), *selection_path()])))
    before = ledger.event_count()
    refused = {
        ("selection", "recommend", "NOPE", "--participants", "3", "--votes", "K1:2", "--effective", "2023-05-01"):
            "no selection 'NOPE' started on or before this date",
        ("selection", "start", "SW2023-01", "--unit", "SW", "--post", "科长", "--effective", "2023-05-01"):
            "selection 'SW2023-01' was started on 2023-03-01",
        ("selection", "start", "SW2023-02", "--unit", "SW", "--post", "处长", "--effective", "2023-05-01"):
            "has no post '处长'",
        ("selection", "recommend", "SW2023-01", "--participants", "3", "--votes", "K1:5", "--effective", "2023-05-01"):
            "more votes than the 3 who took part",
        ("selection", "recommend", "SW2023-01", "--participants", "3", "--votes", "K1 five", "--effective", "2023-05-01"):
            "is not CANDIDATE:VOTES",
        ("selection", "decide", "SW2023-01", "--present", "8", "--members", "7", "--chosen", "K1", "--effective",
         "2023-05-01"): "8 present of 7 members cannot be",
        ("selection", "inspect", "SW2023-01", "--candidates", "K1", "--conclusion", "好", "--effective", "2023-02-01"):
            "no selection 'SW2023-01' started on or before this date",
        ("appoint", "K2", "--post", "科长", "--section", "工程科", "--selection", "SW2023-01", "--effective", "2023-05-01"):
            "chose K1, not K2",
        ("appoint", "K1", "--post", "副科长", "--section", "工程科", "--selection", "SW2023-01", "--effective",
         "2023-05-01"): "fills 工程科科长",
        ("appoint", "K1", "--post", "科长", "--section", "工程科", "--probation", "--no-probation", "选举产生",
         "--effective", "2023-05-01"): "both --probation and --no-probation",
        ("end-probation", "K2", "--post", "科长", "--result", "合格", "--effective", "2023-05-01"):
            "does not hold 科长",
    }
    for args, message in refused.items():
        r = ledger(*args)
        assert r.exit_code == 1 and message in r.stderr, (args, r.output)
    assert ledger.event_count() == before


def _promoted_from_deputy_to_head(ledger: Ledger, write_jsonl) -> None:
    """K1, 副科长 of 综合科, appointed 工程科科长 by the selection and relieved of the old post the same day."""
    ledger.ok("import", str(write_jsonl([*vacancy_bureau(), *selection_path()])))
    ledger.ok("appoint", "K1", "--post", "科长", "--section", "工程科", "--selection", "SW2023-01",
              "--effective", "2023-04-17", "--publicity-from", "2023-04-04", "--publicity-to", "2023-04-11")
    ledger.ok("vacate", "K1", "--post", "副科长", "--section", "综合科", "--effective", "2023-04-17")


def test_a_probation_closed_unsatisfactory_puts_the_person_back(ledger: Ledger, write_jsonl) -> None:
    _promoted_from_deputy_to_head(ledger, write_jsonl)
    ledger.ok("end-probation", "K1", "--post", "科长", "--section", "工程科", "--result", "不合格",
              "--effective", "2024-04-17")
    assert _person(ledger, "2024-04-16", "K1")["posts"] == [{"post": "科长", "section": "工程科"}]
    assert _person(ledger, "2024-04-17", "K1")["posts"] == [{"post": "副科长", "section": "综合科"}]
    # The freed 科长 place can be filled the same day; the diff shows the removal.
    diff = ledger.json("diff", "--from", "2024-01-01", "--to", "2024-12-31")
    assert [(x["person"], x["post"]) for x in diff["vacated"]] == [("K1", "科长")]
    # Ended once: a second end is refused.
    r = ledger("end-probation", "K1", "--post", "副科长", "--result", "合格", "--effective", "2024-05-01")
    assert r.exit_code == 1 and "without a probation" in r.stderr


def test_a_probation_returned_to_a_post_now_filled_is_over_the_quota(ledger: Ledger, write_jsonl) -> None:
    _promoted_from_deputy_to_head(ledger, write_jsonl)
    ledger.ok("appoint", "K2", "--post", "副科长", "--section", "综合科", "--effective", "2023-06-01",
              "--no-probation", "平级交流")
    ledger.ok("appoint", "K3", "--post", "副科长", "--section", "工程科", "--effective", "2023-06-01")
    before = ledger.event_count()
    r = ledger("end-probation", "K1", "--post", "科长", "--result", "不合格", "--effective", "2024-04-17")
    assert r.exit_code == 1 and "超职数" in r.stderr and "副科长 against 领导职数 2" in r.stderr
    assert ledger.event_count() == before
    ledger.ok("end-probation", "K1", "--post", "科长", "--result", "不合格", "--effective", "2024-04-17",
              "--override", "待消化")


def test_a_review_is_recorded_once_per_year_and_subject(ledger: Ledger, write_jsonl) -> None:
    ledger.ok("import", str(write_jsonl(vacancy_bureau())))
    counts = ("--satisfied", "8", "--basically-satisfied", "1", "--dissatisfied", "0", "--not-known", "1")
    ledger.ok("review", "2022", *counts, "--effective", "2023-01-10")
    ledger.ok("review", "2022", "--person", "K1", *counts, "--effective", "2023-01-10")
    before = ledger.event_count()
    for args, message in (((), "already recorded"), (("--person", "ZZ"), "no such person"),
                          (("--person", "K2"), None)):
        r = ledger("review", "2022", *args, *counts, "--effective", "2023-01-10")
        if message is None:
            assert r.exit_code == 0
            before += 1
        else:
            assert r.exit_code == 1 and message in r.stderr
    r = ledger("review", "2024", *counts, "--effective", "2023-01-10")
    assert r.exit_code == 1 and "a review of 2024 cannot take effect in 2023" in r.stderr
    assert ledger.event_count() == before
