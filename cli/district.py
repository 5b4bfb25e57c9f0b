"""`ledger district …`: the district's registry (`add` and `remove` are recording commands made from their
declarations, `cli.append`) and its read-only roll-ups across the bureaus' ledgers. Each command makes one call into
`ledger.app.District` and prints; every row names its bureau."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from cli.append import district
from cli.labels import due_label
from cli.options import LedgerCommand, as_of_option, known_at_option, parse_date_option
from cli.output import echo, echo_table, emit_json, force_option, json_option, paged
from cli.session import Session
from ledger.app import _


def _district(session: Session):  # -> ledger.app.District
    from ledger.app import open_district

    return open_district(session.queries)


@district.command(name="list")
@as_of_option
@known_at_option
@json_option
@click.pass_obj
def list_(session: Session, as_of: date | None, known_at: datetime | None, as_json: bool) -> None:
    """List the bureaus registered in this district (on a date, as known at a moment).

    \b
    Example:
        ledger --store "postgresql://hr@db:5432/hr?schema=district" district list --json
    """
    found = _district(session).listing(as_of, known_at)
    if as_json:
        emit_json(found)
        return
    if not found:
        echo(_("No bureau is registered (`ledger district add CODE --schema SCHEMA --name NAME`)."))
        return
    echo_table([_("Bureau"), _("Schema"), _("Name"), _("Since")],
               [[b["bureau"], b["schema"], b["name"], b["since"]] for b in found])


@district.command()
@as_of_option
@known_at_option
@json_option
@click.pass_obj
def roster(session: Session, as_of: date | None, known_at: datetime | None, as_json: bool) -> None:
    """Show who is on every bureau's establishment on a date, each row with its bureau.

    \b
    Example:
        ledger district roster --as-of 2024-12-31 --known-at 2025-01-10T09:00:00 --json
    """
    on = as_of or date.today()
    answer = _district(session).roster(on, known_at)
    if as_json:
        emit_json(answer)
        return
    with paged():
        echo(_("District roster on {date}").format(date=on))
        echo_table([_("Bureau"), _("Person"), _("Name"), _("Unit"), _("Section"), _("Rank"), _("Posts")],
                   [[p["bureau"], p["person"], p["name"], p["unit"], p["section"], p["rank"],
                     "、".join(x["post"] for x in p["posts"]) or "-"] for p in answer["people"]], wrap=(2, 6))


@district.command()
@as_of_option
@known_at_option
@json_option
@click.pass_obj
def units(session: Session, as_of: date | None, known_at: datetime | None, as_json: bool) -> None:
    """Show every bureau's units on a date: 编制 and 领导职数 against who fills them.

    \b
    Example:
        ledger district units --as-of 2024-12-31 --json
    """
    on = as_of or date.today()
    answer = _district(session).units(on, known_at)
    if as_json:
        emit_json(answer)
        return
    with paged():
        echo(_("District units on {date}").format(date=on))
        echo_table([_("Bureau"), _("Unit"), _("Name"), _("On establishment"), _("编制 (filled/quota)"),
                    _("领导职数 (filled/quota)")],
                   [[u["bureau"], u["unit"], u["name"], u["headcount"],
                     "; ".join(f"{e['establishment']} {e['filled']}/{e['quota']}" for e in u["establishment"]) or "-",
                     "; ".join(f"{x['post']} {x['filled']}/{x['quota']}" for x in u["posts"]) or "-"]
                    for u in answer], wrap=(2, 4, 5))


@district.command()
@as_of_option
@click.option("--since", "since", metavar="DATE", callback=parse_date_option,
              help="Also judge the facts effective from this date to --as-of  [default: 1 January of --as-of's year]")
@known_at_option
@json_option
@click.pass_obj
def check(session: Session, as_of: date | None, since: date | None, known_at: datetime | None,
          as_json: bool) -> None:
    """Report every bureau's compliance findings on a date, each with its bureau (exit 1 when there are any).

    \b
    Example:
        ledger district check --as-of 2024-12-31 --json
    """
    on = as_of or date.today()
    answer = _district(session).check(on, since, known_at)
    if as_json:
        emit_json(answer)
    else:
        with paged():
            echo(_("District compliance on {date}").format(date=on))
            for code, summary in answer["bureaus"].items():
                echo("\n" + _("{bureau}: {count} findings").format(bureau=code, count=sum(summary.values())))
            if answer["findings"]:
                echo_table([_("Bureau"), _("Rule"), _("Unit"), _("Who"), _("Finding")],
                           [[x["bureau"], x["rule"], x["unit"], x["person"] or "-", x["message"]]
                            for x in answer["findings"]], wrap=(4,))
    if answer["findings"]:
        click.get_current_context().exit(1)


@district.command()
@click.option("--pending", is_flag=True, help="Only the transfers not yet accepted.")
@known_at_option
@json_option
@click.pass_obj
def transfers(session: Session, pending: bool, known_at: datetime | None, as_json: bool) -> None:
    """List the transfers between the district's bureaus: id, person, from, to, the 调出's and the arrival's dates,
    and whether each is pending or completed.

    \b
    Example:
        ledger --store "postgresql://hr@db:5432/hr?schema=district" district transfers --pending --json
    """
    found = _district(session).transfers(pending, known_at)
    if as_json:
        emit_json(found)
        return
    if not found:
        echo(_("No transfer is pending.") if pending else _("No transfer is recorded."))
        return
    status = {"pending": _("pending"), "completed": _("completed")}
    echo_table([_("Transfer"), _("Person"), _("Name"), _("From"), _("To"), _("Out"), _("In"), _("Status")],
               [[t["transfer"], t["person"] if t["to_person"] in (None, t["person"]) else
                 f"{t['person']} → {t['to_person']}", t["name"], t["from"], t["to"], t["out"], t["in"] or "-",
                 status[t["status"]]] for t in found])


@district.command(name="history")
@click.argument("person")
@click.option("--bureau", metavar="CODE", help="The bureau whose id PERSON is (needed when several bureaus use it).")
@json_option
@click.pass_obj
def history_(session: Session, person: str, bureau: str | None, as_json: bool) -> None:
    """Show a person's events across the district's bureaus, following the transfers (the id may change from one
    bureau to the next); each row with its bureau.

    \b
    Example:
        ledger --store "postgresql://hr@db:5432/hr?schema=district" district history P07 --bureau WLJ --json
    """
    from cli.labels import event_label

    answer = _district(session).history(person, bureau)
    if as_json:
        emit_json(answer)
        return
    with paged():
        echo(" → ".join(f"{b['bureau']} {b['person']}" for b in answer["bureaus"]))
        echo_table([_("Bureau"), _("Person"), _("Event"), _("Effective"), _("Detail")],
                   [[r["bureau"], r["person"], event_label(r["event"]), r.get("effective") or "-",
                     _detail(r)] for r in answer["events"]], wrap=(4,))


def _detail(row: dict) -> str:
    from cli.labels import field_label, value_text

    skip = {"bureau", "person", "event", "effective", "id", "recorded", "actor", "corrections", "retracted",
            "cadre_file"}
    return ", ".join(f"{field_label(k, row['event'])}={value_text(v)}" for k, v in row.items()
                     if k not in skip and v is not None and not isinstance(v, (list, dict))) or "-"


@district.command()
@as_of_option
@known_at_option
@json_option
@click.pass_obj
def eligible(session: Session, as_of: date | None, known_at: datetime | None, as_json: bool) -> None:
    """Show who in every bureau meets the tenure for the next rank, and from when.

    \b
    Example:
        ledger district eligible --as-of 2024-06-30 --json
    """
    on = as_of or date.today()
    answer = _district(session).eligible(on, known_at)
    if as_json:
        emit_json(answer)
        return
    with paged():
        echo(_("Eligible for the next rank, on {date}").format(date=on))
        echo_table([_("Bureau"), _("Person"), _("Name"), _("Rank"), _("Next rank"), _("Eligible from")],
                   [[r["bureau"], r["person"], r["name"], r["rank"], r["next_rank"], r["eligible_from"] or "-"]
                    for r in answer["people"]], wrap=(2,))


@district.command()
@as_of_option
@click.option("--within", default="90d", show_default=True, metavar="SPAN",
              help="How far ahead of --as-of to look: days (90d, or 90), weeks (12w), months (3m) or years (1y).")
@known_at_option
@json_option
@click.pass_obj
def due(session: Session, as_of: date | None, within: str, known_at: datetime | None, as_json: bool) -> None:
    """Show what falls due in every bureau from --as-of to the end of --within.

    \b
    Example:
        ledger district due --as-of 2024-06-30 --within 6m --json
    """
    from ledger.app import window_end

    on = as_of or date.today()
    try:
        until = window_end(on, within)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--within") from None
    answer = _district(session).due(on, until, known_at)
    if as_json:
        emit_json(answer)
        return
    with paged():
        echo(_("Due from {start} to {end}").format(start=on, end=until))
        echo_table([_("Bureau"), _("Date"), _("Due"), _("Person"), _("Name"), _("Detail")],
                   [[x["bureau"], x["date"], due_label(x["kind"]), x["person"], x["name"], x["detail"]]
                    for x in answer["items"]], wrap=(4, 5))


@district.command(cls=LedgerCommand)
@click.option("--year", type=int, required=True, help="The year reported on.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE", required=True,
              help="File to write: .docx (the bureaus side by side, with a 合计 row) or .json.")
@known_at_option
@force_option
@click.pass_obj
def report(session: Session, year: int, output: Path, known_at: datetime | None, force: bool = False) -> None:
    """Write the district's yearly figures: the bureaus side by side (编制, 领导职数, 超编, 超职数, the year's 提拔 and
    职级晋升 by age, gender and education, 评议) with a 合计 row.

    \b
    Example:
        ledger district report --year 2024 -o 全区汇总.docx
    """
    from exporters.district_report import write_district_report
    from ledger.app import check_output, write_output

    if output.suffix.lower() not in (".docx", ".json"):
        raise click.BadParameter(_("give a .docx or .json file"), param_hint="-o")
    check_output(output, session.store, force)
    figures = _district(session).report(year, known_at)
    written = write_output(output, session.store, lambda path: write_district_report(figures, path), force)
    echo(_("Wrote {path}").format(path=written))


@district.group(name="access")
def access() -> None:
    """Who may read across the district's bureaus (run by the owner of the district and of the bureaus' schemas)."""


@access.command(cls=LedgerCommand)
@click.argument("name")
@click.option("--as", "role", type=click.Choice(["auditor"]), required=True,
              help="auditor: reads every registered bureau's ledger and writes nothing.")
@click.pass_obj
def grant(session: Session, name: str, role: str) -> None:
    """Let the PostgreSQL role NAME read the district and every bureau registered now (run again after adding one).

    \b
    Example:
        ledger district access grant wang_wu --as auditor
    """
    from ledger.app import grant_district_auditor

    codes = grant_district_auditor(session.app, name)
    echo(_("{name} is now an auditor of the district and of {count} bureaus: {codes}").format(
        name=name, count=len(codes), codes=", ".join(codes) or "-"))


@access.command(name="allow-transfers", cls=LedgerCommand)
@click.pass_obj
def allow_transfers(session: Session) -> None:
    """Let the clerks of every bureau registered now record transfers in the district (`ledger transfer-out`,
    `ledger accept-transfer`), and nothing else there (run again after adding a bureau).

    \b
    Example:
        ledger --store "postgresql://hr@db:5432/hr?schema=district" district access allow-transfers
    """
    from ledger.app import grant_transfer_writers

    codes = grant_transfer_writers(session.app)
    echo(_("The clerks of {count} bureaus may now record transfers in the district: {codes}").format(
        count=len(codes), codes=", ".join(codes) or "-"))
