"""Which existing file is a report this program wrote, and of which kind: what lets a report be exported again over
its own earlier export without --force (the 【待填写】 text says "export again" once the narrative is filled in).

A report's .docx says who wrote it and what it is in its package: docProps/app.xml names the application
(`exporters.docx_package.APPLICATION`), docProps/core.xml its subject (选人用人工作报告, 合规快照, 民主评议表 …), keywords
(the year) and title (the unit). Only a file that says all of that, with a subject, is one; any other file — the
store, a spreadsheet, a .docx of another program, a roster without a subject — is none, and is replaced only with
--force. The parts are read within small bounds and matched as text, never parsed as XML (a hostile file cannot
expand entities or unpack a bomb here).
"""

from __future__ import annotations

import html
import re
import stat
import zipfile
from pathlib import Path

APPLICATION = b"personnel-ledger"  # what exporters.docx_package writes in app.xml's <Application>
MAX_FILE = 64 * 1024 * 1024  # a report is far smaller; a bigger file is not looked into
MAX_PART = 64 * 1024  # app.xml and core.xml are a few hundred bytes
CORE_FIELDS = ("dc:subject", "cp:keywords", "dc:title")


def _part(book: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = book.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART:
        return None
    with book.open(info) as f:
        return f.read(MAX_PART + 1)[:MAX_PART]


def _text(core: bytes, tag: str) -> str:
    found = re.search(rb"<" + re.escape(tag.encode()) + rb"(?:\s[^>]*)?>([^<]*)</" + re.escape(tag.encode()) + rb">",
                      core)
    return html.unescape(found.group(1).decode("utf-8", "replace")).strip() if found else ""


def report_kind(path: Path) -> tuple[str, ...] | None:
    """(subject, keywords, title) of a .docx report this program wrote; None for any other file (or a link, a
    device, a folder, a file that cannot be read)."""
    try:
        mode = path.lstat().st_mode
        if not stat.S_ISREG(mode) or path.stat().st_size > MAX_FILE:
            return None
        with zipfile.ZipFile(path) as book:
            app, core = _part(book, "docProps/app.xml"), _part(book, "docProps/core.xml")
    except (OSError, zipfile.BadZipFile, ValueError, RuntimeError, NotImplementedError, EOFError):
        return None
    if app is None or core is None or b"<Application>" + APPLICATION + b"</Application>" not in app:
        return None
    kind = tuple(_text(core, tag) for tag in CORE_FIELDS)
    return kind if kind[0] else None


def same_report(existing: Path, new: Path) -> bool:
    """Whether `existing` is a report this program wrote of the kind `new` is (same subject, keywords and title):
    the one file a new export replaces without --force."""
    kind = report_kind(existing)
    return kind is not None and kind == report_kind(new)
