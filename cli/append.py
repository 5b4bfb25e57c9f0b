"""Append commands (`hire`, `promote`, … and `org …`): one per event type, made from its declaration.

The argument (PERSON, UNIT or EVENT_ID) is the type's `verb.argument`; every other field is an option named after
it, with the field's own help. Values go to the ledger as typed, so that parsing and its messages live in one
place (the event types' declarations in `ledger.model`).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import click

from cli.check import warn_findings
from cli.options import LedgerCommand
from cli.output import echo
from cli.session import Session
from ledger.app import EVENT_TYPES, EventType

METAVARS = {"date": "DATE", "int": "N", "YearMonth": "YYYY.MM", "IdNumber": "ID"}


def record_one(t: EventType, **kwargs: Any) -> None:
    """Record one event of type `t` from the command's options; print its id and any findings it introduces."""
    from ledger.app import Draft, record

    session = click.get_current_context().find_object(Session)
    fields = {k: v for k, v in kwargs.items() if v is not None and v is not False}
    done = record(session.app, [Draft(t.name, fields)], actor=session.actor, strict=session.strict)
    echo(done.ids[0])
    warn_findings(done.findings)


def event_command(t: EventType) -> click.Command:
    """The command that records events of type `t`, with its declared argument, options, help and example."""
    verb = t.verb
    argument = "EVENT_ID" if verb.argument == "target" else verb.argument.upper()
    params: list[click.Parameter] = [click.Argument([verb.argument], metavar=argument)]
    for spec in t.command_fields:
        if spec.name == verb.argument:
            continue
        opt = "--" + spec.name.replace("_", "-")
        if spec.kind is bool:
            params.append(click.Option([opt, spec.name], is_flag=True, default=None, help=spec.help))
        else:
            params.append(click.Option([opt, spec.name], required=spec.required,
                                       metavar=METAVARS.get(spec.kind.__name__, "TEXT"), help=spec.help))
    doc = f"{verb.summary}\n\nPrints the new event's id.\n\n\b\nExample:\n    {verb.example}"
    return LedgerCommand(verb.command, callback=partial(record_one, t), params=params, help=doc,
                         short_help=verb.summary.split(" (")[0].rstrip("."))


@click.group("org")
def org() -> None:
    """Record the organisation's structure: units, sections, 编制 and 领导职数."""


@click.group("selection")
def selection() -> None:
    """Record a selection's steps (动议, 民主推荐, 考察, 讨论决定) and show its whole path.

    The appointment that concludes it is `ledger appoint … --selection ID`; `ledger end-probation` closes it.
    """


GROUPS: dict[str, click.Group] = {"org": org, "selection": selection}  # a declaration's `verb.group` names one


def _commands() -> tuple[click.Command, ...]:
    top: list[click.Command] = []
    for t in EVENT_TYPES.values():
        command = event_command(t)
        if t.verb.group is None:
            top.append(command)
        else:
            GROUPS[t.verb.group].add_command(command)
    return (*top, *GROUPS.values())


# The top-level append commands, and the groups holding the others.
COMMANDS = _commands()
