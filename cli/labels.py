"""How the tables name the ledger's words: event types and fields by the labels their declarations give
(`ledger.model.events`), changes and severities marked here for the message catalogues (`ledger/locale`); all
translated where they are shown. The JSON keeps the English names."""

from __future__ import annotations

from typing import Any

from ledger.app import NP_, pgettext
from ledger.app import event_label as _event_label
from ledger.app import field_label as _field_label

CHANGES = (  # the diff's keys (ledger.app.DIFF_KEYS)
    NP_("change", "joined"), NP_("change", "left"), NP_("change", "promoted"), NP_("change", "appointed"),
    NP_("change", "vacated"), NP_("change", "moved"), NP_("change", "seconded"), NP_("change", "returned"),
    NP_("change", "assistants_engaged"), NP_("change", "assistants_released"),
)

SEVERITIES = (NP_("severity", "error"), NP_("severity", "warning"), NP_("severity", "info"),
              NP_("severity", "notice"))

DUE = (NP_("due", "probation_ends"), NP_("due", "retirement"), NP_("due", "secondment_ends"),  # ledger.app.DUE_KINDS
       NP_("due", "eligible"))


def event_label(name: str) -> str:
    return _event_label(name)


def field_label(name: str, event: str | None = None) -> str:
    return _field_label(name, event)


def change_label(key: str) -> str:
    return pgettext("change", key)


def severity_label(severity: str) -> str:
    return pgettext("severity", severity)


def due_label(kind: str) -> str:
    return pgettext("due", kind)


def value_text(value: Any) -> str:
    """A field's value as a table shows it (`ledger.model.i18n.value_text`, as a recording's sentence does)."""
    from ledger.app import value_text as shown

    return shown(value)
