"""`ledger export`: list the installed exporters, or run one to write a document."""

from __future__ import annotations

import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from cli.options import known_at_option, parse_date_option
from cli.output import echo, echo_table, emit_json, force_option
from cli.session import Session


def _parse_pairs(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"'{item}' is not KEY=VALUE")
        out[key.strip().replace("-", "_")] = value
    return out


@click.command(name="export")
@click.argument("name", required=False)
@click.option("--list", "list_only", is_flag=True, help="List the installed exporters and exit.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH",
              help="File to write; its suffix picks the format unless --format is given.")
@click.option("--year", type=click.IntRange(1900, 2999), metavar="Y", help="The year reported on (yearly-report).")
@click.option("--as-of", "as_of", metavar="DATE", callback=parse_date_option,
              help="The date to look at (YYYY-MM-DD)  [default: each exporter's own; yearly-report: 31 December of --year]")
@known_at_option
@click.option("--unit", metavar="UNIT", help="The unit reported on (its code)  [default: the top unit]")
@click.option("--narrative", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE.md",
              help="Markdown with the sections ## 主要做法, ## 存在问题, ## 下步打算 (yearly-report).")
@click.option("--redact", is_flag=True, help="Publishable version: names and figures replaced by * as in a 公开版.")
@click.option("--redact-hosts", is_flag=True, help="With --redact: also mask the units people were seconded to.")
@click.option("--to", "to", metavar="ORGAN", help="主送机关, e.g. 中共XX区委组织部  [default: the store's [report] to]")
@click.option("--signed-by", metavar="ORGAN", help="发文机关署名  [default: the store's [report] signed_by, else 中共<unit>党组]")
@click.option("--date", "dated", metavar="DATE", callback=parse_date_option,
              help="成文日期 (YYYY-MM-DD)  [default: today]")
@click.option("--format", "fmt", metavar="F", help="Output format, when the exporter writes several (e.g. docx, csv, json).")
@click.option("-O", "--option", "extra", multiple=True, metavar="KEY=VALUE", callback=_parse_pairs,
              help="An option for a third-party exporter (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="With --list: print JSON.")
@click.option("--include-rank-promotions", is_flag=True,
              help="review-form: also list the year's 职级晋升 (the 评议 covers the 新选拔任用的领导干部 only).")
@click.option("--person", metavar="PERSON", help="The person the document is about (appointment-form).")
@click.option("--proposed-post", metavar="TEXT", help="拟任职务 (appointment-form).")
@click.option("--proposed-removal", metavar="TEXT", help="拟免职务 (appointment-form).")
@click.option("--reason", metavar="TEXT", help="任免理由 (appointment-form).")
@click.option("--filled-by", "filled_by", metavar="NAME",
              help="填表人 (appointment-form)  [default: the store's [form] filled_by, else the actor]")
@click.option("--show-id-number", "show_id_number", is_flag=True,
              help="Print 身份证号 in full (masked otherwise; never with --redact).")
@force_option
@click.pass_obj
def export(session: Session, name: str | None, list_only: bool, output: Path | None, year: int | None,
           as_of: date | None, known_at: datetime | None, unit: str | None, narrative: Path | None, redact: bool,
           redact_hosts: bool, to: str | None, signed_by: str | None, dated: date | None,
           fmt: str | None, extra: dict[str, str], as_json: bool, force: bool,
           **person_options: str | bool | None) -> None:
    """Write a document with an exporter (plugins are found through the `ledger.exporters` entry points).

    Every exporter gets the same options; each uses those it knows. `--list` shows name, formats, and the
    package each exporter comes from. An exporter that cannot redact refuses --redact. The file is written
    owner-only (0600); it is never the store, and an existing file is replaced only with --force.

    \b
    Example:
        ledger export --list
        ledger export yearly-report --year 2022 -o 2022年选人用人工作报告.docx
        ledger export yearly-report --year 2022 --narrative narrative.md --redact -o 公开版.docx
        ledger export yearly-report --year 2022 --format json          # the figures, on stdout
        ledger export review-form --year 2022 -o 2022年度民主评议表.xlsx
        ledger export appointment-form --person P13 --proposed-post 办公室主任 -o 林晓.lrmx
    """
    from exporters.base import ExportContext, redacts
    from exporters.registry import ExportOptionError, get_exporter, list_exporters
    from ledger.app import _, check_output

    if list_only:
        infos = list_exporters()
        if as_json:
            emit_json([i.as_json() for i in infos])
            return
        echo_table(["name", "formats", "package", "description"],
                   [[i.name, ", ".join(i.formats) or "-", i.package, i.error or i.description] for i in infos])
        return
    if name is None:
        raise click.UsageError("name an exporter (see `ledger export --list`) or give --list")
    if output is None and (fmt or "").lower() != "json":
        raise click.UsageError("-o PATH is required: where to write the document (only --format json prints)")
    exporter = get_exporter(name)  # an unknown name is a LedgerError: "Error: …", exit 1
    if redact and not redacts(exporter):
        raise click.UsageError(f"the {name} exporter cannot redact: it would write names and birth dates in full; "
                               "leave out --redact (only exporters that redact, such as yearly-report, take it)")
    if output is not None:
        check_output(output, session.store, force)  # before the store is even opened
    options = {"year": year, "as_of": as_of, "known_at": known_at, "unit": unit, "narrative": narrative,
               "redact": redact, "redact_hosts": redact_hosts, "to": to, "signed_by": signed_by, "date": dated,
               "format": fmt, **person_options, **extra}
    context = ExportContext(session.queries, session.actor)
    try:
        _run(exporter, context, name, output, options, session.store, force)
    except ExportOptionError as e:  # options missing or contradicting one another: a usage error (exit 2)
        raise click.UsageError(str(e)) from None
    for warning in context.warnings:
        echo(_("Warning: {warning}").format(warning=warning), err=True)


def _run(exporter: Any, context: Any, name: str, output: Path | None, options: dict[str, Any], store: str | None,
         force: bool) -> None:
    """Write the document (or, with --format json and no -o, print its data)."""
    from ledger.app import _, write_output

    if output is None:  # --format json without -o: the data on stdout
        with tempfile.TemporaryDirectory(prefix="ledger-export-") as tmp:
            written = exporter.export(context, Path(tmp) / f"{name}.json", options)
            sys.stdout.buffer.write(written.read_bytes())
    else:
        written = write_output(output, store, lambda path: exporter.export(context, path, options), force)
        echo(_("Wrote {path}").format(path=written))
