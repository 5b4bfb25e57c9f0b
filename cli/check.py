"""`ledger check`: the compliance findings on a date; and the entry-time warnings every recording command prints."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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


@contextmanager
def rules_and_unit_said() -> Iterator[None]:
    """A bad rules file or an unknown unit, met by the answer inside, as the usage error of --rules or --unit."""
    from ledger.app import NotFound, RulesError

    try:
        yield
    except RulesError as e:
        raise click.BadParameter(str(e), param_hint="--rules") from None
    except NotFound as e:
        raise click.BadParameter(str(e), param_hint="--unit") from None


def warn_findings(findings: Sequence[Finding]) -> None:
    """Print the findings a recording introduced, one line each, on stderr (the recording itself succeeded); the
    notices (incomplete records) in one line, `ledger check` lists them."""
    from ledger.app import _, ngettext

    notices: dict[str, int] = {}
    for x in findings:
        if x.notice:
            notices[x.title] = notices.get(x.title, 0) + 1
            continue
        echo(_("Warning: {rule} {title}: {message} [{source}]").format(rule=x.rule, title=x.title, message=x.message,
                                                                       source=x.source), err=True)
    if notices:
        n = sum(notices.values())
        what = "、".join(f"{title} {k}" for title, k in notices.items())
        echo(ngettext("Notice: {n} incomplete record ({what}); `ledger check` lists it",
                      "Notice: {n} incomplete records ({what}); `ledger check` lists them", n).format(n=n, what=what),
             err=True)


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
    finding names its clause. Notices (an incomplete record: a 提拔 or 职级晋升 without its publicity entered, a
    post held from before the ledger without its 任现职务时间) are listed apart and are not findings. Exit status:
    0 no findings (notices only, or nothing), 1 findings, 2 bad input.

    \b
    Example:
        ledger check --as-of 2022-12-31
        ledger check --as-of 2022-12-31 --since 2022-01-01 --unit JU --json
        ledger check --as-of 2022-12-31 --rules ./rules.toml
        ledger check --as-of 2022-06-30 --known-at 2022-07-15T09:00:00   # as the ledger knew it then
    """
    on = as_of or date.today()
    start = since or date(on.year, 1, 1)
    if start > on:
        raise click.BadParameter(f"--since {start} is after --as-of {on}", param_hint="--since")
    with rules_and_unit_said():
        result = session.queries.findings(on, start, unit, rules_file, known_at)
    if as_json:
        emit_json(result.as_json())
    else:
        with paged():
            _print_findings(result)
    if result.breaches:
        click.get_current_context().exit(1)


_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2} [^:：]*(: |：)")  # "date who: " — the table has its own columns for them


def _print_findings(result: Findings) -> None:
    from ledger.app import RULE_IDS, _, ngettext

    on, rulebook = result.as_of, result.rulebook
    origin = _("; rules from {file}").format(file=rulebook.origin) if rulebook.origin else ""
    echo(_("Compliance on {date} (state on {date}; facts effective {since} – {date}{origin})").format(
        date=on, since=result.since, origin=origin))
    breaches, notices = result.breaches, result.notices
    if not breaches:
        echo(_("No findings."))
    else:
        _table(breaches, _("Finding"))
        echo("\n" + _("Clauses:"))
        counts = result.summary()
        for rule in sorted(counts, key=RULE_IDS.index):
            spec = rulebook[rule]
            echo(f"  {rule} {spec.title} ({counts[rule]}): {spec.source}")
        n = len(breaches)
        echo("\n" + ngettext("{n} finding.", "{n} findings.", n).format(n=n))
    if notices:
        echo("\n" + _("Notices (incomplete records, not findings):"))
        _table(notices, _("Notice"))
        n = len(notices)
        echo("\n" + ngettext("{n} notice.", "{n} notices.", n).format(n=n))


def _table(findings: Sequence[Finding], heading: str) -> None:
    from cli.labels import severity_label
    from ledger.app import RULE_IDS, _

    rows = []
    for x in sorted(findings, key=lambda x: (RULE_IDS.index(x.rule), x.unit or "", x.since or date.min)):
        who = f"{x.person} {x.name}" if x.person else "-"
        rows.append([x.rule, severity_label(x.severity), x.unit, who, x.since, x.event_id,
                     _PREFIX.sub("", x.message, count=1)])
    echo_table([_("Rule"), _("Severity"), _("Unit"), _("Who"), _("Since"), _("Event"), heading], rows, wrap=(3, 6))
