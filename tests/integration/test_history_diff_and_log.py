"""history, diff and the log's filters on a bureau with a retraction and a back-dated event, through the real CLI
(one bureau of each kind of store, built once: the tests only read it)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from tests.audit_bureau import opening, year_2022
from tests.conftest import Ledger, as_each_test_runs, module_store


@dataclass
class Bureau:
    ledger: Ledger
    wrong: int  # a promotion of the wrong person, later retracted
    retraction: int
    backdated: int  # a 2021 promotion recorded after the 2022 events
    moved: int
    released: int
    before_retraction: datetime  # a moment between the wrong promotion and its retraction


def as_actor(ledger: Ledger, actor: str, *args: str) -> int:
    r = ledger.runner.invoke(ledger.cli, ["--store", ledger.store, "--actor", actor, *args], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return ledger.json("log")[-1]["id"]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def bureau(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Bureau:
    """One bureau per kind of store, shared by the module's tests: they only read it (history, diff, log)."""
    import orjson

    from cli.main import cli

    ledger = Ledger(module_store(request.param, tmp_path_factory))
    ledger.cli = cli
    with as_each_test_runs():
        lines = tmp_path_factory.mktemp("lines") / "bureau.jsonl"
        lines.write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in opening() + year_2022()))
        ledger.ok("import", str(lines))
        wrong = as_actor(ledger, "clerk2", "promote", "T02", "--rank", "四级调研员", "--effective", "2022-07-01")
        time.sleep(0.01)
        moment = datetime.now(UTC)
        time.sleep(0.01)
        retraction = as_actor(ledger, "auditor", "retract", str(wrong), "--reason", "wrong person: meant T03")
        backdated = as_actor(ledger, "clerk2", "promote", "T04", "--rank", "四级主任科员", "--effective", "2021-07-01",
                             "--basis", "区统计党组〔2021〕7号")
        moved = as_actor(ledger, "clerk2", "transfer", "T04", "--section", "综合科", "--effective", "2022-11-15")
        released = as_actor(ledger, "tester", "release", "Z01", "--effective", "2022-12-31")
    return Bureau(ledger, wrong, retraction, backdated, moved, released, moment)


# --- history ---------------------------------------------------------------------------------------------------
def test_history_marks_the_retracted_promotion_with_who_when_and_why(bureau: Bureau):
    entries = bureau.ledger.json("history", "T02")
    by_id = {e["id"]: e for e in entries}
    wrong = by_id[bureau.wrong]
    assert wrong["event"] == "rank_promoted" and wrong["actor"] == "clerk2"
    assert wrong["retracted_by"] == bureau.retraction
    r = wrong["retracted"]
    assert r["id"] == bureau.retraction and r["reason"] == "wrong person: meant T03" and r["actor"] == "auditor"
    assert datetime.fromisoformat(r["recorded"]) > bureau.before_retraction
    assert by_id[bureau.retraction]["event"] == "retracted" and by_id[bureau.retraction]["target"] == bureau.wrong
    standing = [e for e in entries if e["id"] != bureau.wrong]
    assert all(e["retracted"] is None for e in standing)
    appointed = next(e for e in entries if e["event"] == "post_appointed")
    assert appointed["note"] == "经党组会研究" and appointed["recorded"] and appointed["actor"] == "tester"


def test_history_table_shows_basis_note_recorded_time_and_the_retraction(bureau: Bureau):
    out = bureau.ledger.ok("history", "T02").output
    assert f"RETRACTED by {bureau.retraction} (auditor, " in out
    assert "wrong person: meant T03" in out
    assert "经党组会研究" in out
    heading, headers = out.splitlines()[:2]
    assert heading.startswith("公孙兰 (T02): ")  # the person the history is about
    for header in ("Effective", "Basis", "Note", "Recorded (UTC)", "Actor", "Correction"):
        assert header in headers


def test_history_lists_a_backdated_event_at_its_effective_date(bureau: Bureau):
    entries = bureau.ledger.json("history", "T04")
    assert [e["event"] for e in entries] == ["hired", "rank_promoted", "secondment_started", "secondment_ended",
                                             "transferred"]
    promo = entries[1]
    assert promo["id"] == bureau.backdated and promo["effective"] == "2021-07-01"
    assert promo["basis"] == "区统计党组〔2021〕7号"
    assert promo["recorded"] > entries[2]["recorded"]  # recorded after the 2022 events that follow it


def test_history_of_an_unknown_person_is_an_error(bureau: Bureau):
    r = bureau.ledger("history", "X99")
    assert r.exit_code == 1 and "no person 'X99'" in r.output


# --- diff ------------------------------------------------------------------------------------------------------
def test_diff_of_2022_lists_each_kind_of_change_with_its_event(bureau: Bureau):
    d = bureau.ledger.json("diff", "--from", "2021-12-31", "--to", "2022-12-31")
    log = {e["id"]: e for e in bureau.ledger.json("log")}
    assert (d["from"], d["to"], d["unit"]) == ("2021-12-31", "2022-12-31", None)

    def people(key):
        return [(e["person"], log[e["event_id"]]["effective"]) for e in d[key]]

    assert people("joined") == [("T05", "2022-09-01")]
    assert [(e["person"], e["name"], e["reason"]) for e in d["left"]] == [("T01", "钟离春", "退休")]
    # the retracted promotion of T02 is gone; the back-dated 2021 one is outside the window
    assert [(e["person"], e["from"], e["to"]) for e in d["promoted"]] == [("T03", "三级主任科员", "二级主任科员")]
    assert [(e["person"], e["post"], e["section"]) for e in d["appointed"]] == [("T02", "科长", "综合科")]
    assert d["vacated"] == []
    assert [(e["person"], e["from"]["section"], e["to"]["section"], e["event_id"]) for e in d["moved"]] == [
        ("T04", "办公室", "综合科", bureau.moved)]
    assert [(e["person"], e["host"], e["kind"], e["until"]) for e in d["seconded"]] == [
        ("T04", "区委办公室", "借调", "2022-10-31")]
    assert [(e["person"], e["host"]) for e in d["returned"]] == [("T04", "区委办公室")]
    assert [(e["person"], e["name"], e["role"]) for e in d["assistants_engaged"]] == [("Z01", "端木蓉", "办公室助理")]
    assert [(e["person"], e["event_id"]) for e in d["assistants_released"]] == [("Z01", bureau.released)]
    for key in ("joined", "left", "promoted", "appointed", "moved", "seconded", "returned"):
        for e in d[key]:
            assert log[e["event_id"]]["person"] == e["person"]


def test_diff_picks_up_the_backdated_promotion_in_its_own_year(bureau: Bureau):
    d = bureau.ledger.json("diff", "--from", "2020-12-31", "--to", "2021-12-31")
    assert [(e["person"], e["from"], e["to"], e["event_id"]) for e in d["promoted"]] == [
        ("T04", "一级科员", "四级主任科员", bureau.backdated)]
    assert sorted(e["person"] for e in d["joined"]) == ["C01", "T01", "T02", "T03", "T04"]


def test_diff_as_known_before_the_correction_still_counts_the_wrong_promotion(bureau: Bureau):
    known = bureau.before_retraction.isoformat()
    d = bureau.ledger.json("diff", "--from", "2021-12-31", "--to", "2022-12-31", "--known-at", known)
    assert sorted(e["person"] for e in d["promoted"]) == ["T02", "T03"]
    assert d["moved"] == [] and d["assistants_released"] == []  # recorded later
    assert d["known_at"] is not None


def test_diff_for_one_unit(bureau: Bureau):
    d = bureau.ledger.json("diff", "--from", "2020-12-31", "--to", "2022-12-31", "--unit", "PC")
    assert [(e["person"], e["unit"]) for e in d["joined"]] == [("C01", "PC")]
    assert [e["person"] for e in d["appointed"]] == ["C01"]
    assert d["promoted"] == d["left"] == d["assistants_engaged"] == []


def test_every_event_type_about_a_person_says_how_it_shows_in_a_diff():
    from ledger.model.events import EVENT_TYPES
    from ledger.read.history import DIFF_KEYS, DIFF_KINDS

    assert set(DIFF_KINDS) == {name for name, t in EVENT_TYPES.items() if t.about_person}
    assert {k.key for k in DIFF_KINDS.values() if k is not None} == set(DIFF_KEYS)


def test_diff_table_and_a_backwards_window(bureau: Bureau):
    out = bureau.ledger.ok("diff", "--from", "2021-12-31", "--to", "2022-12-31").output
    assert "三级主任科员 → 二级主任科员" in out and "TJ/办公室 → TJ/综合科" in out
    r = bureau.ledger("diff", "--from", "2022-12-31", "--to", "2021-12-31")
    assert r.exit_code == 1 and "before" in r.output
    assert bureau.ledger("diff", "--from", "2022-13-01", "--to", "2022-12-31").exit_code == 2


# --- log filters -----------------------------------------------------------------------------------------------
def ids(ledger: Ledger, *args: str) -> list[int]:
    return [e["id"] for e in ledger.json("log", *args)]


def test_log_by_person_includes_the_retraction_of_their_event(bureau: Bureau):
    got = bureau.ledger.json("log", "--person", "T02")
    assert [e["event"] for e in got] == ["hired", "post_appointed", "rank_promoted", "retracted"]
    assert got[-1]["id"] == bureau.retraction


def test_log_by_actor_and_event_type(bureau: Bureau):
    assert ids(bureau.ledger, "--actor", "auditor") == [bureau.retraction]
    assert ids(bureau.ledger, "--actor", "clerk2") == [bureau.wrong, bureau.backdated, bureau.moved]
    promoted = ids(bureau.ledger, "--event", "rank_promoted")
    assert len(promoted) == 3 and bureau.wrong in promoted and bureau.backdated in promoted
    assert ids(bureau.ledger, "--person", "T02", "--event", "retracted") == [bureau.retraction]
    assert bureau.ledger("log", "--event", "promoted").exit_code == 2  # not a vocabulary name


def test_log_by_recorded_time(bureau: Bureau):
    moment = bureau.before_retraction.isoformat()
    later = ids(bureau.ledger, "--since", moment)
    assert later == [bureau.retraction, bureau.backdated, bureau.moved, bureau.released]
    earlier = ids(bureau.ledger, "--until", moment)
    assert earlier[-1] == bureau.wrong and len(earlier) + len(later) == bureau.ledger.event_count()
    today = bureau.ledger.json("log")[-1]["recorded"][:10]
    assert len(ids(bureau.ledger, "--since", today, "--until", today)) == bureau.ledger.event_count()
    assert ids(bureau.ledger, "--until", "2000-01-01") == []


def test_log_by_effective_date(bureau: Bureau):
    got = bureau.ledger.json("log", "--effective-from", "2021-06-01", "--effective-to", "2021-12-31")
    assert [e["id"] for e in got] == [bureau.backdated]
    june = bureau.ledger.json("log", "--effective-from", "2022-06-01", "--effective-to", "2022-06-30")
    assert [(e["event"], e["person"]) for e in june] == [("separated", "T01")]


def test_log_by_unit_follows_people_to_their_unit(bureau: Bureau):
    pc = bureau.ledger.json("log", "--unit", "PC")
    assert {e.get("person") for e in pc} == {None, "C01"}
    assert [e["event"] for e in pc] == ["unit_established", "quota_set", "post_quota_set", "hired", "post_appointed"]
    tj = ids(bureau.ledger, "--unit", "TJ")
    assert bureau.wrong in tj and bureau.retraction in tj and bureau.backdated in tj  # person events, no unit field
    assert not set(tj) & {e["id"] for e in pc if e["event"] != "unit_established"}


def test_log_filters_combine_and_the_table_shows_the_same(bureau: Bureau):
    got = ids(bureau.ledger, "--unit", "TJ", "--actor", "clerk2", "--effective-from", "2022-01-01")
    assert got == [bureau.wrong, bureau.moved]
    out = bureau.ledger.ok("log", "--person", "T04", "--event", "transferred").output
    assert len(out.strip().splitlines()) == 3 and "transfer" in out


def test_the_chain_hash_stays_out_of_the_vocabulary(bureau: Bureau):
    """`chain` is the store's, like `recorded`: not a field a clerk types, nor one the log exports."""
    assert all("chain" not in e for e in bureau.ledger.json("log"))
    assert all("chain" not in e for e in bureau.ledger.json("history", "T02"))
    assert "--chain" not in bureau.ledger.ok("hire", "--help").output
