"""Issue 25's low findings on names: an actor is a name (no ESC, no U+202E, at most 64 characters) wherever it is
declared, and a unit's name may not hold what its sheet title in the cadre 花名册 cannot (`/ \\ : [ ] * ?`). Each is
refused in one sentence, nothing written."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.conftest import Ledger

MORE = [{"event": "quota_set", "effective": "2022-06-01", "unit": "SJ", "establishment": "行政编制", "count": 9}]


def as_actor(store: str, actor: str, *args: str):
    return CliRunner().invoke(cli, ["--store", store, "--actor", actor, *args], catch_exceptions=False)


@pytest.mark.parametrize(("actor", "said"), [
    ("adm\x1b[2Kadmin", "U+001B"),
    ("admin\u202enimda", "U+202E"),
    ("a" * 5000, "5000 characters, more than the 64 allowed"),
    ("   ", "the actor is blank"),
])
def test_an_actor_that_is_no_name_is_refused_and_nothing_written(sqlite_store, write_jsonl, bureau_lines, actor,
                                                                 said) -> None:
    owner = Ledger(sqlite_store)
    owner.ok("import", str(write_jsonl(bureau_lines)))
    before = owner.event_count()
    r = as_actor(sqlite_store, actor, "import", str(write_jsonl(MORE, "more.jsonl")))
    assert r.exit_code == 1 and said in r.output, r.output
    assert r.output.count("\n") == 1 and "Traceback" not in r.output and "LEDGER_DEBUG" not in r.output
    assert "\x1b" not in r.output and "\u202e" not in r.output and len(r.output) < 400  # quoted, escaped, cut
    assert owner.event_count() == before
    r = as_actor(sqlite_store, "张 三", "import", str(write_jsonl(MORE, "more2.jsonl")))  # a name as names are kept
    assert r.exit_code == 0, r.output
    assert owner.json("log")[-1]["actor"] == "张三"


@pytest.mark.parametrize("bad", list("/\\:[]*?"))
def test_a_unit_name_that_cannot_title_a_sheet_is_refused(sqlite_store, write_jsonl, bad) -> None:
    owner = Ledger(sqlite_store)
    line = [{"event": "unit_established", "effective": "2021-01-01", "unit": "XU", "name": f"区文化{bad}旅游局",
             "kind": "机关"}]
    r = owner("import", str(write_jsonl(line)))
    assert r.exit_code == 1 and f"holds '{bad}', which a unit's name may not" in r.output, r.output
    assert "Traceback" not in r.output
    r = owner("org", "unit", "XU", "--name", f"区文化{bad}旅游局", "--kind", "机关", "--effective", "2021-01-01")
    assert r.exit_code != 0 and "a unit's name may not" in r.output, r.output
