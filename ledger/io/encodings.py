"""Which text encoding a file a clerk hands in is in, and its text: one answer for JSON lines and CSV alike.

JSON lines are UTF-8 (with or without the byte-order mark Windows Notepad writes); CSV may also be what Chinese
Excel saves (GBK, read as its superset GB18030) or Excel's "Unicode text" (UTF-16 with a byte-order mark). A file in
another encoding is refused with what it seems to be, instead of a decoder's complaint about surrogates.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from ledger.model.errors import Problem, Refused

UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
SAVE_AS_UTF8 = "save it as UTF-8 (Excel: 'CSV UTF-8'; Notepad: Save as → Encoding UTF-8)"


def seems(data: bytes) -> str:
    """What a file that is not UTF-8 seems to be, in a clerk's words."""
    if data.startswith(UTF16_BOMS):
        return "UTF-16 text (Excel's 'Unicode text')"
    head = data[:4096]
    if head and head.count(0) * 4 >= len(head):
        return "UTF-16 text without a byte-order mark"
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return "not text (a binary file, or text damaged in copying)"
    return "GBK/GB18030 text (what Chinese Windows saves as 'ANSI')"


def utf8_text(data: bytes, path: Path) -> str:
    """The text of a UTF-8 file (a byte-order mark at its start dropped); `Refused` naming what it seems to be."""
    try:
        return data.removeprefix(UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise Refused([Problem("unreadable", f"{path}: not UTF-8 (first bad byte on line {line}); it seems to be "
                               f"{seems(data)}: {SAVE_AS_UTF8}")]) from None


def table_text(data: bytes, path: Path) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), UTF-16 with a BOM, or GBK/GB18030."""
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:  # never in UTF-8 or GBK text: UTF-16 without its mark, or not text at all
        raise Refused([Problem("unreadable", f"{path}: not a text file the ledger reads; it seems to be "
                               f"{seems(data)}: {SAVE_AS_UTF8}")])
    for encoding in ("utf-8-sig", "gb18030"):  # GB18030 is GBK's superset: it decodes every GBK file
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Refused([Problem("unreadable", f"{path}: neither UTF-8, UTF-16 nor GBK/GB18030 text; it seems to be "
                           f"{seems(data)}: {SAVE_AS_UTF8}")])
