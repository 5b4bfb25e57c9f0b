"""The ledger's exceptions. One base, `LedgerError`; the CLI alone turns them into messages and exit codes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ledger.model.i18n import _

QUOTE_LIMIT = 80  # characters of a value a message quotes: a 10 MB key is never echoed back whole
# A quoted value: a quote opening after a space, a bracket or a colon (or at the start), closing before a space or
# punctuation (or at the end) — not the text between a value's closing quote and the next value's opening one.
_QUOTED = re.compile("(?:^|(?<=[\\s(（:：=]))'([^'\\n]{" + str(QUOTE_LIMIT + 1) + ",})'(?=$|[\\s,.;:)）。，；：])")
_MESSAGE_LIMIT = 4000  # a message of many quoted values, each cut, is still one screen at most


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """`value` quoted as a message shows it: 'text', or its first `limit` characters and how long it was."""
    text = str(value)
    if len(text) <= limit:
        return f"'{text}'"
    return f"'{text[:limit]}…' ({len(text):,} characters)"


def _clip_quote(m: re.Match[str]) -> str:
    value = m.group(1)
    if len(value) == QUOTE_LIMIT + 1 and value.endswith("…"):  # cut already (a problem re-made with its line)
        return m.group(0)
    return quoted(value)


def clipped(message: str) -> str:
    """`message` with every quoted value longer than `QUOTE_LIMIT` cut to it (saying how long it was), and the
    whole at most `_MESSAGE_LIMIT` characters: whatever a refusal quotes, it never echoes a huge value back."""
    if len(message) <= QUOTE_LIMIT:
        return message
    message = _QUOTED.sub(_clip_quote, message)
    if len(message) > _MESSAGE_LIMIT:
        message = f"{message[:_MESSAGE_LIMIT]}… ({len(message):,} characters in all)"
    return message


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", clipped(self.message))

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line is not None else self.message


class LedgerError(Exception):
    """Base of every error the ledger raises on purpose (its text never quotes more than 80 characters of a value)."""

    def __str__(self) -> str:
        return clipped(super().__str__())


class Refused(LedgerError):
    """The command was refused; nothing was written. Carries one problem per thing to fix."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:  # each problem is clipped already; all of them are said
        return Exception.__str__(self)


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
