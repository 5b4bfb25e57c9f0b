"""Settings recorded in the store (`ledger settings set FILE.toml`): a fact, so they are as-of and known-at; on SQLite
and PostgreSQL alike; `ledger.toml` beside a SQLite store is still read where none were recorded; a bad file is one
sentence and nothing written."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tests.conftest import Ledger

OFF = '[RETIREMENT_OVERDUE]\nenabled = false\n\n[report]\nto = "中共某区委组织部"\nsigned_by = "中共区农业农村局党组"\n'


def rules(ledger: Ledger, on: str, known_at: str | None = None) -> set[str]:
    extra = ("--known-at", known_at) if known_at else ()
    r = ledger("check", "--as-of", on, "--json", *extra)
    return {x["rule"] for x in orjson.loads(r.stdout)["findings"]}


@pytest.fixture
def bureau(ledger: Ledger, write_jsonl) -> Ledger:
    from tests import compliance_bureau

    ledger.ok("import", str(write_jsonl(compliance_bureau.history())))
    return ledger


def test_settings_are_recorded_effective_dated_and_as_known_at_a_moment(bureau: Ledger, tmp_path: Path) -> None:
    assert bureau.json("settings", "show")["source"] in (None, "file")
    assert "RETIREMENT_OVERDUE" in rules(bureau, "2022-12-31")
    before = bureau.json("log")[-1]["recorded"]
    path = tmp_path / "settings.toml"
    path.write_text(OFF, encoding="utf-8")
    bureau.ok("settings", "set", str(path), "--effective", "2022-07-01", "--basis", "区农业农村局〔2022〕1号")
    shown = bureau.json("settings", "show", "--as-of", "2022-12-31")
    assert shown["source"] == "store" and shown["settings"]["report"]["signed_by"] == "中共区农业农村局党组"
    assert shown["settings"]["RETIREMENT_OVERDUE"] == {"enabled": False}
    assert "RETIREMENT_OVERDUE" not in rules(bureau, "2022-12-31")  # the override in force on the date
    assert bureau.json("settings", "show", "--as-of", "2022-06-30")["source"] != "store"  # before it took effect
    assert "RETIREMENT_OVERDUE" in rules(bureau, "2022-12-31", before)  # as known before it was recorded
    assert bureau.json("settings", "show", "--as-of", "2022-12-31", "--known-at", before)["source"] != "store"
    assert bureau.json("log")[-1]["event"] == "settings_changed"


def test_a_bad_settings_file_is_one_sentence_and_nothing_written(bureau: Ledger, tmp_path: Path) -> None:
    count = bureau.event_count()
    for text in ("[NO_SUCH_RULE]\nenabled = false\n", "[report\n", "[RETIREMENT_OVERDUE]\nage = -1\n"):
        path = tmp_path / "bad.toml"
        path.write_text(text, encoding="utf-8")
        r = bureau("settings", "set", str(path))
        assert r.exit_code == 1 and "Traceback" not in r.output and len(r.stderr.strip().splitlines()) == 1, r.output
    assert bureau.event_count() == count


def test_ledger_toml_beside_a_sqlite_store_is_still_read_until_settings_are_recorded(sqlite_ledger: Ledger,
                                                                                      write_jsonl,
                                                                                      tmp_path: Path) -> None:
    from tests import compliance_bureau

    sqlite_ledger.ok("import", str(write_jsonl(compliance_bureau.history())))
    (Path(sqlite_ledger.store).parent / "ledger.toml").write_text(OFF, encoding="utf-8")
    shown = sqlite_ledger.json("settings", "show")
    assert shown["source"] == "file" and shown["settings"]["report"]["to"] == "中共某区委组织部"
    assert "RETIREMENT_OVERDUE" not in rules(sqlite_ledger, "2022-12-31")
    path = tmp_path / "in_store.toml"
    path.write_text('[report]\nto = "中共某区委组织部"\n', encoding="utf-8")
    sqlite_ledger.ok("settings", "set", str(path), "--effective", "2022-01-01")
    assert sqlite_ledger.json("settings", "show")["source"] == "store"  # the store's settings come first
    assert "RETIREMENT_OVERDUE" in rules(sqlite_ledger, "2022-12-31")


def test_settings_imported_as_a_line_are_checked_like_a_file(ledger: Ledger, write_jsonl) -> None:
    line = {"event": "settings_changed", "effective": "2022-01-01", "settings": '{"NO_SUCH_RULE": {"enabled": false}}'}
    r = ledger("import", str(write_jsonl([line])))
    assert r.exit_code == 1 and "unknown rule 'NO_SUCH_RULE'" in r.output
