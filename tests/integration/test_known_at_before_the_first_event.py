"""Issue 15 item 8: asked as known at a moment before the ledger's first event, the ledger says when its first
event was recorded, instead of printing a bare header that reads like an empty organisation."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("command", [["roster", "--as-of", "2022-06-30"], ["units", "--as-of", "2022-06-30"],
                                     ["roster", "--as-of", "2022-06-30", "--json"],
                                     ["diff", "--from", "2022-01-01", "--to", "2022-06-30"]])
def test_a_moment_before_the_first_event_says_when_it_was_recorded(ledger, write_jsonl, bureau_lines, command):
    ledger.ok("import", str(write_jsonl(bureau_lines)))
    first = ledger.json("log")[0]["recorded"]
    r = ledger(*command, "--known-at", "2022-07-15T09:00Z")
    assert r.exit_code == 0, r.output
    assert "the ledger's first event was recorded at" in r.stderr
    assert first[:19] in r.stderr


def test_a_moment_after_the_first_event_has_no_such_note(sqlite_ledger, write_jsonl, bureau_lines):
    sqlite_ledger.ok("import", str(write_jsonl(bureau_lines)))
    r = sqlite_ledger("roster", "--as-of", "2022-06-30", "--known-at", "2099-01-01T00:00Z")
    assert r.exit_code == 0 and "first event" not in r.stderr and "Roster on 2022-06-30" in r.stdout
