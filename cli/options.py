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
