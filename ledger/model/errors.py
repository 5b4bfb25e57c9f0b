"""The ledger's exceptions. One base, `LedgerError`; the CLI alone turns them into messages and exit codes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ledger.model.i18n import _


@dataclass(frozen=True)
class Problem:
    """One reason a command is refused, worded for the clerk who must fix the input.

    `code` names the kind of refusal (stable, for tests and tools); `line` is the input line or row it came
    from, when there is one; `event_id` is the recorded event it concerns, when it concerns one.
    """

    code: str
    message: str
    line: int | None = None
    event_id: int | None = None

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line is not None else self.message


class LedgerError(Exception):
    """Base of every error the ledger raises on purpose."""


class Refused(LedgerError):
    """The command was refused; nothing was written. Carries one problem per thing to fix."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class StoreError(LedgerError):
    """The store cannot be opened or used as asked (bad URL, wrong key, unreachable server)."""


class NoLedger(StoreError):
    """A store opened for reading holds no ledger (yet): a read never creates one."""


class NotFound(LedgerError):
    """A person, unit or event asked for by a query is not in the ledger."""


def no_unit(code: str | None, on: object, known: Iterable[str]) -> str:
    """The one wording of "there is no such unit": which code, on which date (None: the fact's own date), and
    the codes there are, so the clerk can pick the right one."""
    when = _("this date") if on is None else str(on)
    return _("no unit '{code}' on {when} (units: {known})").format(code=code, when=when,
                                                                  known=", ".join(known) or _("none yet"))
