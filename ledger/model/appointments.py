"""What an appointment is: a 提拔 (a step up) or a 任命 (at the level already held) — judged in one place.

The yearly report words an appointment by it, the probation default follows it (every 提拔 to a leadership post
starts a one-year probation, 《党政领导干部选拔任用工作条例》 任职试用期), and the selection rules judge 提拔s. Data
and one pure function; nothing here reads a timeline.
"""

from __future__ import annotations

from collections.abc import Iterable

from ledger.model import vocabulary as v

HEAD_LEVEL_SUFFIX = "正职"  # a 正职 post is a 提拔 even from a non-leading rank (科长), as in the seed report

# The post level a rank stands level with, from the tenure rules' "or" clauses (《公务员职务与职级并行规定》第十二条:
# 三级主任科员 after 2 years as 四级主任科员 or 乡科级副职, …) and, for 事业单位, 七级职员 = 科级正职, 八级职员 = 科级副职.
# A first 副职 post at or below the rank's level is a 任命 (四级主任科员 → 副科长); above it, a 提拔.
RANK_LEVEL: dict[str, str] = {
    "四级主任科员": "乡科级副职", "三级主任科员": "乡科级副职", "二级主任科员": "乡科级正职", "一级主任科员": "乡科级正职",
    "四级调研员": "县处级副职", "三级调研员": "县处级副职", "二级调研员": "县处级正职", "一级调研员": "县处级正职",
    "二级巡视员": "厅局级副职", "一级巡视员": "厅局级正职",
    "八级职员": "乡科级副职", "七级职员": "乡科级正职", "六级职员": "县处级副职", "五级职员": "县处级正职",
}

PROMOTION = "提拔"
APPOINTMENT = "任命"


def appointment_kind(level: str | None, held_levels: Iterable[str | None], rank: str | None) -> str:
    """提拔 or 任命: a step up is to a post above the highest one held the day before; from no post, to a 正职 post
    or to a post above the rank's own level. Otherwise (a move at the same level, a 副职 post level with the
    rank) it is a 任命."""
    held = [v.post_level_index(x) for x in held_levels]
    index = v.post_level_index(level)
    if held:
        return PROMOTION if index > max(held) else APPOINTMENT
    if (level or "").endswith(HEAD_LEVEL_SUFFIX) or index > v.post_level_index(RANK_LEVEL.get(rank or "")):
        return PROMOTION
    return APPOINTMENT
