"""`ledger demo`: build the sample bureau's ledger, show its roster at the end of 2022, and write its documents."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from cli.output import echo, force_option
from cli.query import roster
from cli.session import Session
from ledger.app import _

DEMO_NARRATIVE = "narrative-2022.md"
REPORT = "2022年选人用人工作报告.docx"
PUBLIC_REPORT = "2022年选人用人工作报告（公开版）.docx"
SNAPSHOT = "2022-12-31合规快照"
REVIEW_FORM = "2022年度民主评议表.xlsx"


@click.command()
@click.argument("folder", default="demo", type=click.Path(file_okay=False, path_type=Path))
@force_option
@click.pass_context
def demo(ctx: click.Context, folder: Path, force: bool) -> None:
    """Build a sample bureau's ledger in FOLDER (default ./demo), print its roster at the end of 2022, and
    write its 2022 yearly report (选人用人工作报告) and the redacted twin (公开版) as .docx next to the store,
    with the compliance snapshot (合规快照) on 2022-12-31 as .json and .docx.

    The bureau (invented people) has five sections and two public institutions, with 2019–2022 hires,
    promotions, appointments, secondments, assistants, a retirement and one corrected entry; in 2023, the
    民主评议 of 2022, a selection from 动议 to 任职 and two probations closed. Its settings (the report's
    主送机关 and 署名) are in FOLDER/ledger.toml; the 2022 民主评议表 is written too. A FOLDER that already
    holds a ledger store (or its ledger.toml) is refused (the demo never replaces one); documents already
    there are replaced only with --force.

    \b
    Example:
        ledger demo ./demo && ledger --store demo/ledger.sqlite3 history P16
    """
    from ledger.app import DEMO_STORE, build_demo, check_demo_folder, check_output

    session: Session = ctx.obj
    store = folder / DEMO_STORE
    check_demo_folder(folder)
    for name in (DEMO_NARRATIVE, REPORT, PUBLIC_REPORT, f"{SNAPSHOT}.json", f"{SNAPSHOT}.docx", REVIEW_FORM):
        check_output(folder / name, str(store), force)  # before anything is built
    session.use(build_demo(folder, actor=session.actor or "demo"))
    echo(_("Demo ledger: {store} ({count} events)").format(store=store, count=len(session.queries.log())))
    ctx.invoke(roster, as_of=date(2022, 12, 31), known_at=None, unit=None, as_json=False)
    reports = _write_reports(session, folder, force)
    echo("\n" + _("The 2022 yearly report (选人用人工作报告) and its redacted twin (公开版):"))
    for path in reports:
        echo(f"  {path}")
    snapshots = _write_snapshots(session, folder, force)
    echo("\n" + _("The compliance snapshot (合规快照) on 2022-12-31:"))
    for path in snapshots:
        echo(f"  {path}")
    form = _write(session, folder, REVIEW_FORM, "review-form", {"year": 2022}, force)
    echo("\n" + _("The 2022 民主评议表 (一报告两评议): {path}").format(path=form))
    echo("\n" + _("Try:") + f" ledger --store {store} roster --as-of 2022-06-30")
    echo(f"     ledger --store {store} check --as-of 2020-12-31")
    echo(f"     ledger --store {store} export yearly-report --year 2022 --narrative "
         f"{reports[-1].parent / DEMO_NARRATIVE} -o report.docx")
    echo(f"     ledger --store {store} selection show XR2023-01")
    echo(f"     ledger --store {store} export yearly-report --year 2023 -o 2023.docx   # "
         + _("states 2022's 评议"))
    echo(f"     ledger serve --store {store}")


def _write(session: Session, folder: Path, name: str, exporter_name: str, options: dict, force: bool) -> Path:
    """One document, through the exporter registry and the output guard, as `ledger export` writes it."""
    from exporters.base import ExportContext
    from exporters.registry import get_exporter
    from ledger.app import DEMO_STORE, write_output

    exporter, context = get_exporter(exporter_name), ExportContext(session.queries, session.actor)
    return write_output(folder / name, str(folder / DEMO_STORE), lambda path: exporter.export(context, path, options),
                        force)


def _write_snapshots(session: Session, folder: Path, force: bool) -> list[Path]:
    """The compliance snapshot on 2022-12-31 (JSON and .docx)."""
    return [_write(session, folder, f"{SNAPSHOT}.{fmt}", "compliance-snapshot", {"as_of": date(2022, 12, 31)}, force)
            for fmt in ("json", "docx")]


def _write_reports(session: Session, folder: Path, force: bool) -> list[Path]:
    """The sample narrative copied next to the store (to edit and re-export), and both versions of the report."""
    from ledger.app import DEMO_STORE, demo_narrative, write_output

    narrative = write_output(folder / DEMO_NARRATIVE, str(folder / DEMO_STORE),
                             lambda path: path.write_bytes(demo_narrative()) and path, force)
    return [_write(session, folder, name, "yearly-report", {"year": 2022, "narrative": narrative, "redact": redact},
                   force) for redact, name in ((False, REPORT), (True, PUBLIC_REPORT))]
