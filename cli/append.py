"""Append commands (`hire`, `promote`, … and `org …`): one per event type, made from its declaration.

The argument (PERSON, UNIT or EVENT_ID) is the type's `verb.argument`; every other field is an option named after
it, with the field's own help. Values go to the ledger as typed, so that parsing and its messages live in one
place (`ledger.model.facts`).
"""

from __future__ import annotations

from typing import Any

import click

from ledger.model.events import EVENT_TYPES, EventType

from .main import Session

METAVARS = {"date": "DATE", "int": "N"}


def _make_command(t: EventType) -> click.Command:
    def callback(**kwargs: Any) -> None:
        session: Session = click.get_current_context().find_object(Session)
        from ledger.model.facts import Draft

        fields = {k: v for k, v in kwargs.items() if v is not None and v is not False}
        from .check import entry_check, warn_findings

        vet = entry_check(session)
        ids = session.app.append([Draft(t.name, fields)], actor=session.actor, vet=vet)
        click.echo(ids[0])
        warn_findings(vet.found)

    verb = t.verb
    argument = "EVENT_ID" if verb.argument == "target" else verb.argument.upper()
    params: list[click.Parameter] = [click.Argument([verb.argument], metavar=argument)]
    for spec in t.all_fields:
        if spec.name == verb.argument:
            continue
        opt = "--" + spec.name.replace("_", "-")
        if spec.kind is bool:
            params.append(click.Option([opt, spec.name], is_flag=True, default=None, help=spec.help))
        else:
            params.append(click.Option([opt, spec.name], required=spec.required,
                                       metavar=METAVARS.get(spec.kind.__name__, "TEXT"), help=spec.help))
    doc = f"{verb.summary}\n\nPrints the new event's id.\n\n\b\nExample:\n    {verb.example}"
    return click.Command(verb.command, callback=callback, params=params, help=doc,
                         short_help=verb.summary.split(" (")[0].rstrip("."))


def register(cli: click.Group) -> None:
    @cli.group("org")
    def org() -> None:
        """Record the organisation's structure: units, sections, 编制 and 领导职数."""

    groups = {None: cli, "org": org}
    for t in EVENT_TYPES.values():
        groups[t.verb.group].add_command(_make_command(t))
