"""The 干部任免审批表 as .docx: front and back on two A4 pages like the editor's print, no page numbers, the family
and the photo in their cells. Rendered with LibreOffice where it is installed (the page count is what a printer
gets); without it, the rows' heights are checked against the page they must fit."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from exporters.appointment_form import (
    BACK_MM,
    FRONT_ROWS,
    PAGE_TEXT_MM,
    RESUME_MM,
    ROW_MM,
    TITLE_MM,
    back_height_mm,
)
from tests.conftest import Ledger

SAMPLES = Path(__file__).parent.parent / "fixtures" / "lrmx"


@pytest.fixture
def form(sqlite_ledger: Ledger, tmp_path: Path) -> Path:
    sqlite_ledger.ok("import", str(SAMPLES / "staffing.jsonl"))
    sqlite_ledger.ok("import-lrmx", str(SAMPLES / "周雨桐.lrmx"))
    out = tmp_path / "周雨桐.docx"
    sqlite_ledger.ok("export", "appointment-form", "--person", "Z1", "--as-of", "2023-03-15", "--proposed-post",
                     "区文化和旅游局办公室副主任", "--reason", "工作需要", "-o", str(out))
    return out


def test_both_sides_fit_their_page() -> None:
    assert TITLE_MM + FRONT_ROWS * ROW_MM + RESUME_MM < PAGE_TEXT_MM
    assert back_height_mm() < PAGE_TEXT_MM and BACK_MM["family"] >= 9


def test_the_form_has_no_page_numbers_no_empty_row_and_holds_family_and_photo(form: Path) -> None:
    d = docx.Document(str(form))
    section = d.sections[0]
    for footer in (section.footer, section.even_page_footer):
        assert not footer._element.xpath(".//w:fldChar | .//w:instrText"), "a form has no page numbers"
        assert all(not p.text.strip() for p in footer.paragraphs)
    front, back = d.tables
    assert len(front.rows) == FRONT_ROWS + 1
    family = [r for r in back.rows if "陆明哲" in {c.text for c in r.cells}]
    assert family and "区第二中学教师" in {c.text for c in family[0].cells}
    assert all(any(c.text.strip() for c in r.cells) for r in back.rows), "no empty row"
    assert len(d.inline_shapes) == 1  # the photo, in its cell
    assert "2021.06 被评为全区优秀公务员" in back.rows[0].cells[1].text
    assert "无" not in back.rows[0].cells[1].text
    assert "填表人：tester" in d.paragraphs[-1].text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed: the page count "
                    "is checked by rendering only where it is")
def test_it_renders_on_two_pages(form: Path, tmp_path: Path) -> None:
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(form)],
                   check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / form.with_suffix(".pdf").name).read_bytes()
    assert _pages(pdf) == 2  # front and back


def _pages(pdf: bytes) -> int:
    import re

    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
