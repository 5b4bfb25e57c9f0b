"""Every event type is declared whole: each part the ledger derives from a declaration is there and consistent.

A new event type that forgets a part fails here, not at run time in front of a clerk.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest

from cli.main import cli
from ledger.fold.walk import PRECEDENCE
from ledger.model.events import EVENT_TYPES, EventType
from ledger.model.events.base import FIELD_FORMS, FIELD_KINDS
from ledger.store.aggregate import STORED_CLASSES, TOPIC_NAMES

TYPES = list(EVENT_TYPES.values())


def test_names_precedences_stored_classes_and_commands_are_unique() -> None:
    for attribute in ("name", "stored_as", "precedence"):
        values = [getattr(t, attribute) for t in TYPES]
        assert len(values) == len(set(values)), attribute
    commands = [(t.verb.group, t.verb.command) for t in TYPES]
    assert len(commands) == len(set(commands))


@pytest.mark.parametrize("t", TYPES, ids=lambda t: t.name)
def test_declaration_is_complete(t: EventType) -> None:
    assert re.fullmatch(r"[a-z]+(_[a-z]+)*", t.name)
    assert re.fullmatch(r"[A-Z][A-Za-z]+", t.stored_as)
    assert isinstance(t.precedence, int)
    assert type(t).apply is not EventType.apply, "apply: how the fact changes the state"
    names = [f.name for f in t.all_fields]
    assert len(names) == len(set(names))
    for f in t.all_fields:
        assert f.kind in FIELD_KINDS, f.name
        assert f.help.strip(), f"{t.name}.{f.name} has no help"
        assert not f.choices or f.kind is str
        assert f.form in FIELD_FORMS and (f.kind is str or (f.form == "text" and f.max_length is None)), f.name
    for name in ("person", *t.unit_fields, "parent"):  # the fields that name someone or something are ids
        if name in t.by_name:
            assert t.by_name[name].form == "id", f"{t.name}.{name} should be form='id'"
    assert t.verb.argument in names
    assert t.verb.summary and t.verb.example.startswith("ledger ")
    assert set(t.unit_fields) <= set(names)
    if t.about_person:
        assert t.by_name["person"].required


@pytest.mark.parametrize("t", TYPES, ids=lambda t: t.name)
def test_derived_parts_exist(t: EventType) -> None:
    stored = STORED_CLASSES[t.name]
    stored_fields = {f.name for f in dataclasses.fields(stored)}
    assert {f.name for f in t.all_fields} <= stored_fields
    assert TOPIC_NAMES[f"ledger.domain:Ledger.{t.stored_as}"] == t.name
    assert PRECEDENCE[t.name] == t.precedence
    group = cli.commands[t.verb.group] if t.verb.group else cli
    command = group.commands[t.verb.command]  # type: ignore[attr-defined]
    options = {p.name: p for p in command.params}
    for f in t.command_fields:
        assert f.name in options, f"`ledger {t.verb.command}` lacks --{f.name.replace('_', '-')}"
        if f.name != t.verb.argument:
            assert options[f.name].help == f.help


def test_date_fields_are_the_declared_dates() -> None:
    hired = EVENT_TYPES["hired"]
    assert set(hired.date_fields) == {f.name for f in hired.all_fields if f.kind is date}
    assert {"birth_date", "rank_since", "effective"} <= set(hired.date_fields)
