"""The rules in force for an open ledger: the rules floor takes a plain path; the application knows its store."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from ledger.app.ledger import PersonnelLedger
from ledger.rules.catalogue import Rulebook, apply_overrides, load_rulebook


def rulebook_for(app: PersonnelLedger, path: str | Path | None = None, on: date | None = None,
                 known_at: datetime | None = None) -> Rulebook:
    """`path` if given; else the settings recorded in the store in force on `on` (default: today) as known at
    `known_at` (`ledger settings set`); else `ledger.toml` beside the ledger's SQLite store; else the catalogue's
    defaults."""
    if path is None:
        from ledger.app.settings import recorded_settings

        recorded, event = recorded_settings(app, on or date.today(), known_at)
        if recorded is not None:
            return apply_overrides(recorded, f"the store's settings (event {event})")
    config = app.config
    return load_rulebook(path, config.path if config is not None and config.kind == "sqlite" else None)
