"""One sheet of an opening roster (干部花名册) as it is read: which column holds what, and each row's cells as
values, or as complaints that name the row and the column.

Cell by cell only: what a cell means given the units, sections and posts the ledger holds. Which unit a blank
单位 continues, which ids repeat and what is drafted are `ledger.io.opening_roster`'s.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ledger.io.roster_table import (
    BY_KEY,
    CADRE_GROUPS,
    DATE_FORMS,
    LIST_SEPARATORS,
    ImpossibleDate,
    match_header,
    parse_roster_date,
)
from ledger.io.spreadsheets import Table, clean_text, column_letter, is_blank
from ledger.model import vocabulary as v
from ledger.model.dates import YearMonth
from ledger.model.errors import Problem
from ledger.model.state import State, UnitState

REQUIRED = ("name", "gender", "birth_date", "rank")  # a sheet without one of these columns is not read
HEADER_ROWS = 10  # a title row or two may sit above the header

PostCell = tuple[str, str | None, date | None]  # (post, section, since)


class RosterSheet:
    """One table being read: its header, and labels like "职级 (column I)" for messages."""

    def __init__(self, table: Table, header_row: int, header: list[Any]):
        self.table = table
        self.header_row = header_row
        self.index: dict[str, int] = {}  # column key -> position
        self.ignored: list[str] = []  # headers that name no column the ledger reads
        self.repeated: list[str] = []
        for i, h in enumerate(header):
            if is_blank(h):
                continue
            key = match_header(h)
            if key is None:
                self.ignored.append(str(h))
            elif key in self.index:
                self.repeated.append(f"{h} (column {column_letter(i)}, also column {column_letter(self.index[key])})")
            else:
                self.index[key] = i

    @classmethod
    def find(cls, table: Table) -> RosterSheet | None:
        """The table read from its header row (the first with 姓名), None if it has none. A two-row header (the
        cadre layout's 全日制教育 over 学历 and 毕业院校及专业) is read as one: group label + sub-label."""
        for i, (row, cells) in enumerate(table.rows[:HEADER_ROWS]):
            if any(match_header(c) == "name" for c in cells if isinstance(c, str)):
                if any(c in CADRE_GROUPS for c in cells) and i + 1 < len(table.rows):
                    below, sub = table.rows[i + 1]
                    return cls(table, below, _two_rows(cells, sub))
                return cls(table, row, cells)
        return None

    def missing(self) -> list[str]:
        """Headers of the required columns the sheet does not have (the cadre layout's 现任职务 carries the rank)."""
        cadre = "posts" in self.index
        return [BY_KEY[k].header for k in REQUIRED if k not in self.index and not (k == "rank" and cadre)]

    @property
    def rank_in_posts(self) -> bool:
        """The cadre layout: no 职级 column, the rank written in 现任职务 (办公室主任（三级主任科员）)."""
        return "rank" not in self.index and "posts" in self.index


    def label(self, key: str) -> str:
        i = self.index.get(key)
        return f"{BY_KEY[key].header} (column {column_letter(i)})" if i is not None else BY_KEY[key].header

    def cell(self, cells: list[Any], key: str) -> Any:
        i = self.index.get(key)
        return cells[i] if i is not None and i < len(cells) else ""


def _two_rows(top: list[Any], sub: list[Any]) -> list[Any]:
    """One header from two rows: a group's label (repeated by a merged range, or blank after it) joined with the
    sub-label below it; any other label as it is."""
    out, group = [], None
    for i in range(max(len(top), len(sub))):
        label = top[i] if i < len(top) else ""
        below = sub[i] if i < len(sub) else ""
        if label in CADRE_GROUPS:
            group = label
        elif not is_blank(label):
            group = None
        out.append(f"{group}{below}" if group and not is_blank(below) else label)
    return out


@dataclass
class RosterRow:
    """One row of a sheet, and what is wrong with its cells (every cell is read, so all are reported at once)."""

    sheet: RosterSheet
    number: int
    cells: list[Any]
    bad: list[tuple[str, str, str]] = field(default_factory=list)  # (column key, problem code, message)
    read_as: dict[str, Any] = field(default_factory=dict)  # cells read out of another (the cadre layout's 现任职务)

    @property
    def place(self) -> str:
        return self.sheet.table.where(self.number)

    def cell(self, key: str) -> Any:
        if key in self.read_as:
            return self.read_as[key]
        return self.sheet.cell(self.cells, key)

    def text(self, key: str) -> str:
        value = self.cell(key)
        return "" if is_blank(value) else clean_text(str(value))

    def complain(self, key: str, message: str, code: str = "bad_value") -> None:
        self.bad.append((key, code, message))

    def date(self, key: str, required: bool = False) -> date | None:
        """The cell as a date; None (and a complaint) when it is not one, None when blank and not required."""
        value = self.cell(key)
        if is_blank(value):
            if required:
                self.complain(key, f"missing (expected {DATE_FORMS})")
            return None
        return self.parse_date(key, value)

    def parse_date(self, key: str, value: Any) -> date | None:
        try:
            return parse_roster_date(value)
        except ImpossibleDate as e:
            self.complain(key, str(e), "impossible_date")
        except ValueError as e:
            self.complain(key, str(e))
        return None

    def problems(self) -> list[Problem]:
        """The complaints, in the order of their columns, each naming the row and the column."""
        in_order = sorted(self.bad, key=lambda b: self.sheet.index.get(b[0], -1))
        return [Problem(code, f"{self.place}, {self.sheet.label(key)}: {message}") for key, code, message in in_order]


def match_name(text: str, known: list[str]) -> str | None:
    """The ledger's spelling of a unit/section/post name typed in a sheet (width and spaces aside)."""
    key = unicodedata.normalize("NFKC", text).replace(" ", "")
    for name in known:
        if unicodedata.normalize("NFKC", name).replace(" ", "") == key:
            return name
    return None


def unit_named(text: str, state: State) -> UnitState | None:
    """The unit a 单位 cell or a sheet's name means: its code, else its name."""
    if text in state.units:
        return state.units[text]
    by_name = match_name(text, [u.name for u in state.units.values()]) or match_name(text, list(state.units))
    return next((u for u in state.units.values() if by_name in (u.name, u.unit)), None) if by_name else None


def _listed(value: Any) -> list[str]:
    """The items of a cell that lists several (科长、党支部书记), blanks dropped."""
    if is_blank(value):
        return []
    return [x for x in (clean_text(y) for y in LIST_SEPARATORS.split(str(value))) if x]


def read_posts(row: RosterRow, u: UnitState | None, section: str | None, on: date,
               new_sections: list[str] | None = None) -> list[PostCell]:
    """(post, section, since) for each post in 职务: `科长` is in the person's own 科室, `财务科科长` in 财务科.

    `new_sections`: with --add-sections, the unit's sections not established yet (a prefix may name a new one).
    """
    items = _listed(row.cell("posts"))
    dates = _post_dates(row, len(items), on)
    if dates is None or u is None:
        return []
    out = []
    known = sorted(u.post_quotas, key=len, reverse=True)  # longest first: 副科长 before 科长
    for i, item in enumerate(items):
        since = dates[0] if len(dates) == 1 else (dates[i] if dates else None)
        found = _post_named(item, known, u, section, new_sections)
        if found is None:
            row.complain("posts", f"{u.name} has no post '{item}' (领导职数 set for: "
                         f"{'、'.join(u.post_quotas) or 'none'}; set it with `ledger org post-quota`)")
            continue
        out.append((*found, since))
    return out


def _post_dates(row: RosterRow, posts: int, on: date) -> list[date | None] | None:
    """The dates of 任现职务时间 for `posts` posts: none, one for all, or one each; None (complained) if not."""
    raw = row.cell("post_since")
    parts = [] if is_blank(raw) else [raw] if isinstance(raw, date | int | float) else _listed(raw)
    dates: list[date | None] = []
    for part in parts:
        d = row.parse_date("post_since", part)
        if d is None:
            return None
        dates.append(d)
    if not posts:
        if dates:
            row.complain("post_since", "a date but no 职务 (post)")
        return None
    if dates and len(dates) not in (1, posts):
        row.complain("post_since", f"{len(dates)} dates for {posts} posts (give one date, or one per post)")
        return None
    if any(d is not None and d > on for d in dates):
        row.complain("post_since", f"a date after {on}")
        return None
    return dates


def _post_named(item: str, known: list[str], u: UnitState, section: str | None,
                new_sections: list[str] | None) -> tuple[str, str | None] | None:
    """The post (and its section) a 职务 item names: a post of the unit, or a section of it followed by one."""
    post = match_name(item, known)
    if post is not None:  # in the person's own 科室, unless it is the unit's own post (副局长)
        return post, None if u.section_post(post) is False else section
    key = unicodedata.normalize("NFKC", item)
    for candidate in known:  # "办公室副主任": a section of the unit, then one of its posts
        if key.endswith(unicodedata.normalize("NFKC", candidate)) and len(key) > len(candidate):
            prefix = match_name(key[: -len(candidate)], [*u.sections, *(new_sections or [])])
            if prefix is None and new_sections is not None:  # --add-sections: the prefix is a new section
                prefix = clean_text(item[: -len(candidate)])
            if prefix is not None:
                return candidate, prefix
    return None


def read_secondment(row: RosterRow, on: date) -> dict[str, Any] | None:
    """The secondment a row's 交流单位, 交流方式 and 交流期限 describe, None if none (or if they are wrong)."""
    host, kind = row.cell("host"), row.cell("secondment_kind")
    if is_blank(host):
        if not is_blank(kind):
            row.complain("host", f"交流方式 '{kind}' but no 交流单位")
        return None
    kind = clean_text(str(kind)) if not is_blank(kind) else ""
    if kind not in v.SECONDMENT_KINDS:
        kinds = "、".join(v.SECONDMENT_KINDS)
        row.complain("secondment_kind", f"'{kind}' is not one of {kinds}" if kind else f"missing (one of {kinds})")
        return None
    until = row.date("until")
    if until is not None and until < on:
        row.complain("until", f"{until} is before {on}")
        return None
    return {"host": clean_text(str(host)), "kind": kind, "until": until}


_RANK_IN_BRACKETS = re.compile(r"^(.*?)[（(]([^（）()]+)[）)]$")
_REMARK = re.compile(r"^(挂职|交流|借调|学习)[：:](.+?)(?:[（(]至(.+)[）)])?$")


def read_current_post(row: RosterRow, u: UnitState | None) -> None:
    """The cadre layout's 现任职务 read as section, posts and rank: `办公室主任（三级主任科员）`, `办公室一级科员`."""
    text = row.text("posts")
    if u is None or not text:
        return
    m = _RANK_IN_BRACKETS.match(text)
    if m is not None:
        rest, rank = m.group(1), m.group(2).strip()
        section = next((x for x in sorted(u.sections, key=len, reverse=True) if rest.startswith(x)), "")
        posts = rest
    else:
        rank = next((r for r in sorted(v.ranks_for_unit_kind(u.kind), key=len, reverse=True) if text.endswith(r)), "")
        if not rank:
            row.complain("posts", f"'{text}' names no rank (e.g. 办公室一级科员, 办公室主任（三级主任科员）)")
            return
        section, posts = text[: -len(rank)], ""
    row.read_as.update({"rank": rank, "posts": posts})
    if "section" not in row.sheet.index:
        row.read_as["section"] = section


def read_remark(row: RosterRow) -> None:
    """The cadre layout's 备注 `学习：区委宣传部（至2023-03-31）` read as a secondment, when there is no 交流单位."""
    m = _REMARK.match(row.text("remark"))
    if m is not None and "host" not in row.sheet.index:
        row.read_as.update({"secondment_kind": m.group(1), "host": m.group(2), "until": m.group(3) or ""})


def read_profile(row: RosterRow) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Profile (民族, 籍贯, 参加工作时间, 入党时间) and education (全日制/在职: 学历, 毕业院校及专业) cells."""
    profile: dict[str, Any] = {k: row.text(k) for k in ("ethnicity", "native_place") if row.text(k)}
    for key in ("work_started", "party_joined"):
        value = row.cell(key)
        if is_blank(value):
            continue
        try:
            profile[key] = YearMonth.parse(value)
        except ValueError as e:
            row.complain(key, str(e), "impossible_date" if "impossible" in str(e) else "bad_value")
    educations = []
    for kind, prefix in (("全日制", "fulltime"), ("在职", "inservice")):
        level, school = row.text(f"{prefix}_level"), row.text(f"{prefix}_school")
        if level:
            educations.append({"kind": kind, "level": level, "school": school or None})
        elif school:
            row.complain(f"{prefix}_level", f"missing: {school} is given without its 学历")
    return profile, educations
