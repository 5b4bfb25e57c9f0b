"""Crafted bureaus for tests (not the demo's): import lines in the event vocabulary."""

from __future__ import annotations

from typing import Any

from ledger.model.facts import Fact
from ledger.model.parsing import parse_fields


def facts(*lines: tuple[str, dict[str, Any]]) -> list[Fact]:
    """Facts with ids 2, 3, … from (event, fields) pairs, without a store (the rules are pure functions of facts)."""
    out = []
    for i, (event, raw) in enumerate(lines):
        fields, problems = parse_fields(event, raw)
        assert not problems, problems
        out.append(Fact(i + 2, event, fields["effective"], fields))
    return out


def ev(event: str, effective: str, **fields: Any) -> dict[str, Any]:
    return {"event": event, "effective": effective, **{k: v for k, v in fields.items() if v is not None}}


def hire(person: str, name: str, unit: str, rank: str, effective: str = "2021-01-01", *, section: str | None = None,
         establishment: str = "行政编制", gender: str = "男", birth_date: str = "1985-06-01",
         rank_since: str | None = None, mode: str = "转任", education: str | None = "大学本科", **kw: Any) -> dict[str, Any]:
    return ev("hired", effective, person=person, name=name, gender=gender, birth_date=birth_date, education=education,
              unit=unit, section=section, establishment=establishment, rank=rank, rank_since=rank_since, mode=mode, **kw)


def small_bureau() -> list[dict[str, Any]]:
    """区市场监督管理局 (SJ, 4 sections, 行政编制 8) and its 检测中心 (JC, 事业编制 3), opened 2021-01-01."""
    d = "2021-01-01"
    lines = [
        ev("unit_established", d, unit="SJ", name="区市场监督管理局", kind="机关"),
        *[ev("section_established", d, unit="SJ", section=s) for s in ("综合科", "法规科", "稽查科", "质量科")],
        ev("quota_set", d, unit="SJ", establishment="行政编制", count=8),
        ev("post_quota_set", d, unit="SJ", post="局长", level="县处级正职", count=1),
        ev("post_quota_set", d, unit="SJ", post="副局长", level="县处级副职", count=2),
        ev("post_quota_set", d, unit="SJ", post="科长", level="乡科级正职", count=4),
        ev("post_quota_set", d, unit="SJ", post="副科长", level="乡科级副职", count=1),
        ev("unit_established", d, unit="JC", name="区检验检测中心", kind="事业单位", parent="SJ", funding="全额拨款"),
        ev("quota_set", d, unit="JC", establishment="事业编制", count=3),
        ev("post_quota_set", d, unit="JC", post="主任", level="乡科级正职", count=1),
        hire("S01", "欧阳明", "SJ", "二级调研员", rank_since="2018-01-01", birth_date="1970-02-02"),
        ev("post_appointed", d, person="S01", post="局长", since="2017-05-01"),
        hire("S02", "上官雪", "SJ", "四级调研员", rank_since="2019-03-01", gender="女", birth_date="1978-08-08"),
        ev("post_appointed", d, person="S02", post="副局长"),
        hire("S03", "诸葛亮", "SJ", "一级主任科员", section="综合科", rank_since="2019-01-01", birth_date="1982-01-15"),
        ev("post_appointed", d, person="S03", post="科长", section="综合科"),
        hire("S04", "司马光", "SJ", "三级主任科员", section="法规科", rank_since="2020-01-01", birth_date="1988-03-03"),
        hire("S05", "慕容雪", "SJ", "一级科员", section="稽查科", rank_since="2019-07-01", gender="女", birth_date="1995-05-05",
             mode="录用"),
        hire("S06", "东方朔", "SJ", "四级主任科员", section="质量科", rank_since="2018-06-01", birth_date="1990-09-09"),
        hire("J01", "令狐冲", "JC", "七级职员", establishment="事业编制", rank_since="2017-01-01", mode="招聘"),
        ev("post_appointed", d, person="J01", post="主任"),
        hire("J02", "任盈盈", "JC", "专业技术十级", establishment="事业编制", rank_since="2019-01-01", gender="女",
             mode="招聘"),
    ]
    return lines


def year_2022() -> list[dict[str, Any]]:
    """A year of changes at 区市场监督管理局: promotions, an appointment, a secondment, an assistant, a retirement."""
    return [
        ev("rank_promoted", "2022-03-01", person="S04", rank="二级主任科员", basis="区市监党组〔2022〕3号"),
        ev("post_appointed", "2022-04-18", person="S06", post="科长", section="质量科", probation=True,
           publicity_from="2022-04-01", publicity_to="2022-04-08"),
        ev("secondment_started", "2022-05-01", person="S05", host="区委办公室", kind="借调", until="2022-10-31"),
        ev("secondment_ended", "2022-10-31", person="S05"),
        ev("assistant_engaged", "2022-02-01", person="Z01", name="西门吹", role="综合科助理", unit="SJ"),
        ev("separated", "2022-06-30", person="S01", reason="退休"),
        hire("S07", "独孤求", "SJ", "一级科员", "2022-09-01", section="稽查科", mode="录用", birth_date="1998-12-12"),
    ]
