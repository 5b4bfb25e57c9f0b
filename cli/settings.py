"""`ledger settings …`: the store's settings (`set` is the recording command made from its declaration,
`cli.append`; `show` prints the settings in force on a date, as known at a moment)."""

from __future__ import annotations

from datetime import date, datetime

import click

from cli.append import settings
from cli.options import as_of_option, known_at_option
from cli.output import echo, emit_json, json_option
from cli.session import Session
from ledger.app import _


@settings.command()
@as_of_option
@known_at_option
@json_option
@click.pass_obj
def show(session: Session, as_of: date | None, known_at: datetime | None, as_json: bool) -> None:
    """Show the settings in force on a date (as known at a moment) and where they come from: recorded in the store
    (`ledger settings set`), else ledger.toml beside a SQLite store, else none (the catalogue's defaults).

    \b
    Example:
        ledger settings show --as-of 2024-06-30 --json
    """
    answer = session.queries.settings(as_of or date.today(), known_at)
    if as_json:
        emit_json(answer)
        return
    source = answer["source"]
    if source == "store":
        echo(_("Settings recorded in the store (event {id}):").format(id=answer["event"]))
    elif source == "file":
        echo(_("Settings from {file}:").format(file=answer["file"]))
    else:
        echo(_("No settings: the rule catalogue's defaults are in force."))
        return
    for table, values in answer["settings"].items():
        echo(f"[{table}]")
        for key, value in (values.items() if isinstance(values, dict) else ()):
            echo(f"{key} = {value!r}" if not isinstance(value, str) else f'{key} = "{value}"')
