"""The publishable twin (公开版): what a redacted document must not show, and how each kind of text is masked.

Sentences are built from typed pieces (text, figure, person, unit, section, host) so that masking never depends on
guessing what a piece of text is; a last pass over all text (the author's narrative included) masks what it may
still hold:
- organisation names (units, sections, and with `redact_hosts` the hosts of secondments): the distinctive part →
  ** (区文化和旅游局 → 区**局), wherever they occur;
- person names: as whole words only. Chinese has no spaces, so a name is spared only where it lies inside a longer
  word of jieba's dictionary (志存高远 keeps 高远); everywhere else (高远同志, 由高远担任, a name split oddly) it is
  masked. jieba is asked only for its dictionary and its segmentation without new-word guessing (HMM off), so
  an unknown string never counts as a word that could hide a name;
- person ids, mobile and landline numbers and 身份证号 in running text: one * per character;
- figures of 一、基本情况 and of the counts the report states elsewhere: one * per digit (the caller marks which).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Generic parts of organisation names, kept when redacting (the rest is the distinctive part).
NAME_PREFIXES = ("自治区", "区委", "县委", "市委", "区", "县", "市", "镇", "乡", "街道")
NAME_SUFFIXES = ("委员会", "中心", "局", "馆", "院", "所", "站", "队", "处", "科", "室", "部", "委", "办", "会",
                 "社", "团", "厅", "司", "股", "组", "校", "园", "台", "场")
# Mobile numbers, landlines with an area code, and 身份证号 (18 characters, or the old 15 digits).
NUMBERS = re.compile(r"(?<![0-9A-Za-z])(?:1[3-9]\d{9}|0\d{2,3}-\d{7,8}|\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")


@dataclass(frozen=True)
class Piece:
    kind: str  # "text", "figure", "person", "people", "unit", "section", "host"
    value: Any


def T(text: str) -> Piece:
    return Piece("text", text)


def N(n: int | str) -> Piece:
    return Piece("figure", n)


def Who(name: str) -> Piece:
    return Piece("person", name)


def Unit(name: str) -> Piece:
    return Piece("unit", name)


def Sec(name: str | None) -> Piece:
    return Piece("section", name or "")


def Host(name: str) -> Piece:
    return Piece("host", name)


def mask_name(name: str) -> str:
    """The distinctive part of an organisation's name replaced by **: 区文化和旅游局 → 区**局, 政策法规科 → **科."""
    prefix = next((p for p in NAME_PREFIXES if name.startswith(p) and len(name) > len(p)), "")
    rest = name[len(prefix):]
    suffix = next((s for s in NAME_SUFFIXES if rest.endswith(s) and len(rest) > len(s)), "")
    return f"{prefix}**{suffix}"


def _alternation(words: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted(set(words), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words)) if words else None


@lru_cache(maxsize=1)
def _dictionary() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING + 10)  # its dictionary loading talks on stderr
    jieba.initialize()
    return jieba


@lru_cache(maxsize=4096)
def word_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where the dictionary words of `text` lie (start, end), as jieba segments it without guessing new words."""
    jieba = _dictionary()
    spans, at = [], 0
    for token in jieba.lcut(text, HMM=False):
        if len(token) > 1 and jieba.dt.FREQ.get(token, 0) > 0:
            spans.append((at, at + len(token)))
        at += len(token)
    return tuple(spans)


def inside_a_longer_word(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] lies within one dictionary word longer than itself (志存高远 holds 高远)."""
    return any(a <= start and end <= b and b - a > end - start for a, b in word_spans(text))


class Redactor:
    """Renders pieces plainly, or (enabled) as the publishable version."""

    def __init__(self, enabled: bool, people: Iterable[str] = (), organisations: Iterable[str] = (),
                 ids: Iterable[str] = (), hosts: Iterable[str] = ()):
        self.enabled = enabled
        self.mask_hosts = bool(list(hosts))
        orgs = {n: mask_name(n) for n in (*organisations, *hosts) if len(n) >= 2} if enabled else {}
        self._orgs, self._org_pattern = orgs, _alternation(orgs)
        self._people = _alternation(n for n in people if len(n) >= 2) if enabled else None
        ids = [i for i in ids if len(i) >= 2] if enabled else []
        self._ids = re.compile(r"(?<![0-9A-Za-z])(?:" + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
                               + r")(?![0-9A-Za-z])") if ids else None

    def text(self, s: str) -> str:
        """Any text with every known name, id and number masked (a no-op when not redacting)."""
        if not self.enabled:
            return s
        for pattern in (self._ids, NUMBERS):
            if pattern is not None:
                s = pattern.sub(lambda m: "*" * len(m.group(0)), s)
        return self._mask_people(self._mask_organisations(s))

    def _mask_organisations(self, s: str) -> str:
        pattern = self._org_pattern
        if pattern is None:
            return s
        # A mask keeps the generic ends of a name (区**局), which could join a neighbour into another name: repeat
        # until nothing matches, and as a last resort mask whatever still does.
        for _ in range(5):
            s, n = pattern.subn(lambda m: self._orgs[m.group(0)], s)
            if n == 0 or pattern.search(s) is None:
                return s
        return pattern.sub("**", s)

    def _mask_people(self, s: str) -> str:
        pattern = self._people
        # A name spared inside a longer word (中心化 holds 心化) loses that word when a neighbour is masked (乙中 →
        # **): judge again on the masked text until nothing changes, and as a last resort mask whatever matches.
        for _ in range(5):
            if pattern is None or pattern.search(s) is None:
                return s
            out, at = [], 0
            for m in pattern.finditer(s):
                if inside_a_longer_word(s, m.start(), m.end()):
                    continue
                out += [s[at:m.start()], "**"]
                at = m.end()
            if not out:
                return s
            s = "".join([*out, s[at:]])
        return pattern.sub("**", s)

    def piece(self, p: Piece, mask_figures: bool) -> str:
        if p.kind == "figure":
            return "*" * len(str(p.value)) if self.enabled and mask_figures else str(p.value)
        if p.kind == "person":
            return "**" if self.enabled else p.value
        if p.kind == "people":
            return "**" if self.enabled else "、".join(p.value)  # the seed masks a list of names as one **
        if p.kind in ("unit", "section") or (p.kind == "host" and self.mask_hosts):
            return mask_name(p.value) if self.enabled and p.value else p.value
        return self.text(p.value)

    def join(self, pieces: list[Piece], mask_figures: bool = False) -> str:
        return self.text("".join(self.piece(p, mask_figures) for p in pieces))

    def clauses(self, clauses: list[list[Piece]], mask_figures: bool, sep: str = "、") -> str:
        """Clauses joined; when redacting, clauses that read the same once masked are given once."""
        rendered = [self.join(c, mask_figures) for c in clauses]
        if self.enabled:
            rendered = list(dict.fromkeys(rendered))
        return sep.join(rendered)
