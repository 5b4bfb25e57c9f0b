"""`ledger serve`: the read-only web view (the `web` package), started on uvicorn."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from cli.output import echo
from cli.session import Session

if TYPE_CHECKING:
    from web.server import Listening


def _announce(store: str | None, listening: Listening) -> None:
    echo(f"Serving the ledger {store or '(default store)'} read-only at {listening.url}")
    if listening.token_generated:
        echo(f"Not a loopback address: every request needs the token. Open {listening.url}?token={listening.token}")
    elif listening.token:
        echo("Every request needs the token given with --token: open the address with ?token=TOKEN once.")
    echo("Press Ctrl+C to stop.")


@click.command()
@click.option("--store", "store", metavar="PATH|URL",
              help="The ledger to show (the same as the global --store, given after the command)  [default: the "
                   "global --store]")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="HOST",
              help="Address to listen on. Anything but loopback (127.0.0.1, ::1, localhost) requires a token.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), metavar="PORT",
              help="Port to listen on (0: any free port; the address is printed).")
@click.option("--token", metavar="TOKEN", envvar="LEDGER_WEB_TOKEN",
              help="Require this token on every request (also LEDGER_WEB_TOKEN)  [default on a non-loopback host: a "
                   "new one, printed]")
@click.pass_obj
def serve(session: Session, store: str | None, host: str, port: int, token: str | None) -> None:
    """Serve a read-only web view of the ledger: the organisation on any date, in a browser.

    Pages: the unit tree with 编制 and 领导职数 gauges, a unit's roster and findings, with sliders for the date
    (--as-of) and for the moment the ledger knew it (--known-at); a unit over the years; a person's timeline with
    every event's recorded time, actor and corrections; diffs, compliance findings, the hash chain's verdict;
    downloads of the roster, the yearly report and the compliance snapshot. Its JSON API (/api/roster, /api/units,
    /api/history/PERSON, /api/diff, /api/check, /api/verify) answers exactly what `ledger … --json` prints.
    It never records anything.

    A district's store (one that registers bureaus, ?schema=district) shows the district instead: its bureaus on a
    date, each bureau's own pages under /b/CODE/, and the roll-ups (/district/roster, /district/units,
    /district/check, /district/report); /api/district/… answers what `ledger district … --json` prints.

    \b
    Example:
        ledger serve --store demo/ledger.sqlite3
        ledger serve --store demo/ledger.sqlite3 --host 0.0.0.0 --port 8080    # prints a token to open it with
    """
    from web.server import serve as run

    if token is not None and not token.strip():
        raise click.BadParameter("the token must not be empty", param_hint="--token")
    store = store or session.store
    run(store, host, port, token, lambda listening: _announce(store, listening))
