"""Issue 15 item 9: the shell completes commands, person ids and names, unit codes and ranks (click's completion,
`_LEDGER_COMPLETE`), reading the store the command line names, read-only; without a store it offers nothing."""

from __future__ import annotations

from tests.conftest import run_ledger
from tests.scenarios import small_bureau


def complete(*words: str, cwd=None, env=None) -> list[str]:
    line = ["ledger", *words]
    p = run_ledger(cwd=cwd, env={"COMP_WORDS": " ".join(line), "COMP_CWORD": str(len(line) - 1),
                                 "_LEDGER_COMPLETE": "bash_complete", **(env or {})})
    assert p.returncode == 0, p.stderr
    return [x.split(",", 1)[1] for x in p.stdout.splitlines() if x]


def test_commands_ids_units_and_ranks_are_completed(sqlite_ledger, write_jsonl, tmp_path):
    sqlite_ledger.ok("import", str(write_jsonl(small_bureau())))
    store = sqlite_ledger.store
    assert "history" in complete("hist")
    assert complete("--store", store, "promote", "S0") == ["S01", "S02", "S03", "S04", "S05", "S06"]
    assert complete("--store", store, "history", "司马") == ["司马光"]
    assert complete("roster", "--unit", "", env={"LEDGER_STORE": store}) == ["SJ", "JC"]
    assert complete("--store", store, "promote", "S04", "--rank", "四级") == ["四级主任科员", "四级调研员", "四级职员"]
    count = sqlite_ledger.event_count()
    assert sqlite_ledger.event_count() == count


def test_without_a_store_nothing_is_offered_and_nothing_is_made(tmp_path):
    assert complete("history", "", cwd=tmp_path, env={"LEDGER_STORE": ""}) == []
    assert list(tmp_path.iterdir()) == []
