"""Properties of the fold: the roster depends on the effective-dated facts, not on the order they were recorded in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.fold.walk import fold, validate
from ledger.model import vocabulary as v
from ledger.model.facts import Fact
from ledger.model.parsing import parse_fields

START = date(2020, 1, 1)
STRUCTURE = [
    ("unit_established", {"unit": "U", "name": "区某局", "kind": "机关"}),
    ("section_established", {"unit": "U", "section": "甲科"}),
    ("section_established", {"unit": "U", "section": "乙科"}),
    ("quota_set", {"unit": "U", "establishment": "行政编制", "count": 50}),
    ("post_quota_set", {"unit": "U", "post": "科长", "level": "乡科级正职", "count": 50}),
]


def _fact(i: int, event: str, effective: date, fields: dict) -> Fact:
    data, problems = parse_fields(event, {**fields, "effective": effective})
    assert not problems, problems
    return Fact(i, event, effective, data)


@st.composite
def timelines(draw) -> list[tuple[str, date, dict]]:
    """A valid history: structure, then one fact per day drawn from what is possible on that day."""
    facts: list[tuple[str, date, dict]] = [(e, START, f) for e, f in STRUCTURE]
    people: dict[str, dict] = {}
    day = START
    for n in range(draw(st.integers(3, 40))):
        day += timedelta(days=draw(st.integers(1, 200)))
        active = sorted(p for p, s in people.items() if not s["left"])
        choices = ["hire"] + (["promote", "appoint", "vacate", "second", "return", "move", "separate"] if active else [])
        op = draw(st.sampled_from(choices))
        if op == "hire":
            pid = f"P{n}"
            people[pid] = {"rank": 0, "posts": False, "seconded": False, "left": False}
            facts.append(("hired", day, {"person": pid, "name": f"人{n}", "gender": "男", "birth_date": "1980-01-01",
                                         "unit": "U", "section": "甲科", "establishment": "行政编制",
                                         "rank": v.CIVIL_SERVICE_RANKS[0], "mode": "录用"}))
            continue
        pid = draw(st.sampled_from(active))
        s = people[pid]
        if op == "promote" and s["rank"] + 1 < len(v.CIVIL_SERVICE_RANKS):
            s["rank"] += 1
            facts.append(("rank_promoted", day, {"person": pid, "rank": v.CIVIL_SERVICE_RANKS[s["rank"]]}))
        elif op == "appoint" and not s["posts"]:
            s["posts"] = True
            facts.append(("post_appointed", day, {"person": pid, "post": "科长", "section": "甲科"}))
        elif op == "vacate" and s["posts"]:
            s["posts"] = False
            facts.append(("post_vacated", day, {"person": pid, "post": "科长"}))
        elif op == "second" and not s["seconded"]:
            s["seconded"] = True
            facts.append(("secondment_started", day, {"person": pid, "host": "区委宣传部", "kind": "交流"}))
        elif op == "return" and s["seconded"]:
            s["seconded"] = False
            facts.append(("secondment_ended", day, {"person": pid}))
        elif op == "move":
            facts.append(("transferred", day, {"person": pid, "section": draw(st.sampled_from(["甲科", "乙科"]))}))
        elif op == "separate":
            s.update(left=True, posts=False, seconded=False)
            facts.append(("separated", day, {"person": pid, "reason": "辞职"}))
    return facts


def _record(timeline: list[tuple[str, date, dict]], order: list[int]) -> list[Fact]:
    """Record the timeline's facts in the given order (ids are the recording order, times follow it)."""
    t0 = datetime(2023, 1, 1, tzinfo=UTC)
    out = []
    for rank, i in enumerate(order):
        event, effective, fields = timeline[i]
        f = _fact(rank + 2, event, effective, fields)
        f.recorded = t0 + timedelta(seconds=rank)
        out.append(f)
    return out


def _rosters(facts: list[Fact], days: list[date]) -> list[list[dict]]:
    return [sorted((p.roster_json() for p in fold(facts, d).staff()), key=lambda p: p["person"]) for d in days]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timeline=timelines(), data=st.data())
def test_any_recording_order_gives_the_same_roster(timeline, data):
    natural = _record(timeline, list(range(len(timeline))))
    shuffled_order = data.draw(st.permutations(range(len(timeline))))
    shuffled = _record(timeline, list(shuffled_order))
    last = max(e for _, e, _ in timeline)
    days = [START, last, *data.draw(st.lists(st.dates(START, last + timedelta(days=30)), min_size=1, max_size=5))]
    assert _rosters(shuffled, days) == _rosters(natural, days)
    assert validate(natural) == [] and validate(shuffled) == [], "a valid history is valid in any recording order"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timeline=timelines(), data=st.data())
def test_a_retracted_fact_counts_only_as_known_before_its_retraction(timeline, data):
    facts = _record(timeline, list(range(len(timeline))))
    candidates = [f for f in facts if f.event in ("rank_promoted", "transferred")]
    if not candidates:
        return
    target = data.draw(st.sampled_from(candidates))
    r = _fact(len(facts) + 2, "retracted", date(2024, 1, 1), {"target": target.id, "reason": "wrong"})
    r.recorded = facts[-1].recorded + timedelta(hours=1)
    with_retraction = [*facts, r]
    without_target = [f for f in facts if f.id != target.id]
    last = max(f.effective for f in facts)
    days = [target.effective, last]
    assert _rosters(with_retraction, days) == _rosters(without_target, days)
    before = r.recorded - timedelta(minutes=1)
    assert [sorted((p.roster_json() for p in fold(with_retraction, d, before).staff()), key=lambda p: p["person"])
            for d in days] == _rosters(facts, days)
