"""The `compliance-snapshot` exporter: its quota table is the roster's, its findings are `ledger check`'s, its CSV
opens in a spreadsheet (UTF-8 with BOM), its .docx reads back, and it names the ledger position it came from."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

import orjson
from docx import Document

from tests.compliance_bureau import ev, history, load


def snapshot_files(ledger, write_jsonl, tmp_path, as_of="2022-12-31"):
    load(ledger, write_jsonl, history() + [
        ev("assistant_engaged", "2022-03-01", person="Z1", name="助一", role="办公室助理", unit="NJ")])
    out = {}
    for fmt in ("json", "csv", "docx"):
        path = tmp_path / f"snapshot.{fmt}"
        r = ledger("export", "compliance-snapshot", "--as-of", as_of, "-o", str(path))
        assert r.exit_code == 0, r.output
        out[fmt] = path
    return out


def test_snapshot_quota_table_matches_the_roster(ledger, write_jsonl, tmp_path):
    files = snapshot_files(ledger, write_jsonl, tmp_path)
    data = orjson.loads(files["json"].read_bytes())
    roster = ledger.json("roster", "--as-of", "2022-12-31")
    (unit,) = data["units"]
    people = roster["people"]
    assert unit["establishment"] == [{"establishment": "行政编制", "quota": 12, "filled": len(people)}]
    posts = Counter(p["post"] for person in people for p in person["posts"])
    assert {p["post"]: (p["quota"], p["filled"]) for p in unit["posts"]} == {
        "局长": (1, posts["局长"]), "副局长": (2, posts["副局长"]), "科长": (3, posts["科长"]), "副科长": (2, posts["副科长"])}
    assert posts["副局长"] == 3  # the lowered quota's excess is in the table
    assert unit["off_establishment"] == len(roster["assistants"]) == 1
    check = orjson.loads(ledger("check", "--as-of", "2022-12-31", "--json").stdout)
    assert data["findings"] == check["findings"] and data["summary"] == check["summary"]
    log = ledger.json("log")
    assert data["ledger"]["last_event_id"] == log[-1]["id"] and data["ledger"]["event_count"] == len(log)
    assert "integrity_head" in data["ledger"]


def test_snapshot_csv_opens_in_a_spreadsheet(sqlite_ledger, write_jsonl, tmp_path):
    files = snapshot_files(sqlite_ledger, write_jsonl, tmp_path)
    raw = files["csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    quota_rows = [r for r in rows if r["row"] in ("编制", "领导职数", "编外")]
    assert {(r["item"], r["quota"], r["filled"]) for r in quota_rows} >= {("行政编制", "12", "9"), ("副局长", "2", "3")}
    findings = [r for r in rows if r["row"] == "finding"]
    assert sorted(r["rule"] for r in findings) == ["POST_OVER_QUOTA", "PUBLICITY_SHORT", "RANK_TENURE",
                                                   "RETIREMENT_OVERDUE"]
    assert all(r["source"] for r in findings)


def test_snapshot_docx_reads_back(sqlite_ledger, write_jsonl, tmp_path):
    files = snapshot_files(sqlite_ledger, write_jsonl, tmp_path)
    doc = Document(str(files["docx"]))
    text = "\n".join(p.text for p in doc.paragraphs)
    # The title's date is a line of its own (a break, never a wrap inside it); dates are written 2022年12月31日.
    assert doc.paragraphs[0].text == "区农业农村局合规快照\n（2022年12月31日）"
    assert "反映2022年12月31日的编制" in text and "2022年1月1日至2022年12月31日期间" in text
    assert "2022-12-31" not in text
    assert doc.paragraphs[-1].text == "2022年12月31日"
    # The digest: 64 hexadecimal digits alone on a line, in a fixed-width font, not indented.
    digest = next(p for p in doc.paragraphs if re.fullmatch(r"[0-9a-f]{64}", p.text))
    assert {r.font.name for r in digest.runs if r.text} == {"Courier New"}
    assert not digest.paragraph_format.first_line_indent
    assert "共发现4项问题" in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "副局长" in cells and "（超出1）" in cells
    assert "晋升职级任职年限不足" in cells and "《公务员职务与职级并行规定》第十八条、第十九条" in cells
    assert doc.core_properties.title.endswith("合规快照（2022年12月31日）")  # one line in the properties


def test_snapshot_needs_a_date_and_a_known_format(sqlite_ledger, write_jsonl, tmp_path):
    load(sqlite_ledger, write_jsonl, history())
    r = sqlite_ledger("export", "compliance-snapshot", "-o", str(tmp_path / "s.json"))
    assert r.exit_code != 0 and "--as-of" in r.output
    r = sqlite_ledger("export", "compliance-snapshot", "--as-of", "2022-12-31", "-o", str(tmp_path / "s.pdf"))
    assert r.exit_code != 0 and "json, csv, docx" in r.output
    assert not (tmp_path / "s.json").exists() and not (tmp_path / "s.pdf").exists()


def test_demo_writes_the_2022_snapshot_with_the_integrity_head(tmp_path):
    from click.testing import CliRunner

    from cli.main import cli

    folder = tmp_path / "demo"
    r = CliRunner().invoke(cli, ["--actor", "tester", "demo", str(folder)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    data = orjson.loads((folder / "2022-12-31合规快照.json").read_bytes())
    assert data["as_of"] == "2022-12-31"
    store = str(folder / "ledger.sqlite3")
    digest = CliRunner().invoke(cli, ["--store", store, "digest", "--json"], catch_exceptions=False)
    assert data["ledger"]["integrity_head"] == orjson.loads(digest.stdout)["head"]
    roster = orjson.loads(CliRunner().invoke(cli, ["--store", store, "roster", "--as-of", "2022-12-31", "--json"]).stdout)
    for unit in data["units"]:
        people = [p for p in roster["people"] if p["unit"] == unit["unit"]]
        assert sum(e["filled"] for e in unit["establishment"]) == unit["headcount"] == len(people)
    assert Document(str(folder / "2022-12-31合规快照.docx")).paragraphs
