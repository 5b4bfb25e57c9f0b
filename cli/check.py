"""`ledger check`: the compliance findings on a date, and the entry-time warnings shared by the append commands."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import click

from .main import Session
from .options import parse_date_option
from .output import echo_table, emit_json, json_option

rules_option = click.option("--rules", "rules_file", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
                            help="TOML file overriding the rule catalogue's parameters  [default: ledger.toml beside "
                                 "a SQLite store, if there is one]")


def entry_check(session: Session) -> Any:
    """The hook the append commands pass to `append(vet=...)`: warns of new findings, or refuses under --strict."""
    from ledger.app.rulebook import rulebook_for
    from ledger.rules import EntryFindings

    return EntryFindings(rulebook_for(session.app), strict=session.strict)


def warn_findings(findings: list) -> None:
    """Print the findings an append introduced, one line each, on stderr (the append itself succeeded)."""
    for x in findings:
        click.echo(f"Warning: {x.rule} {x.title}: {x.message} [{x.source}]", err=True)


def findings_payload(as_of: date, since: date, findings: list) -> dict[str, Any]:
    """The `ledger check --json` shape (a contract)."""
    summary: dict[str, int] = {}
    for x in findings:
        summary[x.rule] = summary.get(x.rule, 0) + 1
    return {"as_of": as_of.isoformat(), "since": since.isoformat(), "findings": [x.as_json() for x in findings],
            "summary": summary}


def register(cli: click.Group) -> None:
    @cli.command("check")
    @click.option("--as-of", "as_of", metavar="DATE", callback=parse_date_option,
                  help="The date to judge the state on (YYYY-MM-DD)  [default: today]")
    @click.option("--since", "since", metavar="DATE", callback=parse_date_option,
                  help="Also judge the facts effective from this date to --as-of  [default: 1 January of --as-of's year]")
    @click.option("--unit", metavar="UNIT", help="Only findings about this unit (its code).")
    @rules_option
    @json_option
    @click.pass_obj
    def check_(session: Session, as_of: date | None, since: date | None, unit: str | None, rules_file: Path | None,
               as_json: bool) -> None:
        """Report compliance findings: the state on a date, and the facts effective since a date.

        On --as-of: 超编, 超职数, people past the statutory retirement age, overdue secondments (and 职级职数 and
        编外 caps, where a rules file sets them). For facts effective from --since to --as-of: rank tenure,
        skipped ranks, post tenure, promotion in probation or within a year, short publicity. Each finding
        names its clause. Exit status: 0 no findings, 1 findings, 2 bad input.

        \b
        Example:
            ledger check --as-of 2022-12-31
            ledger check --as-of 2022-12-31 --since 2022-01-01 --unit JU --json
            ledger check --as-of 2022-12-31 --rules ./rules.toml
        """
        from ledger.app.rulebook import rulebook_for
        from ledger.rules import RULE_IDS, RulesError, compliance_findings

        on = as_of or date.today()
        start = since or date(on.year, 1, 1)
        if start > on:
            raise click.BadParameter(f"--since {start} is after --as-of {on}", param_hint="--since")
        try:
            rulebook = rulebook_for(session.app, rules_file)
        except RulesError as e:
            raise click.BadParameter(str(e), param_hint="--rules") from None
        app = session.app
        if unit is not None:
            units = app.state(on).units
            if unit not in units:
                raise click.BadParameter(f"no unit '{unit}' on {on} (units: {', '.join(units) or 'none'})",
                                         param_hint="--unit")
        findings = compliance_findings(app.facts(), rulebook, on, start, unit)
        if as_json:
            emit_json(findings_payload(on, start, findings))
        else:
            _print_findings(on, start, findings, rulebook, RULE_IDS)
        if findings:
            click.get_current_context().exit(1)


_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2} [^:]*: ")  # "date who: " — the table has its own columns for them


def _print_findings(on: date, start: date, findings: list, rulebook: Any, rule_ids: tuple[str, ...]) -> None:
    origin = f"; rules from {rulebook.origin}" if rulebook.origin else ""
    click.echo(f"Compliance on {on} (state on {on}; facts effective {start} – {on}{origin})")
    if not findings:
        click.echo("No findings.")
        return
    rows = []
    for x in sorted(findings, key=lambda x: (rule_ids.index(x.rule), x.unit or "", x.since or date.min)):
        who = f"{x.person} {x.name}" if x.person else "-"
        rows.append([x.rule, x.severity, x.unit, who, x.since, x.event_id, _PREFIX.sub("", x.message, count=1)])
    echo_table(["rule", "severity", "unit", "who", "since", "event", "finding"], rows)
    click.echo("\nClauses:")
    counts: dict[str, int] = {}
    for x in findings:
        counts[x.rule] = counts.get(x.rule, 0) + 1
    for rule in sorted(counts, key=rule_ids.index):
        spec = rulebook[rule]
        click.echo(f"  {rule} {spec.title} ({counts[rule]}): {spec.source}")
    click.echo(f"\n{len(findings)} finding(s).")
