"""How the tables name the ledger's words: event types, fields, changes, severities — marked here for the
message catalogues (`ledger/locale`), translated where they are shown. The JSON keeps the English names."""

from __future__ import annotations

from typing import Any

from ledger.app import NP_, pgettext

EVENTS = (
    NP_("event", "unit_established"), NP_("event", "section_established"), NP_("event", "section_abolished"),
    NP_("event", "quota_set"), NP_("event", "post_quota_set"), NP_("event", "selection_started"),
    NP_("event", "recommendation_held"), NP_("event", "inspection_done"), NP_("event", "decision_made"),
    NP_("event", "review_recorded"), NP_("event", "rectification_recorded"),
    NP_("event", "hired"), NP_("event", "profile_recorded"),
    NP_("event", "education_recorded"), NP_("event", "title_conferred"), NP_("event", "career_recorded"),
    NP_("event", "appraised"), NP_("event", "award_recorded"), NP_("event", "discipline_recorded"),
    NP_("event", "transferred"), NP_("event", "rank_promoted"), NP_("event", "post_vacated"),
    NP_("event", "probation_ended"), NP_("event", "post_appointed"), NP_("event", "secondment_ended"),
    NP_("event", "secondment_started"), NP_("event", "assistant_released"), NP_("event", "assistant_engaged"),
    NP_("event", "separated"), NP_("event", "retracted"),
)

FIELDS = (
    NP_("field", "answers"), NP_("field", "basically_satisfied"), NP_("field", "basis"), NP_("field", "birth_date"),
    NP_("field", "birthplace"), NP_("field", "candidates"), NP_("field", "chosen"), NP_("field", "conclusion"),
    NP_("field", "count"), NP_("field", "degree"), NP_("field", "dissatisfied"), NP_("field", "education"),
    NP_("field", "effective"), NP_("field", "establishment"), NP_("field", "ethnicity"), NP_("field", "from_month"),
    NP_("field", "funding"), NP_("field", "gender"), NP_("field", "grade"), NP_("field", "graduated"),
    NP_("field", "health"), NP_("field", "host"), NP_("field", "id_number"), NP_("field", "kind"),
    NP_("field", "level"), NP_("field", "members"), NP_("field", "mode"), NP_("field", "name"),
    NP_("field", "native_place"), NP_("field", "no_probation"), NP_("field", "not_known"), NP_("field", "note"),
    NP_("field", "override"), NP_("field", "parent"), NP_("field", "participants"), NP_("field", "party"),
    NP_("field", "party_joined"), NP_("field", "person"), NP_("field", "places"), NP_("field", "post"),
    NP_("field", "present"), NP_("field", "probation"), NP_("field", "publicity_from"),
    NP_("field", "publicity_to"), NP_("field", "rank"), NP_("field", "rank_since"), NP_("field", "reason"),
    NP_("field", "replacement"), NP_("field", "result"), NP_("field", "role"), NP_("field", "satisfied"),
    NP_("field", "school"), NP_("field", "section"), NP_("field", "selection"), NP_("field", "since"),
    NP_("field", "specialty"), NP_("field", "target"), NP_("field", "text"), NP_("field", "title"),
    NP_("field", "to_month"), NP_("field", "to_unit"), NP_("field", "unit"), NP_("field", "until"),
    NP_("field", "votes"), NP_("field", "work_started"), NP_("field", "year"),
)

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
    return pgettext("event", name)


def field_label(name: str) -> str:
    return pgettext("field", name)


def change_label(key: str) -> str:
    return pgettext("change", key)


def severity_label(severity: str) -> str:
    return pgettext("severity", severity)


def due_label(kind: str) -> str:
    return pgettext("due", kind)


def value_text(value: Any) -> str:
    """A field's value as a table shows it (yes/no in the interface's language)."""
    from ledger.app import _

    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value)
