"""`ledger check` reads the findings the writers keep (`ledger.store.kept_findings`: every person's and every fact's,
over time) and judges the units from their kept figures and roster: the same findings, in the same order and
words, as the compliance walk over every fact — on a generated city as clerks record, after back-dated entries and
retractions, when a selection's decision is recorded after the appointment it concludes, when the store's settings
change the rules or a ledger.toml beside the store is edited — on SQLite and PostgreSQL, in English and Chinese.
Rows edited or removed are never served, and `ledger verify` names them."""

from __future__ import annotations

import random
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import orjson
import pytest
from generate import generate

from ledger.app import Queries
from ledger.app.kept_check import kept_check
from ledger.app.ledger import PersonnelLedger, open_ledger
from ledger.app.upkeep import verify_ledger
from ledger.model.facts import Draft
from ledger.model.i18n import use_language
from ledger.rules.walk import compliance_findings
from tests.integration.test_materialised_timeline_agrees_with_the_fold import drafts
from tests.scenarios import ev
from tests.selection_bureau import selection_path, vacancy_bureau


def shown(findings) -> list[dict]:
    """What a reader sees of each finding: the JSON contract, and the clerk's table's since and name."""
    return [x.as_json() | {"since": x.since, "name": x.name} for x in findings]


def assert_served_and_equal(app: PersonnelLedger, on: date, unit: str | None = None) -> None:
    q = Queries(app)
    rulebook = q.rulebook(None, on)
    since = date(on.year, 1, 1)
    kept = kept_check(app.timeline, rulebook, on, since, unit)
    assert kept is not None, f"the kept findings were not served on {on}"
    walked = compliance_findings(app.facts(), rulebook, on, since, unit)
    assert shown(kept) == shown(walked), f"kept and walked findings differ on {on} (unit {unit})"
    assert q.findings(on, unit=unit).findings == kept


def assert_agree(app: PersonnelLedger, rng: random.Random, dates: int) -> None:
    units = [u["unit"] for u in Queries(app).units(date(2030, 1, 1))]
    for _ in range(dates):
        on = date(2018, 6, 1) + timedelta(days=rng.randint(0, 7 * 365))
        assert_served_and_equal(app, on)
        unit = rng.choice(units)
        if unit in {u["unit"] for u in Queries(app).units(on)}:
            assert_served_and_equal(app, on, unit)


@pytest.fixture(scope="module")
def city() -> tuple[list[dict], list[dict]]:
    return generate(units=12, people=600, years=6, seed=5)


@pytest.fixture
def chinese():
    use_language("zh_CN")
    yield
    use_language("en")


def test_kept_findings_agree_with_the_walk_as_clerks_record(store: str, city) -> None:
    lines, corrections = city
    app = open_ledger(store)
    rng = random.Random(7)
    app.append(drafts(lines[: len(lines) * 9 // 10]), actor="generator")
    assert_agree(app, rng, 6)
    found = Queries(app).findings(date(2022, 12, 31))
    assert found.findings, "the generated city has findings to keep"
    for x in drafts(lines[len(lines) * 9 // 10:])[:40]:  # clerks, one line at a time: each re-derives its scope
        app.append([x], actor="clerk")
    app.append(drafts(lines[len(lines) * 9 // 10:][40:]), actor="generator")
    assert_agree(app, rng, 6)
    app.append(drafts(corrections), actor="clerk")  # back-dated secondments, promotions retracted and re-recorded
    assert_agree(app, rng, 8)
    assert verify_ledger(app).ok
    app.close()


def test_kept_findings_read_in_chinese_as_the_walk_says_them(sqlite_store: str, city, chinese) -> None:
    lines, _ = city
    app = open_ledger(sqlite_store)
    app.append(drafts(lines), actor="generator")
    assert_agree(app, random.Random(11), 6)
    assert any("，" in x.message or "：" in x.message for x in Queries(app).findings(date(2022, 12, 31)).findings)
    app.close()


def test_a_decision_recorded_after_its_appointment_judges_it_again(store: str) -> None:
    app = open_ledger(store)
    lines = [*vacancy_bureau(), *selection_path(present=5)[:3],
             ev("post_appointed", "2023-04-20", person="K1", post="科长", section="工程科", selection="SW2023-01",
                publicity_from="2023-04-05", publicity_to="2023-04-12")]
    app.append(drafts(lines), actor="clerk")
    assert_served_and_equal(app, date(2023, 12, 31))
    decision = selection_path(present=3)[3]  # 3 of 7 present: short of the quorum, recorded afterwards
    app.append(drafts([decision]), actor="clerk")
    on = date(2023, 12, 31)
    assert "DECISION_QUORUM" in {x.rule for x in Queries(app).findings(on).findings}
    assert_served_and_equal(app, on)
    last = app.facts()[-1].id
    app.append([Draft("retracted", {"target": last, "reason": "录入错误"})], actor="clerk")
    assert "DECISION_QUORUM" not in {x.rule for x in Queries(app).findings(on).findings}
    assert_served_and_equal(app, on)
    app.close()


def test_new_rules_in_the_settings_judge_every_finding_again(store: str, city) -> None:
    lines, _ = city
    app = open_ledger(store)
    app.append(drafts(lines), actor="generator")
    today = date.today()

    def overdue(findings) -> int:
        return sum(1 for x in findings if x.rule == "PROBATION_OPEN")

    before = overdue(Queries(app).findings(today).findings)
    assert before, "the city has probations past their end"
    settings = {"PROBATION_OPEN": {"grace_days": 36500}}
    app.append([Draft("settings_changed", {"settings": orjson.dumps(settings).decode()})], actor="admin")
    assert_served_and_equal(app, today)  # judged again by the new rules
    assert overdue(Queries(app).findings(today).findings) < before
    on = date(2022, 12, 31)  # before the settings took effect: the old rules, which the rows were not judged by
    q = Queries(app)
    assert kept_check(app.timeline, q.rulebook(None, on), on, date(2022, 1, 1)) is None
    assert shown(q.findings(on).findings) == shown(compliance_findings(app.facts(), q.rulebook(None, on), on))
    app.close()


def test_a_ledger_toml_edited_beside_the_store_is_judged_by_the_walk_until_the_next_write(sqlite_store: str,
                                                                                      city) -> None:
    lines, _ = city
    app = open_ledger(sqlite_store)
    app.append(drafts(lines), actor="generator")
    on = date(2022, 12, 31)
    assert_served_and_equal(app, on)
    (Path(sqlite_store).parent / "ledger.toml").write_text("[PROBATION_OPEN]\ngrace_days = 36500\n",
                                                          encoding="utf-8")
    q = Queries(app)
    rulebook = q.rulebook(None, on)
    assert kept_check(app.timeline, rulebook, on, date(2022, 1, 1)) is None  # kept by other rules: not served
    assert shown(q.findings(on).findings) == shown(compliance_findings(app.facts(), rulebook, on))
    app.append(drafts([ev("quota_set", "2022-12-31", unit=lines[0]["unit"], establishment="行政编制", count=99)]),
               actor="clerk")
    assert_served_and_equal(app, on)  # the next writer judged them again
    app.close()


def test_kept_rows_removed_or_edited_are_never_served_and_verify_names_them(sqlite_store: str, city) -> None:
    lines, _ = city
    app = open_ledger(sqlite_store)
    app.append(drafts(lines), actor="generator")
    on = date(2022, 12, 31)
    want = shown(Queries(app).findings(on).findings)
    app.close()
    conn = sqlite3.connect(sqlite_store)
    with conn:
        conn.execute("DELETE FROM findings_kept WHERE rowid = (SELECT MIN(rowid) FROM findings_kept "
                     "WHERE kind = 'state')")  # a finding hidden
    conn.close()
    app = open_ledger(sqlite_store, read_only=True)
    q = Queries(app)
    assert kept_check(app.timeline, q.rulebook(None, on), on, date(2022, 1, 1)) is None
    assert shown(q.findings(on).findings) == want  # the walk answered
    report = verify_ledger(app)
    assert not report.ok and "findings_kept" in str(report.as_json())
    app.close()
    writer = open_ledger(sqlite_store)
    writer.timeline.rebuild()
    assert verify_ledger(writer).ok
    assert_served_and_equal(writer, on)
    writer.close()


def test_rules_that_fail_to_judge_keep_no_findings_and_stop_no_other_table(sqlite_store: str, city) -> None:
    """A rules file whose parameters break a rule on some date (a scheme without its `raise_from`): the writers keep
    the timeline and the figures all the same; no findings are kept, and none is served."""
    lines, _ = city
    app = open_ledger(sqlite_store)
    app.append(drafts(lines[: len(lines) // 2]), actor="generator")
    (Path(sqlite_store).parent / "ledger.toml").write_text("[RETIREMENT_OVERDUE.schemes.men]\nbase_years = 70\n",
                                                          encoding="utf-8")
    app.append(drafts(lines[len(lines) // 2:]), actor="generator")
    position, top = app.timeline.current()
    assert position == top and not app.notices
    on = date(2019, 12, 31)
    assert kept_check(app.timeline, Queries(app).rulebook(None, on), on, date(2019, 1, 1)) is None
    assert app.timeline.tables.connection().execute("SELECT COUNT(*) FROM findings_kept").fetchone()[0] == 0
    app.close()


def test_a_clerk_not_yet_granted_the_table_keeps_the_others_until_the_owner_grants_it(tmp_path: Path) -> None:
    """A store under access control from before the findings were kept: its clerks may not write their table until
    the owner runs `ledger access enable` again. Meanwhile a clerk's recording keeps every other derived table, and
    `ledger check` walks; once granted, the clerk's next recording keeps the findings too."""
    from ledger.store.access import group_role
    from tests.conftest import PG_DSN, new_pg_role, new_pg_url
    from tests.integration.test_access_roles_and_log import as_role, ok, schema_of, sql, write_event
    from tests.scenarios import small_bureau

    url = new_pg_url()
    lines = tmp_path / "bureau.jsonl"
    lines.write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in small_bureau()))
    ok(url, "import", str(lines))
    clerk = new_pg_role("keptclerk")
    ok(url, "access", "grant", clerk, "--as", "clerk")
    group = group_role(schema_of(url), "clerk")
    sql(PG_DSN["user"], f'REVOKE INSERT, UPDATE, DELETE ON "{schema_of(url)}".findings_kept FROM "{group}"')
    ok(as_role(url, clerk), "import", write_event(str(tmp_path), "q1", 40))
    app = open_ledger(url)
    position, top = app.timeline.current()
    assert position == top, "the clerk's recording kept the timeline"
    on = date(2022, 12, 31)
    assert app.timeline.kept.position() < top
    assert kept_check(app.timeline, Queries(app).rulebook(None, on), on, date(2022, 1, 1)) is None
    app.close()
    ok(url, "access", "enable")
    ok(as_role(url, clerk), "import", write_event(str(tmp_path), "q2", 41))
    app = open_ledger(url)
    assert app.timeline.kept.position() == app.timeline.current()[1]
    assert_served_and_equal(app, on)
    app.close()
