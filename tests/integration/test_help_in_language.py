"""Issue 24 item 5: every `--help` speaks the interface's language — each command's help, each option's, and
click's own words — Chinese by default, English with --lang en (before or after the command) or LEDGER_LANG=en."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from cli.main import cli
from ledger.model.i18n import _catalogue, help_paragraphs


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    yield prefix, group
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*prefix, name))
        else:
            yield (*prefix, name), cmd


COMMANDS = list(_commands(cli))
ZH = _catalogue("zh_CN")


@pytest.mark.parametrize("path,cmd", COMMANDS, ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_every_help_text_has_its_chinese_translation(path, cmd):
    for paragraph in help_paragraphs(cmd.help or ""):
        assert ZH.gettext(paragraph) != paragraph, f"ledger {' '.join(path)}: untranslated help {paragraph!r}"
    for p in cmd.params:
        if isinstance(p, click.Option) and p.help and getattr(p, "localise", None) is None:
            assert ZH.gettext(p.help) != p.help, f"ledger {' '.join(path)} {p.opts[0]}: untranslated {p.help!r}"


def _help(*args: str, env: dict[str, str] | None = None) -> str:
    r = CliRunner().invoke(cli, [*args], env={"LEDGER_LANG": "", **(env or {})}, terminal_width=200)
    assert r.exit_code == 0, r.output
    return r.output


def test_help_is_chinese_by_default_and_english_when_asked():
    zh = _help("hire", "--help")
    assert zh.startswith("用法：cli hire") and "选项：" in zh and "[必填]" in zh and "记录进入编制" in zh
    assert "出生日期" in zh and "进入时间" in zh and "显示此帮助后退出。" in zh and "Record a hire" not in zh
    en = _help("--lang", "en", "hire", "--help")
    assert en.startswith("Usage: cli hire") and "Options:" in en and "[required]" in en
    assert "Record a hire onto the establishment" in en and "记录进入编制" not in en
    assert _help("hire", "--help", "--lang", "en") == en == _help("hire", "--help", env={"LEDGER_LANG": "en"})
    top = _help("--help")
    assert "命令：" in top and "记录职级晋升" in top and "Record a rank promotion" not in top


def test_the_commands_keep_their_help_as_written_between_runs():
    _help("roster", "--help")
    roster = cli.commands["roster"]
    assert roster.help.startswith("Show who is on the establishment")
    assert any(p.help == "Print JSON (UTF-8) instead of a table." for p in roster.params if isinstance(p, click.Option))


def _usage_error(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["--store", "nowhere.sqlite3", *args], env={"LEDGER_LANG": ""}, prog_name="ledger")
    return r.exit_code, r.stderr


def test_usage_errors_speak_the_interface_language_and_english_is_clicks_own():
    code, said = _usage_error("promote", "P01")
    assert code == 2 and "用法：ledger promote" in said and "请用“ledger promote --help”查看帮助" in said
    assert "错误：缺少 --rank, --effective（均为必填）。" in said and "Missing" not in said
    code, said = _usage_error("roster", "--bogus")
    assert code == 2 and "错误：没有选项 '--bogus'。" in said
    code, said = _usage_error("--lang", "en", "roster", "--bogus")
    assert code == 2 and said.endswith("Try 'ledger roster --help' for help.\n\nError: No such option '--bogus'.\n")
    code, said = _usage_error("--lang", "en", "promote", "P01")
    assert code == 2 and "Error: Missing --rank, --effective (each is required)." in said
