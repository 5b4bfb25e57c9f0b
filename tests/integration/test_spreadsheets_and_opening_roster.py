"""Opening roster and spreadsheets (issue 7): a clerk starts the ledger from the 干部花名册 kept in Excel, and
takes rosters back out to Excel.

The bureau here is invented for these tests (区商务局 SW and its 区投资促进中心 TZ), not the demo's.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from ledger.io.roster_table import HEADERS, parse_roster_date, person_id

D = "2022-12-31"
SW_SECTIONS = ("办公室", "综合科", "外贸科", "市场科", "电商科")
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许"
GIVEN = ("立新", "晓梅", "建华", "雨桐")
EDUCATION = ("大学本科", "硕士研究生", "大学专科", "大学本科")
WIDE = str.maketrans("0123456789-.SWTZ", "０１２３４５６７８９－．ＳＷＴＺ")


def structure() -> list[dict[str, Any]]:
    d = "2020-01-01"
    lines: list[dict[str, Any]] = [
        {"event": "unit_established", "effective": d, "unit": "SW", "name": "区商务局", "kind": "机关"},
        *({"event": "section_established", "effective": d, "unit": "SW", "section": s} for s in SW_SECTIONS),
        {"event": "quota_set", "effective": d, "unit": "SW", "establishment": "行政编制", "count": 40},
        {"event": "unit_established", "effective": d, "unit": "TZ", "name": "区投资促进中心", "kind": "事业单位",
         "parent": "SW", "funding": "全额拨款"},
        {"event": "section_established", "effective": d, "unit": "TZ", "section": "项目部"},
        {"event": "quota_set", "effective": d, "unit": "TZ", "establishment": "事业编制", "count": 8},
    ]
    for unit, post, level, count in (("SW", "局长", "县处级正职", 1), ("SW", "副局长", "县处级副职", 3),
                                     ("SW", "科长", "乡科级正职", 5), ("SW", "副科长", "乡科级副职", 5),
                                     ("TZ", "主任", "乡科级正职", 1), ("TZ", "副主任", "乡科级副职", 1)):
        lines.append({"event": "post_quota_set", "effective": d, "unit": unit, "post": post, "level": level,
                      "count": count})
    return lines


def people() -> list[dict[str, Any]]:
    """40 people as they truly are: the expected roster on D (posts as the export writes them)."""
    out: list[dict[str, Any]] = []

    def add(unit: str, section: str | None, rank: str, posts: str = "", post_since: date | None = None, **kw: Any) -> None:
        n = len(out)
        month_only = n % 4 != 2  # 出生年月 is usually month-precise
        birth = date(1965 + n % 30, 1 + n % 12, 1 if month_only else 1 + n % 27)
        p = {"person": None if n % 5 == 3 else f"{unit}{n + 1:03d}", "name": SURNAMES[n % 20] + GIVEN[n // 20 + n % 2],
             "gender": "男女"[n % 2], "birth": birth, "month_only": month_only, "education": EDUCATION[n % 4],
             "unit": unit, "section": section, "establishment": "行政编制" if unit == "SW" else "事业编制", "rank": rank,
             "rank_since": date(2015 + n % 7, 1 + n % 12, 1), "posts": posts, "post_since": post_since,
             "host": "", "kind": "", "until": None}
        p.update(kw)
        out.append(p)

    add("SW", None, "二级调研员", "局长", date(2018, 5, 1))
    for i in range(3):
        add("SW", None, "四级调研员", "副局长", date(2019, 3 + i, 1))
    ranks = ("一级主任科员", "三级主任科员", "四级主任科员", "一级科员", "二级科员", "一级科员")
    for s, section in enumerate(SW_SECTIONS):
        for i, rank in enumerate(ranks):
            posts = {0: "科长", 1: "副科长" if s < 4 else ""}.get(i, "")
            add("SW", section, rank, posts, date(2016 + s, 2 + i, 1) if posts else None)
    out[-1].update(posts="外贸科副科长", post_since=date(2021, 7, 1))  # 电商科's last holds a post in 外贸科
    out[-2].update(host="区委办公室", kind="借调", until=date(2023, 6, 30))
    add("TZ", None, "七级职员", "主任", date(2017, 9, 1))
    add("TZ", None, "八级职员", "副主任", date(2020, 9, 1))
    for rank in ("专业技术十级", "九级职员", "专业技术十二级", "十级职员"):
        add("TZ", "项目部", rank)
    assert len(out) == 40
    return out


def pid(p: dict[str, Any]) -> str:
    return p["person"] or person_id(p["unit"], p["name"], p["birth"])


def expected_rows() -> dict[str, dict[str, str]]:
    names = {"SW": "区商务局", "TZ": "区投资促进中心"}
    out = {}
    for p in people():
        out[pid(p)] = dict(zip(HEADERS, [
            pid(p), p["name"], p["gender"], p["birth"].isoformat(), p["education"], names[p["unit"]], p["section"] or "",
            p["establishment"], p["rank"], p["rank_since"].isoformat(), p["posts"],
            p["post_since"].isoformat() if p["post_since"] else "", p["host"], p["kind"],
            p["until"].isoformat() if p["until"] else "", "转任"], strict=True))
    return out


# --- the clerk's sheet, as saved from Excel ---------------------------------------------------------------------
SHEET_HEADERS = ["序号", "人员编号", "姓名", "性别", "出生日期", "学历", "单位", "科室", "编制类型", "现职级",
                 "任现职级时间", "现任职务", "任现职务时间", "借调单位", "交流方式", "交流期限", "籍贯"]


def _birth_cell(p: dict[str, Any], n: int, for_xlsx: bool) -> Any:
    b = p["birth"]
    if not p["month_only"]:
        return b if for_xlsx and n % 8 == 2 else f"{b.year}-{b.month:02d}-{b.day:02d}"
    return (f"{b.year}.{b.month:02d}", f"{b.year}-{b.month:02d}", f"{b.year}{b.month:02d}")[n % 3]


def sheet_rows(for_xlsx: bool) -> list[list[Any]]:
    """The roster as a clerk keeps it: 单位 and 科室 only on the first row of each block (merged look), aliases for
    headers, several date spellings, full-width digits in some cells, a blank 编制类型, extra columns."""
    rows = []
    last_unit = last_section = None
    for n, p in enumerate(people()):
        unit = ("区商务局" if p["unit"] == "SW" else "区投资促进中心") if for_xlsx else p["unit"]
        unit_cell = unit if unit != last_unit else ""
        section_cell = p["section"] or "" if (p["section"], unit) != (last_section, last_unit) else ""
        last_unit, last_section = unit, p["section"]
        person = p["person"] or ""
        birth = _birth_cell(p, n, for_xlsx)
        rank_since = f"{p['rank_since'].year}.{p['rank_since'].month:02d}"
        if n % 3 == 0:  # typed with a Chinese input method: full-width digits
            person, rank_since = person.translate(WIDE), rank_since.translate(WIDE)
            birth = birth.translate(WIDE) if isinstance(birth, str) else birth
        post_since = p["post_since"].strftime("%Y.%m") if p["post_since"] else ""
        rows.append([n + 1, person, p["name"], p["gender"], birth, p["education"], unit_cell, section_cell,
                     "" if n % 7 == 0 else p["establishment"], p["rank"], rank_since, p["posts"], post_since, p["host"],
                     p["kind"], p["until"].isoformat() if p["until"] else "", "某省某市"])
    return rows


def write_clerk_xlsx(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(["区商务局干部花名册（2022年12月31日）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(SHEET_HEADERS))
    sheet.append(SHEET_HEADERS)
    rows = sheet_rows(for_xlsx=True)
    for row in rows:
        sheet.append([None if c == "" else c for c in row])
    # 单位 merged for real over each unit's block (the rest of the cells look merged: blank)
    unit_col = SHEET_HEADERS.index("单位") + 1
    starts = [i for i, r in enumerate(rows) if r[unit_col - 1]] + [len(rows)]
    for a, b in zip(starts, starts[1:], strict=False):
        sheet.merge_cells(start_row=a + 3, start_column=unit_col, end_row=b + 2, end_column=unit_col)
    book.save(path)
    return path


def write_clerk_csv_gbk(path: Path) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(SHEET_HEADERS)
    writer.writerows(sheet_rows(for_xlsx=False))
    path.write_bytes(buf.getvalue().encode("gbk"))
    return path


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "CSV must be written UTF-8 with BOM"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture
def bureau(ledger, write_jsonl):
    ledger.ok("import", str(write_jsonl(structure(), "structure.jsonl")))
    return ledger


def exported(ledger, tmp_path: Path, name: str = "out.csv") -> dict[str, dict[str, str]]:
    out = tmp_path / name
    ledger.ok("roster", "--as-of", D, "--format", "csv", "-o", str(out))
    rows = read_csv_rows(out)
    assert list(rows[0]) == list(HEADERS)
    return {r["人员编号"]: r for r in rows}


# --- opening roster in ------------------------------------------------------------------------------------------
def test_clerks_xlsx_roster_imports_and_the_roster_on_d_equals_the_sheet(bureau, tmp_path):
    sheet = write_clerk_xlsx(tmp_path / "花名册.xlsx")
    before = bureau.event_count()
    r = bureau.ok("import-roster", str(sheet), "--as-of", D)
    assert "40 people recorded effective 2022-12-31" in r.output
    assert "ignored columns 序号\n" in r.output  # 籍贯 is read: it goes to the person's file
    generated = [p for p in people() if p["person"] is None]
    for p in generated:  # the generated ids are printed beside their names
        assert pid(p) in r.output and p["name"] in r.output
    # 40 hires, 16 appointments, one secondment, and 40 profiles (籍贯)
    assert bureau.event_count() == before + 40 + 16 + 1 + 40
    assert {e["native_place"] for e in bureau.json("log") if e["event"] == "profile_recorded"} == {"某省某市"}
    assert exported(bureau, tmp_path) == expected_rows()
    roster = bureau.json("roster", "--as-of", D)
    seconded = [p for p in roster["people"] if p["status"] == "seconded"]
    assert [p["secondment"]["host"] for p in seconded] == ["区委办公室"]


def test_gbk_csv_twin_with_merged_looking_blanks_gives_the_same_roster(sqlite_ledger, write_jsonl, tmp_path):
    sqlite_ledger.ok("import", str(write_jsonl(structure())))
    sheet = write_clerk_csv_gbk(tmp_path / "花名册.csv")
    with pytest.raises(UnicodeDecodeError):
        sheet.read_bytes().decode("utf-8")
    r = sqlite_ledger.ok("import-roster", str(sheet), "--as-of", D)
    assert "blank 单位 continued from the row above" in r.output
    assert "blank 科室 continued from the row above" in r.output
    assert exported(sqlite_ledger, tmp_path) == expected_rows()


def test_rerunning_the_same_roster_is_refused_not_doubled(sqlite_ledger, write_jsonl, tmp_path):
    sqlite_ledger.ok("import", str(write_jsonl(structure())))
    sheet = write_clerk_csv_gbk(tmp_path / "花名册.csv")
    sqlite_ledger.ok("import-roster", str(sheet), "--as-of", D)
    count = sqlite_ledger.event_count()
    r = sqlite_ledger("import-roster", str(sheet), "--as-of", D)
    assert r.exit_code == 1
    generated = next(p for p in people() if p["person"] is None)
    # stable ids: the rerun finds the generated person already there, at the row of the sheet
    row = people().index(generated) + 2
    assert f"row {row}, 姓名 (column C): {D} {pid(generated)} {generated['name']}: already on the establishment" in r.output
    assert sqlite_ledger.event_count() == count


BAD_ROWS = [
    ["人员编号", "姓名", "性别", "出生年月", "科室", "职级", "任现职级时间", "职务", "任现职务时间"],
    ["B01", "甲一", "男", "1980.05", "办公室", "一级主任科员", "2019.01", "科长", "2019.01"],
    ["B02", "乙二", "女", "1984.02", "办公室", "科级干部", "2019.01", "", ""],  # unknown rank
    ["B03", "丙三", "男", "1983-02-30", "综合科", "一级科员", "2020.13", "", ""],  # impossible dates
    ["B01", "丁四", "女", "1990.07", "外贸科", "一级科员", "2020.01", "", ""],  # duplicate person
    ["B05", "", "男", "1991.01", "外贸科", "一级科员", "2020.01", "", ""],  # missing name
    ["B06", "戊六", "男", "1992.01", "财务科", "一级科员", "2020.01", "处长", ""],  # unknown section and post
]


def test_a_sheet_with_bad_rows_is_refused_whole_with_every_problem_by_row_and_column(bureau, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "SW"  # the sheet names its unit
    for row in BAD_ROWS:
        sheet.append(row)
    book.save(tmp_path / "bad.xlsx")
    before = bureau.event_count()
    r = bureau("import-roster", str(tmp_path / "bad.xlsx"), "--as-of", D)
    assert r.exit_code == 1
    assert "Refused (nothing was written):" in r.output
    for expected in (
        "sheet 'SW' row 3, 职级 (column F): unknown rank '科级干部' (expected one of 二级科员、",
        "sheet 'SW' row 4, 出生年月 (column D): '1983-02-30' is an impossible date",
        "sheet 'SW' row 4, 任现职级时间 (column G): '2020.13' is an impossible date",
        "sheet 'SW' row 5, 人员编号 (column A): duplicate person 'B01' (also sheet 'SW' row 2)",
        "sheet 'SW' row 6, 姓名 (column B): missing name",
        "sheet 'SW' row 7, 科室 (column E): 区商务局 has no section '财务科'",
        "sheet 'SW' row 7, 职务 (column H): 区商务局 has no post '处长'",
    ):
        assert expected in r.output
    assert "row 2," not in r.output  # the good row is not blamed
    assert bureau.event_count() == before


def test_timeline_problems_are_reported_at_their_rows_too(bureau, tmp_path):
    rows = [["姓名", "性别", "出生年月", "单位", "科室", "职级", "职务"]]
    rows += [[f"局长{i}", "男", "1970.01", "SW", "", "二级调研员", "局长"] for i in range(2)]  # 领导职数 局长 is 1
    path = tmp_path / "two_heads.csv"
    path.write_text("\n".join(",".join(r) for r in rows), encoding="utf-8")
    before = bureau.event_count()
    r = bureau("import-roster", str(path), "--as-of", D)
    assert r.exit_code == 1
    assert "row 3, 职务 (column G):" in r.output and "超职数" in r.output
    assert bureau.event_count() == before


# --- rosters out, and the round trip --------------------------------------------------------------------------
def _cells(path: Path) -> list[list[list[Any]]]:
    book = load_workbook(path)
    return [[list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets]


def test_round_trip_xlsx_to_ledger_to_xlsx_is_identical(bureau, tmp_path, write_jsonl):
    from tests.conftest import Ledger

    bureau.ok("import-roster", str(write_clerk_xlsx(tmp_path / "in.xlsx")), "--as-of", D)
    first = tmp_path / "first.xlsx"
    bureau.ok("roster", "--as-of", D, "--format", "xlsx", "-o", str(first))
    fresh = Ledger(str(tmp_path / "fresh.sqlite3"))
    fresh.ok("import", str(write_jsonl(structure())))
    fresh.ok("import-roster", str(first), "--as-of", D)
    second = tmp_path / "second.xlsx"
    fresh.ok("roster", "--as-of", D, "-o", str(second))  # the suffix picks the format
    a, b = _cells(first), _cells(second)
    assert a == b
    assert a[0][0] == list(HEADERS) and len(a[0]) == 41
    # dates are real date cells, but 出生年月 is YYYY.MM text as a 花名册 writes it (issue 24); ids text
    row = a[0][1]
    assert hasattr(row[HEADERS.index("任现职级时间")], "year") and isinstance(row[0], str)
    births = [r[HEADERS.index("出生年月")] for r in a[0][1:]]
    assert all(isinstance(c, str) and re.fullmatch(r"\d{4}\.\d{2}", c) for c in births), births
    by_id = {p["person"]: p for p in bureau.json("roster", "--as-of", D)["people"]}
    assert sorted(births) == sorted(p["birth_date"][:7].replace("-", ".") for p in by_id.values())
    # read back as the month's first day; everything else as recorded
    month = [{**p, "birth_date": p["birth_date"][:8] + "01"} for p in bureau.json("roster", "--as-of", D)["people"]]
    assert fresh.json("roster", "--as-of", D)["people"] == month
    assert any(p["birth_date"] != m["birth_date"] for p, m in zip(by_id.values(), month, strict=True))  # day dropped


def test_roster_exporter_writes_csv_docx_and_json(bureau, tmp_path):
    import docx

    bureau.ok("import-roster", str(write_clerk_xlsx(tmp_path / "in.xlsx")), "--as-of", D)
    listing = bureau.ok("export", "--list").output
    assert "roster" in listing and "xlsx" in listing
    bureau.ok("export", "roster", "--as-of", D, "-o", str(tmp_path / "r.csv"))
    assert {r["人员编号"]: r for r in read_csv_rows(tmp_path / "r.csv")} == expected_rows()
    bureau.ok("export", "roster", "--as-of", D, "--unit", "TZ", "-o", str(tmp_path / "r.docx"))
    document = docx.Document(str(tmp_path / "r.docx"))
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["人员编号", "姓名", "性别"]
    assert len(table.rows) == 1 + 6 and "区投资促进中心花名册（2022-12-31）" in document.paragraphs[0].text
    bureau.ok("export", "roster", "--as-of", D, "-o", str(tmp_path / "r.json"))
    assert orjson.loads((tmp_path / "r.json").read_bytes()) == bureau.json("roster", "--as-of", D)
    bad = bureau("roster", "--as-of", D, "-o", str(tmp_path / "r.pdf"))
    assert bad.exit_code == 1 and "cannot write 'pdf'" in bad.output


# --- events from CSV and .xlsx -----------------------------------------------------------------------------------
def _opened(bureau, tmp_path) -> None:
    bureau.ok("import-roster", str(write_clerk_csv_gbk(tmp_path / "in.csv")), "--as-of", D)


def test_events_from_csv_with_an_event_column(bureau, tmp_path):
    _opened(bureau, tmp_path)
    path = tmp_path / "events.csv"
    text = ("event,effective,person,rank,basis,post,section\n"
            "rank_promoted,2023-03-01,SW010,四级主任科员,区商务党组〔2023〕1号,,\n"
            "post_vacated,2023-03-01,SW001,,,局长,\n")
    path.write_bytes(text.encode("gbk"))
    before = bureau.event_count()
    assert "2 events recorded" in bureau.ok("import", str(path)).output
    log = bureau.json("log")
    assert len(log) == before + 2 and log[-2]["event"] in ("rank_promoted", "post_vacated")
    promoted = next(x for x in log if x["event"] == "rank_promoted")
    assert promoted["rank"] == "四级主任科员" and promoted["basis"] == "区商务党组〔2023〕1号"


def test_events_from_csv_are_refused_whole_with_every_bad_row(bureau, tmp_path):
    _opened(bureau, tmp_path)
    path = tmp_path / "events.csv"
    path.write_text("\ufeffevent,effective,person,rank\n"
                    "rank_promoted,2023-03-01,SW010,四级主任科员\n"
                    "rank_promoted,2023-02-30,SW011,二级主任科员\n"
                    "rank_promoted,2023-03-01,NOBODY,二级主任科员\n"
                    "promoted,2023-03-01,SW012,一级科员\n", encoding="utf-8")
    before = bureau.event_count()
    r = bureau("import", str(path))
    assert r.exit_code == 1
    assert "row 3: rank_promoted: effective: '2023-02-30' is not a real date" in r.output
    assert "row 5: unknown event type 'promoted'" in r.output
    assert bureau.event_count() == before
    path.write_text("event,effective,person,rank\nrank_promoted,2023-03-01,SW010,四级主任科员\n"
                    "rank_promoted,2023-03-01,NOBODY,二级主任科员\n", encoding="utf-8")
    r = bureau("import", str(path))
    assert r.exit_code == 1 and "row 3: 2023-03-01 NOBODY: not on the establishment" in r.output
    assert bureau.event_count() == before


def test_events_from_xlsx_sheets_named_by_event_type(bureau, tmp_path):
    _opened(bureau, tmp_path)
    book = Workbook()
    promoted = book.active
    promoted.title = "rank_promoted"
    promoted.append(["person", "rank", "effective"])
    promoted.append(["SW010", "四级主任科员", date(2023, 3, 1)])
    seconded = book.create_sheet("secondment_started")
    seconded.append(["person", "host", "kind", "until", "effective"])
    seconded.append(["SW011", "区委宣传部", "学习", date(2023, 9, 30), date(2023, 4, 1)])
    seconded.append(["SW012", "区委宣传部", "出差", None, date(2023, 4, 1)])
    book.save(tmp_path / "events.xlsx")
    before = bureau.event_count()
    r = bureau("import", str(tmp_path / "events.xlsx"))
    assert r.exit_code == 1
    assert "sheet 'secondment_started' row 3: secondment_started: kind '出差' is not one of" in r.output
    assert bureau.event_count() == before
    seconded.delete_rows(3)
    book.save(tmp_path / "events.xlsx")
    assert "2 events recorded" in bureau.ok("import", str(tmp_path / "events.xlsx")).output
    roster = bureau.json("roster", "--as-of", "2023-06-30")
    assert next(p for p in roster["people"] if p["person"] == "SW011")["secondment"]["host"] == "区委宣传部"


def test_a_sheet_without_event_column_or_event_name_is_refused(sqlite_ledger, tmp_path):
    book = Workbook()
    book.active.title = "Sheet1"
    book.active.append(["person", "rank", "effective"])
    book.active.append(["X", "一级科员", "2023-01-01"])
    book.save(tmp_path / "e.xlsx")
    r = sqlite_ledger("import", str(tmp_path / "e.xlsx"))
    assert r.exit_code == 1 and "sheet 'Sheet1' has no 'event' column" in r.output


# --- cells and dates ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("1985.01", date(1985, 1, 1)), ("1985-01", date(1985, 1, 1)), ("1985-01-17", date(1985, 1, 17)),
    ("198501", date(1985, 1, 1)), ("19850117", date(1985, 1, 17)), ("１９８５．１０", date(1985, 10, 1)),
    ("1985年1月", date(1985, 1, 1)), ("1985年1月17日", date(1985, 1, 17)), (1985.12, date(1985, 12, 1)),
    (198503, date(1985, 3, 1)), (date(1985, 1, 17), date(1985, 1, 17)), ("1985.2", date(1985, 2, 1)),
])
def test_roster_dates_in_the_forms_clerks_write(text, expected):
    assert parse_roster_date(text) == expected


@pytest.mark.parametrize("text, why", [
    ("1985.1", "ambiguous"), (1985.1, "ambiguous"), ("1985-13", "impossible"), ("1985-02-30", "impossible"),
    ("85.01", "is not a date"), ("0085-01", "impossible"), ("一九八五年", "is not a date"),
])
def test_roster_dates_that_cannot_be_are_explained(text, why):
    with pytest.raises(ValueError, match=why):
        parse_roster_date(text)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_every_date_reads_back_from_each_spelling(d):
    assert parse_roster_date(d.isoformat()) == d
    assert parse_roster_date(d.strftime("%Y%m%d")) == d
    assert parse_roster_date(d.isoformat().translate(WIDE)) == d
    assert parse_roster_date(d.strftime("%Y.%m")) == d.replace(day=1)
    assert parse_roster_date(d.strftime("%Y%m")) == d.replace(day=1)


def test_generated_ids_are_stable_and_differ_by_person():
    a = person_id("SW", "张三", date(1985, 1, 1))
    assert a == person_id("SW", "张三", date(1985, 1, 1)) and a.startswith("SW-") and len(a) == 11
    assert len({a, person_id("SW", "张三", date(1985, 2, 1)), person_id("TZ", "张三", date(1985, 1, 1)),
                person_id("SW", "张四", date(1985, 1, 1))}) == 4


# --- progress -------------------------------------------------------------------------------------------------------
class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal_for_big_jobs_and_never_when_quiet(monkeypatch):
    import sys

    from cli import progress as p

    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    with p.progress(1500, "Reading roster") as bar:
        assert bar is not None
        bar(1500)
    assert "Reading roster" in term.getvalue() and "100%" in term.getvalue()
    for total, quiet in ((1500, True), (999, False)):
        with p.progress(total, "x", quiet) as bar:
            assert bar is None
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal (a pipe, a log)
    with p.progress(5000, "x") as bar:
        assert bar is None


def test_big_import_and_export_print_no_bar_when_stderr_is_not_a_terminal(sqlite_ledger, tmp_path, write_jsonl):
    lines = structure()
    next(x for x in lines if x["event"] == "quota_set" and x["unit"] == "SW")["count"] = 1200
    sqlite_ledger.ok("import", str(write_jsonl(lines)))
    path = tmp_path / "big.csv"
    rows = ["姓名,性别,出生年月,单位,科室,职级"] + [f"人{i},男,1980.01,SW,办公室,一级科员" for i in range(1100)]
    path.write_text("\n".join(rows), encoding="utf-8")
    r = sqlite_ledger.ok("import-roster", str(path), "--as-of", D)
    assert "1100 people recorded" in r.output and "%" not in r.stderr
    r = sqlite_ledger.ok("roster", "--as-of", D, "-o", str(tmp_path / "big.xlsx"), "--quiet")
    assert "%" not in r.stderr
    assert len(_cells(tmp_path / "big.xlsx")[0]) == 1101


# --- several units, several posts, new sections, dry run ----------------------------------------------------------
def test_one_sheet_per_unit_named_by_code_or_name(bureau, tmp_path):
    book = Workbook()
    sw = book.active
    sw.title = "SW"
    sw.append(["姓名", "性别", "出生年月", "科室", "职级", "职务", "任现职务时间"])
    sw.append(["孔方正", "男", "1970.03", "", "二级调研员", "局长、办公室科长", "2019.01、2020.03"])
    sw.append(["严以律", "女", "1988.11", "新媒体科", "一级科员", "", ""])
    tz = book.create_sheet("区投资促进中心")
    tz.append(["姓名", "性别", "出生年月", "职级"])
    tz.append(["华罗庚", "男", "1979.06", "专业技术九级"])
    notes = book.create_sheet("填表说明")
    notes.append(["本表由人事科填写"])
    book.save(tmp_path / "units.xlsx")

    before = bureau.event_count()
    r = bureau("import-roster", str(tmp_path / "units.xlsx"), "--as-of", D)
    assert r.exit_code == 1 and "sheet 'SW' row 3, 科室 (column D): 区商务局 has no section '新媒体科'" in r.output
    r = bureau.ok("import-roster", str(tmp_path / "units.xlsx"), "--as-of", D, "--add-sections", "--dry-run")
    assert "3 people (6 events) would be recorded" in r.output and bureau.event_count() == before
    r = bureau.ok("import-roster", str(tmp_path / "units.xlsx"), "--as-of", D, "--add-sections")
    assert "new section SW 新媒体科" in r.output and "sheet '填表说明': skipped" in r.output
    rows = exported(bureau, tmp_path)
    head = rows[person_id("SW", "孔方正", date(1970, 3, 1))]
    assert (head["职务"], head["任现职务时间"], head["科室"]) == ("局长、办公室科长", "2019-01-01、2020-03-01", "")
    assert rows[person_id("SW", "严以律", date(1988, 11, 1))]["科室"] == "新媒体科"
    assert rows[person_id("TZ", "华罗庚", date(1979, 6, 1))]["单位"] == "区投资促进中心"
    assert bureau.event_count() == before + 6


def test_round_trip_csv_to_ledger_to_csv_is_byte_identical(sqlite_ledger, tmp_path, write_jsonl):
    from tests.conftest import Ledger

    sqlite_ledger.ok("import", str(write_jsonl(structure())))
    sqlite_ledger.ok("import-roster", str(write_clerk_csv_gbk(tmp_path / "in.csv")), "--as-of", D)
    first = tmp_path / "first.csv"
    sqlite_ledger.ok("roster", "--as-of", D, "--format", "csv", "-o", str(first))
    fresh = Ledger(str(tmp_path / "fresh.sqlite3"))
    fresh.ok("import", str(write_jsonl(structure())))
    fresh.ok("import-roster", str(first), "--as-of", D)
    second = tmp_path / "second.csv"
    fresh.ok("roster", "--as-of", D, "--format", "csv", "-o", str(second))
    assert first.read_bytes() == second.read_bytes()


def test_normalised_cells():
    from ledger.io.spreadsheets import fold_width, normalise_cell

    assert normalise_cell(198501.0) == 198501 and normalise_cell(None) == "" and normalise_cell(" 张三\u3000") == "张三"
    assert fold_width("ＳＷ０１２　") == "SW012 " and fold_width("１９８５．０１") == "1985.01"


def test_two_people_whose_generated_ids_clash_are_not_taken_for_one(bureau, tmp_path, monkeypatch):
    import ledger.io.opening_roster as opening

    monkeypatch.setattr(opening, "person_id", lambda unit, name, birth: f"{unit}-CLASH")  # a 1-in-2^40 event, forced
    path = tmp_path / "two.csv"
    path.write_text("姓名,性别,出生年月,单位,职级\n甲,男,1980.01,SW,一级科员\n乙,女,1981.02,SW,一级科员\n", encoding="utf-8")
    r = bureau("import-roster", str(path), "--as-of", D)
    assert r.exit_code == 1
    assert "row 3, 人员编号: the id generated for this row, SW-CLASH, is also row 2's; give them a 人员编号" in r.output


def test_a_new_user_without_sections_adds_them_from_the_sheet(sqlite_ledger, write_jsonl, tmp_path):
    bare = [x for x in structure() if x["event"] != "section_established"]
    sqlite_ledger.ok("import", str(write_jsonl(bare)))
    sheet = write_clerk_xlsx(tmp_path / "花名册.xlsx")
    r = sqlite_ledger("import-roster", str(sheet), "--as-of", D)
    assert r.exit_code == 1 and "--add-sections" in r.output
    r = sqlite_ledger.ok("import-roster", str(sheet), "--as-of", D, "--add-sections")
    assert r.output.count("new section") == len(SW_SECTIONS) + 1
    assert exported(sqlite_ledger, tmp_path) == expected_rows()


def test_csv_delimiter_comes_from_the_header_line():
    from ledger.io.spreadsheets import csv_table

    assert csv_table("姓名\t职务\n张三\t科长;书记\n").rows == [(1, ["姓名", "职务"]), (2, ["张三", "科长;书记"])]
    assert csv_table('姓名,职务\n张三,"科长;书记"\n').rows[1] == (2, ["张三", "科长;书记"])
