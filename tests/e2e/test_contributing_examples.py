"""CONTRIBUTING.md's worked examples, done exactly as written there."""

from __future__ import annotations

import csv
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import orjson

from tests.conftest import ROOT, Ledger, run_ledger
from tests.scenarios import ev, hire

CONTRIBUTING = ROOT / "CONTRIBUTING.md"


def _section(title: str) -> str:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def _block(section: str, marker: str) -> str:
    """The code block right after `<!-- marker -->` in a section."""
    return re.search(rf"<!-- {re.escape(marker)} -->\n```\w*\n(.*?)```", section, re.S).group(1)


def _source_tree(tmp_path: Path) -> Path:
    """A copy of the source (and of the tests) to change as the example says, without touching the checkout."""
    src = tmp_path / "src"
    for package in ("ledger", "cli", "exporters", "tests"):
        shutil.copytree(ROOT / package, src / package, ignore=shutil.ignore_patterns("__pycache__", "fixtures"))
    return src


def _in(src: Path, store: str):
    """`ledger …` in a fresh process running the changed copy (not the checkout)."""
    def run(*args: str) -> subprocess.CompletedProcess:
        return run_ledger("--store", store, *args, cwd=src.parent, env={"PYTHONPATH": str(src)})
    return run


def _name_on(run, day: str, person: str) -> str:
    r = run("roster", "--as-of", day, "--json")
    assert r.returncode == 0, r.stderr
    return next(p["name"] for p in orjson.loads(r.stdout)["people"] if p["person"] == person)


def test_the_event_type_example_adds_a_command_a_stored_fact_and_its_place_in_the_roster(tmp_path, bureau_lines,
                                                                                        write_jsonl):
    section = _section("1. Adding an event type")
    src = _source_tree(tmp_path)
    (src / "ledger/model/events/names.py").write_text(_block(section, "file: ledger/model/events/names.py"),
                                                      encoding="utf-8")
    store = str(tmp_path / "ledger.sqlite3")
    run = _in(src, store)
    person = hire("P21", "张三", "SJ", "一级科员", section="综合科")
    assert run("import", str(write_jsonl([*bureau_lines, person]))).returncode == 0

    command = shlex.split(_block(section, "run").splitlines()[0])  # ledger rename P21 --name 张珊 …
    r = run(*command[1:])

    assert r.returncode == 0, r.stderr
    assert _name_on(run, "2023-06-30", "P21") == "张珊" and _name_on(run, "2023-04-30", "P21") == "张三"
    last = orjson.loads(run("log", "--json").stdout)[-1]
    assert (last["event"], last["name"], last["basis"]) == ("name_changed", "张珊", "户籍变更证明")
    again = run(*command[1:])
    assert again.returncode == 1 and "already called 张珊" in again.stderr
    meta = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/unit/test_event_types.py"],
                          cwd=src, env={**os.environ, "PYTHONPATH": str(src)}, capture_output=True, text=True)
    assert meta.returncode == 0 and " passed" in meta.stdout, meta.stdout


def test_the_rule_example_finds_an_appointment_without_basis_and_a_rules_file_switches_it_off(tmp_path, bureau_lines,
                                                                                              write_jsonl):
    section = _section("2. Adding a compliance rule")
    src = _source_tree(tmp_path)
    catalogue = src / "ledger/rules/catalogue.py"
    text = catalogue.read_text(encoding="utf-8")
    start = text.index("CATALOGUE: tuple[RuleSpec, ...] = (")
    end = text.index("\n)\n", start)
    catalogue.write_text(text[:end] + "\n" + _block(section, "add to CATALOGUE: ledger/rules/catalogue.py").rstrip()
                         + text[end:], encoding="utf-8")
    rules = src / "ledger/rules/fact_rules.py"
    rules.write_text(rules.read_text(encoding="utf-8") + "\n\n" + _block(section, "append to: ledger/rules/fact_rules.py"),
                     encoding="utf-8")
    store = str(tmp_path / "ledger.sqlite3")
    run = _in(src, store)
    appointments = [ev("post_appointed", "2022-04-18", person="S06", post="科长", section="质量科",
                       publicity_from="2022-04-01", publicity_to="2022-04-08"),
                    ev("post_appointed", "2022-05-09", person="S04", post="副科长", section="法规科", basis="区市监〔2022〕7号",
                       publicity_from="2022-04-25", publicity_to="2022-05-06")]
    assert run("import", str(write_jsonl([*bureau_lines, *appointments]))).returncode == 0

    r = run("check", "--as-of", "2022-12-31", "--json")

    found = [x for x in orjson.loads(r.stdout)["findings"] if x["rule"] == "APPOINTMENT_WITHOUT_BASIS"]
    assert [(x["person"], x["title"], x["source"]) for x in found] == [
        ("S06", "提拔任职未记录任免文号", "《党政领导干部选拔任用工作条例》(任职)")]
    assert found[0]["message"] == "2022-04-18 S06 东方朔: appointed 质量科科长 (乡科级正职) without the decision's document number"
    off = tmp_path / "rules.toml"
    off.write_text("[APPOINTMENT_WITHOUT_BASIS]\nenabled = false\n", encoding="utf-8")
    quiet = run("check", "--as-of", "2022-12-31", "--json", "--rules", str(off))
    assert all(x["rule"] != "APPOINTMENT_WITHOUT_BASIS" for x in orjson.loads(quiet.stdout)["findings"])


def test_the_exporter_example_exports_each_units_quota_against_the_roster(tmp_path, bureau_lines, write_jsonl):
    section = _section("3. Adding an exporter")
    module = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    entry = re.search(r'^(\S+) = "exporters\.headcount:exporter"$', section, re.M).group(1)
    site = tmp_path / "site"  # the module, installed as a distribution of its own
    site.mkdir()
    (site / "headcount.py").write_text(module, encoding="utf-8")
    info = site / "headcount_example-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: headcount-example\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[ledger.exporters]\n{entry} = headcount:exporter\n", encoding="utf-8")
    store = str(tmp_path / "ledger.sqlite3")
    Ledger(store).ok("import", str(write_jsonl(bureau_lines)))
    env = {"PYTHONPATH": os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)}

    out = tmp_path / "编制情况.csv"
    r = run_ledger("--store", store, "export", entry, "--as-of", "2022-12-31", "-o", str(out), env=env)

    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["单位", "名称", "编制类型", "核定数", "实有数"]
    filled = Counter((p["unit"], p["establishment"]) for p in Ledger(store).json("roster", "--as-of", "2022-12-31")["people"])
    assert {(u, e): (int(q), int(n)) for u, _, e, q, n in rows[1:]} == {
        ("SJ", "行政编制"): (8, filled["SJ", "行政编制"]), ("JC", "事业编制"): (3, filled["JC", "事业编制"])}
    assert filled["SJ", "行政编制"] == 6
