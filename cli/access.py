"""`ledger access …`: who may write, who may only read (PostgreSQL roles), and who looked at whose file."""

from __future__ import annotations

from datetime import datetime

import click

from cli.options import LedgerCommand, parse_moment_start_option
from cli.output import echo, echo_table, emit_json, json_option
from cli.session import Session
from ledger.app import N_, _

ROLES = (N_("clerk"), N_("auditor"))  # the roles' names, as the interface says them


@click.group()
def access() -> None:
    """Who may write, who may only read, and who read whose file (run by the store's owner).

    On PostgreSQL, clerks and auditors are real database roles with GRANTs on the store's schema; the events
    table refuses UPDATE, DELETE and TRUNCATE, and the actor recorded is the role. Every read of a person's
    file, and every whole-roster read, is logged in the store's access log.

    \b
    Example:
        ledger --store "postgresql://postgres@db:5432/hr?schema=wenlv_ju" access grant zhang_san --as clerk
        ledger --store "postgresql://postgres@db:5432/hr?schema=wenlv_ju" access grant li_si --as auditor
        ledger --store "postgresql://postgres@db:5432/hr?schema=wenlv_ju" access list
    """


@access.command()
@click.pass_obj
def enable(session: Session) -> None:
    """Start the access log (and, on PostgreSQL, the guard against rewrites); grants do this too.

    \b
    Example:
        ledger --store ./ledger.sqlite3 access enable
    """
    from ledger.app import enable_access

    enable_access(session.app)
    echo(_("Access log kept in {store}; every read of a person's file is logged from now on.").format(
        store=session.app.config.location))


@access.command(cls=LedgerCommand)
@click.argument("name")
@click.option("--as", "role", type=click.Choice(["clerk", "auditor"]), required=True,
              help="clerk: may append and read; auditor: may only read (and is logged like everyone).")
@click.pass_obj
def grant(session: Session, name: str, role: str) -> None:
    """Let the PostgreSQL role NAME (created if need be, LOGIN) work on this store as a clerk or an auditor.

    \b
    Example:
        ledger access grant zhang_san --as clerk
    """
    from ledger.app import grant_access

    grant_access(session.app, name, role)
    said = _("{name} is now an auditor of {store}.") if role == "auditor" else _("{name} is now a clerk of {store}.")
    echo(said.format(name=name, store=session.app.config.location))


@access.command()
@click.argument("name")
@click.pass_obj
def revoke(session: Session, name: str) -> None:
    """Take NAME's access to this store away (the login role itself stays).

    \b
    Example:
        ledger access revoke zhang_san
    """
    from ledger.app import revoke_access

    member = revoke_access(session.app, name)
    echo(_("{name} is no longer a {role} of {store}.").format(name=name, role=_(member.role),
                                                             store=session.app.config.location))


@access.command(name="list")
@json_option
@click.pass_obj
def list_(session: Session, as_json: bool) -> None:
    """List who may work on this store, and as what.

    \b
    Example:
        ledger access list --json
    """
    from ledger.app import access_members

    found = access_members(session.queries.application)
    if as_json:
        emit_json([m.as_json() for m in found])
        return
    if not found:
        echo(_("Nobody but the owner has access (`ledger access grant NAME --as clerk|auditor`)."))
        return
    echo_table([_("Name"), _("Role")], [[m.name, _(m.role)] for m in found])


@access.command(name="log")
@click.option("--person", metavar="PERSON", help="Only reads of this person's file.")
@click.option("--actor", metavar="NAME", help="Only reads by this reader (a database role on PostgreSQL).")
@click.option("--since", metavar="MOMENT", callback=parse_moment_start_option,
              help="Only reads at or after this moment (ISO 8601, UTC if no zone; a date means its start).")
@json_option
@click.pass_obj
def log(session: Session, person: str | None, actor: str | None, since: datetime | None, as_json: bool) -> None:
    """Show who read whose file, when and how: the store's access log, oldest first.

    \b
    Example:
        ledger access log --person P13
        ledger access log --since 2026-01-01 --json
    """
    from ledger.app import access_log_lines

    lines = access_log_lines(session.queries.application, person, actor, since)
    if as_json:
        emit_json([x.as_json() for x in lines])
        return
    if not lines:
        echo(_("No reads logged."))
        return
    echo_table(["#", _("At (UTC)"), _("Reader"), _("Read"), _("Person"), _("Via")],
               [[x.seq, x.at[:19].replace("T", " "), x.actor, x.action, x.person or _("(all)"), x.detail] for x in lines])
