"""`ledger transfer-out` and `ledger accept-transfer`: a transfer across a district's bureaus, written to the
bureau's ledger and the district's together (`ledger.app.transfers`). Each makes one call and prints."""

from __future__ import annotations

from datetime import date

import click

from cli.append import dry_run_option, report
from cli.options import LedgerCommand, parse_date_option
from cli.output import echo
from cli.session import Session
from ledger.app import _

district_option = click.option(
    "--district", "district", metavar="SCHEMA", envvar="LEDGER_DISTRICT",
    help="The district's schema in this store's database  [default: $LEDGER_DISTRICT, else district]")
basis_option = click.option("--basis", help="The decision's document number, e.g. 区委组织部〔2024〕12号.")
note_option = click.option("--note", help="Free note kept with the bureau's event.")


def _said(session: Session, done, dry_run: bool) -> None:  # done: ledger.app.transfers.TransferDone
    from ledger.app import Recorded

    if dry_run:
        report(Recorded(len(done.facts), [], done.bureau.findings, done.facts), True)
        return
    report(done.bureau, False, session.app)
    if done.finished:
        echo(_("The bureau's part was recorded by an earlier run; the district's is now recorded."), err=True)
    echo(_("Transfer {transfer}: recorded in the district (event {ids}).").format(
        transfer=done.transfer, ids=", ".join(map(str, done.district_ids))), err=True)


@click.command("transfer-out", cls=LedgerCommand)
@click.argument("person")
@click.option("--to", "to", metavar="CODE", required=True, help="The receiving bureau's code in the district.")
@click.option("--effective", metavar="DATE", required=True, callback=parse_date_option,
              help="Date of the 调出 (the day the person leaves this bureau), YYYY-MM-DD.")
@basis_option
@note_option
@district_option
@click.pass_obj
def transfer_out(session: Session, person: str, to: str, effective: date, basis: str | None, note: str | None,
                 district: str | None, dry_run: bool = False) -> None:
    """Record a 调出 of PERSON to another bureau of the district, and the pending transfer in the district.

    The person's file (profile, education, titles, appraisals, family, 简历) goes with the transfer, for the receiving
    bureau's `ledger accept-transfer`. Prints the new event's id; the transfer's id is said on stderr. If the
    district cannot record the transfer, the 调出 stays recorded and the same command, run again, finishes it.

    \b
    Example:
        ledger --store "postgresql://hr@db:5432/hr?schema=wenlv_ju" transfer-out P07 --to SJ --effective 2024-03-01
    """
    from ledger.app import transfer_out as record_transfer

    app = session.trial if dry_run else session.app
    done = record_transfer(app, person, to, effective, basis=basis, note=note, district=district,
                           actor=session.actor, strict=session.strict, dry_run=dry_run)
    _said(session, done, dry_run)


@click.command("accept-transfer", cls=LedgerCommand)
@click.argument("transfer")
@click.option("--person", "new_id", metavar="NEW_ID",
              help="The person's id in this bureau  [default: the id in the sending bureau; needed when this bureau "
                   "already uses it]")
@click.option("--unit", metavar="UNIT", help="Unit code  [default: the unit with --section]")
@click.option("--section", metavar="SECTION", help="Section (科室) the person arrives in.")
@click.option("--rank", metavar="RANK", required=True, help="Rank (职级) or grade in this bureau, e.g. 四级主任科员.")
@click.option("--establishment", metavar="TYPE",
              help="Establishment type in this bureau  [default: the one in the sending bureau; another makes the "
                   "arrival a 调任 rather than a 转任]")
@click.option("--effective", metavar="DATE", callback=parse_date_option,
              help="Date of the arrival (进入时间)  [default: the day after the 调出]")
@basis_option
@note_option
@district_option
@click.pass_obj
def accept_transfer(session: Session, transfer: str, new_id: str | None, unit: str | None, section: str | None,
                    rank: str, establishment: str | None, effective: date | None, basis: str | None,
                    note: str | None, district: str | None, dry_run: bool = False) -> None:
    """Record the arrival of a transfer from another bureau (转任, or 调任 when the establishment type changes) with
    the person's file carried over, and complete the transfer in the district.

    Prints the new events' ids. If the district cannot record the completion, the arrival stays recorded and the
    same command, run again, finishes it.

    \b
    Example:
        ledger --store "postgresql://hr@db:5432/hr?schema=shijian_ju" accept-transfer WLJ-20240301-P07 --section 办公室 --rank 四级主任科员
    """
    from ledger.app import accept_transfer as record_arrival

    app = session.trial if dry_run else session.app
    done = record_arrival(app, transfer, section=section, rank=rank, person=new_id, effective=effective, unit=unit,
                          establishment=establishment, basis=basis, note=note, district=district,
                          actor=session.actor, strict=session.strict, dry_run=dry_run)
    _said(session, done, dry_run)


for _command in (transfer_out, accept_transfer):
    _command.params.append(dry_run_option())
