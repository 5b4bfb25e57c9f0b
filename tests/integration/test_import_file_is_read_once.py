"""`ledger import` parses each line's fields once: `read_jsonl` keeps the parsed fields on the draft and `append`
uses them; the recorded facts are the same as when `append` parses the raw fields itself."""

from __future__ import annotations

from dataclasses import replace

from ledger.app.ledger import open_ledger
from ledger.io.jsonl import read_jsonl
from ledger.model.parsing import parse_fields


def test_read_drafts_carry_their_parsed_fields_and_record_the_same(tmp_path, write_jsonl, bureau_lines) -> None:
    drafts = read_jsonl(write_jsonl(bureau_lines))
    assert drafts and all(d.parsed == parse_fields(d.event, d.fields)[0] for d in drafts)
    a = open_ledger(str(tmp_path / "a.sqlite3"))
    b = open_ledger(str(tmp_path / "b.sqlite3"))
    a.append(drafts, actor="t")
    b.append([replace(d, parsed=None) for d in drafts], actor="t")
    assert [(f.id, f.event, f.data) for f in a.facts()] == [(f.id, f.event, f.data) for f in b.facts()]
    assert all(d.parsed == parse_fields(d.event, d.fields)[0] for d in drafts)  # not changed by the append
