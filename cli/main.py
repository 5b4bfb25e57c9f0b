"""The `ledger` command: global options, error handling, and the list of its sub-commands (`COMMANDS`).

Each sub-command is defined at module level in the module of its noun (`cli.query`, `cli.audit`, …), parses,
makes one call into `ledger.app` (or `exporters`), and prints. The application is imported inside commands, so
that `ledger --help` starts fast.
"""

from __future__ import annotations

import os
import sys
from functools import partial
from typing import Any

import click

from cli import (  # noqa: F401 (selection: `show`; district, settings: their commands)
    access,
    append,
    audit,
    check,
    correct,
    demo,
    district,
    export,
    imports,
    names,
    query,
    selection,
    serve,
    settings,
    transfers,
)
from cli.help import language_asked, show_in_language, speak
from cli.output import echo, printable
from cli.session import Session, one_command
from cli.upcoming import due, eligible

_asked: str | None = None  # the language this run's command line asks for, wherever --lang is on it


class LedgerGroup(click.Group):
    """Turns the ledger's errors into one clear line per problem and exit 1, never a traceback; after a command,
    prints on stderr what the ledger noted about how its answers were found."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if not args and kwargs.get("args") is None:  # the shell's `ledger …` (sys.argv): one command, then the end
            one_command()
        try:
            return super().main(*args, **kwargs)
        finally:
            speak(self, as_written=True)  # between runs, the commands hold their help as written

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        """Choose the language first, so that `--help` (answered before any other option) speaks it."""
        global _asked
        _asked = language_asked(args, dict(os.environ))
        try:
            _language(_asked)
        except click.BadParameter:
            _asked = None
            _language(None)  # the --lang option says what is wrong with it, once parsed
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as e:  # a global option's usage error: at most 80 characters of its value
            from ledger.app import clipped

            e.message = clipped(e.message)
            e.show = partial(show_in_language, e)  # type: ignore[method-assign]
            raise

    def invoke(self, ctx: click.Context) -> Any:
        from ledger.app import LedgerError, Refused, _, clipped, explain_failure

        try:
            result = super().invoke(ctx)
        except Refused as e:
            echo(_("Refused (nothing was written):"), err=True)
            for p in e.problems:
                echo(f"  {printable(str(p), keep_lines=False)}", err=True)
            ctx.exit(1)
        except LedgerError as e:
            echo(_("Error: {error}").format(error=e), err=True)
            ctx.exit(1)
        except BrokenPipeError:  # `ledger log | head`: the reader has seen enough
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (so that the interpreter's final flush is quiet)
            ctx.exit(0)
        except click.ClickException as e:  # a usage error quotes at most 80 characters of a value, as refusals do
            e.message = clipped(e.message)
            e.show = partial(show_in_language, e)  # type: ignore[method-assign]
            _notices(ctx)
            raise
        except (click.exceptions.Exit, click.exceptions.Abort, SystemExit, KeyboardInterrupt):
            _notices(ctx)
            raise
        except Exception as e:  # a store or system failure: one sentence; a bug: one line, unless debugging
            if os.environ.get("LEDGER_DEBUG"):
                raise
            session = ctx.find_object(Session)
            said = explain_failure(e, _store_shown(session))
            echo(_("Error: {error}").format(error=said) if said is not None else
                 _("Error: {error}").format(error=f"{type(e).__name__}: {clipped(str(e))} (set LEDGER_DEBUG=1 for "
                                                  "details)"), err=True)
            ctx.exit(1)
        _notices(ctx)
        return result


def _notices(ctx: click.Context) -> None:
    from ledger.app import _

    session = ctx.find_object(Session)
    for notice in session.notices if session is not None else ():
        echo(_("Note: {notice}").format(notice=notice), err=True)


def _store_shown(session: Session | None) -> str:
    """The store as messages name it (a URL without its password)."""
    from ledger.app import store_location

    return store_location(session.store if session is not None else None)


@click.group(cls=LedgerGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.option("--store", metavar="PATH|URL", envvar="LEDGER_STORE",
              help="SQLite file or postgresql://USER@HOST:PORT/DB?schema=NAME  [default: $LEDGER_STORE, else ./ledger.sqlite3]")
@click.option("--actor", metavar="NAME", envvar="LEDGER_ACTOR",
              help="Who records the events  [default: $LEDGER_ACTOR, else the OS user]")
@click.option("--strict", is_flag=True, envvar="LEDGER_STRICT",
              help="Refuse events that introduce compliance findings instead of warning (also LEDGER_STRICT=1).")
@click.option("--lang", metavar="LANG", envvar="LEDGER_LANG", callback=lambda ctx, p, v: _language(v or _asked),
              help="Language of tables and messages: zh_CN or en  [default: $LEDGER_LANG, else zh_CN]")
@click.version_option(package_name="personnel-ledger", prog_name="ledger")
@click.pass_context
def cli(ctx: click.Context, store: str | None, actor: str | None, strict: bool, lang: str) -> None:
    """An event-sourced personnel ledger for a bureau and its public institutions.

    Every hire, promotion, appointment, move and separation is an immutable, effective-dated event;
    rosters are rebuilt for any date, as the ledger knew them at any earlier moment.

    The global options may also follow the command (`ledger roster --store ./demo/ledger.sqlite3`).

    \b
    Example:
        ledger demo ./demo
        ledger --store ./demo/ledger.sqlite3 roster --as-of 2022-12-31
    """
    ctx.obj = Session(store, actor, strict)
    ctx.call_on_close(ctx.obj.close)


def _language(value: str | None) -> str:
    """Speak the language asked for (the interface's default, Chinese, if none); a bad name is a usage error."""
    from ledger.app import DEFAULT_INTERFACE_LANGUAGE, use_language

    try:
        code = use_language(value or DEFAULT_INTERFACE_LANGUAGE)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--lang") from None
    speak(cli)
    return code


def _set_global(ctx: click.Context, param: click.Parameter, value: str | bool | None) -> None:
    """A global option given after the command: it overrides the one before it (or its environment variable)."""
    session = ctx.find_object(Session)
    if param.name == "lang" and value is not None:
        _language(str(value))
    elif session is not None and value not in (None, False):
        setattr(session, param.name, value)  # type: ignore[arg-type]


def _after_command_options() -> list[click.Option]:
    return [
        click.Option(["--store"], metavar="PATH|URL", expose_value=False, callback=_set_global, hidden=True,
                     help="The global --store, given after the command."),
        click.Option(["--actor"], metavar="NAME", expose_value=False, callback=_set_global, hidden=True,
                     help="The global --actor, given after the command."),
        click.Option(["--strict"], is_flag=True, default=None, expose_value=False, callback=_set_global, hidden=True,
                     help="The global --strict, given after the command."),
        click.Option(["--lang"], metavar="LANG", expose_value=False, callback=_set_global, hidden=True,
                     help="The global --lang, given after the command."),
    ]


def accept_global_options(command: click.Command) -> None:
    """Let `--store`, `--actor`, `--strict` and `--lang` also follow the command (`ledger roster --store x.sqlite3`), in every
    command and sub-command, except where a command has an option of its own by that name (`serve --store`)."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            accept_global_options(sub)
        return
    taken = {opt for p in command.params for opt in getattr(p, "opts", ())}
    command.params.extend(o for o in _after_command_options() if not set(o.opts) & taken)


COMMANDS: tuple[click.Command, ...] = (
    *append.COMMANDS, imports.import_, imports.import_roster, query.roster, query.history, query.log,
    check.check, audit.diff, audit.verify, audit.digest, audit.keygen, export.export, demo.demo,
    query.resume, imports.import_lrmx,
    query.units, serve.serve,
    audit.rebuild, audit.quarantine, correct.correct, names.find, access.access, audit.checkpoint, audit.rekey,
    eligible, due, transfers.transfer_out, transfers.accept_transfer,
)
append.org.add_command(names.org_list)
for command in COMMANDS:
    accept_global_options(command)
    cli.add_command(command)
# A person's or a unit's name is taken wherever its id or code is asked; recording commands look it up in the
# ledger they write to.
names.accept_names((*append.COMMANDS, imports.import_roster, imports.import_lrmx), writing=True)
names.accept_names(c for c in COMMANDS if c not in (*append.COMMANDS, imports.import_roster, imports.import_lrmx))


def main() -> None:  # pragma: no cover - console entry
    cli(prog_name="ledger")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
