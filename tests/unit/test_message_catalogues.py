"""The message catalogues (ledger/locale): each compiled .mo is its .po, the Chinese one translates every message
the code marks, and every placeholder survives translation."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from ledger.model.i18n import DOMAIN, LOCALE_DIR, use_language

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "NP_": ((1, "c"), 2)}
LANGUAGES = ("zh_CN", "en")


def _po(lang: str):
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as f:
        return read_po(f, locale=lang)


def _marked() -> set[tuple[str | None, str | tuple[str, ...]]]:
    """Every message the code marks for translation, and every help text and label the commands and the event
    types' declarations hold, as Babel extracts them (babel.cfg's method)."""
    found = set()
    for package in ("ledger", "cli"):
        for _file, _line, message, _comments, context in extract_from_dir(
                ROOT / package, method_map=[("**.py", "ledger.model.i18n_extract:extract")], keywords=KEYWORDS):
            found.add((context, message))
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_compiled_catalogue_is_its_po_compiled(lang):
    po = _po(lang)
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as f:
        mo = gettext.GNUTranslations(f)
    for m in po:
        if not m.id or not m.string or (isinstance(m.string, tuple) and not all(m.string)):
            continue
        if isinstance(m.id, tuple):
            assert mo.ngettext(m.id[0], m.id[1], 2) == m.string[0], m.id  # zh_CN has one plural form
        elif m.context:
            assert mo.pgettext(m.context, m.id) == m.string, (m.context, m.id)
        else:
            assert mo.gettext(m.id) == m.string, m.id


def test_every_marked_message_is_translated_into_chinese():
    po = _po("zh_CN")
    translated = {(m.context, m.id) for m in po if m.id and m.string and not m.fuzzy}
    missing = sorted(str(k) for k in _marked() - translated)
    assert not missing, f"untranslated (run the steps in CONTRIBUTING.md, 'Messages'): {missing}"


def test_placeholders_survive_translation():
    for m in _po("zh_CN"):
        if not m.id or isinstance(m.id, tuple):
            continue
        assert set(re.findall(r"{\w+}", m.id)) == set(re.findall(r"{\w+}", m.string)), m.id


def test_a_language_is_chosen_by_name():
    from ledger.model.i18n import _

    try:
        assert use_language("zh-CN.UTF-8") == "zh_CN" and _("No findings.") == "未发现问题。"
        assert use_language("en") == "en" and _("No findings.") == "No findings."
        with pytest.raises(ValueError, match="not a language"):
            use_language("fr")
    finally:
        use_language("en")
