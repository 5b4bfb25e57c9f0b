"""`ledger demo`: build the sample bureau's ledger and show its roster at the end of 2022."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from .main import Session


def register(cli: click.Group) -> None:
    @cli.command()
    @click.argument("folder", default="demo", type=click.Path(file_okay=False, path_type=Path))
    @click.pass_context
    def demo(ctx: click.Context, folder: Path) -> None:
        """Build a sample bureau's ledger in FOLDER (default ./demo) and print its roster at the end of 2022.

        The bureau (invented people) has five sections and two public institutions, with 2019–2022 hires,
        promotions, appointments, secondments, assistants, a retirement and one corrected entry. Any earlier
        demo store in FOLDER is replaced.

        \b
        Example:
            ledger demo ./demo && ledger --store demo/ledger.sqlite3 history P16
        """
        from ledger.demo import DEMO_STORE, build_demo

        session: Session = ctx.obj
        session._app = build_demo(folder, actor=session.actor or "demo")
        store = folder / DEMO_STORE
        click.echo(f"Demo ledger: {store} ({len(session._app.facts())} events)")
        roster = ctx.parent.command.get_command(ctx.parent, "roster")
        ctx.invoke(roster, as_of=date(2022, 12, 31), known_at=None, unit=None, as_json=False)
        click.echo(f"\nTry: ledger --store {store} roster --as-of 2022-06-30")
