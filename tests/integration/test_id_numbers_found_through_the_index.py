"""A 身份证号 is one person's, found through the fact index's 身份证号 table (`report_id_numbers`, a lookup key per
profile) rather than by reading every fact of the city: refused on a second person naming the first — on a dry run
too —, freed by retracting the profile that gave it, refused when one batch gives it to two people; the table is
derived again like the rest of the index (an index written before it gets it whole), checked by `verify`, and keyed
in an encrypted store."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import orjson
import pytest

from ledger.app.ledger import open_ledger
from ledger.model.errors import Refused
from ledger.model.facts import Draft
from ledger.model.identity import check_character
from tests.conftest import Ledger

SAMPLES = Path(__file__).parent.parent / "fixtures" / "lrmx"
NUMBER = "32058319900517002" + check_character("32058319900517002")


def two_people(ledger: Ledger, env: dict[str, str] | None = None) -> int:
    """The sample staffing, Z1 given NUMBER, and a second person Z2; the id of Z1's profile."""
    ledger.ok("import", str(SAMPLES / "staffing.jsonl"), env=env)
    ledger.ok("profile", "Z1", "--id-number", NUMBER, "--effective", "2023-01-01", env=env)
    profile = int(orjson.loads(ledger.ok("log", "--json", env=env).stdout)[-1]["id"])
    ledger.ok("hire", "Z2", "--name", "周雨", "--gender", "女", "--birth-date", "1990-05-09", "--unit", "JU",
              "--section", "办公室", "--establishment", "行政编制", "--rank", "一级科员", "--mode", "转任",
              "--effective", "2023-01-01", env=env)
    return profile


def test_a_dry_run_is_refused_naming_the_holder(ledger: Ledger) -> None:
    two_people(ledger)
    r = ledger("profile", "Z2", "--id-number", NUMBER, "--effective", "2023-01-02", "--dry-run")
    assert r.exit_code == 1 and "Z1" in r.output and NUMBER not in r.output and "Traceback" not in r.output


def test_a_retracted_profile_frees_the_number(ledger: Ledger) -> None:
    profile = two_people(ledger)
    assert ledger("profile", "Z2", "--id-number", NUMBER, "--effective", "2023-01-02").exit_code == 1
    ledger.ok("retract", str(profile), "--reason", "录入错误: 号码是周雨的")
    ledger.ok("profile", "Z2", "--id-number", NUMBER, "--effective", "2023-01-02")
    r = ledger("profile", "Z1", "--id-number", NUMBER, "--effective", "2023-01-03")  # now Z2's
    assert r.exit_code == 1 and "Z2" in r.output


def test_one_batch_giving_one_number_to_two_people_is_refused(ledger: Ledger, tmp_path: Path) -> None:
    ledger.ok("import", str(SAMPLES / "staffing.jsonl"))
    ledger.ok("hire", "Z2", "--name", "周雨", "--gender", "女", "--birth-date", "1990-05-09", "--unit", "JU",
              "--section", "办公室", "--establishment", "行政编制", "--rank", "一级科员", "--mode", "转任",
              "--effective", "2023-01-01")
    batch = tmp_path / "batch.jsonl"
    batch.write_bytes(b"".join(orjson.dumps({"event": "profile_recorded", "person": p, "id_number": NUMBER,
                                             "effective": "2023-01-02"}) + b"\n" for p in ("Z1", "Z2")))
    before = ledger.event_count()
    r = ledger("import", str(batch))
    assert r.exit_code == 1 and "Z1" in r.output and "Z2" in r.output and "same batch" in r.output
    assert ledger.event_count() == before


def test_the_holder_is_found_without_reading_every_fact(store: str) -> None:
    """A cold process recording a profile reads the holder's facts through the index, never the whole stream."""
    two_people(Ledger(store))
    app = open_ledger(store)
    try:
        with pytest.raises(Refused, match="Z1"):
            app.append([Draft("profile_recorded", {"person": "Z2", "id_number": NUMBER, "effective": "2023-01-02"})],
                       actor="clerk")
        assert not app.fact_log.loaded
        other = "32058319900509004" + check_character("32058319900509004")
        app.append([Draft("profile_recorded", {"person": "Z2", "id_number": other, "effective": "2023-01-02"})],
                   actor="clerk")
        assert not app.fact_log.loaded
    finally:
        app.close()


def test_an_index_without_its_id_number_table_gets_it_whole(sqlite_ledger: Ledger) -> None:
    two_people(sqlite_ledger)
    with sqlite3.connect(sqlite_ledger.store) as conn:  # as an earlier version left it
        conn.execute("DROP TABLE report_id_numbers")
    sqlite_ledger.ok("education", "Z1", "--kind", "全日制", "--level", "大学本科", "--school", "南京大学法学院",
                     "--effective", "2023-01-05")
    with sqlite3.connect(sqlite_ledger.store) as conn:
        assert conn.execute("SELECT count(*) FROM report_id_numbers").fetchone()[0] == 1
    assert sqlite_ledger("profile", "Z2", "--id-number", NUMBER, "--effective", "2023-01-06").exit_code == 1
    sqlite_ledger.ok("verify")


def test_verify_names_an_edited_lookup(sqlite_ledger: Ledger) -> None:
    two_people(sqlite_ledger)
    with sqlite3.connect(sqlite_ledger.store) as conn:
        conn.execute("UPDATE report_id_numbers SET lookup = 'edited'")
    r = sqlite_ledger("verify")
    assert r.exit_code == 1 and "report_id_numbers" in r.output


def test_an_encrypted_store_keys_its_lookups(tmp_path: Path) -> None:
    from ledger.store.crypto import new_key

    ledger = Ledger(str(tmp_path / "ledger.sqlite3"))
    env = {"LEDGER_ENCRYPTION_KEY": new_key()}
    two_people(ledger, env)
    with sqlite3.connect(ledger.store) as conn:
        (lookup,) = conn.execute("SELECT lookup FROM report_id_numbers").fetchone()
    assert lookup != hashlib.sha256(NUMBER.encode()).hexdigest()  # no dictionary of numbers finds it
    r = ledger("profile", "Z2", "--id-number", NUMBER, "--effective", "2023-01-02", env=env)
    assert r.exit_code == 1 and "Z1" in r.output
