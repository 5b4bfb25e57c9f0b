"""The author's narrative for a report: a small Markdown file read into paragraphs and numbered items.

Format: text before the first `##` heading is the opening paragraph (optional); then `## 主要做法`, `## 存在问题`,
`## 下步打算` (any subset, any order). Inside a section: paragraphs separated by blank lines, numbered items
(`1. …`, `1、…`, `(1) …`, `（1）…`), `- ` bullets (plain paragraphs) and `### ` sub-headings. An item may open
with a **bold** lead sentence, set as a run-in heading. Other Markdown marks are dropped.

Levels follow GB/T 9704 §7.3.3 (一、 → （一） → 1. → （1））: the section is 一、; a `###` heading is （一）, and the
numbered items under it are 1. (and `(1)` items under those, （1）); without `###` headings, a section's numbered
items are （一）, and `(1)` items under `1.` items are 1. The document numbers each level afresh under its parent,
whatever numbers the author typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ledger.app import LedgerError

SECTIONS = ("主要做法", "存在问题", "下步打算")

_ITEM = re.compile(r"^\s*(?:(\d+)\s*[.、．)]|[(（]\s*(\d+)\s*[)）])\s*(.*)$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_LEAD = re.compile(r"^\*\*(.+?)\*\*\s*(.*)$")


class NarrativeError(LedgerError):
    """The narrative file cannot be used (unknown section, unreadable)."""


@dataclass(frozen=True)
class Block:
    kind: str  # "paragraph", "item" or "heading"
    text: str
    number: int | None = None
    lead: str = ""
    level: int = 0  # 2 （一）, 3 1., 4 （1）; 0 for a paragraph
    paren: bool = False  # an item numbered (1) rather than 1.


def _levelled(blocks: list[Block]) -> list[Block]:
    """Each heading and item of one section with its level, as the module's docstring says."""
    out: list[Block] = []
    base, plain_seen = 2, False
    for b in blocks:
        if b.kind == "heading":
            base, plain_seen = 3, False
            out.append(replace(b, level=2))
        elif b.kind == "item":
            level = base + 1 if b.paren and plain_seen else base
            plain_seen = plain_seen or not b.paren
            out.append(replace(b, level=min(level, 4)))
        else:
            out.append(b)
    return out


@dataclass
class Narrative:
    opening: list[Block] = field(default_factory=list)
    sections: dict[str, list[Block]] = field(default_factory=dict)

    def section(self, name: str) -> list[Block]:
        return self.sections.get(name, [])


def _clean(text: str) -> str:
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"(?<!\w)[*_`](.+?)[*_`](?!\w)", r"\1", text)
    return text.strip()


def _join(lines: list[str]) -> str:
    # Chinese prose wraps without spaces; Latin words keep one.
    out = ""
    for line in (x.strip() for x in lines):
        if out and out[-1].isascii() and out[-1].isalnum() and line[:1].isascii() and line[:1].isalnum():
            out += " "
        out += line
    return out


def _block(lines: list[str]) -> Block:
    first = lines[0]
    m = _ITEM.match(first)
    if m:
        number = int(m.group(1) or m.group(2))
        text = _join([m.group(3), *lines[1:]])
        lead = _LEAD.match(text)
        paren = m.group(2) is not None
        if lead:
            return Block("item", _clean(lead.group(2)), number, _clean(lead.group(1)), paren=paren)
        return Block("item", _clean(text), number, paren=paren)
    b = _BULLET.match(first)
    text = _join([b.group(1) if b else first, *lines[1:]])
    lead = _LEAD.match(text)
    if lead:
        return Block("paragraph", _clean(lead.group(2)), None, _clean(lead.group(1)))
    return Block("paragraph", _clean(text))


def parse_narrative(text: str) -> Narrative:
    narrative = Narrative()
    current: list[Block] = narrative.opening
    pending: list[str] = []

    def flush() -> None:
        if pending:
            current.append(_block(pending))
            pending.clear()

    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        stripped = line.strip()
        if stripped.startswith("## ") or stripped == "##":
            flush()
            name = _clean(stripped[2:]).strip("：: ")
            if name not in SECTIONS:
                raise NarrativeError(f"narrative line {n}: unknown section '## {name}' (expected: "
                                     f"{', '.join('## ' + s for s in SECTIONS)})")
            current = narrative.sections.setdefault(name, [])
        elif stripped.startswith("### "):
            flush()
            current.append(Block("heading", _clean(stripped[4:])))
        elif stripped.startswith("# "):
            flush()  # a document title: the report has its own
        elif not stripped:
            flush()
        elif _ITEM.match(stripped) or _BULLET.match(stripped):
            flush()
            pending.append(stripped)
        else:
            pending.append(stripped)
    flush()
    narrative.sections = {name: _levelled(blocks) for name, blocks in narrative.sections.items()}
    return narrative


def read_narrative(path: Path) -> Narrative:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise NarrativeError(f"cannot read narrative {path}: {e}") from None
    return parse_narrative(text)
