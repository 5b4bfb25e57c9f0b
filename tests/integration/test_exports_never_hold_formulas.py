"""Every .xlsx the ledger writes holds text, never a formula: a person, unit, section or post named like a formula
(`=HYPERLINK("http://evil.example/","x")`) is written as a text cell, read back as the same characters. The
exporters are found as `ledger export --list` finds them, so a new one that writes .xlsx is covered by this test."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from exporters.registry import list_exporters
from exporters.roster import write_cadre_xlsx
from exporters.xlsx import sheet_title
from tests.audit_bureau import ev
from tests.conftest import Ledger

HOSTILE_NAME = '=HYPERLINK("http://evil.example/","x")'
HOSTILE_UNIT = "=SUM(1+1)局"
HOSTILE_SECTION = "@cmd"
HOSTILE_POST = "+科长"
HOSTILE = (HOSTILE_NAME, HOSTILE_UNIT, HOSTILE_SECTION, HOSTILE_POST, "-2+3")
OPTIONS = {"roster": ("--as-of", "2022-12-31"), "review-form": ("--year", "2022", "--include-rank-promotions")}


def _lines() -> list[dict]:
    d = "2021-01-01"
    hire = dict(gender="女", birth_date="1988-04-04", establishment="行政编制", mode="转任", rank_since="2019-01-01")
    return [
        ev("unit_established", d, unit="EV", name=HOSTILE_UNIT, kind="机关"),
        ev("section_established", d, unit="EV", section=HOSTILE_SECTION),
        ev("quota_set", d, unit="EV", establishment="行政编制", count=8),
        ev("post_quota_set", d, unit="EV", post=HOSTILE_POST, level="乡科级正职", count=2),
        ev("hired", d, person="E01", name=HOSTILE_NAME, unit="EV", section=HOSTILE_SECTION, rank="一级主任科员", **hire),
        ev("hired", d, person="E02", name="-2+3", unit="EV", rank="三级主任科员", **hire),
        ev("post_appointed", "2022-04-18", person="E01", post=HOSTILE_POST, section=HOSTILE_SECTION),
        ev("rank_promoted", "2022-03-01", person="E02", rank="二级主任科员", basis="〔2022〕2号"),
    ]


@pytest.fixture
def hostile(sqlite_ledger: Ledger, write_jsonl) -> Ledger:
    sqlite_ledger.ok("import", str(write_jsonl(_lines())))
    return sqlite_ledger


def _cells(path: Path) -> list[openpyxl.cell.Cell]:
    book = openpyxl.load_workbook(path)
    return [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]


def _assert_text_only(path: Path, expected: tuple[str, ...]) -> None:
    cells = _cells(path)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    values = {c.value for c in cells}
    for text in expected:
        assert text in values, f"{text!r} not written as a cell of {path.name}"
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any(re.search(rb"<f[ >]", xml) for xml in sheets)  # no formula element in any sheet's XML


XLSX_EXPORTERS = sorted(x.name for x in list_exporters() if "xlsx" in x.formats and x.package.startswith("personnel"))


def test_the_exporters_that_write_xlsx_are_the_known_ones() -> None:
    assert XLSX_EXPORTERS == sorted(OPTIONS)  # a new one needs its options here, then it is checked below


@pytest.mark.parametrize("name", XLSX_EXPORTERS)
def test_every_exporter_writes_formula_like_names_as_text(hostile: Ledger, tmp_path: Path, name: str) -> None:
    out = tmp_path / f"{name}.xlsx"
    hostile.ok("export", name, *OPTIONS[name], "-o", str(out))
    expected = {"roster": HOSTILE, "review-form": (HOSTILE_NAME, "-2+3")}[name]
    _assert_text_only(out, expected)


@pytest.mark.parametrize("layout", ["standard", "cadre"])
def test_the_roster_command_writes_formula_like_names_as_text(hostile: Ledger, tmp_path: Path, layout: str) -> None:
    out = tmp_path / f"{layout}.xlsx"
    hostile.ok("roster", "--as-of", "2022-12-31", "--layout", layout, "--format", "xlsx", "-o", str(out))
    _assert_text_only(out, (HOSTILE_NAME, "-2+3"))
    if layout == "cadre":
        assert openpyxl.load_workbook(out).sheetnames == [HOSTILE_UNIT]


def test_sheet_titles_are_made_safe_and_unique(tmp_path: Path) -> None:
    out = write_cadre_xlsx(tmp_path / "c.xlsx", [("a/b:c[d]*e?f\\g", []), ("A/B:C[D]*E?F\\G", []),
                                                 ("长" * 40, [])], "t")
    names = openpyxl.load_workbook(out).sheetnames
    assert names == ["a_b_c_d__e_f_g", "A_B_C_D__E_F_G(2)", "长" * 31]
    assert sheet_title("'x'") == "x" and sheet_title("") == "Sheet"


def test_no_module_but_the_one_writer_makes_a_workbook() -> None:
    root = Path(__file__).resolve().parents[2]
    makers = [p.relative_to(root).as_posix() for folder in ("exporters", "ledger", "cli", "web")
              for p in (root / folder).rglob("*.py") if re.search(r"\bWorkbook\(", p.read_text(encoding="utf-8"))]
    assert makers == ["exporters/xlsx.py"]
