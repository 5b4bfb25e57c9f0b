"""区农业农村局 (NJ), the compliance tests' bureau (invented people): a structure, a roster, and the done-when
history of 2019–2022 with one breach of each kind the issue named."""

from __future__ import annotations

from typing import Any

from tests.scenarios import ev, hire

__all__ = ["D0", "bureau", "ev", "history", "load", "person"]

D0 = "2019-01-01"


def person(pid: str, name: str, rank: str, since: str, *, section: str | None = None, gender: str = "男",
           birth: str = "1985-06-01", mode: str = "转任", effective: str | None = None) -> dict[str, Any]:
    """A hire into 区农业农村局 (NJ), effective at the bureau's opening or when the rank was reached."""
    return hire(pid, name, "NJ", rank, effective or max(D0, since), section=section, gender=gender, birth_date=birth,
                rank_since=since, mode=mode, education=None)


def bureau(*extra: dict[str, Any]) -> list[dict[str, Any]]:
    """区农业农村局 (NJ): three sections, 行政编制 12, 局长 1, 副局长 3, 科长 3, 副科长 2, opened 2019-01-01."""
    return [
        ev("unit_established", D0, unit="NJ", name="区农业农村局", kind="机关"),
        *[ev("section_established", D0, unit="NJ", section=s) for s in ("办公室", "法规科", "产业科")],
        ev("quota_set", D0, unit="NJ", establishment="行政编制", count=12),
        ev("post_quota_set", D0, unit="NJ", post="局长", level="县处级正职", count=1),
        ev("post_quota_set", D0, unit="NJ", post="副局长", level="县处级副职", count=3),
        ev("post_quota_set", D0, unit="NJ", post="科长", level="乡科级正职", count=3),
        ev("post_quota_set", D0, unit="NJ", post="副科长", level="乡科级副职", count=2),
        person("L1", "赵国栋", "二级调研员", "2016-03-01", birth="1970-04-04"),
        ev("post_appointed", D0, person="L1", post="局长", since="2015-06-01"),
        *extra,
    ]


def history() -> list[dict[str, Any]]:
    """The done-when bureau, 2019–2022."""
    return bureau(
        person("L2", "钱守业", "三级调研员", "2017-01-01", birth="1962-03-15"),  # 60 on 2022-03-15
        ev("post_appointed", D0, person="L2", post="副局长", since="2016-01-01"),
        person("L3", "孙晓梅", "四级调研员", "2018-01-01", gender="女", birth="1975-05-05"),
        ev("post_appointed", D0, person="L3", post="副局长", since="2018-01-01"),
        person("L4", "李振华", "四级调研员", "2018-06-01", birth="1976-07-07"),
        ev("post_appointed", D0, person="L4", post="副局长", since="2018-06-01"),
        person("K1", "周文", "一级主任科员", "2017-01-01", section="办公室", birth="1980-01-01"),
        ev("post_appointed", D0, person="K1", post="科长", section="办公室", since="2016-01-01"),
        person("C1", "吴桐", "三级主任科员", "2020-09-01", section="法规科", birth="1988-02-02"),
        person("C2", "郑好", "四级主任科员", "2020-09-01", section="产业科", birth="1989-03-03", gender="女"),
        person("C3", "王芳", "一级科员", "2018-01-01", section="法规科", birth="1993-04-04", gender="女"),
        person("C4", "冯毅", "一级科员", "2018-03-01", section="产业科", birth="1994-05-05"),
        # 2021: a clean year — a promotion to 四级主任科员 after exactly three years as 一级科员
        ev("rank_promoted", "2021-03-01", person="C4", rank="四级主任科员"),
        # 2022
        ev("post_quota_set", "2022-06-01", unit="NJ", post="副局长", level="县处级副职", count=2,
           basis="区委编办〔2022〕6号"),
        ev("rank_promoted", "2022-08-31", person="C1", rank="二级主任科员"),  # one day short of two years
        ev("rank_promoted", "2022-09-01", person="C2", rank="三级主任科员"),  # exactly two years: fine
        # publicity over 国庆: 29–30 Sep and the worked weekend 8–9 Oct are 4 working days (Mon–Fri would say 7)
        ev("post_appointed", "2022-10-17", person="C3", post="副科长", section="法规科", probation=True,
           publicity_from="2022-09-29", publicity_to="2022-10-09"),
    )


def load(ledger, write_jsonl, lines) -> None:
    r = ledger("import", str(write_jsonl(lines)))
    assert r.exit_code == 0, r.output
