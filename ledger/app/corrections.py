"""Corrections in one step (`ledger correct`): a recorded event retracted and its corrected form recorded in the
same batch, so the whole timeline is judged with the correction in place — a hire's birth date corrected while
its later promotions stand, which retracting first (the later events then have no hire) or hiring again (the
person is already hired) cannot do.

The corrected event is the recorded one's fields with the given ones replaced, parsed as any event is; the
retraction names it as its replacement. Validation, findings and the store stay `recording.record`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ledger.app.recording import Recorded, record
from ledger.app.sources import facts_about, read_source
from ledger.fold.walk import retracted_ids
from ledger.model.errors import Problem, Refused
from ledger.model.events import EVENT_TYPES
from ledger.model.facts import Draft, Fact
from ledger.model.i18n import _

if TYPE_CHECKING:
    from ledger.app.ledger import PersonnelLedger

# Fields a correction keeps as the store wrote them, never from the recorded event's JSON form.
_RECORDED = ("id", "event", "recorded", "actor")


def correction_drafts(facts: list[Fact], target: int, changes: Mapping[str, Any], reason: str) -> list[Draft]:
    """The batch that corrects event `target`: its corrected form, then its retraction naming that as replacement.

    `changes` maps field names (`birth_date`, or as typed, `birth-date`) to the values a clerk typed; True for a
    flag given without a value. Refused (nothing to record) for an unknown event, a retraction, a field the event
    does not have, a value missing, or no change at all.
    """
    by_id = {f.id: f for f in facts}
    old = by_id.get(target)
    if old is None:
        raise Refused([Problem("unknown_event", _("correct: no event {id} in the ledger").format(id=target))])
    if old.event == "retracted":
        raise Refused([Problem("not_correctable", _(
            "correct: event {id} is a retraction; retract it instead (its target then counts again)").format(id=target))])
    retracted = retracted_ids(facts)
    gone = retracted.get(target)
    if gone is not None:
        later = gone.data.get("replacement")
        while later in retracted and retracted[later].data.get("replacement"):  # corrected more than once
            later = retracted[later].data["replacement"]
        raise Refused([Problem("already_retracted", (_("correct: event {id} was already retracted by event {by}; its correction is event {later}: correct that one")
                                                     if later else _("correct: event {id} was already retracted by event {by}"))
                               .format(id=target, by=gone.id, later=later))])
    etype = EVENT_TYPES[old.event]
    fields = {k: v for k, v in old.as_json().items() if k not in _RECORDED and v is not None}
    problems: list[Problem] = []
    changed = False
    for raw_name, value in changes.items():
        name = raw_name.replace("-", "_")
        spec = etype.by_name.get(name)
        if spec is None:
            problems.append(Problem("unknown_field", _("correct: event {id} is {event}, which has no field --{field} (fields: {fields})").format(
                id=target, event=old.event, field=raw_name.replace("_", "-"),
                fields=", ".join("--" + f.name.replace("_", "-") for f in etype.all_fields))))
            continue
        if value is True and spec.kind is not bool:
            problems.append(Problem("missing_value", _("correct: --{field} needs a value").format(
                field=raw_name.replace("_", "-"))))
            continue
        value = None if value == "" else value  # an empty value clears an optional field
        if _shown(fields.get(name)) != _shown(value):
            changed = True
        fields[name] = value
    if problems:
        raise Refused(problems)
    if not changed:
        raise Refused([Problem("no_change", _(
            "correct: the values given are those event {id} already holds; give at least one --FIELD VALUE that differs"
        ).format(id=target))])
    corrected = Draft(old.event, {k: v for k, v in fields.items() if v is not None})
    retraction = Draft("retracted", {"target": target, "reason": reason}, replaced_by=0)
    return [corrected, retraction]


def _shown(value: Any) -> str | None:
    """A value as typed and as recorded compared alike (`2022-09-01` and the date; True and "true")."""
    if value is None:
        return None
    if value is True or value is False:
        return str(value).lower()
    return str(value.isoformat() if hasattr(value, "isoformat") else value)


def correct(app: PersonnelLedger, target: int, changes: Mapping[str, Any], reason: str, *,
            actor: str | None = None, strict: bool = False, dry_run: bool = False) -> Recorded:
    """Retract event `target` and record its corrected form, as one batch validated as a whole (with `dry_run`,
    validate only). Returns the new ids: the corrected event's and the retraction's, in recording order."""
    drafts = correction_drafts(facts_about(read_source(app), target), target, changes, reason)
    return record(app, drafts, actor=actor, strict=strict, dry_run=dry_run)
