"""Append commands (`hire`, `promote`, … and `org …`): one per event type, options generated from its fields.

PERSON (or UNIT, or EVENT_ID) is positional; every other field is an option named after it. Values go to the
ledger as typed, so that parsing and its messages live in one place (`ledger.facts`).
"""

from __future__ import annotations

from typing import Any

import click

from ledger.store.aggregate import field_specs

from .main import Session

# command name -> (event type, positional field, summary, example)
COMMANDS: dict[str, tuple[str, str, str, str]] = {
    "hire": ("hired", "person", "Record a hire onto the establishment (录用/调任/转任/遴选/招聘/安置).",
             'ledger hire P21 --name 张三 --gender 男 --birth-date 1990-05-01 --unit JU --section 办公室 '
             '--establishment 行政编制 --rank 一级科员 --mode 录用 --effective 2022-08-01'),
    "promote": ("rank_promoted", "person", "Record a rank promotion (职级晋升).",
                'ledger promote P13 --rank 四级主任科员 --effective 2022-09-01 --basis "区文旅党组〔2022〕5号"'),
    "appoint": ("post_appointed", "person", "Record an appointment to a leadership post (任职).",
                "ledger appoint P07 --post 副科长 --section 财务科 --effective 2022-06-15 --publicity-from 2022-06-01 "
                "--publicity-to 2022-06-08"),
    "vacate": ("post_vacated", "person", "Record a removal from a post (免职).",
               "ledger vacate P07 --post 副科长 --effective 2022-12-01"),
    "transfer": ("transferred", "person", "Record a move to another section or unit (调动; posts stay behind on a unit move).",
                 "ledger transfer P07 --to-unit XX --effective 2022-03-01"),
    "second": ("secondment_started", "person", "Record the start of an exchange or secondment (交流/挂职/借调/学习).",
               "ledger second P09 --host 区委宣传部 --kind 学习 --until 2022-12-31 --effective 2022-07-01"),
    "return": ("secondment_ended", "person", "Record the end of a secondment (the person is back at work).",
               "ledger return P09 --effective 2022-12-31"),
    "separate": ("separated", "person", "Record a separation (退休/辞职/辞退/调出/死亡…).",
                 "ledger separate P02 --reason 退休 --effective 2022-10-31"),
    "engage": ("assistant_engaged", "person", "Record a self-hired assistant engagement (自聘助理, 编外).",
               "ledger engage A01 --name 李四 --role 办公室主任助理 --unit JU --effective 2022-03-01"),
    "release": ("assistant_released", "person", "Record the end of an assistant's engagement.",
                "ledger release A01 --effective 2022-12-31"),
    "retract": ("retracted", "target", "Retract a recorded event: from now on it no longer counts (queries --known-at "
                "an earlier moment still see it).", 'ledger retract 57 --reason "wrong effective date"'),
}

ORG_COMMANDS: dict[str, tuple[str, str, str, str]] = {
    "unit": ("unit_established", "unit", "Establish a unit (the bureau's 机关 or a 下属事业单位).",
             "ledger org unit JU --name 区文化和旅游局 --kind 机关 --effective 2019-01-01"),
    "section": ("section_established", "unit", "Establish a section (科室) in a unit.",
                "ledger org section JU --section 办公室 --effective 2019-01-01"),
    "abolish-section": ("section_abolished", "unit", "Abolish a section (it must have no staff left).",
                        "ledger org abolish-section JU --section 信息科 --effective 2022-01-01"),
    "quota": ("quota_set", "unit", "Set a unit's establishment quota (编制) per 三定规定; later settings supersede.",
              "ledger org quota JU --establishment 行政编制 --count 20 --effective 2019-01-01"),
    "post-quota": ("post_quota_set", "unit", "Set a unit's leadership-post quota (领导职数) for one post.",
                   "ledger org post-quota JU --post 副局长 --level 县处级副职 --count 3 --effective 2019-01-01"),
}

FIELD_HELP: dict[str, str] = {
    "effective": "Date the fact takes effect (任职时间), YYYY-MM-DD.",
    "basis": "The decision's document number, e.g. 区委组织部〔2022〕12号.",
    "note": "Free note kept with the event.",
    "override": "Record despite 超编/超职数, with this reason (kept on the event).",
    "name": "Full name.",
    "gender": "男 or 女.",
    "birth_date": "Date of birth, YYYY-MM-DD.",
    "education": "Highest education, e.g. 大学本科, 硕士研究生.",
    "unit": "Unit code.",
    "section": "Section (科室) of the unit.",
    "establishment": "Establishment type: 行政编制, 事业编制, 工勤编制, 政法专项编制.",
    "rank": "Rank (职级) or grade, e.g. 四级主任科员, 八级职员, 专业技术十级.",
    "rank_since": "Date the current rank was reached (任现职级时间), may predate the ledger.",
    "mode": "How the person came in: 录用, 调任, 转任, 公开遴选, 招聘, 安置.",
    "post": "Leadership post (must have a 领导职数 in the unit), e.g. 副科长.",
    "since": "Date the post was first held (任现职务时间), if earlier than --effective.",
    "probation": "The appointment starts a one-year probation (试用期).",
    "publicity_from": "First day of the pre-appointment publicity (任前公示).",
    "publicity_to": "Last day of the pre-appointment publicity.",
    "to_unit": "Unit code to move to (omit for a move between sections).",
    "host": "Host organisation, e.g. 区委宣传部.",
    "kind": "For units: 机关 or 事业单位; for secondments: 交流, 挂职, 借调, 学习.",
    "until": "Agreed end date.",
    "reason": "Why (for separations: 退休, 辞职, 辞退, 调出, 死亡, 开除, 其他).",
    "role": "The assistant's role, e.g. 办公室主任助理.",
    "parent": "Parent unit code (for a 下属事业单位).",
    "funding": "全额拨款, 差额拨款 or 自收自支.",
    "count": "How many.",
    "level": "Post level: 乡科级副职, 乡科级正职, 县处级副职, 县处级正职, ….",
    "replacement": "Id of the event that replaces the retracted one.",
}


def _make_command(name: str, event_type: str, positional: str, summary: str, example: str) -> click.Command:
    def callback(**kwargs: Any) -> None:
        session: Session = click.get_current_context().find_object(Session)
        from ledger.app.ledger import Draft

        fields = {k: v for k, v in kwargs.items() if v is not None and v is not False}
        from .check import entry_check, warn_findings

        vet = entry_check(session)
        ids = session.app.append([Draft(event_type, fields)], actor=session.actor, vet=vet)
        click.echo(ids[0])
        warn_findings(vet.found)

    params: list[click.Parameter] = [click.Argument([positional], metavar=positional.upper() if positional != "target" else "EVENT_ID")]
    for spec in field_specs(event_type):
        if spec.name == positional:
            continue
        opt = "--" + spec.name.replace("_", "-")
        help_text = FIELD_HELP.get(spec.name, "")
        if spec.kind is bool:
            params.append(click.Option([opt, spec.name], is_flag=True, default=None, help=help_text))
        else:
            metavar = {"date": "DATE", "int": "N"}.get(spec.kind.__name__, "TEXT")
            required = spec.required and not (event_type == "retracted" and spec.name == "effective")
            params.append(click.Option([opt, spec.name], required=required, metavar=metavar, help=help_text))
    doc = f"{summary}\n\nPrints the new event's id.\n\n\b\nExample:\n    {example}"
    return click.Command(name, callback=callback, params=params, help=doc, short_help=summary.split(" (")[0].rstrip("."))


def register(cli: click.Group) -> None:
    for name, spec in COMMANDS.items():
        cli.add_command(_make_command(name, *spec))

    @cli.group("org")
    def org() -> None:
        """Record the organisation's structure: units, sections, 编制 and 领导职数."""

    for name, spec in ORG_COMMANDS.items():
        org.add_command(_make_command(name, *spec))

