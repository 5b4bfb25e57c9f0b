"""The store's settings (主送, 署名, 填表人, rule overrides), kept in the ledger itself: effective-dated and known-at.

`ledger settings set FILE.toml` records the file's tables as one fact (their JSON form, one line); the settings in
force on a date, as known at a moment, are the last such fact's — a fold, like every other answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson

from ledger.model.change import Change
from ledger.model.events.base import EventType, Field, Verb
from ledger.model.i18n import _

if TYPE_CHECKING:
    from ledger.model.facts import Fact

MAX_SETTINGS = 16_000  # characters of the settings' JSON form (a rules file is a few hundred)


class SettingsChanged(EventType):
    name = "settings_changed"
    label = "settings changed"
    stored_as = "SettingsChanged"
    precedence = 3
    effective_label = "Date the settings take effect"
    about_person = False
    effective_when_recorded = True
    reads_file = "FILE.toml"  # its command reads the settings from a TOML file (`ledger.app.settings`)
    fields = (
        Field("settings", required=True, help="The settings as a JSON object of tables (report, form, rule ids), "
              "as `ledger settings set FILE.toml` records them.", max_length=MAX_SETTINGS, label="settings"),
    )
    verb = Verb("set", "settings", "Record the store's settings (主送, 署名, rule overrides) from a TOML file.",
                "ledger settings set ledger.toml --effective 2024-01-01", group="settings")

    def apply(self, change: Change, f: Fact) -> None:
        try:
            value = orjson.loads(f.data["settings"])
        except orjson.JSONDecodeError:
            value = None
        if not isinstance(value, dict):
            change.refuse(f, "bad_settings", _("the settings are not a JSON object of tables"), who="settings")
            return
        change.state.settings = value
