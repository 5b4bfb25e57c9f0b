"""`ledger rekey`: an encrypted store re-encrypted under a new key in one transaction; the chain and every answer
unchanged, the old key refused afterwards."""

from __future__ import annotations

from pathlib import Path

from ledger.app import new_key
from tests.audit_bureau import opening

READS = (("roster", "--as-of", "2022-12-31", "--json"), ("digest",), ("history", "T03", "--json"),
         ("units", "--as-of", "2022-12-31", "--json"))


def answers(ledger, key: str) -> list[str]:
    return [ledger.ok(*args, env={"LEDGER_ENCRYPTION_KEY": key}).stdout for args in READS]


def test_rekey_keeps_every_answer_and_the_old_key_no_longer_opens(ledger, write_jsonl, tmp_path: Path) -> None:
    old, new = new_key(), new_key()
    ledger.ok("import", str(write_jsonl(opening())), env={"LEDGER_ENCRYPTION_KEY": old})
    if ledger.store.startswith("postgresql"):
        ledger.ok("access", "enable", env={"LEDGER_ENCRYPTION_KEY": old})  # the guard is lifted for the re-key only
    before = answers(ledger, old)
    (tmp_path / "new.key").write_text(new + "\n")
    r = ledger.ok("rekey", "--new-key-file", str(tmp_path / "new.key"), env={"LEDGER_ENCRYPTION_KEY": old})
    assert "Re-encrypted" in r.output
    assert answers(ledger, new) == before
    # (on PostgreSQL verify also checks that the guard the re-key lifted is back in force)
    assert ledger.ok("verify", env={"LEDGER_ENCRYPTION_KEY": new}).output.startswith("OK:")
    refused = ledger("roster", env={"LEDGER_ENCRYPTION_KEY": old})
    assert refused.exit_code == 1 and "wrong key" in refused.output


def test_rekey_refuses_a_plain_store_and_a_bad_key(sqlite_ledger, write_jsonl, tmp_path: Path) -> None:
    sqlite_ledger.ok("import", str(write_jsonl(opening())))
    r = sqlite_ledger("rekey", env={"LEDGER_NEW_ENCRYPTION_KEY": new_key()})
    assert r.exit_code == 1 and "is not encrypted" in r.output
    key = new_key()
    enc = tmp_path / "enc.sqlite3"
    from tests.conftest import Ledger

    enc_ledger = Ledger(str(enc))
    enc_ledger.ok("import", str(write_jsonl(opening())), env={"LEDGER_ENCRYPTION_KEY": key})
    bad = enc_ledger("rekey", env={"LEDGER_ENCRYPTION_KEY": key, "LEDGER_NEW_ENCRYPTION_KEY": "not-a-key"})
    assert bad.exit_code == 1 and "not base64" in bad.output
    assert enc_ledger("rekey", env={"LEDGER_ENCRYPTION_KEY": key}).exit_code == 2
