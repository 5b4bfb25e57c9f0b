"""The JSON form of every answer a reader prints or serves: one encoding, so that `ledger … --json` and the web
view's API give the same bytes for the same question.

orjson, UTF-8, two-space indents, keys in the order the answer built them (the contract's), a final newline.
"""

from __future__ import annotations

from typing import Any

import orjson


def dump_json(obj: Any) -> bytes:
    """`obj` (an answer of the query API) as the JSON bytes `--json` prints."""
    return orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS) + b"\n"
