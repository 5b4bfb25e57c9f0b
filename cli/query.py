"""Reading commands: `roster`, `history`, `log`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from cli.labels import event_label, field_label, value_text
from cli.options import (
    as_of_option,
    known_at_option,
    parse_date_option,
    parse_moment_option,
    parse_moment_start_option,
)
from cli.output import (
    echo,
    echo_table,
    emit_json,
    force_option,
    json_option,
    paged,
    printable,
    terminal_columns,
)
from cli.progress import factory, quiet_option
from cli.session import Session
from ledger.app import EVENT_TYPES, NP_, _, pgettext


def _fmt_posts(posts: list[dict]) -> str:
    return "、".join(f"{p['section'] or ''}{p['post']}" for p in posts) or "-"


@click.command()
@as_of_option
@known_at_option
@click.option("--unit", metavar="UNIT", help="Only this unit (its code).")
@json_option
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv", "docx"]),
              help="Write the roster to -o FILE as a spreadsheet (the columns import-roster reads) or .docx.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="File to write (its suffix picks the format unless --format is given).")
@click.option("--layout", type=click.Choice(["standard", "cadre"]), default="standard", show_default=True,
              help="cadre: the 干部花名册 as bureaus keep it (三龄两历一身份, two-row header; xlsx or docx).")
@force_option
@quiet_option
@click.pass_obj
def roster(session: Session, as_of: date | None, known_at: datetime | None, unit: str | None, as_json: bool,
           fmt: str | None, output: Path | None, layout: str, quiet: bool, force: bool = False) -> None:
    """Show who is on the establishment on a date, with their posts and ranks.

    People who have left are not listed; people on secondment are, marked as such. Assistants (编外) are
    listed apart. The table ends each unit with its 编制 and 领导职数 against the filled count.

    \b
    Example:
        ledger roster --as-of 2022-12-31
        ledger roster --as-of 2022-06-30 --known-at 2022-07-15T09:00:00 --json
        ledger roster --as-of 2022-12-31 --format xlsx -o 花名册.xlsx
        ledger roster --as-of 2022-12-31 --layout cadre --format docx -o 干部花名册.docx
    """
    on = as_of or date.today()
    if fmt or output:
        if output is None:
            raise click.UsageError("--format needs -o FILE: where to write the roster")
        from exporters.roster import export_cadre_roster, export_roster
        from ledger.app import check_output, write_output

        check_output(output, session.store, force)  # before the store is even opened
        if layout == "cadre":
            written = write_output(output, session.store, lambda path: export_cadre_roster(
                session.queries, path, on, known_at=known_at, unit=unit, fmt=fmt or output.suffix.lstrip(".")), force)
        else:
            written = write_output(output, session.store, lambda path: export_roster(
                session.queries, path, on, known_at=known_at, unit=unit,
                fmt=fmt or output.suffix.lstrip(".") or output.name,
                progress_factory=factory("Writing roster", quiet)), force)
        echo(_("Wrote {path}").format(path=written))
    elif as_json:
        emit_json(session.queries.roster(on, known_at, unit))
    else:
        with paged():
            _print_roster(session, on, known_at, unit)


def _print_roster(session: Session, on: date, known_at: datetime | None, unit: str | None) -> None:
    overview = session.queries.roster_overview(on, known_at, unit)
    echo(_known(_("Roster on {date}").format(date=on), known_at))
    for s in overview.units:
        code = s["unit"]
        people = [p for p in overview.roster["people"] if p["unit"] == code]
        echo("\n" + _("{name} ({code}, {kind}) — {count} on establishment").format(
            name=s["name"], code=code, kind=s["kind"], count=s["headcount"]))
        if people:
            echo_table(
                [_("Person"), _("Name"), _("Section"), _("Establishment"), _("Rank"), _("Posts"), _("Status")],
                [[p["person"], p["name"], p["section"], p["establishment"], p["rank"], _fmt_posts(p["posts"]),
                  _("seconded: {host}").format(host=p["secondment"]["host"]) if p["secondment"] else _("at post")]
                 for p in people], wrap=(2, 5, 6))
        _echo_figures(s)
        assistants = [a for a in overview.roster["assistants"] if a["unit"] == code]
        if assistants:
            echo(_("Assistants (编外):"))
            echo_table([_("Person"), _("Name"), _("Role"), _("Since")],
                       [[a["person"], a["name"], a["role"], a["since"]] for a in assistants], wrap=(2,))


def _known(title: str, known_at: datetime | None) -> str:
    return title + (_(", as known at {moment}").format(moment=known_at.isoformat()) if known_at else "")


show_id_option = click.option("--show-id-number", "reveal", is_flag=True,
                              help="Show 身份证号 in full (masked otherwise).")


def _echo_figures(s: dict[str, Any]) -> None:
    """A unit's 编制, 领导职数 and non-leader ranks, one line each (the roster's and `ledger units`' footer)."""
    none = _("none")
    quotas = "; ".join(f"{e['establishment']} {e['filled']}/{e['quota']}" for e in s["establishment"]) or none
    posts = "; ".join(f"{x['post']} {x['filled']}/{x['quota']}" for x in s["posts"]) or none
    ranks = "; ".join(f"{r['rank']} {r['count']}" for r in s["non_leader_ranks"]) or none
    echo(_("编制 (filled/quota): {quotas}").format(quotas=quotas))
    echo(_("领导职数 (filled/quota): {posts}").format(posts=posts))
    echo(_("非领导职级: {ranks}").format(ranks=ranks))


@click.command()
@as_of_option
@known_at_option
@click.option("--unit", metavar="UNIT", help="Only this unit (its code).")
@json_option
@click.pass_obj
def units(session: Session, as_of: date | None, known_at: datetime | None, unit: str | None, as_json: bool) -> None:
    """Show each unit on a date: its 编制 and 领导职数 against who fills them, and its non-leaders by rank.

    The figures the roster table ends each unit with, for every unit (or one), without the people: what the
    web view's unit tree and gauges show.

    \b
    Example:
        ledger units --as-of 2022-12-31
        ledger units --as-of 2022-06-30 --known-at 2022-07-15T09:00:00 --unit JU --json
    """
    on = as_of or date.today()
    figures = session.queries.units(on, known_at, unit)
    if as_json:
        emit_json(figures)
        return
    with paged():
        echo(_known(_("Units on {date}").format(date=on), known_at))
        for s in figures:
            parent = _(", under {parent}").format(parent=s["parent"]) if s["parent"] else ""
            echo("\n" + _("{name} ({code}, {kind}{parent}) — {count} on establishment, {seconded} seconded, "
                          "{assistants} 编外 assistants").format(
                name=s["name"], code=s["unit"], kind=s["kind"], parent=parent, count=s["headcount"],
                seconded=s["seconded"], assistants=s["assistants"]))
            _echo_figures(s)


@click.command()
@click.argument("person")
@json_option
@show_id_option
@click.pass_obj
def history(session: Session, person: str, as_json: bool, reveal: bool) -> None:
    """Show a person's whole timeline: every event with its effective date, recorded time, actor, basis and
    note; retracted events marked, with the retraction's reason, actor and time.

    \b
    Example:
        ledger history P13
        ledger history P13 --json
    """
    entries = session.queries.history(person, reveal=reveal)
    if as_json:
        emit_json(entries)
        return
    rows = []
    skip = ("id", "event", "effective", "person", "basis", "note", "recorded", "actor", "retracted", "retracted_by")
    # The recording's number goes with its time unless the terminal is too narrow to show both without folding
    # the values (`ledger log` and `--json` always have it).
    narrow = (terminal_columns() or 1000) < 100
    numbers = {} if narrow else session.queries.recording_numbers(e["id"] for e in entries)
    for e in entries:
        detail = pgettext("list", ", ").join(f"{field_label(k, e['event'])}={value_text(v)}" for k, v in e.items()
                           if v is not None and k not in skip)
        r = e["retracted"]
        when = (r["recorded"] or "")[:19].replace("T", " ") if r else ""
        status = _("RETRACTED by {id} ({actor}, {when}): {reason}").format(
            id=r["id"], actor=r["actor"], when=when, reason=r["reason"]) if r else ""
        rows.append([e["id"], e["effective"], event_label(e["event"]), detail, e.get("basis"), e.get("note"),
                     _recorded(numbers.get(e["id"]), e["recorded"][:19].replace("T", " ") if e["recorded"] else None),
                     e["actor"], status])
    headers = [_("Event"), _("Effective"), _("What"), _("Details"), _("Basis"), _("Note"),
               _("Recorded (UTC)"), _("Actor"), _("Correction")]
    shown = [i for i in range(len(headers)) if i not in (5, 8) or any(row[i] for row in rows)]  # no empty notes
    with paged():
        echo(_heading(entries, person))
        echo_table([headers[i] for i in shown], [[row[i] for i in shown] for row in rows],
                   wrap=[shown.index(i) for i in (3, 4, 5, 8, 2, 7) if i in shown])


LIST_SEPARATOR = NP_("list", ", ")  # between the fields of an event's details


def _recorded(number: int | None, when: str | None) -> str | None:
    """Which recording (one batch, one moment) an event came in, and its time to the second: `#5 2022-11-08 02:10:00`."""
    if when is None:
        return None
    return f"#{number} {when}" if number is not None else when


def _heading(entries: list[dict[str, Any]], person: str) -> str:
    """The person the history is about: name and id, as the latest fact naming them spells the name."""
    names = [e["name"] for e in entries if e.get("name") and not e["retracted"]]
    pid = entries[0]["person"] if entries and entries[0].get("person") else person
    name = printable(names[-1], keep_lines=False) if names else "-"  # one line, whatever the name holds
    return _("{name} ({person}): {count} events").format(name=name, person=pid, count=len(entries))


def log_filter_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The `ledger log` filters, as one decorator bundle; the command receives them as keyword arguments."""
    options = [
        click.option("--person", metavar="PERSON", help="Only events about this person (and retractions of them)."),
        click.option("--unit", metavar="UNIT", help="Only events about this unit or people on it at the time."),
        click.option("--actor", metavar="NAME", help="Only events recorded by this actor."),
        click.option("--event", "event", metavar="TYPE", type=click.Choice(list(EVENT_TYPES)),
                     help="Only events of this type (e.g. rank_promoted, retracted)."),
        click.option("--since", metavar="TIMESTAMP", callback=parse_moment_start_option,
                     help="Recorded at or after this moment (ISO 8601, UTC if no zone; a bare date: its start)."),
        click.option("--until", metavar="TIMESTAMP", callback=parse_moment_option,
                     help="Recorded at or before this moment (a bare date: its end)."),
        click.option("--effective-from", metavar="DATE", callback=parse_date_option, help="Effective on or after DATE."),
        click.option("--effective-to", metavar="DATE", callback=parse_date_option, help="Effective on or before DATE."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


@click.command()
@log_filter_options
@json_option
@show_id_option
@click.pass_obj
def log(session: Session, as_json: bool, reveal: bool, **filters: Any) -> None:
    """List every recorded event in recording order, with id, recorded time, actor, effective date and basis.

    Filters narrow the list (all must hold): --person (with retractions of their events), --unit, --actor,
    --event TYPE, --since/--until (recorded time), --effective-from/--effective-to.

    \b
    Example:
        ledger log --json > ledger-export.json
        ledger log --person P13 --since 2022-01-01 --event rank_promoted
    """
    from ledger.app import LogFilter, fact_json

    where = LogFilter(**filters) if any(v is not None for v in filters.values()) else None
    facts = session.queries.log(where)
    if as_json:
        emit_json([fact_json(f, reveal) for f in facts])
        return
    numbers = session.queries.recording_numbers(f.id for f in facts)
    with paged():
        echo_table(
            [_("Event"), _("Recording"), _("Recorded (UTC)"), _("Actor"), _("What"), _("Effective"), _("Who"),
             _("Basis")],
            [[f.id, numbers.get(f.id), f.recorded.strftime("%Y-%m-%d %H:%M:%S") if f.recorded else None, f.actor,
              event_label(f.event),
              f.effective, f.get("person") or f.get("unit") or f.get("target"), f.get("basis")] for f in facts],
            wrap=(3, 6, 7))


@click.command()
@click.argument("person")
@as_of_option
@known_at_option
@json_option
@click.pass_obj
def resume(session: Session, person: str, as_of: date | None, known_at: datetime | None, as_json: bool) -> None:
    """Show a person's 简历 as the ledger writes it for the 干部任免审批表.

    The lines recorded from before the ledger (`ledger career`) come first; then one line per stretch in which
    the person's unit, section, posts and rank stayed the same (单位科室职务（职级）), each secondment as a
    （其间：…） line under the line it began in. The open line ends with blanks, as on the form.

    \b
    Example:
        ledger resume P13 --as-of 2022-12-31
        ledger resume P13 --json
        ledger resume P13 --as-of 2022-12-31 --known-at 2023-01-05
    """
    found = session.queries.resume(person, as_of or date.today(), known_at)
    if as_json:
        emit_json(found.as_json())
        return
    echo(f"{found.name}（{found.person}）简历，截至{found.as_of}")
    for line in found.rendered():
        echo(line)
