"""The store's settings (主送, 署名, 填表人, rule overrides) as recorded in the store, and the rules they put in force.

`ledger settings set FILE.toml` records the file as a `settings_changed` fact (its JSON form), so the settings in
force on a date as known at a moment are a fold of the store's structure facts, on SQLite and PostgreSQL alike.
Where a store has none recorded, `ledger.toml` beside a SQLite store is read as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from ledger.app.rules_in_force import settings_of
from ledger.app.sources import read_source
from ledger.fold.scope import STRUCTURE
from ledger.model.errors import Problem, Refused
from ledger.model.events.settings import MAX_SETTINGS
from ledger.model.facts import Draft
from ledger.rules.catalogue import RULES_FILE, RulesError, apply_overrides, read_rules_file

if TYPE_CHECKING:
    from ledger.app.ledger import PersonnelLedger


def settings_text(path: Path | str) -> str:
    """A settings file (TOML) as the one line `settings_changed` records: refused in one sentence when it cannot
    be read or names a rule or setting the catalogue does not know (nothing is written then)."""
    path = Path(path)
    data = read_rules_file(path)
    apply_overrides(data, str(path))  # every rule id and parameter checked now, not at the next `check`
    text = orjson.dumps(data).decode()
    if len(text) > MAX_SETTINGS:
        raise RulesError(f"settings file {path} is {len(text):,} characters as recorded; at most {MAX_SETTINGS:,}")
    return text


def recorded_settings(app: PersonnelLedger, on: date | None = None,
                      known_at: datetime | None = None) -> tuple[dict[str, Any] | None, int | None]:
    """The settings recorded in the store in force on `on` (None: after every fact) as known at `known_at`, and the
    event that recorded them; (None, None) when none were."""
    if not app.stream.exists():
        return None, None
    return settings_of(read_source(app).facts_of([STRUCTURE]), on, known_at)


def settings_in_force(app: PersonnelLedger, on: date | None = None, known_at: datetime | None = None
                      ) -> dict[str, Any]:
    """What `ledger settings show` prints: the settings in force and where they come from (`store`: recorded in
    the store, with the event; `file`: ledger.toml beside a SQLite store; null: the catalogue's defaults)."""
    recorded, event = recorded_settings(app, on, known_at)
    answer: dict[str, Any] = {"as_of": on.isoformat() if on else None,
                              "known_at": known_at.isoformat() if known_at else None}
    if recorded is not None:
        return {**answer, "source": "store", "event": event, "settings": recorded}
    beside = _beside(app)
    if beside is not None:
        return {**answer, "source": "file", "file": str(beside), "settings": read_rules_file(beside)}
    return {**answer, "source": None, "settings": {}}


def _beside(app: PersonnelLedger) -> Path | None:
    config = app.config
    if config is None or config.kind != "sqlite" or config.path is None:
        return None
    path = Path(config.path).expanduser().parent / RULES_FILE
    return path if path.is_file() else None


def check_settings(drafts: Sequence[Draft]) -> None:
    """Refuse (nothing written) settings that are not a JSON object of tables the catalogue knows — whether they come
    from `ledger settings set` or from a line of an import file."""
    problems = []
    for d in drafts:
        if d.event != "settings_changed":
            continue
        text = d.fields.get("settings")
        try:
            value = orjson.loads(text) if isinstance(text, str) else None
        except orjson.JSONDecodeError:
            value = None
        if not isinstance(value, dict):
            problems.append(Problem("bad_settings", "the settings are not a JSON object of tables", line=d.line))
            continue
        try:
            apply_overrides(value, "the settings")
        except RulesError as e:
            problems.append(Problem("bad_settings", str(e), line=d.line))
    if problems:
        raise Refused(problems)
