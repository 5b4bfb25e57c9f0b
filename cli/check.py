"""`ledger check`: the compliance findings on a date; and the entry-time warnings every recording command prints."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cli.options import known_at_option, parse_date_option
from cli.output import echo, echo_table, emit_json, json_option, paged
from cli.session import Session

if TYPE_CHECKING:
    from ledger.app import Finding, Findings

rules_option = click.option("--rules", "rules_file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
                            help="TOML file overriding the rule catalogue's parameters  [default: ledger.toml beside "
                                 "a SQLite store, if there is one]")


def warn_findings(findings: Sequence[Finding]) -> None:
    """Print the findings a recording introduced, one line each, on stderr (the recording itself succeeded)."""
    from ledger.app import _

    for x in findings:
        echo(_("Warning: {rule} {title}: {message} [{source}]").format(rule=x.rule, title=x.title, message=x.message,
                                                                       source=x.source), err=True)


@click.command("check")
@click.option("--as-of", "as_of", metavar="DATE", callback=parse_date_option,
              help="The date to judge the state on (YYYY-MM-DD)  [default: today]")
@click.option("--since", "since", metavar="DATE", callback=parse_date_option,
              help="Also judge the facts effective from this date to --as-of  [default: 1 January of --as-of's year]")
@click.option("--unit", metavar="UNIT", help="Only findings about this unit (its code).")
@rules_option
@known_at_option
@json_option
@click.pass_obj
def check(session: Session, as_of: date | None, since: date | None, unit: str | None, rules_file: Path | None,
          known_at: datetime | None, as_json: bool) -> None:
    """Report compliance findings: the state on a date, and the facts effective since a date.

    On --as-of: 超编, 超职数, people past the statutory retirement age, overdue secondments, probations past
    their year with no 试用期满 (and 职级职数 and 编外 caps, where a rules file sets them). For facts effective
    from --since to --as-of: rank tenure, skipped ranks, post tenure, promotion in probation or within a
    year, short or missing publicity, publicity outside decision → appointment, a decision without two
    thirds of the members (and a 提拔 without its selection's steps, from the date a rules file sets). Each
    finding names its clause. Exit status: 0 no findings, 1 findings, 2 bad input.

    \b
    Example:
        ledger check --as-of 2022-12-31
        ledger check --as-of 2022-12-31 --since 2022-01-01 --unit JU --json
        ledger check --as-of 2022-12-31 --rules ./rules.toml
        ledger check --as-of 2022-06-30 --known-at 2022-07-15T09:00:00   # as the ledger knew it then
    """
    from ledger.app import NotFound, RulesError

    on = as_of or date.today()
    start = since or date(on.year, 1, 1)
    if start > on:
        raise click.BadParameter(f"--since {start} is after --as-of {on}", param_hint="--since")
    try:
        result = session.queries.findings(on, start, unit, rules_file, known_at)
    except RulesError as e:
        raise click.BadParameter(str(e), param_hint="--rules") from None
    except NotFound as e:
        raise click.BadParameter(str(e), param_hint="--unit") from None
    if as_json:
        emit_json(result.as_json())
    else:
        with paged():
            _print_findings(result)
    if result.findings:
        click.get_current_context().exit(1)


_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2} [^:：]*(: |：)")  # "date who: " — the table has its own columns for them


def _print_findings(result: Findings) -> None:
    from cli.labels import severity_label
    from ledger.app import RULE_IDS, _, ngettext

    on, rulebook = result.as_of, result.rulebook
    origin = _("; rules from {file}").format(file=rulebook.origin) if rulebook.origin else ""
    echo(_("Compliance on {date} (state on {date}; facts effective {since} – {date}{origin})").format(
        date=on, since=result.since, origin=origin))
    if not result.findings:
        echo(_("No findings."))
        return
    rows = []
    for x in sorted(result.findings, key=lambda x: (RULE_IDS.index(x.rule), x.unit or "", x.since or date.min)):
        who = f"{x.person} {x.name}" if x.person else "-"
        rows.append([x.rule, severity_label(x.severity), x.unit, who, x.since, x.event_id,
                     _PREFIX.sub("", x.message, count=1)])
    echo_table([_("Rule"), _("Severity"), _("Unit"), _("Who"), _("Since"), _("Event"), _("Finding")], rows,
               wrap=(3, 6))
    echo("\n" + _("Clauses:"))
    counts = result.summary()
    for rule in sorted(counts, key=RULE_IDS.index):
        spec = rulebook[rule]
        echo(f"  {rule} {spec.title} ({counts[rule]}): {spec.source}")
    n = len(result.findings)
    echo("\n" + ngettext("{n} finding.", "{n} findings.", n).format(n=n))
