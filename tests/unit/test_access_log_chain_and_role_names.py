"""The access log's chain names the first line changed, removed or reordered; group role names stay whole."""

from __future__ import annotations

from dataclasses import replace

from ledger.store.access import group_role
from ledger.store.access_log import GENESIS, Line, link, verify_lines


def chained(n: int) -> list[Line]:
    lines, prev = [], GENESIS
    for seq in range(1, n + 1):
        at, actor, action, person = f"2026-11-30T0{seq}:00:00+00:00", "li_si", "history", f"P{seq}"
        prev = link(prev, seq, at, actor, action, person, "cli")
        lines.append(Line(seq, at, actor, action, person, "cli", prev))
    return lines


def test_an_untouched_log_verifies() -> None:
    assert verify_lines(chained(4)) is None


def test_a_changed_line_is_named() -> None:
    lines = chained(4)
    lines[1] = replace(lines[1], person="P9")
    assert verify_lines(lines) == "access-log line 2 was changed since it was written (it no longer matches its chain)"


def test_a_removed_line_is_named() -> None:
    lines = chained(4)
    del lines[2]
    assert "access-log line 3 is missing" in verify_lines(lines)


def test_group_roles_of_long_schemas_stay_within_postgresqls_limit_and_apart() -> None:
    a, b = "a" * 60 + "x", "a" * 60 + "y"
    assert group_role("wenlv_ju", "clerk") == "wenlv_ju_clerk"
    assert len(group_role(a, "auditor")) <= 63 and group_role(a, "auditor") != group_role(b, "auditor")
