"""Compliance: the rule catalogue (data, overridable by TOML), the rule functions registered against it, and the
walk that applies them.

`compliance_findings(facts, rulebook, as_of, since)` answers the auditor's question "on date D, did this bureau
break a staffing rule?"; `EntryFindings` warns (or, strict, refuses) when an append introduces a finding. The
rules floor reads no store and knows no application: it is given facts and a `Rulebook` (`load_rulebook(path,
store_path)`).
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
from ledger.rules.entry import EntryFindings, FindingsRefused, introduced_findings
from ledger.rules.findings import Finding, Subjects
from ledger.rules.walk import compliance_findings, findings_on

__all__ = ["CATALOGUE", "RULE_IDS", "RULES_FILE", "RuleSpec", "Rulebook", "RulesError", "default_rulebook",
           "load_rulebook", "Finding", "Subjects", "compliance_findings", "findings_on", "EntryFindings",
           "FindingsRefused", "introduced_findings"]
