"""Compliance: the rule catalogue (data, overridable by TOML), the checks, and the findings new facts introduce.

`check(facts, rulebook, as_of, since)` answers the auditor's question "on date D, did this bureau break a
staffing rule?"; `EntryCheck` warns (or, strict, refuses) when an append introduces a finding.
"""

from ledger.rules.catalogue import (
    CATALOGUE,
    RULE_IDS,
    RULES_FILE,
    Rulebook,
    RulesError,
    RuleSpec,
    default_rulebook,
    load_rulebook,
)
from ledger.rules.checks import Finding, check, findings_over
from ledger.rules.entry import EntryCheck, FindingsRefused, introduced_findings

__all__ = ["CATALOGUE", "RULE_IDS", "RULES_FILE", "RuleSpec", "Rulebook", "RulesError", "default_rulebook",
           "load_rulebook", "Finding", "check", "findings_over", "EntryCheck", "FindingsRefused",
           "introduced_findings", "rulebook_for"]


def rulebook_for(app, path=None) -> Rulebook:
    """The rules for an open ledger: `path` if given, else `ledger.toml` beside its SQLite store, else defaults."""
    config = getattr(app, "config", None)
    return load_rulebook(path, config.path if config is not None and config.kind == "sqlite" else None)
