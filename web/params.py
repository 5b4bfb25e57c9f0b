"""A request's query parameters, parsed as the CLI parses its options (`ledger.app.parse_date`, `parse_timestamp`),
so that `/api/roster?as_of=D` means exactly `ledger roster --as-of D`. A bad or unknown parameter is a
`BadRequest` (400) that says which and why; an empty value is the same as none (a form's blank field).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import TypeVar

from ledger.app import LedgerError, parse_date, parse_timestamp

T = TypeVar("T")


class BadRequest(LedgerError):
    """A request the view cannot answer as asked (HTTP 400): a malformed date, an unknown parameter …"""


class Params:
    """The query parameters of one request, checked against the names its endpoint takes."""

    def __init__(self, values: Mapping[str, str], *allowed: str):
        unknown = sorted(set(values) - set(allowed))
        if unknown:
            expected = ", ".join(allowed) or "none"
            raise BadRequest(f"unknown parameter {', '.join(repr(u) for u in unknown)} (expected: {expected})")
        self.values = {k: v.strip() for k, v in values.items() if v.strip()}

    def text(self, name: str) -> str | None:
        return self.values.get(name)

    def _parsed(self, name: str, parse: Callable[[str], T]) -> T | None:
        value = self.values.get(name)
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as e:
            raise BadRequest(f"{name}: {e}") from None

    def date(self, name: str) -> date | None:
        """A calendar date (YYYY-MM-DD, as --as-of takes it), or None."""
        return self._parsed(name, parse_date)

    def day(self, name: str, default: date) -> date:
        """A date, or `default` when none is given."""
        found = self.date(name)
        return default if found is None else found

    def required_date(self, name: str) -> date:
        found = self.date(name)
        if found is None:
            raise BadRequest(f"{name} is required (YYYY-MM-DD)")
        return found

    def moment(self, name: str) -> datetime | None:
        """A moment (ISO 8601, UTC if no zone; a bare date means its end), as --known-at takes it, or None."""
        return self._parsed(name, parse_timestamp)

    def year(self, name: str, default: int) -> int:
        value = self.values.get(name)
        if value is None:
            return default
        if not value.isdigit() or not 1900 <= int(value) <= 2999:
            raise BadRequest(f"{name}: '{value}' is not a year (1900–2999)")
        return int(value)
