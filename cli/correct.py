"""`ledger correct`: retract a recorded event and record its corrected form in one step."""

from __future__ import annotations

from typing import Any

import click

from cli.append import report
from cli.options import LedgerCommand
from cli.session import Session
from ledger.app import _


def changed_fields(tokens: tuple[str, ...]) -> dict[str, Any]:
    """`--birth-date 1990-05-02 --probation --section=财务科` as {"birth_date": "1990-05-02", "probation": True,
    "section": "财务科"}: the event's fields are known only once the event is read, so they are not click options.
    A flag without a value is True; which fields the event has, and their values, the application judges."""
    out: dict[str, Any] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not token.startswith("--") or len(token) == 2:
            raise click.UsageError(_("expected --FIELD VALUE, got '{token}'").format(token=token))
        name, eq, value = token[2:].partition("=")
        if eq:
            i += 1
        elif i + 1 < len(tokens) and not tokens[i + 1].startswith("--"):
            value, i = tokens[i + 1], i + 2
        else:
            value, i = True, i + 1
        key = name.replace("-", "_")
        if key in out:
            raise click.UsageError(_("--{name} given twice").format(name=name))
        out[key] = value
    if not out:
        raise click.UsageError(_("give at least one --FIELD VALUE to correct (e.g. --birth-date 1990-05-02)"))
    return out


@click.command("correct", cls=LedgerCommand, context_settings={"ignore_unknown_options": True})
@click.argument("event_id", metavar="EVENT_ID", type=click.IntRange(1))
@click.argument("changes", nargs=-1, type=click.UNPROCESSED, metavar="--FIELD VALUE …")
@click.option("--reason", required=True, metavar="TEXT", help="Why the recorded event was wrong (kept on the "
              "retraction), e.g. \"birth date mistyped\".")
@click.option("--dry-run", is_flag=True, help="Validate and show what would be recorded and the findings; "
              "write nothing.")
@click.pass_obj
def correct(session: Session, event_id: int, changes: tuple[str, ...], reason: str, dry_run: bool) -> None:
    """Correct a recorded event: retract it and record it again with the fields given changed, in one batch.

    Each --FIELD is a field of the event's own command (`ledger hire --help`, …: --birth-date, --effective,
    --section, --rank …); the others keep their recorded values (an empty value clears an optional field). The
    batch is validated as a whole with the correction in place, so a hire with later events can be corrected;
    the retraction names the corrected event as its replacement, and `ledger history` shows both. Prints the new
    events' ids (the corrected event's, then the retraction's).

    \b
    Example:
        ledger correct 5 --birth-date 1990-05-02 --reason "birth date mistyped"
        ledger correct 9 --effective 2022-09-01 --basis "区文旅党组〔2022〕9号" --reason "wrong date" --dry-run
    """
    from ledger.app import correct as correct_event

    app = session.trial if dry_run else session.app
    done = correct_event(app, event_id, changed_fields(changes), reason, actor=session.actor,
                         strict=session.strict, dry_run=dry_run)
    report(done, dry_run, app)
