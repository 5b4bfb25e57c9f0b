"""The rule catalogue and the rule functions agree: every rule id has one function, every function an id.

A rule is data in the catalogue (title, clause, severity, parameters) plus one pure function registered against
its id; adding a rule is exactly those two things, as the last test shows.
"""

from __future__ import annotations

import inspect
from datetime import date
from typing import Any

import pytest

import ledger.rules  # noqa: F401 (the rules floor registers every rule function when it is imported)
from ledger.model.events import EVENT_TYPES
from ledger.rules import catalogue, compliance_findings, default_rulebook
from ledger.rules import registry as rules_registry
from ledger.rules.catalogue import CATALOGUE, RULE_IDS, RuleSpec
from ledger.rules.history import CAREER_EVENTS
from ledger.rules.registry import REGISTERED, Promotion, fact_rule, registered
from tests.scenarios import facts

ARITY = {"fact": 2, "unit": 3, "person": 3}  # (promotion, params), (on, unit, params), (on, person, params)


def test_every_catalogue_rule_has_a_registered_function():
    missing = [rule for rule in RULE_IDS if rule not in REGISTERED]
    assert not missing, f"catalogue rules without a function (register one with @fact_rule/@unit_rule/@person_rule): {missing}"


def test_every_registered_function_has_a_catalogue_entry():
    unknown = [rule for rule in REGISTERED if rule not in RULE_IDS]
    assert not unknown, f"registered rules the catalogue does not hold (add a RuleSpec to CATALOGUE): {unknown}"


def test_catalogue_ids_are_unique():
    assert len(RULE_IDS) == len(set(RULE_IDS)) == len(CATALOGUE)


@pytest.mark.parametrize("rule", RULE_IDS)
def test_each_rule_function_takes_what_its_kind_is_given(rule):
    r = REGISTERED[rule]
    params = list(inspect.signature(r.judge).parameters)
    assert len(params) == ARITY[r.kind], f"{rule} ({r.kind} rule) takes {params}"


def test_fact_rules_judge_event_types_the_vocabulary_has():
    for r in registered("fact"):
        assert r.events, f"{r.rule} names no event type to judge"
        assert set(r.events) <= set(EVENT_TYPES), f"{r.rule} judges unknown event types {r.events}"
    assert set(CAREER_EVENTS) <= set(EVENT_TYPES)


def test_a_rule_registered_twice_is_refused():
    with pytest.raises(ValueError, match="registered twice"):
        fact_rule("RANK_SKIP", "rank_promoted")(lambda promotion, params: None)


# --- the worked example of CONTRIBUTING.md: adding a rule -----------------------------------------------------
OPEN = date(2019, 1, 1)


def test_a_new_rule_is_a_catalogue_entry_and_one_registered_function(monkeypatch):
    # 1. The catalogue entry: id, title, clause, severity, parameters (data a rules file can override).
    spec = RuleSpec("APPOINTMENT_WITHOUT_BASIS", "任职无任免文件", "《党政领导干部选拔任用工作条例》(任职)", "warning",
                    params={"levels": ["乡科级正职"]})
    monkeypatch.setattr(catalogue, "CATALOGUE", (*CATALOGUE, spec))
    monkeypatch.setattr(rules_registry, "REGISTERED", dict(REGISTERED))

    # 2. The function, registered against the id for the event types it judges.
    @fact_rule("APPOINTMENT_WITHOUT_BASIS", "post_appointed")
    def appointment_without_basis(promotion: Promotion, params: dict[str, Any]) -> str | None:
        level = promotion.new_level
        if level not in params["levels"] or promotion.fact.get("basis"):
            return None
        return f"{promotion.who}: appointed {promotion.post} ({level}) without the decision's document number"

    timeline = facts(
        ("unit_established", {"unit": "U", "name": "单位", "kind": "机关", "effective": OPEN}),
        ("quota_set", {"unit": "U", "establishment": "行政编制", "count": 5, "effective": OPEN}),
        ("post_quota_set", {"unit": "U", "post": "科长", "level": "乡科级正职", "count": 2, "effective": OPEN}),
        ("hired", {"person": "A", "name": "甲", "gender": "男", "birth_date": "1980-01-01", "unit": "U",
                   "establishment": "行政编制", "rank": "一级主任科员", "rank_since": "2010-01-01", "mode": "转任",
                   "effective": OPEN}),
        ("hired", {"person": "B", "name": "乙", "gender": "女", "birth_date": "1981-01-01", "unit": "U",
                   "establishment": "行政编制", "rank": "一级主任科员", "rank_since": "2010-01-01", "mode": "转任",
                   "effective": OPEN}),
        ("post_appointed", {"person": "A", "post": "科长", "effective": "2020-03-01", "basis": "区委〔2020〕3号"}),
        ("post_appointed", {"person": "B", "post": "科长", "effective": "2020-03-01"}),
    )
    # (Both appointments are 提拔s recorded without publicity: PUBLICITY_SHORT finds that too; not this example's.)
    found = [x for x in compliance_findings(timeline, default_rulebook(), date(2020, 12, 31))
             if x.rule == "APPOINTMENT_WITHOUT_BASIS"]
    assert [(x.rule, x.person, x.title, x.source) for x in found] == [
        ("APPOINTMENT_WITHOUT_BASIS", "B", "任职无任免文件", "《党政领导干部选拔任用工作条例》(任职)")]
    assert found[0].message == "2020-03-01 B 乙: appointed 科长 (乡科级正职) without the decision's document number"
    # Switched off in a rules file, it finds nothing.
    off = catalogue.apply_overrides({"APPOINTMENT_WITHOUT_BASIS": {"enabled": False}})
    assert [x for x in compliance_findings(timeline, off, date(2020, 12, 31)) if x.rule == spec.id] == []
