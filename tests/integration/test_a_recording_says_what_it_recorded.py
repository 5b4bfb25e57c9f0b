"""Issue 24, item 6: a recording says what it recorded in one sentence (on stderr, in the interface's language,
from the event type's label and its fields' labels), while stdout keeps the bare ids scripts read."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Ledger


def _bureau(tmp_path: Path) -> Ledger:
    ledger = Ledger(str(tmp_path / "ledger.sqlite3"))
    ledger.ok("org", "unit", "JU", "--name", "区文化和旅游局", "--kind", "机关", "--effective", "2019-01-01")
    ledger.ok("org", "quota", "JU", "--establishment", "行政编制", "--count", "5", "--effective", "2019-01-01")
    return ledger


HIRE = ("hire", "P21", "--name", "张三", "--gender", "男", "--birth-date", "1990-05-01", "--unit", "JU",
        "--establishment", "行政编制", "--rank", "一级科员", "--mode", "录用", "--effective", "2022-08-01")


def test_the_sentence_is_chinese_by_default_and_stdout_keeps_the_ids(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEDGER_LANG")
    ledger = _bureau(tmp_path)
    hired = ledger.ok(*HIRE)
    assert hired.stdout.strip().isdigit()
    assert hired.stderr.startswith("已记录：P21 张三 进入，") and "职级 一级科员" in hired.stderr
    r = ledger.ok("promote", "张三", "--rank", "四级主任科员", "--effective", "2023-05-01", "--basis", "区文旅党组〔2023〕5号")
    event = r.stdout.strip()
    assert event.isdigit() and int(event) == int(hired.stdout) + 1  # the id alone, exactly as before
    assert f"已记录：P21 张三 职级晋升，职级 四级主任科员（2023-05-01生效），事件号 {event}" in r.stderr
    assert "区文旅党组" not in r.stderr  # the sentence says what changed, not every note kept with it


def test_the_sentence_in_english_with_lang_en(tmp_path: Path) -> None:
    ledger = _bureau(tmp_path)
    ledger.ok(*HIRE)
    r = ledger.ok("--lang", "en", "promote", "P21", "--rank", "四级主任科员", "--effective", "2023-05-01")
    assert f"Recorded: P21 张三 rank promotion, rank 四级主任科员 (effective 2023-05-01), event {r.stdout.strip()}" \
        in r.stderr
    assert "已记录" not in r.output


def test_several_retracted_say_one_sentence_each_and_a_dry_run_none(tmp_path: Path) -> None:
    ledger = _bureau(tmp_path)
    first = ledger.ok(*HIRE).stdout.strip()
    second = ledger.ok("promote", "P21", "--rank", "四级主任科员", "--effective", "2023-05-01").stdout.strip()
    r = ledger.ok("retract", first, second, "--reason", "typed for the wrong person")
    ids = r.stdout.split()
    assert len(ids) == 2 and all(i.isdigit() for i in ids)
    said = r.stderr.splitlines()
    assert said[0].startswith(f"Recorded: event {first} retraction, ") and said[0].endswith(f"event {ids[0]}")
    assert said[1].startswith(f"Recorded: event {second} retraction, ") and said[1].endswith(f"event {ids[1]}")
    assert "Recorded:" not in ledger("log").stderr  # reading commands say nothing of the kind
    r = ledger("promote", "P21", "--rank", "四级主任科员", "--effective", "2023-05-01", "--dry-run")
    assert "Recorded:" not in r.output


def test_a_masked_id_number_in_the_sentence(tmp_path: Path) -> None:
    ledger = _bureau(tmp_path)
    ledger.ok(*HIRE)
    r = ledger.ok("profile", "P21", "--id-number", "110105199005010018", "--effective", "2023-01-01")
    assert "110105199005010018" not in r.stderr and "0018" in r.stderr and r.stderr.startswith("Recorded: P21 张三 ")
