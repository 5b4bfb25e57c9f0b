"""A refusal quotes at most 80 characters of a value (issue 25 item 5: a refusal echoed a 10 MB key back whole):
the value's beginning, an ellipsis, and how long it was."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from ledger.model.errors import QUOTE_LIMIT, Problem, StoreError, clipped, quoted
from tests.conftest import Ledger

BIG = "键" * 10_000_000


CUT = f"'{'键' * QUOTE_LIMIT}…' (10,000,000 characters)"


@pytest.mark.parametrize(("line", "words"), [
    ({"event": "hired", "person": "P1", BIG: 1}, f"hired: unknown field {CUT}"),
    ({"event": BIG}, f"unknown event type {CUT}"),
    ({"event": "rank_promoted", "person": "P1", "rank": "键" * 95, "effective": "2022-01-01"},
     f"unknown rank '{'键' * QUOTE_LIMIT}…' (95 characters)"),
    ({"event": "rank_promoted", "person": "P1", "rank": BIG, "effective": "2022-01-01"},
     "rank: 10000000 characters, more than the 100 allowed"),
    ({"event": "hired", "person": "P1", "effective": "2022-01-01" + BIG}, f"'2022-01-01{'键' * 70}…' (10,000,010"),
])
def test_a_10_mb_value_in_an_import_line_is_never_echoed_back(sqlite_ledger: Ledger, tmp_path: Path,
                                                              line: dict, words: str) -> None:
    path = tmp_path / "big.jsonl"
    path.write_bytes(orjson.dumps(line) + b"\n")
    r = sqlite_ledger("--lang", "en", "import", str(path))
    assert r.exit_code == 1 and words in r.stderr, r.stderr[:2000]
    assert len(r.stderr) < 3000  # the line's other problems (required fields …) included
    assert "键" * (QUOTE_LIMIT + 1) not in r.stderr


def test_an_option_s_huge_value_is_quoted_in_80_characters(sqlite_ledger: Ledger) -> None:
    """Click's usage errors too, for a command's option and for a global one."""
    r = sqlite_ledger("--lang", "en", "roster", "--as-of", "x" * 100_000)
    assert r.exit_code == 2 and f"'{'x' * 80}…' (100,000 characters) is not a date" in r.stderr
    r = sqlite_ledger("--lang", "y" * 100_000, "roster")
    assert r.exit_code == 2 and len(r.stderr) < 1000 and "(100,000 characters)" in r.stderr


def test_quoting_is_exact_at_the_limit_and_cuts_once() -> None:
    assert quoted("a" * 80) == f"'{'a' * 80}'"
    assert quoted("a" * 81) == f"'{'a' * 80}…' (81 characters)"
    once = Problem("x", f"unit '{'u' * 500}' unknown").message
    assert once == f"unit '{'u' * 80}…' (500 characters) unknown"
    assert Problem("x", once, line=3).message == once  # re-made with its line: not cut again
    assert str(StoreError(f"no store '{'s' * 200}'")) == f"no store '{'s' * 80}…' (200 characters)"
    assert len(clipped("z " * 100_000)) < 4100  # unquoted text: the whole message is bounded
