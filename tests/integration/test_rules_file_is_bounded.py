"""`--rules FILE` is read with a size limit and its numbers are bounded (issue 25 item 5: `--rules` accepted
negative years and hung on /dev/zero): each refusal is one sentence naming the file and the setting."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from ledger.rules.catalogue import MAX_RULES_BYTES, RulesError, load_rulebook
from tests.conftest import Ledger

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bureau(sqlite_ledger: Ledger, write_jsonl, bureau_lines: list[dict]) -> Ledger:
    sqlite_ledger.ok("import", str(write_jsonl(bureau_lines)))
    return sqlite_ledger


@pytest.mark.parametrize(("toml", "words"), [
    ('[RANK_TENURE]\nyears = { "一级科员" = -2 }\n', "[RANK_TENURE] years.一级科员 in {path} is -2: a number of years "
                                                 "from 0 to 100 is expected"),
    ("[PROBATION_OPEN]\ngrace_days = -30\n", "[PROBATION_OPEN] grace_days in {path} is -30: a number of days"),
    ("[RANK_TENURE]\nprobation_years = inf\n", "probation_years in {path} is inf"),
    ("[RANK_TENURE]\nexcellent_shortens_years = nan\n", "excellent_shortens_years in {path} is nan"),
    ('[POST_TENURE]\nrequirements = { "乡科级副职" = { years = -3, rank_from = "一级科员" } }\n',
     "[POST_TENURE] requirements.乡科级副职.years in {path} is -3"),
    ("[SECONDMENT_OVERDUE]\nmax_months = { \"借调\" = 100000 }\n", "is 100000: a number of months from 0 to 1,200"),
])
def test_a_negative_or_impossible_number_is_refused_naming_the_setting(bureau: Ledger, tmp_path: Path,
                                                                        toml: str, words: str) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(RulesError, match="expected") as refused:
        load_rulebook(path)
    assert words.format(path=path) in str(refused.value)
    r = bureau("--lang", "en", "check", "--rules", str(path))
    assert r.exit_code == 2 and words.format(path=path) in r.stderr and "Traceback" not in r.output


def test_zero_years_and_the_bureau_s_own_numbers_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text('[RANK_TENURE]\nyears = { "一级科员" = 0, "二级主任科员" = 3 }\nexcellent_shortens_years = 0.5\n'
                    "[PROBATION_OPEN]\ngrace_days = 60\n", encoding="utf-8")
    book = load_rulebook(path)
    assert book.rules["RANK_TENURE"].params["years"]["二级主任科员"] == 3


def test_dev_zero_and_a_huge_file_are_refused_at_once(bureau: Ledger, tmp_path: Path) -> None:
    huge = tmp_path / "huge.toml"
    huge.write_bytes(b"# " + b"x" * MAX_RULES_BYTES + b"\n")
    with pytest.raises(RulesError) as refused:
        load_rulebook(huge)
    assert str(refused.value).startswith(f"rules file {huge} is larger than 1 MiB")
    started = time.perf_counter()
    code = "from cli.main import cli; cli(prog_name='ledger')"
    r = subprocess.run([sys.executable, "-c", code, "--lang", "en", "--store", bureau.store, "check",
                        "--rules", "/dev/zero"], capture_output=True, text=True, timeout=60, cwd=ROOT,
                       env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 2 and "rules file /dev/zero is larger than 1 MiB" in r.stderr, r.stderr
    assert time.perf_counter() - started < 30
