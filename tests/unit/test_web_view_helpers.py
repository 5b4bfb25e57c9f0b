"""The web view's small pieces: the unit tree's order, the diff's titles, addresses that hold a view, the token's
hosts, and parameters parsed as the CLI parses its options."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ledger.app import DIFF_KEYS
from web.params import BadRequest, Params
from web.render import page_url
from web.security import is_loopback
from web.views import DIFF_TITLES, slider_days, unit_tree


def unit(code: str, parent: str | None, filled: int = 1) -> dict:
    return {"unit": code, "parent": parent, "headcount": filled, "establishment": [{"quota": 2, "filled": filled}],
            "posts": [{"quota": 1, "filled": 1}, {"quota": 2, "filled": 0}]}


def test_the_tree_puts_each_unit_under_its_parent_in_the_order_they_were_established() -> None:
    units = [unit("A", None), unit("B", None), unit("A1", "A"), unit("B1", "B"), unit("A2", "A"), unit("A11", "A1"),
             unit("X1", "GONE")]  # a parent not shown (not there on the date): the unit stands at the top
    tree = unit_tree(units)
    assert [(u["unit"], u["depth"]) for u in tree] == [("A", 0), ("A1", 1), ("A11", 2), ("A2", 1), ("B", 0),
                                                       ("B1", 1), ("X1", 0)]
    assert (tree[0]["quota"], tree[0]["posts_quota"], tree[0]["posts_filled"]) == (2, 3, 1)


def test_every_list_of_the_diff_has_a_title() -> None:
    assert list(DIFF_TITLES) == list(DIFF_KEYS)


def test_an_address_holds_only_what_has_a_value() -> None:
    moment = datetime(2022, 7, 15, 9, 0, tzinfo=UTC)
    assert page_url("/", as_of=date(2022, 6, 30), known_at=moment, unit=None) == \
        "/?as_of=2022-06-30&known_at=2022-07-15T09%3A00%3A00%2B00%3A00"
    assert page_url("/unit/JU", year="", as_of=None) == "/unit/JU"


@pytest.mark.parametrize("host,loopback", [("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("[::1]", True),
                                           ("localhost", True), ("0.0.0.0", False), ("192.168.1.5", False),
                                           ("ledger.bureau.lan", False), ("::", False)])
def test_only_loopback_hosts_go_without_a_token(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_parameters_parse_as_the_cli_parses_options() -> None:
    p = Params({"as_of": "2022年9月1日", "known_at": "2022-07-15", "unit": " JU ", "since": ""}, "as_of", "known_at",
               "unit", "since")
    assert p.date("as_of") == date(2022, 9, 1)
    assert p.moment("known_at") == datetime(2022, 7, 15, 23, 59, 59, 999999, tzinfo=UTC)  # a bare date: its end
    assert p.text("unit") == "JU" and p.date("since") is None  # a blank field is no value
    assert p.day("since", date(2022, 1, 1)) == date(2022, 1, 1)
    with pytest.raises(BadRequest, match="unknown parameter 'asof'"):
        Params({"asof": "2022-01-01"}, "as_of")
    with pytest.raises(BadRequest, match="year: 'MMXXII' is not a year"):
        Params({"year": "MMXXII"}, "year").year("year", 2022)


def test_the_date_slider_spans_the_ledger_and_today() -> None:
    span = {"first_effective": "2019-01-01", "last_effective": "2030-01-01",
            "first_recorded": "2024-01-01T00:00:00+00:00", "last_recorded": "2024-01-01T00:00:00.015000+00:00"}
    days = slider_days(span, date(2018, 5, 1))
    assert (days["min"], days["max"], days["value"]) == ("2018-05-01", "2030-01-01", "2018-05-01")
