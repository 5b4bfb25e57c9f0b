"""The selection's rules, each at its boundary: PUBLICITY_ORDER, PROBATION_OPEN (with its grace), DECISION_QUORUM,
SELECTION_STEPS (off until a date is set), and PUBLICITY_SHORT for a 提拔 without publicity and a rank promotion."""

from __future__ import annotations

from datetime import date

import pytest

from ledger.rules import compliance_findings, default_rulebook
from ledger.rules.catalogue import RulesError, apply_overrides
from tests.scenarios import ev, facts
from tests.selection_bureau import selection_path, vacancy_bureau


def _timeline(*extra: dict, path: list[dict] | None = None):
    lines = [*vacancy_bureau(), *(selection_path() if path is None else path), *extra]
    return facts(*((x["event"], {k: v for k, v in x.items() if k != "event"}) for x in lines))


def _appoint(effective: str = "2023-04-17", start: str | None = "2023-04-04", end: str | None = "2023-04-11",
            selection: str | None = "SW2023-01"):
    return ev("post_appointed", effective, person="K1", post="科长", section="工程科", selection=selection,
              publicity_from=start, publicity_to=end)


def _rules(found, *rules: str) -> list[tuple[str, str | None]]:
    return [(x.rule, x.person) for x in found if x.rule in rules]


def _check(timeline, as_of: str = "2023-12-31", rulebook=None):
    return compliance_findings(timeline, rulebook or default_rulebook(), date.fromisoformat(as_of))


@pytest.mark.parametrize(("start", "end", "found"), [
    ("2023-04-03", "2023-04-11", []),  # from the decision's own day: in order
    ("2023-04-02", "2023-04-11", ["began 2023-04-02, before the decision"]),
    ("2023-04-04", "2023-04-16", []),  # ends the day before the appointment
    ("2023-04-04", "2023-04-17", ["not ended before it took effect on 2023-04-17"]),
])
def test_publicity_order_lies_between_the_decision_and_the_appointment(start, end, found) -> None:
    x = [f.message for f in _check(_timeline(_appoint(start=start, end=end))) if f.rule == "PUBLICITY_ORDER"]
    assert len(x) == len(found)
    assert all(want in got for want, got in zip(found, x, strict=True))


@pytest.mark.parametrize(("present", "members", "found"), [(5, 7, False), (4, 7, True), (2, 3, False), (8, 12, False),
                                                           (7, 11, True)])
def test_decision_quorum_is_two_thirds_of_the_members(present, members, found) -> None:
    timeline = _timeline(_appoint(), path=selection_path(present=present, members=members))
    x = _rules(_check(timeline), "DECISION_QUORUM")
    assert x == ([("DECISION_QUORUM", "K1")] if found else [])
    if found:
        message = next(x.message for x in _check(timeline) if x.rule == "DECISION_QUORUM")
        assert f"with {present} of {members} members present; needs 2/3" in message


def test_probation_open_after_its_year_and_the_grace_days() -> None:
    timeline = _timeline(_appoint(selection=None), path=[])  # a 提拔 on 2023-04-17, no decision on record
    timeline[-1].data["probation"] = True
    assert _rules(_check(timeline, "2024-05-16"), "PROBATION_OPEN") == []  # its last day 2024-04-16 + 30 days
    assert _rules(_check(timeline, "2024-05-17"), "PROBATION_OPEN") == [("PROBATION_OPEN", "K1")]
    strict = apply_overrides({"PROBATION_OPEN": {"grace_days": 0}})
    assert _rules(_check(timeline, "2024-04-17", strict), "PROBATION_OPEN") == [("PROBATION_OPEN", "K1")]
    assert _rules(_check(timeline, "2024-04-16", strict), "PROBATION_OPEN") == []
    closed = _timeline(_appoint(), ev("probation_ended", "2024-04-17", person="K1", post="科长", result="合格"))
    closed[-2].data["probation"] = True
    assert _rules(_check(closed, "2025-12-31"), "PROBATION_OPEN") == []
    decided = _timeline(_appoint())  # the selection's decision on 2023-04-03: the probation runs from it (§3)
    decided[-1].data["probation"] = True
    assert _rules(_check(decided, "2024-05-02"), "PROBATION_OPEN") == []  # its last day 2024-04-02 + 30 days
    assert _rules(_check(decided, "2024-05-03"), "PROBATION_OPEN") == [("PROBATION_OPEN", "K1")]


def test_selection_steps_are_off_until_a_date_is_set() -> None:
    bare = _timeline(_appoint(selection=None), path=[])
    assert _rules(_check(bare), "SELECTION_STEPS") == []
    on = apply_overrides({"SELECTION_STEPS": {"since": date(2023, 4, 17)}})
    assert on.on("SELECTION_STEPS")
    assert "names no selection" in next(x.message for x in _check(bare, rulebook=on) if x.rule == "SELECTION_STEPS")
    later = apply_overrides({"SELECTION_STEPS": {"since": date(2023, 4, 18)}})
    assert _rules(_check(bare, rulebook=later), "SELECTION_STEPS") == []  # the 提拔 is before the date
    full = _timeline(_appoint())
    assert _rules(_check(full, rulebook=on), "SELECTION_STEPS") == []
    no_inspection = _timeline(_appoint(), path=[x for x in selection_path() if x["event"] != "inspection_done"])
    message = next(x.message for x in _check(no_inspection, rulebook=on) if x.rule == "SELECTION_STEPS")
    assert "selection SW2023-01 has no 考察 recorded before it" in message
    with pytest.raises(RulesError, match="since in x.toml must be a date"):
        apply_overrides({"SELECTION_STEPS": {"since": "2023-01-01"}}, "x.toml")


def test_a_same_level_appointment_needs_no_selection_steps() -> None:
    on = apply_overrides({"SELECTION_STEPS": {"since": date(2020, 1, 1)}})
    lateral = _timeline(ev("post_appointed", "2023-05-01", person="K3", post="副科长", section="工程科"), path=[])
    assert _rules(_check(lateral, rulebook=on), "SELECTION_STEPS", "PUBLICITY_SHORT") == []  # 四级主任科员 → 副科长: 任命


def test_a_missing_publicity_is_a_notice_and_a_short_one_a_finding_citing_the_rank_rules() -> None:
    found = _check(_timeline(_appoint(start=None, end=None)))
    assert not any(f.rule == "PUBLICITY_SHORT" for f in found)
    x = next(f for f in found if f.rule == "PUBLICITY_MISSING")
    assert "no publicity (任前公示) entered for the 提拔 as 工程科科长" in x.message and x.severity == "notice"
    rank = _check(_timeline(ev("rank_promoted", "2023-06-01", person="K3", rank="三级主任科员",
                               publicity_from="2023-05-22", publicity_to="2023-05-25")))
    x = next(f for f in rank if f.rule == "PUBLICITY_SHORT")
    assert "职级晋升, 《公务员职务与职级并行规定》" in x.message and "4 working day(s); needs 5" in x.message
    assert "《公务员职务与职级并行规定》" in x.source
    missing = _check(_timeline(ev("rank_promoted", "2023-06-01", person="K3", rank="三级主任科员")))
    assert not any(f.rule == "PUBLICITY_SHORT" for f in missing)  # none entered: not short, but incomplete
    assert [f.severity for f in missing if f.rule == "PUBLICITY_MISSING"] == ["notice"]
