"""Item 5 of issue 15: the interface speaks Chinese by default and English with --lang en / LEDGER_LANG=en; the
JSON keeps its English keys (the contract)."""

from __future__ import annotations

import re

import orjson
import pytest

from tests.conftest import Ledger

ENGLISH_WORD = re.compile(r"[A-Za-z]*[a-z]{3,}[A-Za-z]*")  # ids and codes (S05, SJ, RANK_TENURE) are not words


@pytest.fixture
def bureau(sqlite_ledger: Ledger, write_jsonl, bureau_lines) -> Ledger:
    """The small bureau, recorded by 王文书, with a finding (a promotion before its tenure), a secondment, a
    departure and a retraction: every kind of line the reading commands print."""
    ledger = Ledger(sqlite_ledger.store)
    ledger.runner.env = {"LEDGER_ACTOR": "王文书"}

    def ok(*args: str) -> None:
        r = ledger.runner.invoke(__import__("cli.main").main.cli, ["--store", ledger.store, *args],
                                 env={"LEDGER_ACTOR": "王文书"})
        assert r.exit_code == 0, r.output

    ok("import", str(write_jsonl(bureau_lines)))
    ok("promote", "S05", "--rank", "四级主任科员", "--effective", "2022-03-01", "--basis", "区市监党组〔2022〕3号")
    ok("second", "S06", "--host", "区委巡察办", "--kind", "借调", "--effective", "2022-04-01", "--until", "2022-10-01")
    ok("appoint", "S04", "--post", "副科长", "--section", "法规科", "--effective", "2022-05-01", "--note", "经党组会研究")
    ok("separate", "J02", "--reason", "辞职", "--effective", "2022-06-30")
    wrong = ledger.runner.invoke(__import__("cli.main").main.cli, ["--store", ledger.store, "--lang", "en", "log",
                                                                   "--json"]).stdout
    last = orjson.loads(wrong)[-1]["id"]
    ok("retract", str(last), "--reason", "误录：应为调出")
    return ledger


READERS = [
    ("roster", "--as-of", "2022-05-31"),
    ("history", "S05"),
    ("history", "J02"),
    ("diff", "--from", "2021-12-31", "--to", "2022-12-31"),
    ("check", "--as-of", "2022-12-31"),
    ("log",),
    ("units", "--as-of", "2022-05-31"),
    ("find", "S05", "--as-of", "2022-05-31"),
    ("find", "区审计局", "--as-of", "2022-05-31"),
    ("org", "list", "--as-of", "2022-05-31"),
    ("eligible", "--as-of", "2022-05-31"),
    ("due", "--as-of", "2022-01-01", "--within", "1y"),
]


def _run(ledger: Ledger, *args: str, lang: str | None = None) -> str:
    from cli.main import cli

    env = {"LEDGER_ACTOR": "王文书"}
    r = ledger.runner.invoke(cli, ["--store", ledger.store, *args], env={**env, **({"LEDGER_LANG": lang} if lang else {})})
    assert r.exit_code in (0, 1), r.output
    return r.stdout


@pytest.mark.parametrize("args", READERS, ids=" ".join)
def test_the_default_interface_has_no_english_label(bureau: Ledger, args, monkeypatch):
    monkeypatch.delenv("LEDGER_LANG")
    out = _run(bureau, *args)
    assert out.strip()
    words = sorted(set(ENGLISH_WORD.findall(out)))
    assert not words, f"English in `ledger {' '.join(args)}`: {words}\n{out}"


@pytest.mark.parametrize("args", READERS, ids=" ".join)
def test_lang_en_gives_english(bureau: Ledger, args, monkeypatch):
    monkeypatch.delenv("LEDGER_LANG")
    by_option = _run(bureau, "--lang", "en", *args)
    after_command = _run(bureau, *args, "--lang", "en")
    by_variable = _run(bureau, *args, lang="en")
    assert by_option == after_command == by_variable
    assert ENGLISH_WORD.search(by_option)


def test_english_headings_and_chinese_headings_name_the_same_things(bureau: Ledger, monkeypatch):
    monkeypatch.delenv("LEDGER_LANG")
    zh, en = _run(bureau, "diff", "--from", "2021-12-31", "--to", "2022-12-31"), \
        _run(bureau, "--lang", "en", "diff", "--from", "2021-12-31", "--to", "2022-12-31")
    assert "晋升职级" in zh and "外派" in zh and "退出" not in zh  # the departure was retracted
    assert "promoted" in en and "seconded" in en
    check = _run(bureau, "check", "--as-of", "2022-12-31")
    assert "由一级科员晋升四级主任科员" in check and "须任一级科员" in check
    assert "慕容雪：由一级科员" not in check  # the table has its own columns for the date and the person
    assert "promoted 一级科员 → 四级主任科员 with" in _run(bureau, "--lang", "en", "check", "--as-of", "2022-12-31")


def test_json_keys_stay_the_english_contract(bureau: Ledger, monkeypatch):
    monkeypatch.delenv("LEDGER_LANG")
    diff = orjson.loads(_run(bureau, "diff", "--from", "2021-12-31", "--to", "2022-12-31", "--json"))
    assert {"joined", "left", "promoted", "seconded"} <= set(diff)
    log = orjson.loads(_run(bureau, "log", "--json"))
    assert {"id", "event", "recorded", "actor", "effective"} <= set(log[0]) and log[-1]["event"] == "retracted"


def test_refusals_and_warnings_are_in_the_interface_language(bureau: Ledger, monkeypatch):
    monkeypatch.delenv("LEDGER_LANG")
    from cli.main import cli

    r = bureau.runner.invoke(cli, ["--store", bureau.store, "promote", "S02", "--rank", "四级调研员",
                                   "--effective", "2022-06-01"])
    assert r.exit_code == 1 and r.stderr.startswith("已拒绝（未写入任何内容）：")
    assert "职级晋升须晋升至更高职级：现任四级调研员" in r.stderr
    r = bureau.runner.invoke(cli, ["--store", bureau.store, "--lang", "en", "promote", "S02", "--rank", "四级调研员",
                                   "--effective", "2022-06-01"])
    assert r.exit_code == 1 and r.stderr.startswith("Refused (nothing was written):")
    assert "a promotion must be to a higher rank: the ledger holds 四级调研员" in r.stderr
    r = bureau.runner.invoke(cli, ["--store", bureau.store, "appoint", "S03", "--post", "局长", "--effective",
                                   "2021-06-01"])
    assert r.exit_code == 1 and "超职数：区市场监督管理局局长将有2名，领导职数1名" in r.stderr
    assert "--override 理由" in r.stderr


def test_an_unknown_language_is_a_usage_error(bureau: Ledger):
    from cli.main import cli

    r = bureau.runner.invoke(cli, ["--store", bureau.store, "--lang", "fr", "log"])
    assert r.exit_code == 2 and "not a language of the ledger" in r.output


def test_find_nothing_and_a_dry_run_correction_speak_chinese(bureau: Ledger, monkeypatch):
    monkeypatch.delenv("LEDGER_LANG")
    from cli.main import cli

    nothing = _run(bureau, "find", "不存在的人")
    assert "未找到" in nothing and not ENGLISH_WORD.search(nothing), nothing
    log = orjson.loads(_run(bureau, "log", "--json"))
    promotion = next(e for e in log if e["event"] == "rank_promoted")
    r = bureau.runner.invoke(cli, ["--store", bureau.store, "correct", str(promotion["id"]), "--effective",
                                   "2022-03-02", "--reason", "日期误录", "--dry-run"], env={"LEDGER_ACTOR": "王文书"})
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("将记录第") and "试运行" in r.stderr and "未写入任何内容" in r.stderr
    words = sorted(set(ENGLISH_WORD.findall(r.stdout + r.stderr)))
    assert not words, f"English in `ledger correct --dry-run`: {words}\n{r.stdout}{r.stderr}"
    assert orjson.loads(_run(bureau, "log", "--json")) == log  # a dry run writes nothing


def test_a_name_said_and_a_name_refused_are_in_the_interface_language(bureau: Ledger, monkeypatch):
    monkeypatch.delenv("LEDGER_LANG")
    from cli.main import cli

    r = bureau.runner.invoke(cli, ["--store", bureau.store, "history", "无此人"])
    assert r.exit_code == 1 and "台账中没有“无此人”" in r.stderr and not ENGLISH_WORD.search(r.stderr), r.stderr
