"""`ledger demo`: build the sample bureau's ledger, show its roster at the end of 2022, and write its documents."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from cli.query import roster
from cli.session import Session

DEMO_NARRATIVE = "narrative-2022.md"
REPORT = "2022年选人用人工作报告.docx"
PUBLIC_REPORT = "2022年选人用人工作报告（公开版）.docx"
SNAPSHOT = "2022-12-31合规快照"
REVIEW_FORM = "2022年度民主评议表.xlsx"


@click.command()
@click.argument("folder", default="demo", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def demo(ctx: click.Context, folder: Path) -> None:
    """Build a sample bureau's ledger in FOLDER (default ./demo), print its roster at the end of 2022, and
    write its 2022 yearly report (选人用人工作报告) and the redacted twin (公开版) as .docx next to the store,
    with the compliance snapshot (合规快照) on 2022-12-31 as .json and .docx.

    The bureau (invented people) has five sections and two public institutions, with 2019–2022 hires,
    promotions, appointments, secondments, assistants, a retirement and one corrected entry; in 2023, the
    民主评议 of 2022, a selection from 动议 to 任职 and two probations closed. Its settings (the report's
    主送机关 and 署名) are in FOLDER/ledger.toml; the 2022 民主评议表 is written too. Any earlier demo store in
    FOLDER is replaced.

    \b
    Example:
        ledger demo ./demo && ledger --store demo/ledger.sqlite3 history P16
    """
    from exporters.base import ExportContext
    from exporters.registry import get_exporter
    from ledger.app import DEMO_STORE, build_demo

    session: Session = ctx.obj
    session.use(build_demo(folder, actor=session.actor or "demo"))
    store = folder / DEMO_STORE
    click.echo(f"Demo ledger: {store} ({len(session.queries.log())} events)")
    ctx.invoke(roster, as_of=date(2022, 12, 31), known_at=None, unit=None, as_json=False)
    reports = _write_reports(session, folder)
    click.echo("\nThe 2022 yearly report (选人用人工作报告) and its redacted twin (公开版):")
    for path in reports:
        click.echo(f"  {path}")
    snapshots = _write_snapshots(session, folder)
    click.echo("\nThe compliance snapshot (合规快照) on 2022-12-31:")
    for path in snapshots:
        click.echo(f"  {path}")
    form = get_exporter("review-form").export(ExportContext(session.queries, session.actor), folder / REVIEW_FORM,
                                              {"year": 2022})
    click.echo(f"\nThe 2022 民主评议表 (一报告两评议): {form}")
    click.echo(f"\nTry: ledger --store {store} roster --as-of 2022-06-30")
    click.echo(f"     ledger --store {store} check --as-of 2020-12-31")
    click.echo(f"     ledger --store {store} export yearly-report --year 2022 --narrative "
               f"{reports[-1].parent / DEMO_NARRATIVE} -o report.docx")
    click.echo(f"     ledger --store {store} selection show XR2023-01")
    click.echo(f"     ledger --store {store} export yearly-report --year 2023 -o 2023.docx   # states 2022's 评议")


def _write_snapshots(session: Session, folder: Path) -> list[Path]:
    """The compliance snapshot on 2022-12-31 (JSON and .docx), through the exporter registry."""
    from exporters.base import ExportContext
    from exporters.registry import get_exporter

    snapshot = get_exporter("compliance-snapshot")
    return [snapshot.export(ExportContext(session.queries, session.actor), folder / f"{SNAPSHOT}.{fmt}",
                            {"as_of": date(2022, 12, 31)}) for fmt in ("json", "docx")]


def _write_reports(session: Session, folder: Path) -> list[Path]:
    """The sample narrative copied next to the store (to edit and re-export), and both versions of the report,
    written through the same exporter registry as `ledger export`."""
    from exporters.base import ExportContext
    from exporters.registry import get_exporter
    from ledger.app import demo_narrative

    narrative = folder / DEMO_NARRATIVE
    narrative.write_bytes(demo_narrative())
    report = get_exporter("yearly-report")
    out = []
    for redact, name in ((False, REPORT), (True, PUBLIC_REPORT)):
        options = {"year": 2022, "narrative": narrative, "redact": redact}
        out.append(report.export(ExportContext(session.queries, session.actor), folder / name, options))
    return out
