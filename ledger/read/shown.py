"""What every reader shows of a recorded fact: its flat JSON with every 身份证号 masked (`fact_json`).

Apart from the history and the diff (`ledger.read.history`, which uses it), so that a clerk's append can say what it
recorded without loading them.
"""

from __future__ import annotations

from typing import Any

from ledger.model.events import EVENT_TYPES
from ledger.model.facts import Fact
from ledger.model.identity import masked


def fact_json(f: Fact, reveal: bool = False) -> dict[str, Any]:
    """`Fact.as_json` with every 身份证号 masked unless `reveal` (the one place outputs of facts are made safe)."""
    out = f.as_json()
    t = EVENT_TYPES.get(f.event)
    return out if reveal or t is None else masked(out, t.id_number_fields)
