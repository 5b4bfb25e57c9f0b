"""The narrative file's Markdown, and the masking rules of the publishable report (公开版)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from exporters.narrative import NarrativeError, parse_narrative
from exporters.redaction import inside_a_longer_word
from exporters.yearly_report import mask_name, redactor_for
from ledger.read.yearly import YearlyFigures
from tests.conftest import Ledger
from tests.docx_reading import open_docx, texts


def test_narrative_sections_paragraphs_and_numbered_items() -> None:
    n = parse_narrative(
        "# 标题被忽略\n开场白第一句，\n接着写。\n\n## 主要做法\n\n1. **抓结构。** 具体做法\n   第二行。\n"
        "（2）没有加粗的条目。\n\n普通段落。\n\n## 存在问题：\n- 一个问题。\n\n### 小标题\n\n## 下步打算\n(3) 第三条\n")
    assert [(b.kind, b.text) for b in n.opening] == [("paragraph", "开场白第一句，接着写。")]
    practice = n.section("主要做法")
    assert [(b.kind, b.number, b.lead, b.text) for b in practice] == [
        ("item", 1, "抓结构。", "具体做法第二行。"),
        ("item", 2, "", "没有加粗的条目。"),
        ("paragraph", None, "", "普通段落。"),
    ]
    assert [(b.kind, b.text) for b in n.section("存在问题")] == [("paragraph", "一个问题。"), ("heading", "小标题")]
    assert [(b.number, b.text) for b in n.section("下步打算")] == [(3, "第三条")]


def test_unknown_narrative_section_is_refused_with_the_expected_names(tmp_path: Path, sqlite_ledger: Ledger) -> None:
    with pytest.raises(NarrativeError, match="unknown section '## 成绩'.*## 主要做法, ## 存在问题, ## 下步打算"):
        parse_narrative("## 成绩\n很好。\n")
    md = tmp_path / "n.md"
    md.write_text("## 主要做法\n好。\n## 其他\n", encoding="utf-8")
    sqlite_ledger.ok("org", "unit", "XJ", "--name", "县某局", "--kind", "机关", "--effective", "2020-01-01")
    r = sqlite_ledger("export", "yearly-report", "--year", "2022", "--narrative", str(md), "-o", str(tmp_path / "r.docx"))
    assert r.exit_code == 1 and "narrative line 3: unknown section '## 其他'" in r.output
    assert not (tmp_path / "r.docx").exists()


def test_narrative_items_render_as_run_in_headings(tmp_path: Path, sqlite_ledger: Ledger) -> None:
    md = tmp_path / "n.md"
    md.write_text("县某局党组开场白。\n\n## 存在问题\n\n1. **能力不足。** 需要培训。\n", encoding="utf-8")
    sqlite_ledger.ok("org", "unit", "XJ", "--name", "县某局", "--kind", "机关", "--effective", "2020-01-01")
    out = tmp_path / "r.docx"
    sqlite_ledger.ok("export", "yearly-report", "--year", "2022", "--narrative", str(md), "-o", str(out))
    ps = texts(open_docx(out))
    assert ps[2] == "县委组织部："  # the default 主送机关 of a 县 unit
    assert ps[3] == "县某局党组开场白。"
    assert "（一）能力不足。需要培训。" in ps
    assert ps.count("【待填写：主要做法。请在 --narrative 文件的“## 主要做法”一节中撰写本部分，再重新导出。】") == 1
    assert not any(p.startswith("【待填写：存在问题") for p in ps)


@pytest.mark.parametrize(("name", "masked"), [
    ("区文化和旅游局", "区**局"), ("区旅游服务中心", "区**中心"), ("政策法规科", "**科"), ("办公室", "**室"),
    ("县委宣传部", "县委**部"), ("区局", "区**"), ("群文部", "**部"),
])
def test_mask_keeps_only_the_generic_ends(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def _figures(people: list[str], units: list[str], sections: list[str]) -> YearlyFigures:
    return YearlyFigures(
        unit="U", name=units[0] if units else "U", kind="机关", year=2022, as_of=date(2022, 12, 31), known_at=None,
        quotas={}, filled={}, head_posts=[], section_posts=[], non_leaders=0, non_leader_ranks=[], institutions=[],
        promotions=[], appointments=[], engagements=[], secondments=[],
        people={f"P{i}": n for i, n in enumerate(people)}, units={f"U{i}": n for i, n in enumerate(units)},
        sections=sections)


# A small alphabet, so that names overlap and masks' generic ends meet their neighbours.
_name = st.text(alphabet="区县局科室文化甲乙中心", min_size=2, max_size=5)


@settings(max_examples=300, deadline=None)
@given(people=st.lists(_name, max_size=4), units=st.lists(_name, min_size=1, max_size=3),
       sections=st.lists(_name, max_size=3), filler=st.lists(st.text(alphabet="区局科的和，。年2", max_size=4), max_size=6))
@example(people=["乙中", "心化"], units=["中中"], sections=[], filler=[])  # 心化 spared in 中心化, until 乙中 is masked
def test_masked_text_contains_no_name(people, units, sections, filler) -> None:
    names = [*people, *units, *sections]
    text = "".join(a + b for a, b in zip(filler + [""] * len(names), names, strict=False)) + "".join(filler)
    out = redactor_for(_figures(people, units, sections), enabled=True).text(text)
    for name in [*units, *sections]:
        assert name not in out
    # A person's name is a word: it may stay only inside a longer word of the dictionary (志存高远 holds 高远).
    for name in people:
        at = out.find(name)
        while at >= 0:
            assert inside_a_longer_word(out, at, at + len(name)), (name, out)
            at = out.find(name, at + 1)


def test_a_mask_joining_its_neighbour_into_another_name_is_masked_again() -> None:
    # 区甲局 masks to 区**局, whose 局 and the following 科 spell the person 局科.
    r = redactor_for(_figures(["局科"], ["区甲局"], []), enabled=True)
    assert r.text("区甲局科") == "区****"
