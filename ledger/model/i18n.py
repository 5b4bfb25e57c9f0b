"""The language messages are written in: gettext catalogues (`ledger/locale/<lang>/LC_MESSAGES/ledger.mo`).

Messages are written in English in the code (the msgids) and translated through `_` when they are made. The
library speaks English until a caller chooses (`use_language`); the CLI chooses Chinese unless `--lang en` or
`LEDGER_LANG=en` says otherwise. JSON keys, event names and rule ids are contracts and are never translated.
The catalogues are kept as .po (edited) and .mo (compiled, read here); `tests/unit/test_message_catalogues.py`
checks that each .mo is its .po compiled. Babel extracts and compiles them (CONTRIBUTING.md).
"""

from __future__ import annotations

import gettext
import inspect
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

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
    """`message` in the current language (itself when the catalogue has no translation); while `kept()`, a
    `Template` that remembers its msgid."""
    if _keeping.get():
        return Template(_current.gettext(message), message)
    return _current.gettext(message)


# --- messages kept to be made again (ledger.rules.kept: findings stored once, shown in any language and date) -------
_keeping: ContextVar[bool] = ContextVar("keeping", default=False)
Form = Any  # a message's form as JSON: text, number or null; {"m": msgid, "a": {name: form}}; {"+": [forms]};
# {"j": separator form, "i": [forms]}


@contextmanager
def kept() -> Iterator[None]:
    """While inside, `_` gives `Template`s: a message made from them can be made again (`form_of`, `made`) in
    another language, with another value for one of its fields (the date a state finding is judged on)."""
    token = _keeping.set(True)
    try:
        yield
    finally:
        _keeping.reset(token)


class _Formed(str):
    """A message made while `kept()`: its text, and its form (worked out when first asked: most messages a rule
    makes are never kept). Joining or adding keeps the form."""

    def __new__(cls, text: str, parts: Any, how: str = "") -> _Formed:
        made = super().__new__(cls, text)
        made._parts, made._how, made._form = parts, how, None
        return made

    @property
    def form(self) -> Form:
        if self._form is None:
            parts, how = self._parts, self._how
            if how == "format":
                msgid, kwargs = parts
                self._form = {"m": msgid, "a": {k: form_of(v) for k, v in kwargs.items()}}
            elif how == "join":
                separator, items = parts
                self._form = {"j": form_of(separator), "i": [form_of(x) for x in items]}
            elif how == "add":
                self._form = {"+": [form_of(x) for x in parts]}
            else:
                self._form = parts
        return self._form

    def __add__(self, other: str) -> str:
        return _Formed(str.__add__(self, other), (self, other), "add")

    def __radd__(self, other: str) -> str:
        return _Formed(other + str(self), (other, self), "add")


class Template(_Formed):
    """A translated msgid while `kept()`: `format` and `join` give `_Formed` messages."""

    def __new__(cls, text: str, msgid: str) -> Template:
        made = super().__new__(cls, text, {"m": msgid})
        made.msgid = msgid
        return made  # type: ignore[return-value]

    def format(self, *args: Any, **kwargs: Any) -> str:  # noqa: A003 (str's own name)
        text = str.format(self, *args, **kwargs)
        if args:  # (the ledger's messages name their fields; a positional one is kept as made)
            return text
        return _Formed(text, (self.msgid, kwargs), "format")

    def join(self, items: Iterable[str]) -> str:
        items = list(items)
        return _Formed(str.join(self, items), (self, items), "join")


def form_of(value: Any) -> Form:
    """A message's (or a field value's) form: how `made` makes it again."""
    if isinstance(value, _Formed):
        return value.form
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def made(form: Form, fields: dict[str, Any] | None = None) -> str:
    """The message of `form` in the current language; `fields` replace the values of the top message's fields."""
    if isinstance(form, dict):
        if "m" in form:
            args = {k: made(v) for k, v in form.get("a", {}).items()} | (fields or {})
            text = _current.gettext(form["m"])
            return text.format(**args) if "a" in form else text
        if "+" in form:
            return "".join(made(x) for x in form["+"])
        return made(form["j"]).join(made(x) for x in form["i"])
    return "" if form is None else str(form)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; it is translated where it is shown (`_`)."""
    return message


def value_text(value: Any) -> str:
    """A field's value as a table or a sentence shows it: yes/no in the interface's language, else its text."""
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value)


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


HELP_HEADINGS = (N_("Example:"), N_("Examples:"))  # the heading line of a help's `\b` block (its examples)


def help_paragraphs(text: str) -> list[str]:
    """The msgids of a command's help (click's text: paragraphs apart by a blank line): each paragraph, but of a
    `\\b` block (examples, kept as typed) only its heading line. The extractor (`ledger.model.i18n_extract`) and
    the CLI's translation (`translated_help`) split a help the same way, here."""
    out = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        if paragraph.startswith("\b"):
            lines = paragraph.split("\n")
            if len(lines) > 1 and lines[1].strip().endswith(":"):
                out.append(lines[1].strip())
        elif paragraph.strip():
            out.append(paragraph)
    return out


def translated_help(text: str) -> str:
    """A command's help in the current language, paragraph by paragraph (`help_paragraphs`); a `\\b` block keeps
    its examples as typed and translates its heading."""
    out = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        if paragraph.startswith("\b"):
            lines = paragraph.split("\n")
            if len(lines) > 1 and lines[1].strip().endswith(":"):
                indent = lines[1][: len(lines[1]) - len(lines[1].lstrip())]
                lines[1] = indent + _(lines[1].strip())
            out.append("\n".join(lines))
        else:
            out.append(_(paragraph) if paragraph.strip() else paragraph)
    return "\n\n".join(out)
