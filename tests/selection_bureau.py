"""A bureau (not the demo's) with a vacancy to fill, for the selection's steps and their rules: import lines."""

from __future__ import annotations

from typing import Any

from tests.scenarios import ev, hire

D = "2021-01-01"


def vacancy_bureau() -> list[dict[str, Any]]:
    """区水务局 (SW): one 科长 and one 副科长 place of 工程科 vacant; K1 is 副科长 of 综合科, K2 and K3 non-leaders."""
    return [
        ev("unit_established", D, unit="SW", name="区水务局", kind="机关"),
        *[ev("section_established", D, unit="SW", section=s) for s in ("综合科", "工程科")],
        ev("quota_set", D, unit="SW", establishment="行政编制", count=10),
        ev("post_quota_set", D, unit="SW", post="科长", level="乡科级正职", count=2),
        ev("post_quota_set", D, unit="SW", post="副科长", level="乡科级副职", count=2),
        hire("K1", "田野", "SW", "三级主任科员", D, section="综合科", rank_since="2018-01-01", birth_date="1984-04-04"),
        ev("post_appointed", D, person="K1", post="副科长", section="综合科", since="2017-01-01"),
        hire("K2", "江河", "SW", "一级主任科员", D, section="工程科", rank_since="2016-01-01", birth_date="1980-02-02"),
        hire("K3", "石磊", "SW", "四级主任科员", D, section="工程科", rank_since="2019-01-01", birth_date="1991-09-09",
             gender="女"),
    ]


def selection_path(sid: str = "SW2023-01", chosen: str = "K1", present: int = 5, members: int = 7) -> list[dict]:
    """The steps of a selection of 工程科科长 in 2023, up to the decision."""
    return [
        ev("selection_started", "2023-03-01", selection=sid, unit="SW", post="科长", section="工程科", basis="纪要〔2023〕1号"),
        ev("recommendation_held", "2023-03-10", selection=sid, participants=9, votes=f"{chosen}:7, K2:2"),
        ev("inspection_done", "2023-03-20", selection=sid, candidates=chosen, conclusion="考察合格"),
        ev("decision_made", "2023-04-03", selection=sid, present=present, members=members, chosen=chosen),
    ]
