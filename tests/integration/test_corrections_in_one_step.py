"""Issue 15 item 2: `ledger correct` retracts an event and records its corrected form in one batch judged as a
whole; `ledger retract` takes several ids; every recording command takes --dry-run and then writes nothing."""

from __future__ import annotations

import click
import pytest

from cli.main import cli
from tests.scenarios import ev, small_bureau


@pytest.fixture
def bureau(ledger, write_jsonl):
    ledger.ok("import", str(write_jsonl(small_bureau() + [
        ev("rank_promoted", "2022-03-01", person="S04", rank="二级主任科员"),
        ev("transferred", "2022-06-01", person="S04", section="稽查科"),
    ])))
    return ledger


def event_id(ledger, person: str, event: str) -> int:
    return next(e["id"] for e in ledger.json("history", person) if e["event"] == event)


def test_a_hire_with_later_events_is_corrected_in_one_step(bureau):
    hire = event_id(bureau, "S04", "hired")
    r = bureau.ok("correct", str(hire), "--birth-date", "1988-03-13", "--reason", "birth date mistyped")
    corrected, retraction = (int(x) for x in r.stdout.split())
    log = {e["id"]: e for e in bureau.json("log")}
    assert log[retraction]["target"] == hire and log[retraction]["replacement"] == corrected
    assert log[retraction]["reason"] == "birth date mistyped"
    assert log[corrected]["birth_date"] == "1988-03-13" and log[corrected]["section"] == "法规科"
    people = bureau.json("roster", "--as-of", "2022-12-31")["people"]
    s04 = next(p for p in people if p["person"] == "S04")
    assert (s04["birth_date"], s04["rank"], s04["section"]) == ("1988-03-13", "二级主任科员", "稽查科")


def test_a_correction_is_judged_with_the_later_events(bureau):
    count = bureau.event_count()
    hire = event_id(bureau, "S04", "hired")
    # hired at 二级主任科员, the recorded 2022 promotion to 二级主任科员 would not be upward
    r = bureau("correct", str(hire), "--rank", "二级主任科员", "--reason", "wrong rank")
    assert r.exit_code == 1 and "Refused (nothing was written)" in r.stderr and "higher rank" in r.stderr
    # the promotion moved before the hire
    r = bureau("correct", str(event_id(bureau, "S04", "rank_promoted")), "--effective", "2020-06-01",
               "--reason", "wrong date")
    assert r.exit_code == 1 and "not on the establishment" in r.stderr
    assert bureau.event_count() == count


def test_what_cannot_be_corrected_is_refused_in_a_sentence(bureau):
    count = bureau.event_count()
    hire = event_id(bureau, "S04", "hired")
    r = bureau("correct", str(hire), "--post", "科长", "--reason", "x")
    assert r.exit_code == 1 and "hired, which has no field --post" in r.stderr and "--birth-date" in r.stderr
    r = bureau("correct", str(hire), "--birth-date", "1988-03-03", "--reason", "x")
    assert r.exit_code == 1 and "already holds" in r.stderr
    r = bureau("correct", "99999", "--birth-date", "1988-03-03", "--reason", "x")
    assert r.exit_code == 1 and "no event 99999" in r.stderr
    r = bureau("correct", str(hire), "--reason", "x")
    assert r.exit_code == 2 and "--FIELD VALUE" in r.stderr
    r = bureau("correct", str(hire), "--birth-date", "1988-03-13")
    assert r.exit_code == 2 and "--reason" in r.stderr
    assert bureau.event_count() == count
    corrected, retraction = bureau.ok("correct", str(hire), "--birth-date", "1988-03-13", "--reason", "mistyped"
                                      ).stdout.split()
    r = bureau("correct", str(hire), "--birth-date", "1988-03-14", "--reason", "again")
    assert r.exit_code == 1 and f"already retracted by event {retraction}" in r.stderr
    assert f"its correction is event {corrected}: correct that one" in r.stderr


def test_several_events_are_retracted_in_one_batch(bureau):
    ids = [event_id(bureau, "S04", e) for e in ("rank_promoted", "transferred")]
    count = bureau.event_count()
    r = bureau("retract", str(ids[0]), "99999", "--reason", "x")  # one bad id: nothing written
    assert r.exit_code == 1 and "no event 99999" in r.stderr and bureau.event_count() == count
    r = bureau.ok("retract", *map(str, ids), "--reason", "entered for the wrong person")
    assert len(r.stdout.split()) == 2 and bureau.event_count() == count + 2
    s04 = next(p for p in bureau.json("roster", "--as-of", "2022-12-31")["people"] if p["person"] == "S04")
    assert (s04["rank"], s04["section"]) == ("三级主任科员", "法规科")


def test_a_retraction_retracted_restores_the_event(bureau):
    """Undoing a retraction is a retraction of it: the move counts again (the append validates only the part of the
    timeline it can change, which must include the person the retracted retraction was about)."""
    move = event_id(bureau, "S04", "transferred")

    def section() -> str:
        people = bureau.json("roster", "--as-of", "2022-12-31")["people"]
        return next(p["section"] for p in people if p["person"] == "S04")

    undo = int(bureau.ok("retract", str(move), "--reason", "entered too early").stdout.split()[0])
    assert section() == "法规科"
    bureau.ok("retract", str(undo), "--reason", "the move did happen")
    assert section() == "稽查科"


def test_dry_run_shows_what_would_be_recorded_and_the_warnings_and_writes_nothing(bureau):
    log = bureau.json("log")
    r = bureau("promote", "S05", "--rank", "四级主任科员", "--effective", "2021-06-01", "--dry-run")
    assert r.exit_code == 0
    assert f"would record {log[-1]['id'] + 1}: rank promotion effective 2021-06-01: person=S05" in r.stdout
    assert "Warning: RANK_TENURE" in r.stderr and "nothing written" in r.stderr
    r = bureau("--strict", "promote", "S05", "--rank", "四级主任科员", "--effective", "2021-06-01", "--dry-run")
    assert r.exit_code == 1 and "RANK_TENURE" in r.stderr
    r = bureau("promote", "S05", "--rank", "二级科员", "--effective", "2021-06-01", "--dry-run")
    assert r.exit_code == 1 and "Refused" in r.stderr
    assert bureau.json("log") == log


READERS = ("list", "show", "roster", "units", "check", "eligible", "due", "report", "access", "transfers", "history")  # a group's readers


def test_every_recording_command_takes_dry_run():
    from cli.append import COMMANDS

    recording = [c for c in COMMANDS if not isinstance(c, click.Group)]
    recording += [c for g in COMMANDS if isinstance(g, click.Group) for c in g.commands.values()
                  if c.name not in READERS]  # the readers of those groups
    recording += [cli.commands[n] for n in ("correct", "import", "import-roster", "import-lrmx")]
    assert len(recording) > 25
    for command in recording:
        dry = [p for p in command.params if p.name == "dry_run"]
        assert dry and dry[0].help, command.name


def test_a_dry_run_opens_the_store_for_reading_only(bureau):
    """Not an event, not a derived table's row, not a lock: the store's content is as it was."""
    from tests.safety import fingerprint

    before = fingerprint(bureau.store)
    bureau.ok("promote", "司马光", "--rank", "一级主任科员", "--effective", "2024-03-01", "--dry-run")
    bureau.ok("retract", str(event_id(bureau, "S04", "transferred")), "--reason", "x", "--dry-run")
    bureau.ok("correct", str(event_id(bureau, "S04", "hired")), "--birth-date", "1988-03-13", "--reason", "x",
              "--dry-run")
    assert fingerprint(bureau.store) == before


def test_a_dry_run_before_the_first_event_makes_no_store(tmp_path):
    from tests.conftest import Ledger

    store = tmp_path / "new" / "ledger.sqlite3"
    store.parent.mkdir()
    r = Ledger(str(store)).ok("org", "unit", "JU", "--name", "区文化和旅游局", "--kind", "机关",
                              "--effective", "2019-01-01", "--dry-run")
    assert "would record 2: unit established" in r.stdout
    assert list(store.parent.iterdir()) == []
