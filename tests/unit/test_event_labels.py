"""Issue 24 item 5: every event type and every field is shown by its label, declared once with the type (its
`label`, the field's `label`), and each label has its translation in both catalogues (zh_CN: Chinese, en: the
English label) — so that no table or page shows `rank_promoted` or `birth_date=` to a Chinese reader."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from ledger.model.events import EVENT_TYPES, event_label, field_label
from ledger.model.i18n import DOMAIN, LOCALE_DIR, in_language

CJK = re.compile(r"[\u4e00-\u9fff]")
TYPES = list(EVENT_TYPES.values())


def _entries(lang: str) -> set[tuple[str | None, str]]:
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as f:
        return {(m.context, m.id) for m in read_po(f, locale=lang) if m.id}


@pytest.mark.parametrize("t", TYPES, ids=lambda t: t.name)
def test_every_event_type_and_field_declares_its_label(t):
    assert t.label and t.label != t.name, f"{t.name} declares no label"
    for f in t.all_fields:
        assert f.label, f"{t.name}.{f.name} declares no label"


@pytest.mark.parametrize("t", TYPES, ids=lambda t: t.name)
def test_every_label_is_translated_into_chinese_and_kept_in_english(t):
    en = _entries("en")
    assert ("event", t.label) in en
    zh = in_language("zh_CN", "event", t.label)
    assert CJK.search(zh) and zh == event_label(t.name, lang="zh_CN"), (t.name, zh)
    assert event_label(t.name, lang="en") == t.label
    for f in t.all_fields:
        assert ("field", f.label) in en, (t.name, f.name)
        said = field_label(f.name, t.name, lang="zh_CN")
        assert said != f.label or f.label == "SHA-256", f"{t.name}.{f.name}: '{f.label}' has no Chinese translation"
        assert CJK.search(said) or f.label == "SHA-256", (t.name, f.name, said)
        assert field_label(f.name, t.name, lang="en") == f.label


def test_a_field_is_labelled_as_its_own_type_declares_it():
    assert field_label("name", "unit_established", lang="zh_CN") == "单位名称"
    assert field_label("name", "hired", lang="zh_CN") == "姓名"
    assert event_label("rank_promoted", lang="zh_CN") == "职级晋升"
    assert field_label("birth_date", lang="zh_CN") == "出生日期"


def test_an_unknown_name_is_shown_as_itself():
    assert event_label("no_such_event") == "no_such_event" and field_label("no_such_field") == "no_such_field"
