"""Reading an opening roster (干部花名册) into drafts: `hired`, `post_appointed` and `secondment_started`
effective on the roster's date, and recording them as one all-or-nothing batch (`ledger import-roster`).

Forgiving where a clerk's sheet is (header aliases, a title row above the header, full-width digits, the date
spellings of `ledger.io.roster_table`, blank cells that continue a merged-looking 单位/科室) and strict where a guess
could be wrong: every bad cell is reported with its row and column and what was expected, and nothing is drafted
from a sheet with any. Rules that need the timeline (quotas, a person already hired) stay the fold's:
`import_roster` validates through the application and reports the fold's problems at the rows they came from.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ledger.io.roster_table import (
    BY_KEY,
    DATE_FORMS,
    DEFAULT_ESTABLISHMENT,
    GENDER_ALIASES,
    HEADERS,
    LIST_SEPARATORS,
    NO_SECTION,
    match_header,
    parse_roster_date,
    person_id,
)
from ledger.io.spreadsheets import Located, Table, clean_text, column_letter, fold_width, is_blank, relocate
from ledger.model import vocabulary as v
from ledger.model.errors import Problem, Refused
from ledger.model.state import State, UnitState


@dataclass
class RosterPlan:
    """What an opening roster will record: the drafts (with their rows), and what to tell the clerk."""

    located: Located = field(default_factory=Located)
    people: int = 0
    generated: list[tuple[str, str, str]] = field(default_factory=list)  # (place, 人员编号, 姓名)
    notes: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)  # filled in once recorded


class _Sheet:
    """One table being read: its header, and labels like "职级 (column I)" for messages."""

    def __init__(self, table: Table, header_row: int, header: list[Any]):
        self.table = table
        self.header_row = header_row
        self.index: dict[str, int] = {}
        self.ignored: list[str] = []
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

    def label(self, key: str) -> str:
        i = self.index.get(key)
        return f"{BY_KEY[key].header} (column {column_letter(i)})" if i is not None else BY_KEY[key].header

    def cell(self, cells: list[Any], key: str) -> Any:
        i = self.index.get(key)
        return cells[i] if i is not None and i < len(cells) else ""


def _find_header(table: Table) -> tuple[int, list[Any]] | None:
    for row, cells in table.rows[:10]:  # a title row or two may sit above the header
        if any(match_header(c) == "name" for c in cells if isinstance(c, str)):
            return row, cells
    return None


def _match_name(text: str, known: list[str]) -> str | None:
    """The ledger's spelling of a unit/section/post name typed in a sheet (width and spaces aside)."""
    key = unicodedata.normalize("NFKC", text).replace(" ", "")
    for name in known:
        if unicodedata.normalize("NFKC", name).replace(" ", "") == key:
            return name
    return None


def _unit_of(text: str, state: State) -> UnitState | None:
    if text in state.units:
        return state.units[text]
    by_name = _match_name(text, [u.name for u in state.units.values()]) or _match_name(text, list(state.units))
    return next((u for u in state.units.values() if by_name in (u.name, u.unit)), None) if by_name else None


def plan_roster(tables: list[Table], state: State, on: date, *, unit: str | None = None, mode: str = "转任",
                add_sections: bool = False, basis: str | None = None, source: str = "",
                progress: Callable[[int], None] | None = None) -> RosterPlan:
    """Drafts of `hired`, `post_appointed` (and `secondment_started`) effective `on` for every row of the tables.

    Units are resolved per row: the 单位 cell (code or name; a blank continues the row above), else the sheet's
    name if it names a unit, else `unit`. Raises `Refused` with every bad cell if there is any.
    """
    plan = RosterPlan()
    problems: list[Problem] = []
    new_sections: dict[tuple[str, str], str] = {}
    seen: dict[str, tuple[str, tuple]] = {}  # person id -> place of its first row, (name, birth)
    default_unit = state.units.get(unit) if unit else None
    if unit and default_unit is None:
        raise Refused([Problem("unknown_unit", f"--unit: no unit '{unit}' on {on} (units: {', '.join(state.units) or 'none'})")])
    sheets = []
    for table in tables:
        found = _find_header(table)
        if found is None:
            if table.rows:
                plan.notes.append(f"{table.prefix()}skipped (no header row with 姓名)")
            continue
        sheets.append(_Sheet(table, *found))
    if not sheets:
        raise Refused([Problem("bad_header", "no header row with 姓名 in the first 10 rows of any sheet "
                               f"(expected headers: {'、'.join(HEADERS)})")])
    for sheet in sheets:
        t = sheet.table
        if sheet.ignored:
            plan.notes.append(f"{t.prefix()}ignored columns {'、'.join(sheet.ignored)}")
        for r in sheet.repeated:
            problems.append(Problem("bad_header", f"{t.where(sheet.header_row)}: repeated column {r}"))
        missing = [BY_KEY[k].header for k in ("name", "gender", "birth_date", "rank") if k not in sheet.index]
        if missing:
            problems.append(Problem("bad_header", f"{t.where(sheet.header_row)}: missing column(s) {'、'.join(missing)}"))
            continue
        sheet_unit = _unit_of(t.name, state) if t.name else None
        filled: dict[str, list[int]] = {}
        above_unit: UnitState | None = None
        unit_unknown = False
        above_section: str | None = None
        for row, cells in t.rows:
            if row <= sheet.header_row:
                continue
            if progress:
                progress(1)
            place = t.where(row)
            bad = []  # (column key, message)

            def text(key: str, cells: list[Any] = cells, sheet: _Sheet = sheet) -> str:
                value = sheet.cell(cells, key)
                return "" if is_blank(value) else clean_text(str(value))

            # 单位: the cell, else the one above (a merged-looking blank), else the sheet's, else --unit
            u: UnitState | None
            if "unit" not in sheet.index:
                u = sheet_unit or default_unit
                if u is None:
                    bad.append(("unit", "no unit: give --unit, a 单位 column, or name the sheet after the unit"))
            elif text("unit"):
                u = _unit_of(text("unit"), state)
                unit_unknown = u is None
                if u is None:
                    bad.append(("unit", f"no unit '{text('unit')}' on {on} (expected a code or name of: "
                                f"{'、'.join(f'{x.unit} {x.name}' for x in state.units.values()) or 'none yet'})"))
            elif unit_unknown:
                u = None  # continues a 单位 already reported above
            elif above_unit is not None:
                u = above_unit
                filled.setdefault(BY_KEY["unit"].header, []).append(row)
            else:
                u = sheet_unit or default_unit
                if u is None:
                    bad.append(("unit", "no unit: give --unit, a 单位 column, or name the sheet after the unit"))
            if u is not above_unit:
                above_section = None
            above_unit = u if u is not None else above_unit
            # 科室: a blank continues the section above within the same unit; 无/—/- say "none"
            section: str | None = None
            raw_section = text("section")
            if raw_section in NO_SECTION:
                section = None
            elif raw_section:
                if u is not None:
                    section = _match_name(raw_section, list(u.sections))
                    if section is None and add_sections:
                        section = raw_section
                        new_sections.setdefault((u.unit, section), place)
                    elif section is None:
                        bad.append(("section", f"{u.name} has no section '{raw_section}' on {on} (sections: "
                                    f"{'、'.join(u.sections) or 'none'}; add it with `ledger org section` or "
                                    "--add-sections)"))
            elif above_section is not None:
                section = above_section
                filled.setdefault(BY_KEY["section"].header, []).append(row)
            above_section = section if raw_section not in NO_SECTION else None

            name = text("name")
            if not name:
                bad.append(("name", "missing name"))
            gender = GENDER_ALIASES.get(text("gender"))
            if gender is None:
                bad.append(("gender", f"'{text('gender')}' is not 男 or 女" if text("gender") else "missing (男 or 女)"))
            birth = _date_cell(sheet, cells, "birth_date", bad, required=True)
            if birth is not None and birth >= on:
                bad.append(("birth_date", f"{birth} is not before {on}"))
            rank = text("rank")
            if not rank:
                bad.append(("rank", "missing rank (职级)"))
            elif u is not None and rank not in v.ranks_for_unit_kind(u.kind):
                known = v.ranks_for_unit_kind(u.kind)
                which = "unknown rank" if v.ladder_of(rank) is None else f"not a rank held in a {u.kind}"
                bad.append(("rank", f"{which} '{rank}' (expected one of {'、'.join(known)})"))
            rank_since = _date_cell(sheet, cells, "rank_since", bad)
            if rank_since is not None and rank_since > on:
                bad.append(("rank_since", f"{rank_since} is after {on}"))
            establishment = text("establishment") or (DEFAULT_ESTABLISHMENT.get(u.kind, "") if u else "")
            if establishment and establishment not in v.ESTABLISHMENT_TYPES:
                bad.append(("establishment", f"'{establishment}' is not one of {'、'.join(v.ESTABLISHMENT_TYPES)}"))
            hire_mode = text("mode") or mode
            if hire_mode not in v.HIRE_MODES:
                bad.append(("mode", f"'{hire_mode}' is not one of {'、'.join(v.HIRE_MODES)}"))
            pending = [x for (code, x) in new_sections if u is not None and code == u.unit]
            posts = _posts(sheet, cells, u, section, on, bad, pending if add_sections else None)
            for post_section in {ps for _post, ps, _since in posts if ps is not None and u is not None}:
                if post_section not in u.sections:  # a section named only in 职务 ("外贸科副科长")
                    new_sections.setdefault((u.unit, post_section), place)
            secondment = _secondment(sheet, cells, on, bad)

            pid = fold_width(text("person")).strip()
            generated = False
            if not pid and u is not None and name and birth is not None:
                pid, generated = person_id(u.unit, name, birth), True
            if pid and pid in seen:
                first, same = seen[pid]
                if generated and same == (name, birth):
                    bad.append(("name", f"the same person as {first} (same 单位, 姓名 and 出生年月; give each a 人员编号 "
                                "if they are two people)"))
                elif generated:
                    bad.append(("person", f"the id generated for this row, {pid}, is also {first}'s; give them a 人员编号"))
                else:
                    bad.append(("person", f"duplicate person '{pid}' (also {first})"))
            elif pid:
                seen[pid] = (place, (name, birth))
            for key, message in sorted(bad, key=lambda b, sheet=sheet: sheet.index.get(b[0], -1)):
                problems.append(Problem(_code(key, message), f"{place}, {sheet.label(key)}: {message}"))
            if bad or u is None:
                continue
            if generated:
                plan.generated.append((place, pid, name))
            plan.people += 1
            note = f"opening roster {source}, {place}".strip()
            columns = {"unknown_section": sheet.label("section"), "rank_not_for_unit": sheet.label("rank"),
                       "already_hired": sheet.label("person") if not generated else sheet.label("name"),
                       "id_in_use": sheet.label("person"), "over_establishment": sheet.label("establishment"),
                       "unknown_unit": sheet.label("unit"), "impossible_date:birth": sheet.label("birth_date"),
                       "impossible_date:rank_since": sheet.label("rank_since")}
            plan.located.add("hired", {
                "person": pid, "name": name, "gender": gender, "birth_date": birth, "education": text("education") or None,
                "unit": u.unit, "section": section, "establishment": establishment, "rank": rank,
                "rank_since": rank_since, "mode": hire_mode, "effective": on, "basis": basis, "note": note,
            }, place, columns)
            post_columns = {"unknown_post": sheet.label("posts"), "over_post_quota": sheet.label("posts"),
                            "unknown_section": sheet.label("posts"), "already_holds": sheet.label("posts")}
            for post, post_section, since in posts:
                plan.located.add("post_appointed", {"person": pid, "post": post, "section": post_section, "since": since,
                                                    "effective": on, "basis": basis}, place, post_columns)
            if secondment:
                plan.located.add("secondment_started", {"person": pid, **secondment, "effective": on, "basis": basis},
                                 place, {"impossible_date:until": sheet.label("until")})
        for header, rows in filled.items():
            plan.notes.append(f"{t.prefix()}blank {header} continued from the row above in row(s) {_ranges(rows)}")
    for (code, section), place in new_sections.items():
        plan.located.add("section_established", {"unit": code, "section": section, "effective": on, "basis": basis}, place)
        plan.notes.append(f"new section {code} {section} (first used at {place})")
    if problems:
        raise Refused(problems)
    return plan


def _code(key: str, message: str) -> str:
    if key == "name" and message.startswith("missing"):
        return "missing_name"
    if key == "rank":
        return "unknown_rank" if "unknown rank" in message else "bad_value"
    if "impossible" in message or "not before" in message or "is after" in message:
        return "impossible_date"
    if key in ("person", "name") and ("duplicate" in message or "same person" in message):
        return "duplicate_person"
    return "bad_value"


def _date_cell(sheet: _Sheet, cells: list[Any], key: str, bad: list, required: bool = False) -> date | None:
    value = sheet.cell(cells, key)
    if is_blank(value):
        if required:
            bad.append((key, f"missing (expected {DATE_FORMS})"))
        return None
    try:
        return parse_roster_date(value)
    except ValueError as e:
        bad.append((key, str(e)))
        return None


def _posts(sheet: _Sheet, cells: list[Any], u: UnitState | None, section: str | None, on: date,
           bad: list, new_sections: list[str] | None = None) -> list[tuple[str, str | None, date | None]]:
    """(post, section, since) for each post in 职务: `科长` is in the person's own 科室, `财务科科长` in 财务科."""
    raw = sheet.cell(cells, "posts")
    items = [clean_text(x) for x in LIST_SEPARATORS.split(str(raw))] if not is_blank(raw) else []
    items = [x for x in items if x]
    since_raw = sheet.cell(cells, "post_since")
    dates: list[date | None] = []
    if not is_blank(since_raw):
        parts = [since_raw] if isinstance(since_raw, date | int | float) else \
            [x for x in (clean_text(y) for y in LIST_SEPARATORS.split(str(since_raw))) if x]
        for part in parts:
            try:
                dates.append(parse_roster_date(part))
            except ValueError as e:
                bad.append(("post_since", str(e)))
                return []
    if not items:
        if dates:
            bad.append(("post_since", "a date but no 职务 (post)"))
        return []
    if dates and len(dates) not in (1, len(items)):
        bad.append(("post_since", f"{len(dates)} dates for {len(items)} posts (give one date, or one per post)"))
        return []
    if any(d is not None and d > on for d in dates):
        bad.append(("post_since", f"a date after {on}"))
        return []
    if u is None:
        return []
    out = []
    known = sorted(u.post_quotas, key=len, reverse=True)
    for i, item in enumerate(items):
        since = dates[0] if len(dates) == 1 else (dates[i] if dates else None)
        post = _match_name(item, known)
        post_section = section
        if post is None:
            for candidate in known:  # "办公室副主任": a section of the unit, then one of its posts
                key = unicodedata.normalize("NFKC", item)
                if key.endswith(unicodedata.normalize("NFKC", candidate)) and len(key) > len(candidate):
                    rest = key[: -len(candidate)]
                    prefix = _match_name(rest, [*u.sections, *(new_sections or [])])
                    if prefix is None and new_sections is not None:  # --add-sections: the prefix is a new section
                        prefix = clean_text(item[: -len(candidate)])
                    if prefix is not None:
                        post, post_section = candidate, prefix
                        break
        if post is None:
            bad.append(("posts", f"{u.name} has no post '{item}' (领导职数 set for: {'、'.join(u.post_quotas) or 'none'}; "
                        "set it with `ledger org post-quota`)"))
            continue
        out.append((post, post_section, since))
    return out


def _secondment(sheet: _Sheet, cells: list[Any], on: date, bad: list) -> dict[str, Any] | None:
    host = sheet.cell(cells, "host")
    kind = sheet.cell(cells, "secondment_kind")
    if is_blank(host):
        if not is_blank(kind):
            bad.append(("host", f"交流方式 '{kind}' but no 交流单位"))
        return None
    kind = clean_text(str(kind)) if not is_blank(kind) else ""
    if kind not in v.SECONDMENT_KINDS:
        bad.append(("secondment_kind", f"'{kind}' is not one of {'、'.join(v.SECONDMENT_KINDS)}" if kind else
                    f"missing (one of {'、'.join(v.SECONDMENT_KINDS)})"))
        return None
    until = _date_cell(sheet, cells, "until", bad)
    if until is not None and until < on:
        bad.append(("until", f"{until} is before {on}"))
        return None
    return {"host": clean_text(str(host)), "kind": kind, "until": until}


def _ranges(rows: list[int]) -> str:
    out: list[str] = []
    start = prev = rows[0]
    for r in [*rows[1:], None]:
        if r is not None and r == prev + 1:
            prev = r
            continue
        out.append(f"{start}" if start == prev else f"{start}–{prev}")
        if r is not None:
            start = prev = r
    return ", ".join(out)


def _column_for(p: Problem, columns: dict[str, str]) -> str | None:
    if p.code == "impossible_date":
        for what, key in (("birth", "impossible_date:birth"), ("rank_since", "impossible_date:rank_since"),
                          ("until", "impossible_date:until")):
            if what in p.message and key in columns:
                return columns[key]
        return None
    return columns.get(p.code)


def import_roster(app: Any, tables: list[Table], on: date, *, source: str = "", unit: str | None = None,
                  mode: str = "转任", add_sections: bool = False, basis: str | None = None, actor: str | None = None,
                  dry_run: bool = False, progress: Callable[[int], None] | None = None, vet: Any = None) -> RosterPlan:
    """Record the tables of an opening roster (`read_tables(path)`) as one all-or-nothing batch effective `on`.

    `app` is a `PersonnelLedger`. Raises `Refused` (nothing written) with every problem at its row and column;
    with `dry_run`, only checks. `vet` is the append's compliance hook (`PersonnelLedger.append(vet=…)`).
    """
    plan = plan_roster(tables, app.state(on), on, unit=unit, mode=mode, add_sections=add_sections, basis=basis,
                       source=source, progress=progress)
    try:
        if dry_run:
            app.check(plan.located.drafts)
        else:
            plan.ids = app.append(plan.located.drafts, actor=actor, vet=vet)
    except Refused as e:
        raise relocate(e, plan.located, _column_for) from None
    return plan
