"""Issue 24, item 6: a report exported again over its own earlier export is replaced without --force (the
【待填写】 text says "export again" once the narrative is filled in); any other file — the store, a report of another
kind or year, a .docx another program wrote, a spreadsheet, a roster — still needs --force, and is left as it was."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from tests.audit_bureau import opening, year_2022
from tests.conftest import Ledger
from tests.safety import refused


@pytest.fixture
def bureau(sqlite_ledger: Ledger, write_jsonl) -> Ledger:
    sqlite_ledger.ok("import", str(write_jsonl([*opening(), *year_2022()])))
    return sqlite_ledger


def _text(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_the_report_replaces_its_own_earlier_export_once_the_narrative_is_filled(bureau: Ledger,
                                                                                 tmp_path: Path) -> None:
    out = tmp_path / "报告.docx"
    bureau.ok("export", "yearly-report", "--year", "2022", "-o", str(out))
    assert "【待填写" in _text(out)
    narrative = tmp_path / "narrative.md"
    narrative.write_text("## 主要做法\n\n坚持好干部标准。\n\n## 存在问题\n\n能力仍需提升。\n\n## 下步打算\n\n继续努力。\n",
                         encoding="utf-8")
    r = bureau.ok("export", "yearly-report", "--year", "2022", "--narrative", str(narrative), "-o", str(out))
    assert "Wrote" in r.output
    assert "坚持好干部标准。" in _text(out) and "【待填写：主要做法" not in _text(out)
    assert out.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_a_report_of_another_kind_or_year_is_not_replaced(bureau: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "报告.docx"
    bureau.ok("export", "yearly-report", "--year", "2022", "-o", str(out))
    before = out.read_bytes()
    err = refused(bureau, "export", "compliance-snapshot", "--as-of", "2022-12-31", "-o", str(out))
    assert "exists and is not this report's earlier export: add --force" in err
    err = refused(bureau, "export", "yearly-report", "--year", "2021", "-o", str(out))
    assert "add --force" in err
    err = refused(bureau, "export", "roster", "--as-of", "2022-12-31", "-o", str(out))  # a roster is no report
    assert "add --force" in err
    assert out.read_bytes() == before
    bureau.ok("export", "compliance-snapshot", "--as-of", "2022-12-31", "-o", str(out), "--force")
    assert out.read_bytes() != before


def test_another_programs_docx_a_spreadsheet_and_a_roster_are_not_replaced(bureau: Ledger, tmp_path: Path) -> None:
    theirs = tmp_path / "theirs.docx"
    document = docx.Document()
    document.core_properties.subject = "选人用人工作报告"  # the same subject, but not written by this program
    document.core_properties.keywords = "选人用人工作报告 2022"
    document.add_paragraph("另一个程序写的")
    document.save(str(theirs))
    sheet = tmp_path / "roster.xlsx"
    bureau.ok("export", "roster", "--as-of", "2022-12-31", "-o", str(sheet))
    roster = tmp_path / "roster.docx"
    bureau.ok("export", "roster", "--as-of", "2022-12-31", "-o", str(roster))
    plain = tmp_path / "notes.docx"
    plain.write_text("not a zip at all", encoding="utf-8")
    for path in (theirs, sheet, roster, plain):
        before = path.read_bytes()
        err = refused(bureau, "export", "yearly-report", "--year", "2022", "-o", str(path))
        assert f"{path} exists" in err and "add --force" in err, err
        assert path.read_bytes() == before
    before = roster.read_bytes()  # a roster exported again is not a report either: --force, as before
    assert "add --force" in refused(bureau, "export", "roster", "--as-of", "2022-12-31", "-o", str(roster))
    assert roster.read_bytes() == before


def test_the_store_is_never_replaced_by_a_report(bureau: Ledger) -> None:
    err = refused(bureau, "export", "yearly-report", "--year", "2022", "-o", bureau.store)
    assert "is the ledger's store" in err


def test_a_link_to_the_report_is_not_followed_without_force(bureau: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "报告.docx"
    bureau.ok("export", "yearly-report", "--year", "2022", "-o", str(out))
    link = tmp_path / "link.docx"
    link.symlink_to(out)
    assert "add --force" in refused(bureau, "export", "yearly-report", "--year", "2022", "-o", str(link))
    assert link.is_symlink()


def test_the_application_the_reader_looks_for_is_the_one_the_writer_names(bureau: Ledger, tmp_path: Path) -> None:
    from exporters.docx_package import APPLICATION
    from ledger.app.own_documents import APPLICATION as LOOKED_FOR
    from ledger.app.own_documents import report_kind

    assert APPLICATION.encode() == LOOKED_FOR
    out = tmp_path / "s.docx"
    bureau.ok("export", "compliance-snapshot", "--as-of", "2022-12-31", "-o", str(out))
    with zipfile.ZipFile(out) as book:
        assert LOOKED_FOR in book.read("docProps/app.xml")
    kind = report_kind(out)
    assert kind is not None and kind[0] == "合规快照"
