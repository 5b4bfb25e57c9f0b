"""The 身份证号 (citizen identity number, GB 11643-1999): its check digit, and the one masking helper every output
uses — the number is shown in full only where a clerk asks for it, and never in a redacted export.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.model.i18n import _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"  # the check character for each remainder of the weighted sum mod 11


def check_character(first17: str) -> str:
    """The 18th character GB 11643 computes from the first 17 digits."""
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


class IdNumber(str):
    """The kind of a field holding a 身份证号: 18 characters, a real birth date, the GB 11643 check character.

    Values are plain `str`; this class only names the kind and parses it (full-width digits and a lower-case x
    are read as ASCII and X).
    """

    @staticmethod
    def parse(value: object) -> str:
        text = str(value).strip().translate(_ASCII).upper()
        if len(text) != 18 or not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
            raise ValueError(_("'{number}' is not a 身份证号 (18 characters: 17 digits and a digit or X)").format(
                number=mask_id_number(text)))
        try:
            date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
        except ValueError:
            raise ValueError(_("'{number}' is not a 身份证号: its birth date {born} does not exist").format(
                number=mask_id_number(text), born=text[6:14])) from None
        if check_character(text[:17]) != text[17]:
            raise ValueError(_("'{number}' is not a 身份证号: its check character (GB 11643) does not match; a digit "
                               "was mistyped").format(number=mask_id_number(text)))
        return text


_ASCII = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}


def mask_id_number(number: str | None) -> str | None:
    """The number with all but its first 3 and last 4 characters hidden: `110***********123X`."""
    if not number:
        return number
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]



def masked(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """`data` with the named 身份证号 fields masked (a new dict when there is anything to mask)."""
    if not any(data.get(k) for k in fields):
        return data
    return {k: (mask_id_number(v) if k in fields else v) for k, v in data.items()}
