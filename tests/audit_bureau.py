"""A small bureau for the audit tests (invented people, not the demo's), in the import vocabulary.

区统计局 (TJ, three sections) and its 普查中心 (PC), opened 2021-01-01, then a year of changes in 2022.
`NAMES` lists every personal and unit name it records, for the encryption tests to look for.
"""

from __future__ import annotations

from typing import Any


def ev(event: str, effective: str, **fields: Any) -> dict[str, Any]:
    return {"event": event, "effective": effective, **{k: v for k, v in fields.items() if v is not None}}


def _hire(person: str, name: str, unit: str, rank: str, effective: str = "2021-01-01", **kw: Any) -> dict[str, Any]:
    base = dict(gender="女", birth_date="1988-04-04", establishment="行政编制", mode="转任", rank_since="2019-01-01")
    return ev("hired", effective, person=person, name=name, unit=unit, rank=rank, **{**base, **kw})


def opening() -> list[dict[str, Any]]:
    d = "2021-01-01"
    return [
        ev("unit_established", d, unit="TJ", name="区统计局", kind="机关", basis="区委编办〔2021〕1号"),
        *[ev("section_established", d, unit="TJ", section=s) for s in ("办公室", "综合科", "调查科")],
        ev("quota_set", d, unit="TJ", establishment="行政编制", count=8),
        ev("post_quota_set", d, unit="TJ", post="局长", level="县处级正职", count=1),
        ev("post_quota_set", d, unit="TJ", post="科长", level="乡科级正职", count=3),
        ev("unit_established", d, unit="PC", name="区普查中心", kind="事业单位", parent="TJ", funding="全额拨款"),
        ev("quota_set", d, unit="PC", establishment="事业编制", count=2),
        ev("post_quota_set", d, unit="PC", post="主任", level="乡科级正职", count=1),
        _hire("T01", "钟离春", "TJ", "二级调研员", gender="男", birth_date="1962-03-03", rank_since="2017-01-01"),
        ev("post_appointed", d, person="T01", post="局长"),
        _hire("T02", "公孙兰", "TJ", "一级主任科员", section="综合科"),
        _hire("T03", "皇甫云", "TJ", "三级主任科员", section="调查科"),
        _hire("T04", "宇文静", "TJ", "一级科员", section="办公室", mode="录用"),
        _hire("C01", "尉迟恭", "PC", "七级职员", establishment="事业编制", gender="男", mode="招聘"),
        ev("post_appointed", d, person="C01", post="主任"),
    ]


def year_2022() -> list[dict[str, Any]]:
    return [
        ev("rank_promoted", "2022-03-01", person="T03", rank="二级主任科员", basis="区统计党组〔2022〕2号"),
        ev("post_appointed", "2022-04-18", person="T02", post="科长", section="综合科", note="经党组会研究"),
        ev("secondment_started", "2022-05-01", person="T04", host="区委办公室", kind="借调", until="2022-10-31"),
        ev("secondment_ended", "2022-10-31", person="T04"),
        ev("assistant_engaged", "2022-02-01", person="Z01", name="端木蓉", role="办公室助理", unit="TJ"),
        ev("separated", "2022-06-30", person="T01", reason="退休"),
        _hire("T05", "欧阳修", "TJ", "一级科员", "2022-09-01", section="调查科", mode="录用", rank_since=None,
              birth_date="1998-12-12", gender="男"),
    ]


NAMES = ("区统计局", "区普查中心", "钟离春", "公孙兰", "皇甫云", "宇文静", "尉迟恭", "端木蓉", "欧阳修")
