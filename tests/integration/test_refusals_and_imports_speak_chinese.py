"""Issue 24, item 5: the refusals of the cadre's file, selections, posts, 整改 and 评议 (ledger.model.events), the
"no person …" of the reads and import-roster's messages are Chinese by default and English with --lang en."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Ledger


@pytest.fixture
def bureau(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Ledger:
    monkeypatch.delenv("LEDGER_LANG")  # the default interface: Chinese
    ledger = Ledger(str(tmp_path / "ledger.sqlite3"))
    ledger.ok("org", "unit", "JU", "--name", "区文化和旅游局", "--kind", "机关", "--effective", "2019-01-01")
    ledger.ok("org", "quota", "JU", "--establishment", "行政编制", "--count", "5", "--effective", "2019-01-01")
    ledger.ok("hire", "P1", "--name", "王志强", "--gender", "男", "--birth-date", "1980-05-01", "--unit", "JU",
              "--establishment", "行政编制", "--rank", "一级科员", "--mode", "录用", "--effective", "2020-01-01")
    return ledger


def _both(ledger: Ledger, *args: str) -> tuple[str, str]:
    """The refusal's stderr in the default language, then with --lang en; nothing is written either time."""
    before = ledger.event_count()
    zh, en = ledger(*args), ledger("--lang", "en", *args)
    assert zh.exit_code == en.exit_code == 1 and "Traceback" not in zh.output + en.output
    assert ledger.event_count() == before
    return zh.stderr, en.stderr


def test_event_refusals(bureau: Ledger) -> None:
    bureau.ok("appraise", "P1", "--year", "2021", "--grade", "称职", "--effective", "2022-01-20")
    zh, en = _both(bureau, "appraise", "P1", "--year", "2021", "--grade", "优秀", "--effective", "2022-02-20")
    assert "2021年度已考核为称职（事件" in zh and "2021 is already appraised 称职 (event" in en
    zh, en = _both(bureau, "appraise", "P1", "--year", "2023", "--grade", "优秀", "--effective", "2022-02-20")
    assert "2023年度的考核不能在2022-02-20生效" in zh and "an appraisal of 2023 cannot take effect" in en
    zh, en = _both(bureau, "selection", "recommend", "XR1", "--participants", "3", "--votes", "P1:2",
                   "--effective", "2023-03-15")
    assert "该日及以前未启动选任“XR1”" in zh and "no selection 'XR1' started" in en
    zh, en = _both(bureau, "profile", "P1", "--id-number", "110105199005010018", "--effective", "2023-01-01")
    assert "出生年月为1990-05，与王志强的1980-05不符" in zh and "gives the birth month 1990-05, not 王志强's" in en
    assert "0018" in zh and "110105199005010018" not in zh + en  # masked in either language


def test_no_person_in_the_reads(bureau: Ledger) -> None:
    r = bureau("history", "P99")
    assert r.exit_code == 1 and "台账中没有人员“P99”" in r.stderr and "no person" not in r.stderr
    r = bureau("--lang", "en", "history", "P99")
    assert r.exit_code == 1 and "no person 'P99' in the ledger" in r.stderr
    r = bureau("roster", "--unit", "XX", "--as-of", "2022-12-31")
    assert r.exit_code == 1 and "2022-12-31没有单位“XX”（现有单位：JU）" in r.stderr


def test_import_roster_speaks_the_interface_language(bureau: Ledger, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("姓名,性别,出生年月,单位,职级\n甲,男,1980.01,JU,一级科员\n乙,女,1981.02,JU,\n", encoding="utf-8")
    zh, en = _both(bureau, "import-roster", str(bad), "--as-of", "2023-01-01")
    assert "缺少职级" in zh and "missing rank (职级)" in en
    good = tmp_path / "good.csv"
    good.write_text("姓名,性别,出生年月,单位,职级,籍贯名\n甲,男,1980.01,JU,一级科员,x\n", encoding="utf-8")
    r = bureau.ok("import-roster", str(good), "--as-of", "2023-01-01", "--dry-run")
    assert "将记录1人（1条事件），2023-01-01生效（试运行，未写入任何内容）" in r.stdout
    assert "生成的人员编号" in r.stdout and "Generated" not in r.output
    r = bureau.ok("import-roster", str(good), "--as-of", "2023-01-01")
    assert "已记录1人，2023-01-01生效：1条事件（事件号" in r.stdout
    bureau.ok("--lang", "en", "retract", r.stdout.split("事件号 ")[1].split("–")[0], "--reason", "again")
    r = bureau.ok("--lang", "en", "import-roster", str(good), "--as-of", "2023-01-01")
    assert "1 people recorded effective 2023-01-01: 1 events (ids" in r.stdout
