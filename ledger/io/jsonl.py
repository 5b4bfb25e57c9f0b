"""Reading batches of events from files (JSON lines) into drafts, every bad line reported with its number.

A line is one JSON object. The file is UTF-8 (a byte-order mark at its start is dropped); a key given twice on
one line is refused (orjson, like most decoders, would silently keep the last one).
"""

from __future__ import annotations

import re
from pathlib import Path

import orjson

from ledger.io.encodings import UTF8_BOM, utf8_text
from ledger.model.errors import Problem, Refused
from ledger.model.facts import Draft
from ledger.model.parsing import parse_fields

# A JSON string (group 1), with the colon that makes it a key (group 2); or a bracket.
_TOKEN = re.compile(rb'("(?:[^"\\]|\\.)*")\s*(:)?|[{}\[\]]')
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"\s*(:)?')
_SPACED_COLON = re.compile(rb'"\s+:')


def duplicate_key(line: bytes, keys: int) -> str | None:
    """The first key given twice at the top level of a valid JSON object line whose decoded object has `keys`
    keys, or None. Fast when there is none: the line's keys (at any depth) are counted first; only when they are
    more than the object's are they walked with their depth, and decoded. Faster still for the usual line: every
    key ends `":` (no space before its colon), so as many `":` as keys means no key twice."""
    if line.count(b'":') == keys and not _SPACED_COLON.search(line):
        return None
    if sum(1 for colon in _STRING.findall(line) if colon) == keys:
        return None
    depth, seen = 0, set()
    for m in _TOKEN.finditer(line):
        token = m.group(0)
        if token in (b"{", b"["):
            depth += 1
        elif token in (b"}", b"]"):
            depth -= 1
        elif m.group(2) and depth == 1:
            key = orjson.loads(m.group(1))
            if key in seen:
                return key
            seen.add(key)
    return None


def read_jsonl(path: Path) -> list[Draft]:
    """Drafts from a JSON-lines file: one object per line, `"event"` naming its type; blank lines and `#` lines skipped."""
    problems: list[Problem] = []
    drafts: list[Draft] = []
    try:
        data = path.read_bytes()
    except OSError as e:
        raise Refused([Problem("unreadable", f"cannot read {path}: {e.strerror}")]) from None
    utf8_text(data, path)  # refuses another encoding, saying what the file seems to be
    for n, raw in enumerate(data.removeprefix(UTF8_BOM).splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(b"#"):
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as e:
            problems.append(Problem("bad_json", f"not valid JSON ({e})", n))
            continue
        if not isinstance(obj, dict):
            problems.append(Problem("bad_json", "each line must be a JSON object", n))
            continue
        twice = duplicate_key(line, len(obj))
        if twice is not None:
            problems.append(Problem("bad_json", f"the key \"{twice}\" is given twice (which one is meant?)", n))
            continue
        event = obj.pop("event", None)
        if not isinstance(event, str):
            problems.append(Problem("missing_field", "missing \"event\" (the event type, e.g. \"hired\")", n))
            continue
        for system in ("id", "recorded", "actor"):
            obj.pop(system, None)  # a `ledger log --json` line re-imports as a new event
        fields, field_problems = parse_fields(event, obj)
        problems += [Problem(p.code, p.message, n) for p in field_problems]
        drafts.append(Draft(event, obj, n, None if field_problems else fields))
    if problems:
        raise Refused(problems)
    return drafts
