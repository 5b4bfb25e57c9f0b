"""The language messages are written in: gettext catalogues (`ledger/locale/<lang>/LC_MESSAGES/ledger.mo`).

Messages are written in English in the code (the msgids) and translated through `_` when they are made. The
library speaks English until a caller chooses (`use_language`); the CLI chooses Chinese unless `--lang en` or
`LEDGER_LANG=en` says otherwise. JSON keys, event names and rule ids are contracts and are never translated.
The catalogues are kept as .po (edited) and .mo (compiled, read here); `tests/unit/test_message_catalogues.py`
checks that each .mo is its .po compiled. Babel extracts and compiles them (CONTRIBUTING.md).
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "ledger"
LANGUAGES = {"zh": "zh_CN", "zh_cn": "zh_CN", "zh-cn": "zh_CN", "zh_hans": "zh_CN", "en": "en", "en_us": "en",
             "en-us": "en", "en_gb": "en", "c": "en"}
DEFAULT_INTERFACE_LANGUAGE = "zh_CN"

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def language_code(name: str) -> str:
    """The catalogue a language name means (`zh`, `zh_CN`, `zh-CN.UTF-8`, `en` …); ValueError for others."""
    key = name.strip().split(".")[0].lower()
    if key not in LANGUAGES:
        raise ValueError(f"'{name}' is not a language of the ledger (zh_CN, en)")
    return LANGUAGES[key]


@cache
def _catalogue(code: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)


def use_language(name: str) -> str:
    """Speak `name` from now on (this process); returns the catalogue's code."""
    global _current, _language
    code = language_code(name)
    _current, _language = _catalogue(code), code
    return code


def language() -> str:
    """The code of the language messages are made in now."""
    return _language


def _(message: str) -> str:
    """`message` in the current language (itself when the catalogue has no translation)."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; it is translated where it is shown (`_`)."""
    return message


def pgettext(context: str, message: str) -> str:
    """`message` in the current language, in a context (`event`, `field`, `change` …) that tells apart words
    spelled alike; itself when the catalogue has no translation."""
    return _current.pgettext(context, message)


def in_language(code: str, context: str, message: str) -> str:
    """`message` (a word of the vocabulary, in `context`) in language `code`, whatever this process speaks: the
    web view's pages are Chinese while a CLI test speaks English."""
    return _catalogue(language_code(code)).pgettext(context, message)


def NP_(context: str, message: str) -> str:  # noqa: N802 (gettext's spelling)
    """Marks a message with a context for extraction; it is translated where it is shown (`pgettext`)."""
    return message
