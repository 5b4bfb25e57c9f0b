"""Transfers across a district's bureaus on PostgreSQL: a 调出 in one bureau and a pending transfer in the district,
the arrival in another bureau with the person's file carried, the district's list, check and history, refusals
that write nothing, a retry that finishes what a failed district write left, and who may write what.

Three small bureaus (not the demo's people) in three schemas; the district is a fourth.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import psycopg
import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from tests.conftest import PG_DSN, Ledger, jsonl_file, new_pg_role, new_pg_url
from tests.scenarios import ev, small_bureau


def schema_of(url: str) -> str:
    return url.rsplit("schema=", 1)[1]


def as_role(url: str, role: str) -> str:
    return url.replace(f"//{PG_DSN['user']}@", f"//{role}@", 1)


def run(store: str, *args: str, district: str | None = None) -> Result:
    extra = ["--district", district] if district else []
    return CliRunner().invoke(cli, ["--store", store, "--lang", "en", *args, *extra], catch_exceptions=False)


def file_of_s04() -> list[dict[str, Any]]:
    """司马光's file in the sending bureau: profile, two educations, a title, 简历 lines, appraisals, family."""
    return [
        ev("profile_recorded", "2021-02-01", person="S04", ethnicity="汉族", native_place="浙江宁波", party="中共党员",
           party_joined="2010-06", work_started="2011-07"),
        ev("education_recorded", "2021-02-01", person="S04", kind="全日制", level="大学本科", degree="法学学士",
           school="浙江大学法学院法学专业", graduated="2011-07"),
        ev("education_recorded", "2021-02-01", person="S04", kind="在职", level="硕士研究生", degree="法律硕士",
           school="中央党校法律专业", graduated="2016-07"),
        ev("title_conferred", "2021-03-01", person="S04", title="律师", grade="中级"),
        ev("career_recorded", "2021-02-01", person="S04", from_month="2007-09", to_month="2011-07",
           text="浙江大学法学院法学专业学习"),
        ev("career_recorded", "2021-02-01", person="S04", from_month="2011-07", text="区司法局科员"),
        ev("appraised", "2021-01-20", person="S04", year=2020, grade="优秀"),
        ev("appraised", "2022-01-20", person="S04", year=2021, grade="称职"),
        ev("appraised", "2023-01-20", person="S04", year=2022, grade="称职"),
        ev("family_member_recorded", "2021-02-01", person="S04", relation="妻子", member="王芳", born="1989-04",
           party="群众", work="区第一中学教师"),
    ]


def lines(rows: list[dict[str, Any]], folder: Path, name: str) -> str:
    return str(jsonl_file(rows, folder / f"{name}.jsonl"))


@pytest.fixture
def district(tmp_path: Path) -> dict[str, Any]:
    """Bureaus SA (with 司马光's file), SB and SC (the same structure and ids: every id of SA is in use there too),
    registered in a district."""
    urls = {}
    for code in ("SA", "SB", "SC"):
        urls[code] = new_pg_url()
        rows = small_bureau() + (file_of_s04() if code == "SA" else [])
        Ledger(urls[code]).ok("import", lines(rows, tmp_path, code))
    url = new_pg_url()
    for code in urls:
        Ledger(url).ok("district", "add", code, "--schema", schema_of(urls[code]), "--name", f"区{code}局",
                       "--effective", "2020-01-01")
    return {"url": url, "schema": schema_of(url), "bureaus": urls}


def counts(d: dict[str, Any]) -> dict[str, int]:
    return {"district": Ledger(d["url"]).event_count(),
            **{code: Ledger(url).event_count() for code, url in d["bureaus"].items()}}


def out(d: dict[str, Any], code: str, person: str, to: str, effective: str, *extra: str) -> Result:
    return run(d["bureaus"][code], "transfer-out", person, "--to", to, "--effective", effective, *extra,
               district=d["schema"])


def accept(d: dict[str, Any], code: str, transfer: str, *extra: str) -> Result:
    return run(d["bureaus"][code], "accept-transfer", transfer, *extra, district=d["schema"])


def test_a_transfer_out_and_in_carries_the_file(district: dict[str, Any]) -> None:
    d = district
    sa, sb = Ledger(d["bureaus"]["SA"]), Ledger(d["bureaus"]["SB"])
    before = sa.json("resume", "S04", "--as-of", "2023-03-31")
    r = out(d, "SA", "S04", "SB", "2023-03-31", "--basis", "区委组织部〔2023〕9号")
    assert r.exit_code == 0, r.output
    assert "SA-20230331-S04" in r.output
    separated = [e for e in sa.json("history", "S04") if e["event"] == "separated"]
    assert [(e["reason"], e["transfer"], e["effective"]) for e in separated] == [("调出", "SA-20230331-S04",
                                                                                   "2023-03-31")]
    pending = Ledger(d["url"]).json("district", "transfers", "--pending")
    assert [(t["transfer"], t["person"], t["name"], t["from"], t["to"], t["out"], t["in"], t["status"])
            for t in pending] == [("SA-20230331-S04", "S04", "司马光", "SA", "SB", "2023-03-31", None, "pending")]

    # SB uses S04 already (its own 司马光): the arrival needs another id, and the refusal writes nothing
    was = counts(d)
    r = accept(d, "SB", "SA-20230331-S04", "--section", "法规科", "--rank", "三级主任科员")
    assert r.exit_code == 1 and "already uses the id S04" in r.output and "--person" in r.output
    assert "Traceback" not in r.output and counts(d) == was

    r = accept(d, "SB", "SA-20230331-S04", "--person", "T04", "--section", "法规科", "--rank", "三级主任科员")
    assert r.exit_code == 0, r.output
    hired = [e for e in sb.json("history", "T04") if e["event"] == "hired"][0]
    assert (hired["mode"], hired["transfer"], hired["effective"], hired["unit"], hired["rank_since"]) == (
        "转任", "SA-20230331-S04", "2023-04-01", "SJ", "2020-01-01")  # the rank's tenure goes on

    # the file, equal in SB: 简历 lines (before SB's own), appraisals, educations, profile, family
    after = sb.json("resume", "T04", "--as-of", "2023-04-30")
    carried = [(x["from"], x["text"]) for x in after["lines"][:len(before["lines"])]]
    assert carried == [(x["from"], x["text"]) for x in before["lines"]]
    assert after["lines"][len(before["lines"]) - 1]["to"] == "2023-03"
    assert after["lines"][-1]["from"] == "2023-04" and after["lines"][-1]["source"] == "ledger"

    def file(ledger: Ledger, person: str) -> dict[str, Any]:
        events = [e for e in ledger.json("history", person) if e["retracted"] is None]
        return {"appraisals": sorted((e["year"], e["grade"]) for e in events if e["event"] == "appraised"),
                "educations": sorted((e["kind"], e["level"], e["school"]) for e in events
                                     if e["event"] == "education_recorded"),
                "titles": [e["title"] for e in events if e["event"] == "title_conferred"],
                "family": [(e["relation"], e["member"], e["work"]) for e in events
                           if e["event"] == "family_member_recorded"],
                "profile": [e.get("native_place") for e in events if e["event"] == "profile_recorded"]}

    assert file(sb, "T04") == file(sa, "S04")
    assert file(sb, "T04")["appraisals"] == [(2020, "优秀"), (2021, "称职"), (2022, "称职")]

    done = Ledger(d["url"]).json("district", "transfers")
    assert [(t["status"], t["in"], t["to_person"]) for t in done] == [("completed", "2023-04-01", "T04")]
    assert Ledger(d["url"]).json("district", "transfers", "--pending") == []

    # district history follows the transfer: SA's S04, then SB's T04, each row with its bureau
    for args in (("S04",), ("S04", "--bureau", "SA"), ("T04", "--bureau", "SB")):
        h = Ledger(d["url"]).json("district", "history", *args)
        assert h["bureaus"] == [{"bureau": "SA", "person": "S04"}, {"bureau": "SB", "person": "T04"}]
        assert {(e["bureau"], e["event"]) for e in h["events"]} >= {("SA", "hired"), ("SA", "separated"),
                                                                   ("SB", "hired"), ("SB", "appraised")}
        assert [e["effective"] for e in h["events"] if e["event"] in ("separated", "hired")] == [
            "2021-01-01", "2023-03-31", "2023-04-01"]
    text = run(d["url"], "district", "history", "S04").output
    assert "SA S04 → SB T04" in text

    # accepted once: a second accept is refused, and writes nothing
    was = counts(d)
    r = accept(d, "SB", "SA-20230331-S04", "--person", "T05", "--section", "法规科", "--rank", "三级主任科员")
    assert r.exit_code == 1 and "not pending" in r.output and counts(d) == was


def test_a_pending_transfer_is_reported_after_30_days_not_before(district: dict[str, Any]) -> None:
    d = district
    assert out(d, "SA", "S06", "SC", "2023-05-01").exit_code == 0
    for as_of, reported in (("2023-05-30", False), ("2023-05-31", False), ("2023-06-01", True)):
        r = run(d["url"], "district", "check", "--as-of", as_of, "--json")
        found = [x for x in orjson.loads(r.stdout)["findings"] if x["rule"] == "TRANSFER_PENDING"]
        assert bool(found) is reported, as_of
    found = [x for x in orjson.loads(run(d["url"], "district", "check", "--as-of", "2023-06-01", "--json").stdout)
             ["findings"] if x["rule"] == "TRANSFER_PENDING"]
    assert found[0]["bureau"] == "SC" and found[0]["person"] == "S06" and "31 days" in found[0]["message"]
    text = run(d["url"], "district", "check", "--as-of", "2023-06-01").output
    assert "TRANSFER_PENDING" in text
    # accepted (the day after): no longer pending, and the dates meet
    assert accept(d, "SC", "SA-20230501-S06", "--person", "X06", "--section", "质量科",
                  "--rank", "四级主任科员").exit_code == 0
    rules = [x["rule"] for x in orjson.loads(run(d["url"], "district", "check", "--as-of", "2023-07-01",
                                                 "--json").stdout)["findings"]]
    assert "TRANSFER_PENDING" not in rules and "TRANSFER_DATES_APART" not in rules


def test_dates_that_do_not_meet_are_reported(district: dict[str, Any]) -> None:
    d = district
    assert out(d, "SA", "S06", "SB", "2023-04-30").exit_code == 0
    r = accept(d, "SB", "SA-20230430-S06", "--person", "G06", "--section", "质量科", "--rank", "四级主任科员",
               "--effective", "2023-05-10")
    assert r.exit_code == 0, r.output
    assert out(d, "SA", "S05", "SC", "2023-06-30").exit_code == 0
    r = accept(d, "SC", "SA-20230630-S05", "--person", "E05", "--section", "稽查科", "--rank", "一级科员",
               "--effective", "2023-06-20")
    assert r.exit_code == 0, r.output
    found = {x["person"]: x for x in orjson.loads(run(d["url"], "district", "check", "--as-of", "2023-12-31",
                                                      "--json").stdout)["findings"]
             if x["rule"] == "TRANSFER_DATES_APART"}
    assert set(found) == {"S06", "S05"}
    assert "a gap of 9 days" in found["S06"]["message"] and "before the 调出" in found["S05"]["message"]


def test_refusals_write_nothing(district: dict[str, Any], tmp_path: Path) -> None:
    d = district
    was = counts(d)
    for args, said in ((("S04", "XX", "2023-03-31"), "no bureau 'XX' is registered"),
                       (("S04", "SA", "2023-03-31"), "SA is this bureau itself"),
                       (("S99", "SB", "2023-03-31"), "S99"),
                       (("S04", "SB", "2020-06-30"), "not on the establishment")):
        r = out(d, "SA", *args)
        assert r.exit_code == 1 and said in r.output and "Traceback" not in r.output, r.output
    r = run(d["bureaus"]["SA"], "transfer-out", "S04", "--to", "SB", "--effective", "2023-03-31",
            district=schema_of(new_pg_url()))
    assert r.exit_code == 1 and "no district at schema" in r.output
    stray = new_pg_url()  # a ledger the district does not know
    Ledger(stray).ok("import", lines(small_bureau(), tmp_path, "stray"))
    r = run(stray, "transfer-out", "S04", "--to", "SB", "--effective", "2023-03-31", district=d["schema"])
    assert r.exit_code == 1 and "is not a bureau registered in the district" in r.output
    r = run(str(tmp_path / "x.sqlite3"), "transfer-out", "S04", "--to", "SB", "--effective", "2023-03-31")
    assert r.exit_code == 1 and "SQLite" in r.output
    r = run(d["url"], "district", "transfer-sent", "T1", "--from-bureau", "SA", "--to-bureau", "SB",
            "--from-person", "S04", "--name", "某", "--cadre-file", "{}", "--effective", "2023-01-01")
    assert r.exit_code == 1 and "ledger transfer-out" in r.output
    assert counts(d) == was
    # a dry run shows both facts and writes nothing
    r = out(d, "SA", "S04", "SB", "2023-03-31", "--dry-run")
    assert r.exit_code == 0 and "SA-20230331-S04" in r.output and counts(d) == was
    assert out(d, "SA", "S04", "SB", "2023-03-31").exit_code == 0
    was = counts(d)
    r = out(d, "SA", "S04", "SB", "2023-03-31")
    assert r.exit_code == 1 and "recorded already" in r.output
    for code, extra, said in (("SC", ("--person", "X1"), "addressed to SB"),
                              ("SB", ("--person", "X1", "--section", "无此科"), "no unit of this bureau"),
                              ("SB", ("--person", "X1", "--section", "法规科", "--rank", "七级职员"), "七级职员")):
        args = list(extra) + ([] if "--rank" in extra else ["--rank", "三级主任科员"])
        if "--section" not in args:
            args += ["--section", "法规科"]
        r = accept(d, code, "SA-20230331-S04", *args)
        assert r.exit_code == 1 and said in r.output and "Traceback" not in r.output, r.output
    r = accept(d, "SB", "NOPE-1", "--person", "X1", "--section", "法规科", "--rank", "三级主任科员")
    assert r.exit_code == 1 and "no transfer NOPE-1" in r.output
    r = accept(d, "SB", "SA-20230331-S04", "--person", "X1", "--section", "法规科", "--rank", "三级主任科员",
               "--dry-run")
    assert r.exit_code == 0 and "X1" in r.output
    assert counts(d) == was


def _sql(*statements: str) -> None:
    with psycopg.connect(**PG_DSN, autocommit=True) as conn:
        for s in statements:
            conn.execute(s)


def test_clerks_write_transfers_only_and_a_retry_finishes_a_failed_district_write(district: dict[str, Any]) -> None:
    d = district
    owner = Ledger(d["url"])
    clerk_a, clerk_b, auditor = new_pg_role("ta_clerk"), new_pg_role("tb_clerk"), new_pg_role("t_auditor")
    Ledger(d["bureaus"]["SA"]).ok("access", "grant", clerk_a, "--as", "clerk")
    Ledger(d["bureaus"]["SB"]).ok("access", "grant", clerk_b, "--as", "clerk")
    owner.ok("district", "access", "grant", auditor, "--as", "auditor")
    assert "SA, SB, SC" in owner.ok("district", "access", "allow-transfers").output
    a, b = as_role(d["bureaus"]["SA"], clerk_a), as_role(d["bureaus"]["SB"], clerk_b)

    # the district refuses the clerk what is not a transfer
    was = counts(d)
    r = run(as_role(d["url"], clerk_a), "district", "add", "ZZ", "--schema", schema_of(d["bureaus"]["SA"]),
            "--name", "某局")
    assert r.exit_code == 1 and "Traceback" not in r.output and counts(d) == was

    # the district write fails (its insert grant taken away): the 调出 stays, and the same command finishes it
    group = f"{d['schema']}_transfer"
    _sql(f'REVOKE INSERT ON "{d["schema"]}".personnelledger_events FROM "{group}"')
    r = run(a, "transfer-out", "S04", "--to", "SB", "--effective", "2023-03-31", district=d["schema"])
    assert r.exit_code == 1 and "run the same command again" in r.output and "Traceback" not in r.output, r.output
    assert counts(d) == {**was, "SA": was["SA"] + 1}
    _sql(f'GRANT INSERT ON "{d["schema"]}".personnelledger_events TO "{group}"')
    r = run(a, "transfer-out", "S04", "--to", "SB", "--effective", "2023-03-31", district=d["schema"])
    assert r.exit_code == 0, r.output
    assert counts(d) == {**was, "SA": was["SA"] + 1, "district": was["district"] + 1}
    sent = [e for e in owner.json("log") if e["event"] == "transfer_sent"]
    assert [e["actor"] for e in sent] == [clerk_a]

    # the receiving bureau's clerk accepts, reading only the district and its own schema
    r = run(b, "accept-transfer", "SA-20230331-S04", "--person", "T04", "--section", "法规科",
            "--rank", "三级主任科员", district=d["schema"])
    assert r.exit_code == 0, r.output
    assert run(as_role(d["bureaus"]["SA"], clerk_b), "roster", "--as-of", "2023-12-31").exit_code == 1

    # the district auditor reads the transfers and the history, and writes nothing
    mine = as_role(d["url"], auditor)
    listed = orjson.loads(run(mine, "district", "transfers", "--json").stdout)
    assert [t["status"] for t in listed] == ["completed"]
    assert run(mine, "district", "history", "S04", "--json").exit_code == 0
    was = counts(d)
    r = run(as_role(d["bureaus"]["SA"], auditor), "transfer-out", "S05", "--to", "SC", "--effective", "2023-06-30",
            district=d["schema"])
    assert r.exit_code == 1 and "Traceback" not in r.output and counts(d) == was

    # the transfer guard is verified as defined: the district verifies; a neutered or dropped guard is named
    assert owner.ok("verify").exit_code == 0
    fn = f'"{d["schema"]}".ledger_transfers_only'
    _sql(f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$")
    owner_url = d["url"]
    r = run(owner_url, "verify")
    assert r.exit_code == 1 and "ledger_transfers_only" in r.output and "replaced" in r.output, r.output
    owner.ok("district", "access", "allow-transfers")  # reinstalls it
    assert run(owner_url, "verify").exit_code == 0
    _sql(f'DROP TRIGGER ledger_transfers_only ON "{d["schema"]}".personnelledger_events')
    r = run(owner_url, "verify")
    assert r.exit_code == 1 and "ledger_transfers_only was dropped" in r.output, r.output
