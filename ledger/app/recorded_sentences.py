"""What a recording recorded, said in one sentence an event: "已记录：P21 张三 职级晋升，职级 一级主任科员
（2023-05-01生效），事件号 103" — so that a clerk reads back what the ledger now holds, not a bare id.

The sentence is built from the event type's declared label and its fields' labels (`ledger.model.events`), in the
interface's language; every 身份证号 is masked (`fact_json`). The person's name is looked up by id through the read
source (the fact index where it is current: no city is folded for a sentence).
"""

from __future__ import annotations

from collections.abc import Sequence

from ledger.app.ledger import PersonnelLedger
from ledger.app.sources import read_source
from ledger.fold.scope import STRUCTURE
from ledger.fold.walk import fold
from ledger.model.events import EVENT_TYPES, event_label, field_label
from ledger.model.facts import Fact
from ledger.model.i18n import _, pgettext, value_text
from ledger.read.shown import fact_json

SAID_APART = ("effective", "basis", "note", "override", "name")  # said otherwise, or kept with the event only


def recorded_facts(app: PersonnelLedger, ids: Sequence[int]) -> list[Fact]:
    """The facts just recorded with these ids, read back from the store."""
    if not ids:
        return []
    return list(app.codec.facts(app.fact_log.stream.at(list(ids)), app.fact_log.met))


def person_names(app: PersonnelLedger, people: set[str]) -> dict[str, str]:
    """The names of these people (or assistants), by id, as the ledger holds them after every fact."""
    if not people:
        return {}
    state = fold(read_source(app).facts_of([STRUCTURE, *sorted(people)]))  # their facts alone: no index of every name
    found = {p: s.name for p, s in state.assistants.items() if p in people}
    found.update({p: s.name for p, s in state.people.items() if p in people})
    return found


def sentence(f: Fact, names: dict[str, str]) -> str:
    """One recorded fact in one sentence: its subject (with the person's name), its type's label, each of its own
    fields given (by label), when it takes effect and its event id."""
    t = EVENT_TYPES[f.event]
    shown = fact_json(f)
    argument = t.verb.argument
    subject = str(shown.get(argument, ""))
    if argument == "target":
        subject = _("event {id}").format(id=subject)
    name = shown.get("name") or (names.get(subject) if argument == "person" else None)  # a hire's, a unit's
    if name:
        subject = f"{subject} {name}"
    own = {g.name for g in t.fields}
    details = [_("{field} {value}").format(field=field_label(k, f.event), value=value_text(v))
               for k, v in shown.items()
               if k in own and k != argument and k not in SAID_APART and v is not None and v != ""]
    what = event_label(f.event)
    if details:
        what = _("{event}, {details}").format(event=what, details=pgettext("list", ", ").join(details))
    return _("Recorded: {subject} {what} (effective {effective}), event {id}").format(
        subject=subject, what=what, effective=f.effective, id=f.id)


def recorded_sentences(app: PersonnelLedger, ids: Sequence[int]) -> list[str]:
    """A sentence for each event just recorded (`ids`), in recording order."""
    facts = recorded_facts(app, ids)
    names = person_names(app, {str(f.data["person"]) for f in facts if f.data.get("person")})
    return [sentence(f, names) for f in facts]
