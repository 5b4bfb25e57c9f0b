"""The demo's report renders in LibreOffice: A4 pages, the title, and live page numbers (— 1 —, — 2 —).

Runs only where `soffice` (or `libreoffice`) is installed; the poppler checks only where pdfinfo/pdftotext are.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_demo_report_converts_to_a_pdf_with_numbered_a4_pages(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["--actor", "tester", "demo", str(tmp_path / "demo")], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    report = tmp_path / "demo" / "2022年选人用人工作报告.docx"
    profile = tmp_path / "lo-profile"  # a private profile, so a running LibreOffice does not take the job
    done = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(report)], capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "2022年选人用人工作报告.pdf"
    assert pdf.exists(), done.stderr + done.stdout
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "A4" in info
        assert int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))) >= 2
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        pages = [page.replace(" ", "") for page in text.split("\f")]
        assert "区文化和旅游局2022年选人用人工作报告" in pages[0]
        assert "—1—" in pages[0] and "—2—" in pages[1]  # the PAGE field, evaluated per page
        assert "一、基本情况" in pages[0]
        # 28 characters a line: full lines of CJK text (no half-width digits) hold exactly 28.
        cjk_lines = [line for line in pages[0].splitlines() if line and not any(c.isascii() for c in line)]
        assert max(len(line) for line in cjk_lines) == 28
