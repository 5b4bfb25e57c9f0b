"""Reading batches of events from files (JSON lines) into drafts, every bad line reported with its number."""

from __future__ import annotations

from pathlib import Path

import orjson

from ledger.model.errors import Problem, Refused
from ledger.model.facts import Draft
from ledger.model.parsing import parse_fields


def read_jsonl(path: Path) -> list[Draft]:
    """Drafts from a JSON-lines file: one object per line, `"event"` naming its type; blank lines and `#` lines skipped."""
    problems: list[Problem] = []
    drafts: list[Draft] = []
    try:
        data = path.read_bytes()
    except OSError as e:
        raise Refused([Problem("unreadable", f"cannot read {path}: {e.strerror}")]) from None
    for n, raw in enumerate(data.splitlines(), start=1):
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
