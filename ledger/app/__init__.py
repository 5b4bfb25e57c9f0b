"""The application floor's public surface: everything the CLI, the exporters and the web page may use of `ledger`.

Readers ask through `Queries` (the query API); entry points record through `ledger.app.recording` (or
`PersonnelLedger.append`). Besides those, readers need a few of the model's names — the errors they turn into
messages, date parsing, the event types the append commands are made from, value types of the answers — and
these are re-exported here so that no reader imports a floor below this one (import-linter checks it).

The names the CLI builds its commands and options from (the event types, the vocabulary, the errors) are
imported eagerly. The rest is imported on first use (PEP 562 `__getattr__`), so that `ledger --help` loads
neither eventsourcing and the store drivers nor the fold, the rules and the spreadsheet and document libraries.
"""

from __future__ import annotations

import gc
import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ledger.model.errors import LedgerError, NoLedger, NotFound, Problem, Refused, StoreError, clipped, quoted
from ledger.model.events import EVENT_TYPES, EventType, Field, Verb, event_label, field_label
from ledger.model.vocabulary import HIRE_MODES, LADDERS

if TYPE_CHECKING:
    from ledger.app.access import (
        access_log_lines,
        access_members,
        enable_access,
        grant_access,
        revoke_access,
    )
    from ledger.app.checkpoint import (
        check_checkpoint,
        latest_checkpoint,
        make_checkpoint,
        read_checkpoint,
        rekey_store,
        write_signing_keys,
    )
    from ledger.app.corrections import correct
    from ledger.app.demo import DEMO_STORE, build_demo, check_demo_folder, demo_narrative
    from ledger.app.district import (
        District,
        approving_percent,
        grant_district_auditor,
        is_district,
        open_district,
    )
    from ledger.app.failures import explain_failure, store_location
    from ledger.app.jsonform import dump_json
    from ledger.app.ledger import PersonnelLedger, default_actor, open_ledger, open_trial
    from ledger.app.outputs import check_output, write_output
    from ledger.app.photos import keep_photo, photo_fields
    from ledger.app.queries import Findings, Queries, RosterOverview, RosterSheet
    from ledger.app.recorded_sentences import recorded_sentences
    from ledger.app.recording import (
        ProgressFactory,
        Recorded,
        import_events,
        import_lrmx,
        import_opening_roster,
        record,
    )
    from ledger.app.settings import settings_text
    from ledger.app.transfers import accept_transfer, grant_transfer_writers, transfer_out
    from ledger.app.upkeep import rebuild_derived
    from ledger.io.lrmx import lrmx_bytes
    from ledger.io.roster_table import CADRE_GROUPS, CADRE_HEADER, cadre_subheaders
    from ledger.model.dates import YearMonth, parse_date, parse_timestamp
    from ledger.model.facts import Draft, Fact
    from ledger.model.i18n import (
        DEFAULT_INTERFACE_LANGUAGE,
        N_,
        NP_,
        _,
        in_language,
        language,
        ngettext,
        pgettext,
        translated_help,
        use_language,
        value_text,
    )
    from ledger.model.identity import mask_id_number
    from ledger.model.parsing import ID_PATTERN, typed_as_id
    from ledger.model.state import State
    from ledger.model.vocabulary import post_level_index
    from ledger.read.history import DIFF_KEYS, LogFilter
    from ledger.read.resume import Resume
    from ledger.read.shown import fact_json
    from ledger.read.yearly import WAYS_IN, WAYS_OUT, YearlyFigures
    from ledger.rules import RULE_IDS, Finding, Rulebook, RulesError
    from ledger.rules.upcoming import DUE_KINDS, window_end
    from ledger.store.crypto import new_key
    from ledger.store.integrity import Verification

# Imported on first use: name -> the module that holds it.
_LAZY = {
    "PersonnelLedger": "ledger.app.ledger", "open_ledger": "ledger.app.ledger", "open_trial": "ledger.app.ledger", "default_actor": "ledger.app.ledger",
    "Queries": "ledger.app.queries", "Findings": "ledger.app.queries", "RosterOverview": "ledger.app.queries",
    "RosterSheet": "ledger.app.queries",
    "Recorded": "ledger.app.recording", "ProgressFactory": "ledger.app.recording", "record": "ledger.app.recording",
    "import_events": "ledger.app.recording", "import_opening_roster": "ledger.app.recording",
    "DEMO_STORE": "ledger.app.demo", "build_demo": "ledger.app.demo", "demo_narrative": "ledger.app.demo",
    "check_demo_folder": "ledger.app.demo",
    "parse_date": "ledger.model.dates", "parse_timestamp": "ledger.model.dates",
    "_": "ledger.model.i18n", "N_": "ledger.model.i18n", "ngettext": "ledger.model.i18n",
    "pgettext": "ledger.model.i18n", "in_language": "ledger.model.i18n", "NP_": "ledger.model.i18n",
    "use_language": "ledger.model.i18n", "language": "ledger.model.i18n", "value_text": "ledger.model.i18n",
    "translated_help": "ledger.model.i18n",
    "DEFAULT_INTERFACE_LANGUAGE": "ledger.model.i18n",
    "Draft": "ledger.model.facts", "Fact": "ledger.model.facts", "State": "ledger.model.state",
    "DIFF_KEYS": "ledger.read.history", "LogFilter": "ledger.read.history", "fact_json": "ledger.read.shown",
    "Resume": "ledger.read.resume", "mask_id_number": "ledger.model.identity", "YearMonth": "ledger.model.dates",
    "import_lrmx": "ledger.app.recording", "lrmx_bytes": "ledger.io.lrmx",
    "recorded_sentences": "ledger.app.recorded_sentences",
    "keep_photo": "ledger.app.photos", "photo_fields": "ledger.app.photos",
    "CADRE_HEADER": "ledger.io.roster_table", "CADRE_GROUPS": "ledger.io.roster_table",
    "cadre_subheaders": "ledger.io.roster_table",
    "YearlyFigures": "ledger.read.yearly", "WAYS_IN": "ledger.read.yearly", "WAYS_OUT": "ledger.read.yearly",
    "post_level_index": "ledger.model.vocabulary",
    "RULE_IDS": "ledger.rules", "Finding": "ledger.rules", "Rulebook": "ledger.rules", "RulesError": "ledger.rules",
    "Verification": "ledger.store.integrity",
    "new_key": "ledger.store.crypto",
    "dump_json": "ledger.app.jsonform",
    "correct": "ledger.app.corrections",
    "ID_PATTERN": "ledger.model.parsing", "typed_as_id": "ledger.model.parsing",
    "explain_failure": "ledger.app.failures", "store_location": "ledger.app.failures",
    "check_output": "ledger.app.outputs", "write_output": "ledger.app.outputs",
    "enable_access": "ledger.app.access", "grant_access": "ledger.app.access", "revoke_access": "ledger.app.access",
    "access_members": "ledger.app.access", "access_log_lines": "ledger.app.access",
    "write_signing_keys": "ledger.app.checkpoint", "make_checkpoint": "ledger.app.checkpoint",
    "check_checkpoint": "ledger.app.checkpoint", "read_checkpoint": "ledger.app.checkpoint",
    "latest_checkpoint": "ledger.app.checkpoint", "rekey_store": "ledger.app.checkpoint",
    "rebuild_derived": "ledger.app.upkeep",
    "settings_text": "ledger.app.settings",
    "District": "ledger.app.district", "open_district": "ledger.app.district",
    "grant_district_auditor": "ledger.app.district", "approving_percent": "ledger.app.district",
    "is_district": "ledger.app.district",
    "quarantine": "ledger.app.quarantine",
    "transfer_out": "ledger.app.transfers", "accept_transfer": "ledger.app.transfers",
    "grant_transfer_writers": "ledger.app.transfers",
    "window_end": "ledger.rules.upcoming", "DUE_KINDS": "ledger.rules.upcoming",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ledger.app' has no attribute '{name}'")
    value = getattr(_loaded(module), name)
    globals()[name] = value  # found once; later look-ups do not come here
    return value


def _loaded(module: str) -> ModuleType:
    """`module`, imported with Python's cyclic GC paused: loading the recording path (eventsourcing, the store, the
    rules) makes tens of thousands of objects that live as long as the process, and the collections they would
    set off find nothing to free (a few ms of a clerk's append)."""
    if module in sys.modules:
        return sys.modules[module]
    was = gc.isenabled()
    gc.disable()
    try:
        return import_module(module)
    finally:
        if was:
            gc.enable()


__all__ = [
    # eager
    "EVENT_TYPES", "HIRE_MODES", "LADDERS", "EventType", "Field", "LedgerError", "NoLedger", "NotFound", "Problem", "Refused", "StoreError",
    "Verb", "clipped", "quoted",
    # on first use
    "DEMO_STORE", "DIFF_KEYS", "Draft", "Fact", "LogFilter", "RULE_IDS", "Finding", "Findings", "PersonnelLedger", "ProgressFactory", "Queries", "Recorded",
    "RosterOverview", "RosterSheet", "Rulebook", "RulesError", "State", "Verification", "YearlyFigures",
    "build_demo", "default_actor", "demo_narrative", "import_events", "import_opening_roster", "new_key", "open_ledger",
    "parse_date", "parse_timestamp", "record", "recorded_sentences",
    # the interface's language (gettext catalogues)
    "_", "N_", "NP_", "ngettext", "pgettext", "use_language", "language", "DEFAULT_INTERFACE_LANGUAGE", "value_text",
    "in_language", "event_label", "field_label", "translated_help",
    # the cadre's file
    "CADRE_GROUPS", "CADRE_HEADER", "Resume", "YearMonth", "cadre_subheaders", "fact_json", "import_lrmx", "lrmx_bytes", "mask_id_number",
    "keep_photo", "photo_fields",
    # the yearly report's ways in and out, and the post levels its sentences are ordered by
    "WAYS_IN", "WAYS_OUT", "post_level_index",
    "dump_json",
    # corrections in one step; ids as typed (a name where an id is asked is looked up)
    "ID_PATTERN", "correct", "open_trial", "typed_as_id",
    # safety: failures in a sentence, output paths that are never the store
    "check_demo_folder", "check_output", "explain_failure", "store_location", "write_output",
    # access and proofs
    "access_log_lines", "access_members", "enable_access", "grant_access", "revoke_access",
    "check_checkpoint", "latest_checkpoint", "make_checkpoint", "read_checkpoint", "rekey_store", "write_signing_keys",
    "rebuild_derived", "quarantine",
    # the store's settings; a district of bureaus
    "settings_text", "District", "open_district", "grant_district_auditor", "approving_percent",
    "transfer_out", "accept_transfer", "grant_transfer_writers", "is_district",
    # the clerk's calendar
    "DUE_KINDS", "window_end",
]
