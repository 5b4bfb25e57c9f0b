"""Whether the rows after a vetted mark are ones the ledger's writer would itself have written.

`ledger.store.row_rules` judges a row alone (its topic, its size, its payload's shape). A row inserted by hand can
pass those and still not be the ledger's: a version that skips a number, a chain that does not follow the row
before it, or a fact the entry rules refuse (a date outside the ledger's range, text holding control or bidi
characters, a fact about a person no fact brings in). `Vetter` checks those too, for the rows a reader takes in
after the last position the derived tables hold (everything up to it was vetted when they took it in): the tail,
where a row inserted by hand can only be, since nobody but the owner can update or delete a row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from ledger.model.facts import Fact
from ledger.model.parsing import EARLIEST, LATEST, refused_character
from ledger.store.chain import CHAIN_FIELD, GENESIS, link
from ledger.store.row_rules import foreign, quoted

ARRIVALS = ("hired", "assistant_engaged")  # the facts that bring a person into the ledger


def unwritten(f: Fact, known: Callable[[str], bool]) -> str | None:
    """Why the ledger would have refused fact `f` at entry (None: it could have written it); `known(person)`: whether
    a fact recorded before `f` brings the person in."""
    if not EARLIEST <= f.effective <= LATEST:
        return (f"event {f.id} is dated {f.effective}, outside {EARLIEST}–{LATEST}: the ledger writes no such fact "
                "(a row inserted by hand?)")
    for name, value in f.data.items():
        said = refused_character(value) if isinstance(value, str) else None
        if said is None and isinstance(value, date) and not EARLIEST <= value <= LATEST:
            said = f"the date {value}, outside {EARLIEST}–{LATEST}"
        if said is not None:
            return (f"event {f.id}'s {name} holds {said}: the ledger refuses it at entry and writes no such fact "
                    "(a row inserted by hand?)")
    person = f.data.get("person") if f.event not in ARRIVALS else None
    if isinstance(person, str) and not known(person):
        return (f"event {f.id} ({f.event}) is about {quoted(person)}, whom no fact brings into the ledger (a row "
                "inserted by hand?)")
    return None


class Vetter:
    """Rows in version order after row `last` (whose chain is `chain`), each checked as the writer would have
    written it: `row` for the row's place, topic, size and chain, then `fact` for the entry rules. A row passed over
    (foreign or quarantined) is not chained onto: the next row must follow the last one accepted."""

    def __init__(self, last: int, chain: str | None, decode: Callable[[bytes], dict[str, Any]],
                 known: Callable[[str], bool]):
        self.last = last
        self.prev = bytes.fromhex(chain) if chain else GENESIS
        self.decode = decode
        self.known = known
        self.arrived: set[str] = set()
        self._next: bytes | None = None

    def row(self, version: int, topic: str, state: bytes) -> str | None:
        """Why the row is not one the ledger wrote after the rows accepted so far (None: it may be)."""
        seen, self.last = self.last, version
        if version != seen + 1:
            return (f"event {version} follows event {seen}: the numbers between are missing, so it was inserted into "
                    "the table directly")
        why = foreign(version, topic, len(state))
        if why is not None:
            return why
        try:
            data = self.decode(state)
        except Exception as e:
            return f"event {version} does not decode ({quoted(e)}): it was inserted into the table directly"
        chain = data.get(CHAIN_FIELD) if isinstance(data, dict) else None
        try:
            computed = link(self.prev, topic, data)
        except Exception:
            computed = b""
        if not isinstance(chain, str) or computed.hex() != chain:
            return (f"event {version}'s chain does not follow the event before it: it was not recorded by the ledger "
                    "but inserted into the table directly")
        self._next = computed
        return None

    def accept(self) -> None:
        """The row `row` just checked is taken in: the next row chains onto it."""
        if self._next is not None:
            self.prev, self._next = self._next, None

    def fact(self, f: Fact) -> str | None:
        """Why the fact of the row just checked is one the ledger refuses at entry (None: it is not)."""
        why = unwritten(f, self._known)
        if why is None and f.event in ARRIVALS and isinstance(f.data.get("person"), str):
            self.arrived.add(f.data["person"])
        return why

    def _known(self, person: str) -> bool:
        """Whether a fact before brings the person in (asked of `known` once per person)."""
        if person in self.arrived:
            return True
        if self.known(person):
            self.arrived.add(person)
            return True
        return False
