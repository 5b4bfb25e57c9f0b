"""Issue 15, done when: the README's clerk, from an empty folder, as a subprocess — ids typed only when a person or
unit is first recorded, names everywhere after; every recording tried first with --dry-run (the log unchanged);
a hire's birth date corrected with one `correct` although later events stand on it; two events retracted in one
command."""

from __future__ import annotations

from pathlib import Path

import orjson

from tests.conftest import Ledger, run_ledger

JU = "区文化和旅游局"
STORY = [
    ["org", "unit", "JU", "--name", JU, "--kind", "机关", "--effective", "2019-01-01"],
    *[["org", "section", JU, "--section", s, "--effective", "2019-01-01"] for s in ("办公室", "财务科", "信息科")],
    ["org", "quota", JU, "--establishment", "行政编制", "--count", "20", "--effective", "2019-01-01"],
    ["org", "post-quota", JU, "--post", "副科长", "--level", "乡科级副职", "--count", "3", "--effective", "2019-01-01"],
    ["org", "abolish-section", JU, "--section", "信息科", "--effective", "2022-01-01"],
    ["hire", "P21", "--name", "张三", "--gender", "男", "--birth-date", "1990-05-01", "--unit", JU, "--section",
     "办公室", "--establishment", "行政编制", "--rank", "一级科员", "--rank-since", "2018-08-01", "--mode", "录用",
     "--effective", "2019-01-01"],
    ["engage", "A01", "--name", "李四", "--role", "办公室主任助理", "--unit", JU, "--effective", "2022-03-01"],
    ["promote", "张三", "--rank", "四级主任科员", "--effective", "2022-09-01", "--basis", "区文旅党组〔2022〕9号"],
    ["appoint", "张三", "--post", "副科长", "--section", "办公室", "--effective", "2022-10-10",
     "--publicity-from", "2022-09-26", "--publicity-to", "2022-10-09", "--probation"],
    ["second", "张三", "--host", "区委宣传部", "--kind", "学习", "--until", "2023-03-31", "--effective", "2022-11-01"],
    ["return", "张三", "--effective", "2023-03-31"],
    ["vacate", "张三", "--post", "副科长", "--section", "办公室", "--effective", "2023-03-31"],
    ["transfer", "张三", "--section", "财务科", "--effective", "2023-04-01"],
    ["release", "李四", "--effective", "2022-12-31"],
]


def ledger(*args: str, cwd: Path):
    p = run_ledger(*args, cwd=cwd, env={"LEDGER_STORE": "", "LEDGER_ACTOR": "clerk"})
    assert p.returncode == 0, f"ledger {' '.join(args)} exited {p.returncode}:\n{p.stdout}{p.stderr}"
    return p


def test_the_readme_clerk_works_by_name_corrects_in_one_step_and_tries_first(tmp_path):
    reader = Ledger(str(tmp_path / "ledger.sqlite3"))  # the same store, read through the CLI in-process
    for i, command in enumerate(STORY):
        before = reader.json("log") if i else []
        tried = ledger(*command, "--dry-run", cwd=tmp_path)
        assert "would record" in tried.stdout and "nothing written" in tried.stderr
        assert (reader.json("log") if i else []) == before, f"--dry-run wrote: {command}"
        done = ledger(*command, cwd=tmp_path)
        assert done.stdout.strip().isdigit(), done.stdout
        if command[0] not in ("org", "hire", "engage"):  # a name was turned into the id, and said
            assert "张三 → P21" in done.stderr or "李四 → A01" in done.stderr, done.stderr

    # the birth date was mistyped; the hire has a promotion, a post, a secondment and a move after it
    history = orjson.loads(ledger("history", "张三", "--json", cwd=tmp_path).stdout)
    hire = next(e for e in history if e["event"] == "hired")
    before = reader.json("log")
    tried = ledger("correct", str(hire["id"]), "--birth-date", "1990-05-02", "--reason", "出生日期录入错误",
                   "--dry-run", cwd=tmp_path)
    assert "date of birth=1990-05-02" in tried.stdout and reader.json("log") == before
    fixed = ledger("correct", str(hire["id"]), "--birth-date", "1990-05-02", "--reason", "出生日期录入错误",
                   cwd=tmp_path)
    corrected, retraction = (int(x) for x in fixed.stdout.split())
    history = orjson.loads(ledger("history", "张三", "--json", cwd=tmp_path).stdout)
    by_id = {e["id"]: e for e in history}
    assert by_id[hire["id"]]["retracted"]["replacement"] == corrected
    assert by_id[corrected]["birth_date"] == "1990-05-02" and by_id[corrected]["retracted"] is None
    roster = orjson.loads(ledger("roster", "--as-of", "2023-06-30", "--unit", JU, "--json", cwd=tmp_path).stdout)
    assert [(p["person"], p["birth_date"], p["section"]) for p in roster["people"]] == [("P21", "1990-05-02", "财务科")]
    assert retraction > corrected

    # the secondment was never agreed: its start and end retracted in one command
    ids = [str(e["id"]) for e in history if e["event"] in ("secondment_started", "secondment_ended")]
    before = reader.json("log")
    ledger("retract", *ids, "--reason", "借调未成行", "--dry-run", cwd=tmp_path)
    assert reader.json("log") == before
    out = ledger("retract", *ids, "--reason", "借调未成行", cwd=tmp_path).stdout.split()
    assert len(out) == 2
    roster = orjson.loads(ledger("roster", "--as-of", "2022-12-01", "--unit", JU, "--json", cwd=tmp_path).stdout)
    assert roster["people"][0]["status"] == "active"

    # and the clerk looks people up by what they know
    found = orjson.loads(ledger("find", "zs", "--json", cwd=tmp_path).stdout)
    assert [p["person"] for p in found["people"]] == ["P21"]
    tree = orjson.loads(ledger("org", "list", "--as-of", "2023-06-30", "--json", cwd=tmp_path).stdout)
    assert [(u["unit"], u["establishment"][0]["filled"]) for u in tree] == [("JU", 1)]
