"""`ledger import`: append a file of events as one all-or-nothing batch."""

from __future__ import annotations

from pathlib import Path

import click

from .main import Session
from .progress import progress, quiet_option


def register(cli: click.Group) -> None:
    @cli.command("import")
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
        from ledger.io.jsonl import read_jsonl
        from ledger.io.spreadsheets import TABLE_SUFFIXES, read_event_tables, read_tables, reported_at_rows

        located = None
        if file.suffix.lower() in TABLE_SUFFIXES:
            tables = read_tables(file)
            with progress(sum(len(t.rows) for t in tables), "Reading events", quiet) as bar:
                located = read_event_tables(file, bar, tables)
        drafts = located.drafts if located is not None else read_jsonl(file)
        if dry_run:
            from .check import entry_check, warn_findings

            vet = entry_check(session)
            with reported_at_rows(located):
                vet(session.app.facts(), session.app.check(drafts))
            click.echo(f"{len(drafts)} events would be recorded (dry run, nothing written)")
            warn_findings(vet.found)
            return
        from .check import entry_check, warn_findings

        vet = entry_check(session)
        with reported_at_rows(located):
            ids = session.app.append(drafts, actor=session.actor, vet=vet)
        click.echo(f"{len(ids)} events recorded" + (f" (ids {ids[0]}–{ids[-1]})" if ids else ""))
        warn_findings(vet.found)
