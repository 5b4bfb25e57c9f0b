"""The rules in force as a ledger's own facts give them: its recorded settings (`settings_changed`), else the
`ledger.toml` beside a SQLite store, else the catalogue's defaults. Reads nothing from the store itself, so the
writers of the derived tables can ask it of the facts they hold (`ledger.store.kept_findings`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson

from ledger.fold.walk import fold
from ledger.model.facts import Fact
from ledger.rules.catalogue import Rulebook, apply_overrides, load_rulebook


def settings_of(facts: Sequence[Fact], on: date | None = None, known_at: datetime | None = None
                ) -> tuple[dict[str, Any] | None, int | None]:
    """`recorded_settings` from `facts` (every structure fact, at least)."""
    facts = [f for f in facts if f.event in ("settings_changed", "retracted")]
    if not any(f.event == "settings_changed" for f in facts):
        return None, None
    state = fold(facts, on, known_at)
    if state.settings is None:
        return None, None
    ids = [f.id for f in facts if f.event == "settings_changed" and f.known_at(known_at)
           and (on is None or f.effective <= on) and orjson.loads(f.data["settings"]) == state.settings]
    return state.settings, (ids[-1] if ids else None)


def rulebook_of(facts: Sequence[Fact], store_path: Path | None, on: date | None = None) -> Rulebook:
    """The rules in force on `on` (default: today) by the settings among `facts` (every structure fact, at least);
    else those of the `ledger.toml` beside a SQLite store at `store_path`; else the catalogue's."""
    recorded, event = settings_of(facts, on or date.today())
    if recorded is not None:
        return apply_overrides(recorded, f"the store's settings (event {event})")
    return load_rulebook(None, store_path)
