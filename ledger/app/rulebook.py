"""The rules in force for an open ledger: the rules floor takes a plain path; the application knows its store."""

from __future__ import annotations

from pathlib import Path

from ledger.app.ledger import PersonnelLedger
from ledger.rules.catalogue import Rulebook, load_rulebook


def rulebook_for(app: PersonnelLedger, path: str | Path | None = None) -> Rulebook:
    """`path` if given, else `ledger.toml` beside the ledger's SQLite store, else the catalogue's defaults."""
    config = app.config
    return load_rulebook(path, config.path if config is not None and config.kind == "sqlite" else None)
