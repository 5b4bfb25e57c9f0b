"""Planning an opening roster (干部花名册): the drafts of `hired`, `post_appointed` and `secondment_started`
effective on the roster's date that `ledger import-roster` records as one all-or-nothing batch.

Forgiving where a clerk's sheet is (header aliases, a title row above the header, full-width digits, the date
spellings of `ledger.io.roster_table`, blank cells that continue a merged-looking 单位/科室) and strict where a guess
could be wrong: every bad cell is reported with its row and column and what was expected, and nothing is drafted
from a sheet with any. Rules that need the timeline (quotas, a person already hired) stay the fold's: the
application records the plan, and `RosterPlan.relocated` reports the fold's problems at the rows they came from.
Nothing here reads the store or records anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ledger.io.roster_sheet import (
    HEADER_ROWS,
    PostCell,
    RosterRow,
    RosterSheet,
    match_name,
    read_current_post,
    read_posts,
    read_profile,
    read_remark,
    read_secondment,
    unit_named,
)
from ledger.io.roster_table import (
    BY_KEY,
    DEFAULT_ESTABLISHMENT,
    GENDER_ALIASES,
    HEADERS,
    NO_SECTION,
    person_id,
)
from ledger.io.spreadsheets import Located, Table, fold_width, relocate
from ledger.model import vocabulary as v
from ledger.model.errors import Problem, Refused, no_unit
from ledger.model.i18n import N_, _
from ledger.model.parsing import sanitise
from ledger.model.state import State, UnitState

NO_UNIT = N_("no unit: give --unit, a 单位 column, or name the sheet after the unit")


@dataclass
class RosterPlan:
    """What an opening roster will record: the drafts (with their rows), and what to tell the clerk."""

    located: Located = field(default_factory=Located)
    people: int = 0
    generated: list[tuple[str, str, str]] = field(default_factory=list)  # (place, 人员编号, 姓名)
    notes: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)  # filled in once recorded

    def relocated(self, refused: Refused) -> Refused:
        """The refusal of the plan's drafts with each problem at the row and column it came from."""
        return relocate(refused, self.located, _column_for)


@dataclass
class _Above:
    """What a blank 单位 or 科室 cell continues on one sheet: the unit and section of the rows above."""

    unit: UnitState | None = None
    unit_unknown: bool = False  # the 单位 above was reported unknown: blanks below it are not guessed
    section: str | None = None
    continued: dict[str, list[int]] = field(default_factory=dict)  # header -> rows whose blank was continued

    def note_continued(self, key: str, row: int) -> None:
        self.continued.setdefault(BY_KEY[key].header, []).append(row)


def plan_roster(tables: list[Table], state: State, on: date, *, unit: str | None = None, mode: str = "转任",
                add_sections: bool = False, basis: str | None = None, source: str = "",
                progress: Callable[[int], None] | None = None) -> RosterPlan:
    """Drafts of `hired`, `post_appointed` (and `secondment_started`) effective `on` for every row of the tables.

    Units are resolved per row: the 单位 cell (code or name; a blank continues the row above), else the sheet's
    name if it names a unit, else `unit`. Raises `Refused` with every bad cell if there is any.
    """
    default_unit = state.units.get(unit) if unit else None
    if unit and default_unit is None:
        raise Refused([Problem("unknown_unit", f"--unit: {no_unit(unit, on, state.units)}")])
    planner = _Planner(state, on, default_unit, mode, add_sections, basis, source, progress)
    sheets = planner.sheets(tables)
    for sheet in sheets:
        planner.read_sheet(sheet)
    planner.add_new_sections()
    if planner.problems:
        raise Refused(planner.problems)
    return planner.plan


@dataclass
class _Planner:
    """Reads the sheets row by row into one plan. The problems of cells are collected, not raised at the first,
    so that the clerk sees every one of them at once."""

    state: State
    on: date
    default_unit: UnitState | None
    mode: str
    add_sections: bool
    basis: str | None
    source: str
    progress: Callable[[int], None] | None
    plan: RosterPlan = field(default_factory=RosterPlan)
    problems: list[Problem] = field(default_factory=list)
    new_sections: dict[tuple[str, str], str] = field(default_factory=dict)  # (unit, section) -> first place used
    seen: dict[str, tuple[str, tuple[Any, ...]]] = field(default_factory=dict)  # id -> first place, (name, birth)

    def sheets(self, tables: list[Table]) -> list[RosterSheet]:
        sheets = []
        for table in tables:
            sheet = RosterSheet.find(table)
            if sheet is not None:
                sheets.append(sheet)
            elif table.rows:
                self.plan.notes.append(table.prefix() + _("skipped (no header row with 姓名)"))
        if not sheets:
            raise Refused([Problem("bad_header", _("no header row with 姓名 in the first {rows} rows of any sheet "
                                                     "(expected headers: {headers})").format(
                rows=HEADER_ROWS, headers="、".join(HEADERS)))])
        return sheets

    def read_sheet(self, sheet: RosterSheet) -> None:
        t = sheet.table
        if sheet.ignored:
            self.plan.notes.append(t.prefix() + _("ignored columns {columns}").format(columns="、".join(sheet.ignored)))
        for r in sheet.repeated:
            self.problems.append(Problem("bad_header", _("{where}: repeated column {column}").format(
                where=t.where(sheet.header_row), column=r)))
        missing = sheet.missing()
        if missing:
            self.problems.append(Problem("bad_header", _("{where}: missing column(s) {columns}").format(
                where=t.where(sheet.header_row), columns="、".join(missing))))
            return
        sheet_unit = unit_named(t.name, self.state) if t.name else None
        above = _Above()
        for number, cells in t.rows:
            if number <= sheet.header_row:
                continue
            if self.progress:
                self.progress(1)
            self.read_row(RosterRow(sheet, number, cells), above, sheet_unit or self.default_unit)
        for header, rows in above.continued.items():
            self.plan.notes.append(t.prefix() + _("blank {column} continued from the row above in row(s) {rows}").format(
                column=header, rows=_ranges(rows)))

    def read_row(self, row: RosterRow, above: _Above, fallback: UnitState | None) -> None:
        """Every cell of one person's row; drafts only when none of them is wrong."""
        u = self.unit(row, above, fallback)
        if row.sheet.rank_in_posts:  # the cadre layout
            read_current_post(row, u)
            read_remark(row)
        section = self.section(row, above, u)
        hire = self.person(row, u, section)
        posts = self.posts(row, u, section)
        secondment = read_secondment(row, self.on)
        profile, educations = read_profile(row)
        pid, generated = self.person_id(row, u, hire["name"], hire["birth_date"])
        self.problems += row.problems()
        if row.bad or u is None:
            return
        if generated:
            self.plan.generated.append((row.place, pid, hire["name"]))
        self.plan.people += 1
        self.draft(row, {"person": pid, **hire}, generated, posts, secondment)
        self.draft_file(row, pid, profile, educations)

    def unit(self, row: RosterRow, above: _Above, fallback: UnitState | None) -> UnitState | None:
        """单位: the cell, else the one above (a merged-looking blank), else the sheet's, else --unit."""
        u: UnitState | None
        column, typed = "unit" in row.sheet.index, row.text("unit")
        if typed:
            u = unit_named(typed, self.state)
            above.unit_unknown = u is None
            if u is None:
                known = [f"{x.unit} {x.name}" for x in self.state.units.values()]  # a clerk types either
                row.complain("unit", no_unit(typed, self.on, known))
        elif column and above.unit_unknown:
            u = None  # continues a 单位 already reported above
        elif column and above.unit is not None:
            u = above.unit
            above.note_continued("unit", row.number)
        else:
            u = fallback
            if u is None:
                row.complain("unit", _(NO_UNIT))
        if u is not above.unit:
            above.section = None
        above.unit = u if u is not None else above.unit
        return u

    def section(self, row: RosterRow, above: _Above, u: UnitState | None) -> str | None:
        """科室: a blank continues the section above within the same unit; 无/—/- say "none"."""
        raw = row.text("section")
        section: str | None = None
        if raw and raw not in NO_SECTION and u is not None:
            section = match_name(raw, list(u.sections))
            if section is None and self.add_sections:
                section = raw
                self.new_sections.setdefault((u.unit, section), row.place)
            elif section is None:
                row.complain("section", _("{unit} has no section '{section}' on {on} (sections: {known}; add it with "
                                           "`ledger org section` or --add-sections)").format(
                    unit=u.name, section=raw, on=self.on, known="、".join(u.sections) or _("none")))
        elif not raw and above.section is not None:
            section = above.section
            above.note_continued("section", row.number)
        above.section = section
        return section

    def person(self, row: RosterRow, u: UnitState | None, section: str | None) -> dict[str, Any]:
        """The hire's fields but its id: who, where, their rank and since when, their establishment and how they
        came."""
        name = row.text("name")
        try:  # as the ledger keeps it (林  芳 is 林芳), before an id is made from it
            name = sanitise(name, "name")
        except ValueError as e:
            row.complain("name", str(e))
        if not name:
            row.complain("name", _("missing name"), "missing_name")
        gender = GENDER_ALIASES.get(row.text("gender"))
        if gender is None:
            row.complain("gender", _("'{value}' is not 男 or 女").format(value=row.text("gender")) if row.text("gender")
                         else _("missing (男 or 女)"))
        birth = row.date("birth_date", required=True)
        if birth is not None and birth >= self.on:
            row.complain("birth_date", _("{birth} is not before {on}").format(birth=birth, on=self.on), "impossible_date")
        rank = self.rank(row, u)
        rank_since = row.date("rank_since")
        if rank_since is not None and rank_since > self.on:
            row.complain("rank_since", _("{since} is after {on}").format(since=rank_since, on=self.on), "impossible_date")
        establishment = row.text("establishment") or (DEFAULT_ESTABLISHMENT.get(u.kind, "") if u else "")
        if establishment and establishment not in v.ESTABLISHMENT_TYPES:
            row.complain("establishment", _("'{value}' is not one of {known}").format(
                value=establishment, known="、".join(v.ESTABLISHMENT_TYPES)))
        hire_mode = row.text("mode") or self.mode
        if hire_mode not in v.HIRE_MODES:
            row.complain("mode", _("'{value}' is not one of {known}").format(value=hire_mode, known="、".join(v.HIRE_MODES)))
        return {"name": name, "gender": gender, "birth_date": birth, "education": row.text("education") or None,
                "unit": u.unit if u else None, "section": section, "establishment": establishment, "rank": rank,
                "rank_since": rank_since, "mode": hire_mode}

    def rank(self, row: RosterRow, u: UnitState | None) -> str:
        rank = row.text("rank")
        if not rank:
            row.complain("rank", _("missing rank (职级)"))
        elif u is not None and rank not in v.ranks_for_unit_kind(u.kind):
            known = "、".join(v.ranks_for_unit_kind(u.kind))
            if v.ladder_of(rank) is None:
                row.complain("rank", _("unknown rank '{rank}' (expected one of {known})").format(rank=rank, known=known),
                             "unknown_rank")
            else:
                row.complain("rank", _("not a rank held in a {kind} '{rank}' (expected one of {known})").format(
                    kind=u.kind, rank=rank, known=known))
        return rank

    def posts(self, row: RosterRow, u: UnitState | None, section: str | None) -> list[PostCell]:
        """职务, and the sections only a 职务 names (外贸科副科长), established with the roster."""
        pending = [s for (code, s) in self.new_sections if u is not None and code == u.unit]
        posts = read_posts(row, u, section, self.on, pending if self.add_sections else None)
        if u is not None:
            for _post, post_section, _since in posts:
                if post_section is not None and post_section not in u.sections:
                    self.new_sections.setdefault((u.unit, post_section), row.place)
        return posts

    def person_id(self, row: RosterRow, u: UnitState | None, name: str, birth: date | None) -> tuple[str, bool]:
        """人员编号, or one made from 单位, 姓名 and 出生年月 (and whether it was made); each id once in the roster."""
        pid = fold_width(row.text("person")).strip()
        generated = False
        if not pid and u is not None and name and birth is not None:
            pid, generated = person_id(u.unit, name, birth), True
        if pid and pid in self.seen:
            first, same = self.seen[pid]
            if generated and same == (name, birth):
                row.complain("name", _("the same person as {first} (same 单位, 姓名 and 出生年月; give each a 人员编号 if "
                                        "they are two people)").format(first=first), "duplicate_person")
            elif generated:
                row.complain("person", _("the id generated for this row, {id}, is also {first}'s; give them a "
                                          "人员编号").format(id=pid, first=first))
            else:
                row.complain("person", _("duplicate person '{id}' (also {first})").format(id=pid, first=first),
                             "duplicate_person")
        elif pid:
            self.seen[pid] = (row.place, (name, birth))
        return pid, generated

    def draft(self, row: RosterRow, hire: dict[str, Any], generated: bool, posts: list[PostCell],
              secondment: dict[str, Any] | None) -> None:
        """The row's drafts, each with the columns the fold's problems about it point at."""
        sheet, on, basis, pid = row.sheet, self.on, self.basis, hire["person"]
        note = f"opening roster {self.source}, {row.place}".strip()
        columns = {"unknown_section": sheet.label("section"), "rank_not_for_unit": sheet.label("rank"),
                   "already_hired": sheet.label("person") if not generated else sheet.label("name"),
                   "id_in_use": sheet.label("person"), "over_establishment": sheet.label("establishment"),
                   "unknown_unit": sheet.label("unit"), "impossible_date:birth": sheet.label("birth_date"),
                   "impossible_date:rank_since": sheet.label("rank_since")}
        self.plan.located.add("hired", {**hire, "effective": on, "basis": basis, "note": note}, row.place, columns)
        post_columns = dict.fromkeys(("unknown_post", "over_post_quota", "unknown_section", "already_holds"),
                                     sheet.label("posts"))
        for post, post_section, since in posts:
            self.plan.located.add("post_appointed", {"person": pid, "post": post, "section": post_section,
                                                     "since": since, "effective": on, "basis": basis},
                                  row.place, post_columns)
        if secondment:
            self.plan.located.add("secondment_started", {"person": pid, **secondment, "effective": on, "basis": basis},
                                  row.place, {"impossible_date:until": sheet.label("until")})

    def draft_file(self, row: RosterRow, pid: str, profile: dict[str, Any], educations: list[dict[str, Any]]) -> None:
        """The row's profile and education cells as facts of the person's file, effective with the roster."""
        if profile:
            self.plan.located.add("profile_recorded", {"person": pid, **profile, "effective": self.on,
                                                       "basis": self.basis}, row.place)
        for e in educations:
            self.plan.located.add("education_recorded", {"person": pid, **e, "effective": self.on,
                                                         "basis": self.basis}, row.place)

    def add_new_sections(self) -> None:
        for (code, section), place in self.new_sections.items():
            self.plan.located.add("section_established", {"unit": code, "section": section, "effective": self.on,
                                                          "basis": self.basis}, place)
            self.plan.notes.append(f"new section {code} {section} (first used at {place})")


def _ranges(rows: list[int]) -> str:
    """Row numbers as ranges: 3–7, 9."""
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
    """The column a problem the fold found points at (a date problem by the date its message names)."""
    if p.code == "impossible_date":
        for what, key in (("birth", "impossible_date:birth"), ("rank_since", "impossible_date:rank_since"),
                          ("until", "impossible_date:until")):
            if what in p.message and key in columns:
                return columns[key]
        return None
    return columns.get(p.code)
