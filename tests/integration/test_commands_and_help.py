"""Every append command through the real CLI, every command's help, and the store options."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.conftest import ROOT, Ledger, run_ledger


def test_every_event_type_through_its_command(ledger):
    ok = ledger.ok
    ok("org", "unit", "QU", "--name", "区统计局", "--kind", "机关", "--effective", "2020-01-01")
    ok("org", "unit", "QC", "--name", "区普查中心", "--kind", "事业单位", "--parent", "QU", "--funding", "全额拨款",
       "--effective", "2020-01-01")
    ok("org", "section", "QU", "--section", "综合科", "--effective", "2020-01-01")
    ok("org", "section", "QU", "--section", "统计科", "--effective", "2020-01-01")
    ok("org", "section", "QU", "--section", "旧科", "--effective", "2020-01-01")
    ok("org", "abolish-section", "QU", "--section", "旧科", "--effective", "2020-06-01")
    ok("org", "quota", "QU", "--establishment", "行政编制", "--count", "5", "--effective", "2020-01-01")
    ok("org", "quota", "QC", "--establishment", "事业编制", "--count", "3", "--effective", "2020-01-01")
    ok("org", "post-quota", "QU", "--post", "科长", "--level", "乡科级正职", "--count", "2", "--effective", "2020-01-01")
    ok("hire", "Q1", "--name", "赵甲", "--gender", "男", "--birth-date", "1985-01-01", "--unit", "QU", "--section", "综合科",
       "--establishment", "行政编制", "--rank", "四级主任科员", "--rank-since", "2018-01-01", "--mode", "转任",
       "--effective", "2020-02-01", "--basis", "区统〔2020〕1号", "--note", "opening")
    ok("promote", "Q1", "--rank", "三级主任科员", "--effective", "2021-02-01")
    ok("appoint", "Q1", "--post", "科长", "--section", "综合科", "--probation", "--effective", "2021-03-01",
       "--publicity-from", "2021-02-20", "--publicity-to", "2021-02-26")
    ok("vacate", "Q1", "--post", "科长", "--section", "综合科", "--effective", "2021-09-01")
    ok("transfer", "Q1", "--section", "统计科", "--effective", "2021-09-01")
    ok("second", "Q1", "--host", "区委宣传部", "--kind", "交流", "--until", "2022-03-01", "--effective", "2021-10-01")
    ok("return", "Q1", "--host", "区委宣传部", "--effective", "2022-03-01")
    refused = ledger("transfer", "Q1", "--to-unit", "QC", "--effective", "2022-04-01")
    assert refused.exit_code == 1 and "management or professional grades only" in refused.stderr
    ok("transfer", "Q1", "--to-unit", "QC", "--rank", "七级职员", "--establishment", "事业编制", "--effective", "2022-04-01")
    ok("engage", "QA", "--name", "钱助", "--role", "综合科助理", "--unit", "QU", "--effective", "2021-01-01")
    ok("release", "QA", "--effective", "2021-12-31")
    eid = ok("separate", "Q1", "--reason", "辞职", "--effective", "2022-06-30").stdout.strip()
    ok("retract", eid, "--reason", "resignation withdrawn")

    def person(day: str) -> dict | None:
        return next((p for p in ledger.json("roster", "--as-of", day)["people"] if p["person"] == "Q1"), None)

    assert person("2021-03-01")["posts"] == [{"post": "科长", "section": "综合科"}]
    assert person("2021-09-01") | {} == {**person("2021-09-01"), "section": "统计科", "posts": []}
    assert person("2021-12-01")["secondment"] == {"host": "区委宣传部", "kind": "交流", "until": "2022-03-01"}
    assert person("2022-03-02")["status"] == "active"
    assert person("2022-04-01")["unit"] == "QC" and person("2022-04-01")["section"] is None
    assert person("2022-04-01")["rank"] == "七级职员" and person("2022-04-01")["establishment"] == "事业编制"
    assert person("2022-07-01") is not None, "the retracted separation no longer counts"
    assert ledger.json("roster", "--as-of", "2021-06-01")["assistants"][0]["name"] == "钱助"
    assert ledger.json("roster", "--as-of", "2022-01-01")["assistants"] == []
    log = ledger.json("log")
    assert {e["event"] for e in log} == {
        "unit_established", "section_established", "section_abolished", "quota_set", "post_quota_set", "hired",
        "rank_promoted", "post_appointed", "post_vacated", "transferred", "secondment_started", "secondment_ended",
        "assistant_engaged", "assistant_released", "separated", "retracted"}
    hired = next(e for e in log if e["event"] == "hired")
    assert hired["rank_since"] == "2018-01-01" and hired["basis"] == "区统〔2020〕1号" and hired["actor"] == "tester"


def _all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, cmd in group.commands.items():
        yield (*prefix, name), cmd
        if isinstance(cmd, click.Group):
            yield from _all_commands(cmd, (*prefix, name))


@pytest.mark.parametrize("path,cmd", list(_all_commands(cli)), ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_every_command_has_help_with_an_example(path, cmd):
    r = CliRunner().invoke(cli, [*path, "--help"])
    assert r.exit_code == 0
    assert cmd.help and len(cmd.help.strip()) > 20
    if not isinstance(cmd, click.Group):
        assert "Example" in r.output, f"ledger {' '.join(path)} --help has no Example"


DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("path", [path for path, cmd in _all_commands(cli) if not cmd.hidden], ids=" ".join)
def test_every_command_is_shown_in_the_docs(path):
    """The README or one of the guides in docs/ shows every command (but those help hides: a district's transfer
    facts, which only `ledger transfer-out` and `accept-transfer` record, and whose commands say so)."""
    assert any(f"ledger {' '.join(path)}" in doc.read_text(encoding="utf-8") for doc in DOCS)


def test_help_loads_neither_the_store_nor_the_document_libraries():
    """`ledger --help` must start fast: the application, eventsourcing and the exporters load inside commands."""
    code = ("import sys; from click.testing import CliRunner; from cli.main import cli; "
            "r = CliRunner().invoke(cli, ['--help']); assert r.exit_code == 0, r.output; "
            "print(sorted(m for m in ('eventsourcing', 'docx', 'openpyxl', 'ledger.app.ledger', 'exporters.registry') "
            "if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_store_from_environment_and_actor_from_environment(tmp_path):
    store = tmp_path / "env.sqlite3"
    r = CliRunner().invoke(cli, ["org", "unit", "E", "--name", "区某局", "--kind", "机关", "--effective", "2020-01-01"],
                           env={"LEDGER_STORE": str(store), "LEDGER_ACTOR": "王科员"})
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["--actor", "李科长", "org", "section", "E", "--section", "甲科", "--effective", "2020-01-01"],
                           env={"LEDGER_STORE": str(store), "LEDGER_ACTOR": "王科员"})
    assert r.exit_code == 0, r.output
    assert [e["actor"] for e in Ledger(str(store)).json("log")] == ["王科员", "李科长"]


def test_new_sqlite_store_is_owner_only(sqlite_ledger, sqlite_store):
    sqlite_ledger.ok("org", "unit", "E", "--name", "区某局", "--kind", "机关", "--effective", "2020-01-01")
    assert stat.S_IMODE(os.stat(sqlite_store).st_mode) == 0o600


@pytest.mark.parametrize("store,words", [
    ("postgresql://postgres@127.0.0.1:1/test?schema=x", "cannot open"),
    ("mysql://x@y/z", "unsupported store"),
    ("/nonexistent-folder/ledger.sqlite3", "no ledger at /nonexistent-folder/ledger.sqlite3"),
])
def test_bad_store_is_one_clear_line(store, words):
    r = CliRunner().invoke(cli, ["--store", store, "roster", "--as-of", "2022-01-01"])
    assert r.exit_code == 1
    assert words in r.stderr and "Traceback" not in r.output


def test_bad_date_option_is_a_usage_error(sqlite_ledger):
    r = sqlite_ledger("roster", "--as-of", "2022-13-01")
    assert r.exit_code == 2 and "not a real date" in r.output


def test_console_script_runs_as_a_subprocess(tmp_path):
    exe = shutil.which("ledger")
    assert exe, "the console script `ledger` is installed by `pip install -e .`"
    r = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "roster" in r.stdout
    bad = run_ledger("--store", str(tmp_path / "x.sqlite3"), "promote", "P1", "--rank", "一级科员", "--effective", "2022-01-01")
    assert bad.returncode == 1 and "P1" in bad.stderr and "Traceback" not in bad.stderr


def test_demo_builds_the_sample_bureau(tmp_path: Path):
    r = run_ledger("demo", str(tmp_path / "demo"), timeout=300)
    assert r.returncode == 0, r.stderr
    assert "Roster on 2022-12-31" in r.stdout
    store = str(tmp_path / "demo" / "ledger.sqlite3")
    led = Ledger(store)
    log = led.json("log")
    assert any(e["event"] == "retracted" for e in log), "the demo holds one correction"
    units = {p["unit"] for p in led.json("roster", "--as-of", "2022-12-31")["people"]}
    assert len(units) == 3
    # run twice: the demo never replaces a store, its own included
    before = Path(store).read_bytes()
    again = run_ledger("demo", str(tmp_path / "demo"), timeout=300)
    assert again.returncode == 1 and "already holds a ledger store" in again.stderr, again.stderr
    assert Path(store).read_bytes() == before and len(Ledger(store).json("log")) == len(log)
