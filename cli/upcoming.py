"""The clerk's calendar: `eligible` (who meets the tenure for the next rank, and from when) and `due` (what falls
due in a window: probations ending, retirements, secondments ending, eligibility reached)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from cli.check import rules_and_unit_said, rules_option
from cli.labels import due_label
from cli.options import as_of_option, known_at_option
from cli.output import echo, echo_table, emit_json, json_option, paged
from cli.session import Session
from ledger.app import _


@click.command()
@as_of_option
@click.option("--unit", metavar="UNIT", help="Only the people of this unit (its code or name).")
@rules_option
@known_at_option
@json_option
@click.pass_obj
def eligible(session: Session, as_of: date | None, unit: str | None, rules_file: Path | None,
             known_at: datetime | None, as_json: bool) -> None:
    """Show who meets the tenure for the next rank (职级晋升), and from when.

    For each person on the establishment on --as-of whose next rank has a tenure in the catalogue (RANK_TENURE:
    并行规定 第十八条): the first day a promotion meets it — each 优秀 year shortening it by half a year, a
    基本称职, 不称职 or 不定等次 year not counting, a new recruit's from the end of probation, or as many years in
    a post of the level that counts as well — the same arithmetic `ledger check` judges a promotion by. Where a
    rules file sets 职级职数 (RANK_QUOTA) for the next rank, the room left in the unit. A rank held from before
    the ledger without its 任现职级时间 has no date.

    \b
    Example:
        ledger eligible --as-of 2023-06-30
        ledger eligible --as-of 2023-06-30 --unit 区文化和旅游局 --json
    """
    on = as_of or date.today()
    with rules_and_unit_said():
        answer = session.queries.eligible(on, unit, rules_file, known_at)
    if as_json:
        emit_json(answer)
        return
    with paged():
        echo(_("Eligible for the next rank, on {date}").format(date=on))
        rows = answer["people"]
        if not rows:
            echo(_("No one on the establishment has a next rank with a tenure in the catalogue."))
            return
        echo_table([_("Person"), _("Name"), _("Unit"), _("Rank"), _("Since"), _("Next rank"), _("Eligible from"),
                    _("职级职数 room")],
                   [[r["person"], r["name"], r["unit"], r["rank"], r["rank_since"] or _("unknown"), r["next_rank"],
                     _eligible_text(r, on), "-" if r["quota_room"] is None else r["quota_room"]] for r in rows],
                   wrap=(1, 2))


def _eligible_text(row: dict, on: date) -> str:
    if row["eligible_from"] is None:
        return _("unknown (no 任现职级时间)")
    if row["eligible"]:
        return _("{date} (eligible)").format(date=row["eligible_from"])
    return row["eligible_from"]


@click.command()
@as_of_option
@click.option("--within", default="90d", show_default=True, metavar="SPAN",
              help="How far ahead of --as-of to look: days (90d, or 90), weeks (12w), months (3m) or years (1y).")
@click.option("--unit", metavar="UNIT", help="Only what falls due for the people of this unit (its code or name).")
@rules_option
@known_at_option
@json_option
@click.pass_obj
def due(session: Session, as_of: date | None, within: str, unit: str | None, rules_file: Path | None,
        known_at: datetime | None, as_json: bool) -> None:
    """Show what falls due from --as-of to the end of --within, each with its date and kind.

    For the people on the establishment on --as-of: the last day of a probation (试用期: an appointment's year,
    or a new recruit's), the day the retirement age is reached (the 2025 table of the catalogue, RETIREMENT_OVERDUE),
    the last day of a secondment (agreed, or the most its kind allows), and the day the tenure for the next rank
    is met (as `ledger eligible` gives it). Both ends of the window are included; what fell due before --as-of
    and is still open is a finding of `ledger check`.

    \b
    Example:
        ledger due --as-of 2023-06-30 --within 90d
        ledger due --as-of 2023-06-30 --within 6m --unit 区文化和旅游局 --json
    """
    from ledger.app import window_end

    on = as_of or date.today()
    try:
        until = window_end(on, within)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--within") from None
    with rules_and_unit_said():
        answer = session.queries.due(on, until, unit, rules_file, known_at)
    if as_json:
        emit_json(answer)
        return
    with paged():
        echo(_("Due from {start} to {end}").format(start=on, end=until))
        items = answer["items"]
        if not items:
            echo(_("Nothing falls due."))
            return
        echo_table([_("Date"), _("Due"), _("Person"), _("Name"), _("Unit"), _("Detail")],
                   [[x["date"], due_label(x["kind"]), x["person"], x["name"], x["unit"], x["detail"]] for x in items],
                   wrap=(3, 5))
