"""Importing files: `ledger import` (a file of events) and `ledger import-roster` (an opening roster, 干部花名册)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from cli.check import warn_findings
from cli.options import LedgerCommand, parse_date_option
from cli.output import echo, echo_table
from cli.progress import factory, quiet_option
from cli.session import Session
from ledger.app import HIRE_MODES, _


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate only; write nothing.")
@quiet_option
@click.pass_obj
def import_(session: Session, file: Path, dry_run: bool, quiet: bool) -> None:
    """Append a JSON-lines file of events, all or nothing.

    Each line is one event of the vocabulary, "event" naming its type. The batch is validated as one
    against the resulting timeline, so line order does not matter; every bad line is reported with its
    number and nothing is written. A .csv or .xlsx file works the same way: a header row of field names,
    one event a row, its type in an "event" column or in the sheet's name; bad rows are reported by row.

    \b
    Example:
        ledger import history.jsonl
        ledger import promotions.xlsx
        {"event": "rank_promoted", "person": "P13", "rank": "四级主任科员", "effective": "2022-09-01"}
    """
    from ledger.app import import_events

    done = import_events(session.app, file, actor=session.actor, strict=session.strict, dry_run=dry_run,
                         progress=factory("Reading events", quiet))
    if dry_run:
        echo(f"{done.count} events would be recorded (dry run, nothing written)")
    else:
        ids = done.ids
        echo(f"{len(ids)} events recorded" + (f" (ids {ids[0]}–{ids[-1]})" if ids else ""))
    warn_findings(done.findings)


@click.command("import-roster", cls=LedgerCommand)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as-of", "as_of", required=True, metavar="DATE", callback=parse_date_option,
              help="The date the roster is true on; every event recorded is effective then.")
@click.option("--unit", metavar="UNIT",
              help="Unit (code) of rows without a 单位 cell, on sheets not named after a unit.")
@click.option("--mode", type=click.Choice(HIRE_MODES), default="转任", show_default=True,
              help="进入方式 recorded for rows without a 进入方式 cell.")
@click.option("--add-sections", is_flag=True, help="Establish (effective DATE) the 科室 a unit does not have yet, "
              "instead of refusing them.")
@click.option("--basis", metavar="DOC", help="Document number recorded as every event's basis.")
@click.option("--dry-run", is_flag=True, help="Check only; write nothing.")
@quiet_option
@click.pass_obj
def import_roster(session: Session, file: Path, as_of: date, unit: str | None, mode: str, add_sections: bool,
                  basis: str | None, dry_run: bool, quiet: bool) -> None:
    """Record an opening roster (.xlsx or .csv) as hires and appointments effective --as-of, all or nothing.

    Headers (aliases in README): 人员编号 (generated when absent: stable, from 单位+姓名+出生年月), 姓名, 性别,
    出生年月 (1985.01, 1985-01, 1985-01-17, 198501 or a date cell), 学历, 单位, 科室, 编制类型, 职级,
    任现职级时间, 职务 (several: 科长、党支部书记; another section's: 财务科科长), 任现职务时间, 交流单位,
    交流方式, 交流期限, 进入方式. Other columns are ignored. A blank 单位 continues the row above; so does a blank
    科室 after a row with one, in the same unit (write 无 for "no section"). Several units: a 单位 column,
    or one sheet per unit named by its code or name. CSV may be UTF-8 (with or without BOM) or GBK/GB18030.
    The units, their quotas and 领导职数 must be recorded first (`ledger org`). Every bad cell is reported by
    row and column and nothing is written.

    \b
    Example:
        ledger org unit SW --name 区商务局 --kind 机关 --effective 2024-01-01
        ledger org quota SW --establishment 行政编制 --count 30 --effective 2024-01-01
        ledger import-roster 花名册.xlsx --as-of 2024-01-01 --unit SW --add-sections
    """
    from ledger.app import import_opening_roster

    plan, findings = import_opening_roster(
        session.app, file, as_of, unit=unit, mode=mode, add_sections=add_sections, basis=basis, actor=session.actor,
        strict=session.strict, dry_run=dry_run, progress=factory(_("Reading roster"), quiet))
    for note in plan.notes:
        echo(_("Note: {note}").format(note=note))
    if dry_run:
        echo(_("{people} people ({events} events) would be recorded effective {on} (dry run, nothing written)").format(
            people=plan.people, events=len(plan.located.drafts), on=as_of))
    else:
        ids = plan.ids
        said = _("{people} people recorded effective {on}: {events} events").format(
            people=plan.people, on=as_of, events=len(ids))
        echo(said + (_(" (ids {first}–{last})").format(first=ids[0], last=ids[-1]) if ids else ""))
    if plan.generated:
        echo(_("Generated 人员编号 (from 单位, 姓名 and 出生年月: a rerun gives the same ids):"))
        echo_table([_("where"), "人员编号", "姓名"], plan.generated)
    warn_findings(findings)


@click.command("import-lrmx")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--person", metavar="PERSON", help="The person the (one) form is about, when name and birth month "
              "do not single them out.")
@click.option("--effective", metavar="DATE", callback=parse_date_option,
              help="Date the form's facts take effect  [default: the form's 填表时间, never before the person's hire]")
@click.option("--dry-run", is_flag=True, help="Check only; write nothing.")
@click.pass_obj
def import_lrmx(session: Session, files: tuple[Path, ...], person: str | None, effective: date | None,
                dry_run: bool) -> None:
    """Record what 干部任免审批表 forms (.lrmx, from the 中组部 form editor) add to people's files, all or nothing.

    Each form is matched to a person already in the ledger by 身份证号, else by name and birth month; an
    ambiguous or unknown person is refused with the candidates listed (a form never hires anyone). It records
    the profile (民族, 籍贯, 出生地, 入党时间, 参加工作时间, 健康状况, 专长, 身份证号), the full-time and in-service
    education, the professional title and the lines of the 简历 from before the person's hire; what the ledger
    already holds is skipped. A file that is not a form (not XML, another root element, entity declarations,
    impossible dates) is refused with the element named.

    \b
    Example:
        ledger import-lrmx 林晓.lrmx
        ledger import-lrmx forms/*.lrmx --dry-run
    """
    from ledger.app import import_lrmx as record_forms

    plan, findings = record_forms(session.app, list(files), person=person, effective=effective,
                                  actor=session.actor, strict=session.strict, dry_run=dry_run)
    for note in plan.notes:
        echo(f"Note: {note}")
    echo_table(["form", "人员编号", "姓名", "facts"], plan.matched)
    n = len(plan.located.drafts)
    if dry_run:
        echo(f"{n} facts would be recorded (dry run, nothing written)")
    else:
        ids = plan.ids
        echo(f"{n} facts recorded" + (f" (ids {ids[0]}–{ids[-1]})" if ids else ""))
    warn_findings(findings)
