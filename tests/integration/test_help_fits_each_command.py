"""Item 3 of issue 15: help that fits each command — every option its own help, every missing option named at
once, `--effective` labelled by what the date means, `--override` only where 超编/超职数 can arise."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.conftest import Ledger
from tests.safety import unchanged


def _leaf_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            yield from _leaf_commands(cmd, (*prefix, name))
        else:
            yield (*prefix, name), cmd


LEAVES = list(_leaf_commands(cli))
APPEND = [(path, cmd) for path, cmd in LEAVES if any(p.name == "effective" for p in cmd.params)
          and path[0] not in ("import-lrmx",)]


@pytest.mark.parametrize("path,cmd", LEAVES, ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_every_option_of_every_command_has_help_of_its_own(path, cmd):
    options = [p for p in cmd.params if isinstance(p, click.Option)]
    for p in options:
        assert p.help and len(p.help.strip()) >= 10, f"ledger {' '.join(path)} {p.opts[0]} has no help"
    helps = [p.help for p in options if not p.hidden]
    assert len(helps) == len(set(helps)), f"ledger {' '.join(path)}: two options share one help text"
    shown = CliRunner().invoke(cli, [*path, "--help"], terminal_width=200).output
    for p in options:
        assert p.hidden or p.opts[0] in shown


def test_effective_says_what_the_date_means_for_each_fact():
    helps = {" ".join(path): next(p.help for p in cmd.params if p.name == "effective") for path, cmd in APPEND}
    assert len(set(helps.values())) == len(helps), "two commands describe --effective alike"
    assert "任职时间" in helps["appoint"] and "免职时间" in helps["vacate"]
    for command in ("separate", "return", "release", "retract", "hire", "promote"):
        assert "任职时间" not in helps[command], command
    assert "离职时间" in helps["separate"] and "返回时间" in helps["return"] and "解聘时间" in helps["release"]
    assert "default: today" in helps["retract"]


def test_override_is_offered_only_where_an_establishment_or_post_count_can_be_exceeded():
    offering = {" ".join(path) for path, cmd in APPEND if any(p.name == "override" for p in cmd.params)}
    assert offering == {"hire", "transfer", "appoint", "end-probation"}


def test_choices_are_explained_by_the_option_they_belong_to():
    by = {" ".join(path): {p.name: p.help for p in cmd.params if isinstance(p, click.Option)} for path, cmd in LEAVES}
    assert "借调" in by["second"]["kind"] and "机关" not in by["second"]["kind"]
    assert "退休" not in by["retract"]["reason"] and "退休" in by["separate"]["reason"]
    assert "机关" in by["org unit"]["kind"] and "事业单位" in by["org unit"]["kind"]


def test_every_missing_required_option_is_named_in_one_run(sqlite_ledger: Ledger):
    r = sqlite_ledger("hire", "P1")
    assert r.exit_code == 2
    message = r.output.splitlines()[-1]
    for option in ("--name", "--gender", "--birth-date", "--unit", "--establishment", "--rank", "--mode", "--effective"):
        assert option in message
    r = sqlite_ledger("promote")
    assert r.exit_code == 2 and "PERSON" in r.output and "--rank" in r.output and "--effective" in r.output
    r = sqlite_ledger("diff")
    assert r.exit_code == 2 and "--from" in r.output and "--to" in r.output
    r = sqlite_ledger("promote", "P1", "--rank", "四级主任科员")  # one missing: click's own message
    assert r.exit_code == 2 and "Missing option '--effective'" in r.output


def test_the_hint_of_an_import_refused_for_over_establishment_says_how_an_import_overrides(
        sqlite_ledger: Ledger, write_jsonl, bureau_lines):
    sqlite_ledger.ok("import", str(write_jsonl(bureau_lines)))
    over = {"event": "hired", "effective": "2022-01-01", "person": "J09", "name": "周九", "gender": "男",
            "birth_date": "1990-01-01", "unit": "JC", "establishment": "事业编制", "rank": "专业技术十级", "mode": "招聘"}
    extra = [{**over, "person": f"J0{i}", "name": f"周{i}"} for i in (7, 8, 9)]
    with unchanged(sqlite_ledger):
        r = sqlite_ledger("import", str(write_jsonl(extra)))
    assert r.exit_code == 1 and "超编" in r.output and '"override": "REASON"' in r.output
    sqlite_ledger.ok("import", str(write_jsonl([{**e, "override": "区编办批复〔2022〕3号"} for e in extra])))
    r = sqlite_ledger("hire", "J10", "--name", "周十", "--gender", "男", "--birth-date", "1990-01-01", "--unit", "JC",
                      "--establishment", "事业编制", "--rank", "专业技术十级", "--mode", "招聘", "--effective", "2022-02-01")
    assert r.exit_code == 1 and "--override REASON" in r.output


@pytest.mark.parametrize("path,cmd", LEAVES, ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_a_command_with_several_required_parameters_names_every_missing_one(path, cmd):
    from cli.options import LedgerCommand

    required = [p for p in cmd.params if p.required]
    assert len(required) < 2 or isinstance(cmd, LedgerCommand), f"ledger {' '.join(path)}: use cls=LedgerCommand"
    if len(required) >= 2:
        r = CliRunner().invoke(cli, list(path))
        assert r.exit_code == 2
        for p in required:
            assert (p.opts[-1] if isinstance(p, click.Option) else (p.metavar or p.name.upper())) in r.output
