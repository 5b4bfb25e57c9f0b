"""The event vocabulary: every kind of fact the ledger records, each declared once (`base.EventType`).

Every module of this package (but `base`) declares event types, by family: `structure`, `people`, `posts`,
`secondments`, `assistants`, `corrections`. They are found here: a new module with an `EventType` subclass in
it adds an event type to the ledger — its stored class, its parser, its command and its place in the walk all
follow from the declaration (`CONTRIBUTING.md` walks through an example). `EVENT_TYPES` maps the vocabulary's
names (the JSON "event", a contract) to the declarations, in the order facts apply within a day.
"""

from __future__ import annotations

import importlib
import pkgutil

from ledger.model.errors import Problem
from ledger.model.events.base import COMMON_FIELDS, EventType, Field, Verb
from ledger.model.i18n import in_language, pgettext


def _declared() -> list[type[EventType]]:
    found: list[type[EventType]] = []
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        found += [cls for cls in vars(module).values() if isinstance(cls, type) and issubclass(cls, EventType)
                  and cls.__module__ == module.__name__ and "name" in vars(cls)]
    return sorted(found, key=lambda cls: cls.precedence)


EVENT_TYPES: dict[str, EventType] = {cls.name: cls() for cls in _declared()}


def event_type(name: str) -> EventType:
    """The declaration of an event type; `UnknownEventType` names the known ones."""
    try:
        return EVENT_TYPES[name]
    except KeyError:
        raise UnknownEventType(name) from None


def event_label(name: str, lang: str | None = None) -> str:
    """An event type by its declared label, in the interface's language (or `lang`); an unknown name as itself."""
    t = EVENT_TYPES.get(name)
    if t is None or not t.label:
        return name
    return pgettext("event", t.label) if lang is None else in_language(lang, "event", t.label)


def _field_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for t in EVENT_TYPES.values():
        for f in t.all_fields:
            labels.setdefault(f.name, f.label)
    return labels


FIELD_LABELS = _field_labels()  # a field's name -> its label, as the first type declaring it says


def field_label(name: str, event: str | None = None, lang: str | None = None) -> str:
    """A field by its declared label (as event type `event` declares it, where it says one of its own), in the
    interface's language (or `lang`); an unknown name as itself."""
    t = EVENT_TYPES.get(event) if event else None
    label = (t.by_name[name].label if t is not None and name in t.by_name else None) or FIELD_LABELS.get(name)
    if not label:
        return name
    return pgettext("field", label) if lang is None else in_language(lang, "field", label)


class UnknownEventType(KeyError):
    def __init__(self, name: str):
        super().__init__(name)
        self.problem = Problem("unknown_event", f"unknown event type '{name}' (known: {', '.join(EVENT_TYPES)})")

    def __str__(self) -> str:
        return self.problem.message


__all__ = ["COMMON_FIELDS", "EVENT_TYPES", "FIELD_LABELS", "EventType", "Field", "UnknownEventType", "Verb", "event_label",
           "event_type", "field_label"]
