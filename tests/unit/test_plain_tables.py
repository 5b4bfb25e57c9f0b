"""A table that neither folds nor is coloured is written directly, not laid out by rich (a city's thousands of
findings took rich seconds): it must read exactly as rich would draw it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cli.output import _rich_table, plain_table

text = st.text(alphabet=st.sampled_from("abcXYZ019-:.()/ 局长综合科张三李四王五试用期满（）、"), max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(
    st.lists(text.filter(bool), min_size=n, max_size=n),
    st.lists(st.lists(text, min_size=n, max_size=n), max_size=6))))
def test_a_plain_table_reads_as_rich_draws_it(table: tuple[list[str], list[list[str]]]) -> None:
    headers, rows = table
    assert plain_table(headers, rows) == _rich_table(headers, rows, {}, None)


def test_the_rule_runs_under_every_column() -> None:
    drawn = plain_table(["规则", "Who"], [["RANK_TENURE", "P1 张三"], ["X", "-"]]).split("\n")
    assert drawn[0] == "规则         Who"
    assert drawn[1] == "─" * 20  # under "RANK_TENURE  P1 张三": 张三 is four cells wide
    assert drawn[2] == "RANK_TENURE  P1 张三"
