"""Reading a written .docx back for tests: paragraphs, runs' fonts, footers and every XML part's text."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def xml(obj: Any) -> Any:
    """The XML element behind a python-docx paragraph, run, table row or cell, or section: python-docx gives runs
    a public `element`, the others only a private one — this is the one place the tests reach for it."""
    element = getattr(obj, "element", None)
    if element is None:
        element = getattr(obj, "_sectPr", None)
    return element if element is not None else obj._element


def open_docx(path: Path) -> docx.document.Document:
    return docx.Document(str(path))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def paragraph_after(document, heading: str, n: int = 1) -> list[str]:
    """The `n` non-empty paragraphs that follow the paragraph whose text is `heading`."""
    ps = [p.text for p in document.paragraphs]
    i = ps.index(heading)
    return [t for t in ps[i + 1:] if t.strip()][:n]


def run_east_asian_fonts(element) -> list[str | None]:
    """The w:eastAsia font of every text-bearing run under an element (None where a run has none)."""
    out = []
    for r in element.iter(f"{W}r"):
        if r.find(f"{W}t") is None and r.find(f"{W}instrText") is None and r.find(f"{W}fldChar") is None:
            continue
        rfonts = r.find(f"{W}rPr/{W}rFonts")
        out.append(rfonts.get(qn("w:eastAsia")) if rfonts is not None else None)
    return out


def all_part_texts(path: Path) -> dict[str, str]:
    """Every XML part of the package, as text with tags removed (what a reader of any part could see)."""
    out = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                raw = z.read(name).decode("utf-8")
                out[name] = raw
    return out


def visible_text(xml: str) -> str:
    return re.sub(r"<[^>]+>", "", xml)
