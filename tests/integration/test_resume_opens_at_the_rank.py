"""The 简历's opening line of someone recorded at the unit's opening (期初) without a post begins at their 任现职级时间
(`rank_since`): the unit is theirs from the opening hire. Not for an arrival (转任: the rank was reached elsewhere),
never over a line from before the ledger that places them elsewhere after it."""

from __future__ import annotations

from tests.conftest import Ledger


def bureau(ledger: Ledger) -> None:
    ledger.ok("org", "unit", "SJ", "--name", "区审计局", "--kind", "机关", "--effective", "2020-01-01")
    ledger.ok("org", "section", "SJ", "--section", "审计科", "--effective", "2020-01-01")
    ledger.ok("org", "quota", "SJ", "--establishment", "行政编制", "--count", "5", "--effective", "2020-01-01")
    for person, name, effective, mode in (("A1", "程立", "2020-01-01", "转任"), ("A2", "程安", "2021-03-01", "转任"),
                                          ("A3", "程远", "2020-01-01", "转任")):
        ledger.ok("hire", person, "--name", name, "--gender", "男", "--birth-date", "1988-04-02", "--unit", "SJ",
                  "--section", "审计科", "--establishment", "行政编制", "--rank", "一级科员", "--rank-since",
                  "2016-05-01", "--mode", mode, "--effective", effective)


def first_line(ledger: Ledger, person: str) -> tuple[str, str | None, str]:
    lines = ledger.json("resume", person, "--as-of", "2022-12-31")["lines"]
    return next((x["from"], x["to"], x["source"]) for x in lines if x["source"] == "ledger")


def test_the_opening_line_begins_at_the_rank_reached_in_the_unit(ledger: Ledger) -> None:
    bureau(ledger)
    assert first_line(ledger, "A1") == ("2016-05", None, "ledger")  # at the opening: since the rank
    assert first_line(ledger, "A2") == ("2021-03", None, "ledger")  # an arrival after the opening: since the hire


def test_a_line_from_before_the_ledger_decides_whether_the_rank_opens_it(ledger: Ledger) -> None:
    bureau(ledger)
    ledger.ok("career", "A3", "--from-month", "2010.07", "--to-month", "2016.05", "--text", "区财政局科员",
              "--effective", "2021-01-01")  # recorded after the opening: the whole file counts
    lines = ledger.json("resume", "A3", "--as-of", "2022-12-31")["lines"]
    assert [(x["from"], x["to"], x["source"]) for x in lines] == [("2010-07", "2016-05", "career"),
                                                                  ("2016-05", None, "ledger")]
    ledger.ok("career", "A1", "--from-month", "2010.07", "--to-month", "2017.09", "--text", "区财政局科员",
              "--effective", "2021-01-01")  # elsewhere after the rank was reached: the line opens at the opening
    lines = ledger.json("resume", "A1", "--as-of", "2022-12-31")["lines"]
    assert [(x["from"], x["to"], x["source"]) for x in lines] == [("2010-07", "2017-09", "career"),
                                                                  ("2020-01", None, "ledger")]
