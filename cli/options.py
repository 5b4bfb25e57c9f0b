"""Option parsers and decorator bundles shared by commands: dates and moments, parsed as the ledger parses them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import click


class DateParam(click.ParamType):
    """A calendar date typed as clerks type it (`ledger.app.parse_date`, the ledger's one date reader: 2022-09-01,
    20220901, 2022/09/01, 2022.09.01, 2022年9月1日); a bad one is a usage error (exit 2) that says why."""

    name = "date"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> date:
        from ledger.app import parse_date

        if isinstance(value, date):
            return value
        try:
            return parse_date(str(value))
        except ValueError as e:
            self.fail(str(e), param, ctx)


DATE = DateParam()


def parse_date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """A calendar date option (the `DATE` type, for options declared with a callback)."""
    return None if value is None else DATE.convert(value, param, ctx)


def parse_moment_option(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    """A moment (ISO 8601, UTC if no zone); a bare date means its end."""
    from ledger.app import parse_timestamp

    if value is None:
        return None
    try:
        return parse_timestamp(value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None


def parse_moment_start_option(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    """A moment where a bare date means its start (00:00 UTC), for the lower end of a range."""
    if value is not None and len(value.strip()) <= 10:
        d = parse_date_option(ctx, param, value)
        return datetime(d.year, d.month, d.day, tzinfo=UTC) if d else None
    return parse_moment_option(ctx, param, value)


as_of_option = click.option("--as-of", "as_of", metavar="DATE", type=DATE,
                            help="The date to look at (2022-12-31, 20221231, 2022年12月31日 …)  [default: today]")
known_at_option = click.option("--known-at", "known_at", metavar="TIMESTAMP", callback=parse_moment_option,
                               help="Answer as the ledger knew it at this moment (ISO 8601, UTC if no zone; a bare date "
                                    "means its end).")


try:  # click ≥ 8.2 marks a parameter not given with a sentinel, earlier versions with None
    from click._utils import UNSET as _UNSET
except ImportError:  # pragma: no cover
    _UNSET = None


class LedgerCommand(click.Command):
    """A command that reports every missing required option at once (click stops at the first), so that a clerk
    typing `ledger hire P1` learns in one run all seven options a hire needs."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, list(args))
        except click.MissingParameter:
            missing = self.missing(ctx, args)
            if len(missing) <= 1:
                raise
            from ledger.app import _

            raise click.UsageError(_("Missing {names} (each is required).").format(names=", ".join(missing)),
                                   ctx) from None

    def missing(self, ctx: click.Context, args: list[str]) -> list[str]:
        """The required parameters given neither on the command line nor by an environment variable."""
        opts, _, _ = self.make_parser(ctx).parse_args(args=list(args))
        out = []
        for p in self.get_params(ctx):
            if p.required and opts.get(p.name, _UNSET) in (None, _UNSET) and p.resolve_envvar_value(ctx) is None:
                out.append(p.opts[-1] if isinstance(p, click.Option) else (p.metavar or p.name or "").upper())
        return out
