"""The tables the store derives from the events (the materialised timeline, the yearly report's index) are inside the
tamper evidence: `ledger verify` derives them again and names the first difference; a read that finds them behind,
or not matching their seals, answers from the events instead (and says so on stderr); `ledger rebuild` re-derives
them. On SQLite and PostgreSQL, plain and encrypted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import orjson
import pytest

from tests.audit_bureau import opening, year_2022
from tests.conftest import Ledger
from tests.store_tables import Table

KEY = "q6m1R0Jm8w0l0b8g5m4m3o2n1k0j9i8h7g6f5e4d3c2="
ON = "2022-12-31"


class Derived(Table):
    """The store's derived tables, reached with its own driver, as an intruder would."""

    def run(self, sql: str, *params: Any) -> list[tuple]:
        for name in ("timeline_people", "timeline_units", "timeline_tracking", "report_subjects", "report_names",
                     "timeline_unit_figures"):
            sql = sql.replace("{" + name + "}", f'"{self.store.rsplit("schema=", 1)[1]}"."{name}"' if self.is_pg
                              else name)
        return super().run(sql, *params)


@pytest.fixture(params=["plain", "encrypted"])
def bureau(request: pytest.FixtureRequest, ledger: Ledger, write_jsonl, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    if request.param == "encrypted":
        monkeypatch.setenv("LEDGER_ENCRYPTION_KEY", KEY)
    ledger.ok("import", str(write_jsonl([*opening(), *year_2022()])))
    return ledger


def answers(ledger: Ledger, tmp_path: Path) -> dict[str, Any]:
    """What readers are shown: the roster, the roster export and the yearly report (no notes expected or not)."""
    out, report = tmp_path / "roster.json", tmp_path / "report.docx"
    for p in (out, report):
        p.unlink(missing_ok=True)
    roster = ledger.ok("roster", "--as-of", ON, "--json")
    ledger.ok("export", "roster", "--as-of", ON, "-o", str(out))
    ledger.ok("export", "yearly-report", "--year", "2022", "-o", str(report))
    return {"roster": orjson.loads(roster.stdout), "export": orjson.loads(out.read_bytes()),
            "report": [p.text for p in docx.Document(str(report)).paragraphs], "notes": roster.stderr}


def verify_fails_with(ledger: Ledger, *words: str) -> None:
    r = ledger("verify")
    assert r.exit_code == 1, r.output
    assert r.stdout.startswith("FAILED at the derived tables: a derived table differs from the events: "), r.stdout
    for w in words:
        assert w in r.stdout, r.stdout
    data = orjson.loads(ledger("verify", "--json").stdout)
    assert data["ok"] is False and data["problem"]["kind"] == "derived" and data["problem"]["event_id"] is None


def repaired(ledger: Ledger) -> None:
    assert ledger.ok("rebuild").stdout.startswith("Rebuilt the derived tables from events 1–")
    assert ledger.ok("verify").stdout.endswith("derived again from the events: they agree\n")


def test_a_deleted_timeline_row_is_named_by_verify_and_never_served(bureau: Ledger, tmp_path: Path) -> None:
    before = answers(bureau, tmp_path)
    assert before["notes"] == ""
    Derived(bureau.store).run("DELETE FROM {timeline_people} WHERE person = 'T02' AND valid_from = '2022-04-18'")
    verify_fails_with(bureau, "timeline_people: row T02 staff 2022-04-18 as known from event 25 is missing")
    after = answers(bureau, tmp_path)
    assert {k: after[k] for k in ("roster", "export", "report")} == {k: before[k] for k in ("roster", "export", "report")}
    assert "Note: the timeline's rows of every unit do not add up to their seal (rows removed, added or edited): " \
           "answered from the events themselves" in after["notes"]
    unit = bureau.ok("roster", "--as-of", ON, "--unit", "TJ", "--json")
    assert [p["person"] for p in orjson.loads(unit.stdout)["people"]] == \
        [p["person"] for p in before["roster"]["people"] if p["unit"] == "TJ"]
    assert "Note: the timeline's rows of unit:TJ do not add up to their seal" in unit.stderr
    repaired(bureau)
    assert answers(bureau, tmp_path) == before


def test_an_edited_interval_is_named_by_verify_and_never_served(bureau: Ledger, tmp_path: Path) -> None:
    before = answers(bureau, tmp_path)
    # Hide 公孙兰 from every roster after 2022-06-01: the dates are readable columns, even in an encrypted store.
    Derived(bureau.store).run("UPDATE {timeline_people} SET valid_to = '2022-06-01' WHERE person = 'T02' "
                              "AND valid_from = '2022-04-18'")
    verify_fails_with(bureau, "timeline_people: row T02 staff 2022-04-18 as known from event 25 differs")
    after = answers(bureau, tmp_path)
    assert after["roster"] == before["roster"] and "do not add up to their seal" in after["notes"]
    repaired(bureau)


def test_a_changed_doc_is_named_by_verify_and_never_served(bureau: Ledger, tmp_path: Path) -> None:
    before = answers(bureau, tmp_path)
    table = Derived(bureau.store)
    (doc,) = table.run("SELECT doc FROM {timeline_people} WHERE person = 'T03' AND valid_from = '2022-03-01'")[0]
    forged = bytes(doc).replace("皇甫云".encode(), "王五某".encode()) if bytes(doc)[:1] == b"{" else bytes(doc)[:-1] + b"x"
    table.run("UPDATE {timeline_people} SET doc = ? WHERE person = 'T03' AND valid_from = '2022-03-01'", forged)
    verify_fails_with(bureau, "T03")
    after = answers(bureau, tmp_path)
    assert after["roster"] == before["roster"] and "Note: " in after["notes"]
    repaired(bureau)


def test_report_index_rows_removed_or_changed_are_named_and_the_report_is_counted_from_the_events(
        bureau: Ledger, tmp_path: Path) -> None:
    before = answers(bureau, tmp_path)
    table = Derived(bureau.store)
    (promotion,) = [e["id"] for e in bureau.json("log") if e["event"] == "rank_promoted"]
    table.run("DELETE FROM {report_subjects} WHERE fact_id = ?", promotion)
    verify_fails_with(bureau, f"report_subjects: row {promotion} is missing")
    after = answers(bureau, tmp_path)
    assert after["report"] == before["report"]
    repaired(bureau)
    table.run("UPDATE {report_subjects} SET subject = 'T01' WHERE fact_id = ?", promotion)
    verify_fails_with(bureau, f"report_subjects: row {promotion} differs: the table holds 'T01', the events give 'T03'")
    repaired(bureau)


def test_derived_tables_behind_the_events_are_not_served_until_a_writer_catches_them_up(bureau: Ledger,
                                                                                         tmp_path: Path) -> None:
    before = answers(bureau, tmp_path)
    top = len(bureau.json("log")) + 1
    # As if the last recording had stopped between saving its events and refreshing the derived tables.
    Derived(bureau.store).run("UPDATE {timeline_tracking} SET position = ? WHERE name = 'timeline'", top - 1)
    after = answers(bureau, tmp_path)
    assert after["roster"] == before["roster"] and after["report"] == before["report"]
    assert f"Note: the materialised timeline holds events 1–{top - 1} of {top}: answered from the events" in after["notes"]
    r = bureau.ok("verify")
    assert r.stdout.endswith(f"behind: they hold events 1–{top - 1} of {top}; reads answer from the events until the "
                             "next recording or `ledger rebuild`\n")
    bureau.ok("promote", "T05", "--rank", "四级主任科员", "--effective", "2025-09-01")
    assert bureau.ok("roster", "--as-of", ON).stderr == ""
    assert bureau.ok("verify").stdout.endswith("they agree\n")


def test_a_read_never_writes_the_derived_tables(bureau: Ledger) -> None:
    from tests.safety import fingerprint

    Derived(bureau.store).run("UPDATE {timeline_tracking} SET position = 3 WHERE name = 'timeline'")
    before = fingerprint(bureau.store)
    for command in (("roster", "--as-of", ON, "--json"), ("log", "--json"), ("history", "T02"), ("verify",),
                    ("check", "--as-of", ON), ("diff", "--from", "2021-12-31", "--to", ON)):
        r = bureau(*command)
        assert r.exit_code in (0, 1), r.output
    assert fingerprint(bureau.store) == before


def test_edited_unit_figures_are_named_by_verify_and_rebuilt(bureau: Ledger) -> None:
    units = bureau.ok("units", "--as-of", ON, "--json").stdout
    table = Derived(bureau.store)
    (unit, start), *_ = table.run("SELECT unit, valid_from FROM {timeline_unit_figures} ORDER BY unit, valid_from")
    table.run("DELETE FROM {timeline_unit_figures} WHERE unit = ? AND valid_from = ?", unit, start)
    verify_fails_with(bureau, f"timeline_unit_figures: row {unit} {str(start)[:10]} as known from event")
    repaired(bureau)
    assert bureau.ok("units", "--as-of", ON, "--json").stdout == units


def test_unit_figures_behind_the_events_are_not_served_and_not_written_by_a_read(bureau: Ledger) -> None:
    from tests.safety import fingerprint

    units = bureau.ok("units", "--as-of", ON, "--json").stdout
    table = Derived(bureau.store)
    table.run("UPDATE {timeline_tracking} SET position = 3 WHERE name = 'unit_figures'")
    table.run("DELETE FROM {timeline_unit_figures}")  # what a stopped writer could leave: rows and position behind
    before = fingerprint(bureau.store)
    r = bureau.ok("units", "--as-of", ON, "--json")
    assert r.stdout == units and "answered from the events" in r.stderr
    assert fingerprint(bureau.store) == before
