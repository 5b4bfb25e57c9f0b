"""The roster as a table (干部花名册): its Chinese columns and their aliases, the dates rosters write, the state
on a date as rows, and the stable ids of people a sheet gives none.

One definition of the columns serves both directions — export (`roster_rows`, used by exporters.roster) and
import (`ledger.io.opening_roster`) — so a roster exported on D and imported into a new ledger exports again as the
same table. Nothing here reads files or the store.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from ledger.io.spreadsheets import fold_width
from ledger.model.dates import ImpossibleDate, date_parts
from ledger.model.state import PersonState, State, UnitState, roster_sort_key
from ledger.read.cadre import current_post_since
from ledger.read.resume import post_text


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as exported, and the first name recognised on import
    aliases: tuple[str, ...] = ()  # other headers personnel tables use for the same thing
    required: bool = False


# In export order. Columns of a sheet matching none of these (序号, 籍贯, 政治面貌, 联系电话 …) are ignored and named
# in the import's notes; 序号 (a row count) is deliberately not an alias of 人员编号.
COLUMNS: tuple[Column, ...] = (
    Column("person", "人员编号", ("编号", "人员代码", "干部编号", "工号")),
    Column("name", "姓名", ("名字",), required=True),
    Column("gender", "性别", required=True),
    Column("birth_date", "出生年月", ("出生日期", "出生时间", "出生年月日", "生日"), required=True),
    Column("education", "学历", ("最高学历", "文化程度", "全日制学历")),
    Column("unit", "单位", ("所在单位", "工作单位", "单位名称")),
    Column("section", "科室", ("所在科室", "部门", "处室", "股室", "内设机构")),
    Column("establishment", "编制类型", ("编制性质", "编制", "编制情况")),
    Column("rank", "职级", ("现职级", "现任职级", "岗位等级", "职级(岗位等级)"), required=True),
    Column("rank_since", "任现职级时间", ("现职级时间", "任职级时间", "任现职级日期", "职级时间")),
    Column("posts", "职务", ("现任职务", "现职务", "领导职务")),
    Column("post_since", "任现职务时间", ("现职务时间", "任职时间", "任现职时间", "任现职务日期")),
    Column("host", "交流单位", ("借调单位", "挂职单位", "交流去向")),
    Column("secondment_kind", "交流方式", ("交流类型", "借调类型")),
    Column("until", "交流期限", ("交流截止时间", "借调期限")),
    Column("mode", "进入方式", ("入职方式", "进入本单位方式")),
)
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)
BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
LIST_SEPARATORS = re.compile(r"[、，,;；]")
NO_SECTION = ("无", "-", "—", "/", "／")  # written in 科室: "no section", and stops the fill-down
DEFAULT_ESTABLISHMENT = {"机关": "行政编制", "事业单位": "事业编制"}  # a blank 编制类型, by the unit's kind
GENDER_ALIASES = {"男": "男", "女": "女", "男性": "男", "女性": "女"}
DATE_FORMS = "a date such as 1985.01, 1985-01, 1985-01-17 or 198501"


def _header_key(text: Any) -> str:
    s = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"[\s*]", "", s)


_HEADER_INDEX: dict[str, str] = {_header_key(name): c.key for c in COLUMNS for name in (c.header, *c.aliases)}


def match_header(text: Any) -> str | None:
    """The column key a header names (exactly, or with a trailing note in brackets removed), or None."""
    key = _header_key(text)
    if key in _HEADER_INDEX:
        return _HEADER_INDEX[key]
    bare = re.sub(r"\(.*\)$", "", key)
    return _HEADER_INDEX.get(bare)


# --- dates ----------------------------------------------------------------------------------------------------
def parse_roster_date(value: Any) -> date:
    """A date as rosters write it (`ledger.model.dates.date_parts`, the one date reader). Month-only forms mean the
    month's first day (出生年月 is usually month-precise).

    Raises ValueError saying what was expected (`ImpossibleDate` for a day that does not exist); `1985.1` is
    refused as ambiguous (Excel shows 1985.10 so).
    """
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not {DATE_FORMS}")
    text = repr(value) if isinstance(value, float) else fold_width(str(value)).strip()
    if re.fullmatch(r"\d{4}\s*\.\s*1", text):
        raise ValueError(f"'{text}' is ambiguous: write 1985.01 for January or 1985.10 for October "
                         "(format the column as text in Excel)")
    parts = date_parts(text, months=True)
    if parts is None:
        raise ValueError(f"'{text}' is not {DATE_FORMS}")
    y, mo, d = parts
    if not 1900 <= y <= 2100:
        raise ImpossibleDate(f"'{text}' is an impossible date (year {y})")
    try:
        return date(y, mo, d)
    except ValueError:
        raise ImpossibleDate(f"'{text}' is an impossible date (no such day)") from None


# --- the state as rows ----------------------------------------------------------------------------------------
def _posts_cell(p: PersonState) -> tuple[str, Any]:
    labels = [x.post if x.section in (None, p.section) else f"{x.section}{x.post}" for x in p.posts]
    since = [x.since for x in p.posts]
    return "、".join(labels), (since[0] if len(since) == 1 else "、".join(d.isoformat() for d in since))


def person_row(p: PersonState, unit: UnitState) -> list[Any]:
    """One person as a roster row (values in HEADERS order; dates as `date`, blanks as '')."""
    posts, post_since = _posts_cell(p)
    s = p.secondment
    return [p.person, p.name, p.gender, p.birth_date, p.education or "", unit.name, p.section or "", p.establishment,
            p.rank, p.rank_since, posts, post_since, s.host if s else "", s.kind if s else "",
            (s.until or "") if s else "", p.mode]


def roster_rows(state: State, unit: str | None = None) -> list[list[Any]]:
    """The people on establishment as rows: unit by unit; in each, those without a section first (so a re-import's
    fill-down never gives them one), then section by section in the unit's order, leaders and higher ranks first."""
    rows = []
    for code, u in state.units.items():
        if unit is not None and code != unit:
            continue
        order = {name: i for i, name in enumerate(u.sections, start=1)}

        def key(p: PersonState, order: dict[str, int] = order) -> tuple:
            return (0 if p.section is None else order.get(p.section, len(order) + 1), roster_sort_key(p, state))

        rows += [person_row(p, u) for p in sorted(state.staff(code), key=key)]
    return rows


# --- ids ------------------------------------------------------------------------------------------------------
def person_id(unit: str, name: str, birth: date) -> str:
    """A stable id for a person the sheet gives none: the same 单位, 姓名 and 出生年月 give the same id on a rerun.

    `UNIT-` and 8 base32 characters (40 bits): two different people of one unit of 10,000 share an id with a
    chance of about 1 in 20,000; the import names such a clash rather than taking them for one person.
    """
    digest = hashlib.sha256(f"{unit}|{name}|{birth.isoformat()}".encode()).digest()
    return f"{unit}-{base64.b32encode(digest[:5]).decode()}"


# --- the cadre layout (干部花名册 as bureaus keep it: 三龄两历一身份) ----------------------------------------------------
# Its two-row header: a group's label over its sub-columns; every other label spans both rows.
CADRE_GROUPS: dict[str, tuple[str, ...]] = {"全日制教育": ("学历", "毕业院校及专业"), "在职教育": ("学历", "毕业院校及专业")}
CADRE_HEADER: tuple[str, ...] = ("姓名", "现任职务", "性别", "民族", "籍贯", "全日制教育", "在职教育", "出生年月",
                                 "参加工作时间", "入党时间", "任现职时间", "任现职级时间", "备注")
# Columns only the cadre layout (and other sheets that have them) carry: read on import, never in the standard
# layout's export. A two-row header is read as "group + sub-label" (全日制教育学历).
PROFILE_COLUMNS: tuple[Column, ...] = (
    Column("ethnicity", "民族"),
    Column("native_place", "籍贯"),
    Column("work_started", "参加工作时间", ("工作时间",)),
    Column("party_joined", "入党时间", ("入党时间(年月)",)),
    Column("fulltime_level", "全日制教育学历", ("全日制教育学历学位",)),
    Column("fulltime_school", "全日制教育毕业院校及专业", ("全日制教育毕业院校系及专业",)),
    Column("inservice_level", "在职教育学历", ("在职教育学历学位",)),
    Column("inservice_school", "在职教育毕业院校及专业", ("在职教育毕业院校系及专业",)),
    Column("remark", "备注"),
)
BY_KEY.update({c.key: c for c in PROFILE_COLUMNS})
_HEADER_INDEX.update({_header_key(name): c.key for c in PROFILE_COLUMNS for name in (c.header, *c.aliases)})


def cadre_subheaders() -> list[str]:
    """The second header row: the groups' sub-labels, blanks under the labels that span both rows."""
    out: list[str] = []
    for h in CADRE_HEADER:
        out += list(CADRE_GROUPS[h]) if h in CADRE_GROUPS else [""]
    return out


def dotted_date(d: date | None) -> str:
    return f"{d.year:04d}.{d.month:02d}" if d else ""


def cadre_row(p: PersonState, state: State) -> list[str]:
    """One person in the cadre layout's columns (dates as YYYY.MM, text throughout)."""
    f, s = p.file, p.secondment
    ft, ins = f.highest_education("全日制"), f.highest_education("在职")
    note = f"{s.kind}：{s.host}" + (f"（至{s.until.isoformat()}）" if s.until else "") if s else ""
    return [p.name, post_text(p, state, with_unit=False), p.gender, f.profile.get("ethnicity", ""),
            f.profile.get("native_place", ""), ft.level if ft else "", (ft.school or "") if ft else "",
            ins.level if ins else "", (ins.school or "") if ins else "", dotted_date(p.birth_date),
            (f.profile.get("work_started") or "").replace("-", "."), (f.profile.get("party_joined") or "").replace("-", "."),
            dotted_date(current_post_since(p)), dotted_date(p.rank_since), note]


def cadre_sheets(state: State, unit: str | None = None) -> list[tuple[str, list[list[str]]]]:
    """The people on establishment in the cadre layout, one sheet (unit name, rows) per unit, in the order of
    the standard layout (those without a section first, then section by section, leaders first)."""
    out = []
    for code, u in state.units.items():
        if unit is not None and code != unit:
            continue
        people = [state.people[row[0]] for row in roster_rows(state, code)]
        if people:
            out.append((u.name, [cadre_row(p, state) for p in people]))
    return out
