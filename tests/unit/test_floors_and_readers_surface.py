"""The floors hold: each imports only the floors below it (import-linter's contracts in pyproject.toml), no module
imports itself through others, and the CLI and the exporters see the ledger through `ledger.app` alone, whose
public surface holds what they need."""

from __future__ import annotations

import subprocess
import sys

import pytest

import ledger.app
from tests.conftest import ROOT


def test_every_public_name_of_ledger_app_resolves():
    for name in ledger.app.__all__:
        assert getattr(ledger.app, name) is not None, name
    assert len(set(ledger.app.__all__)) == len(ledger.app.__all__)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        ledger.app.no_such_name  # noqa: B018


def test_every_import_linter_contract_is_kept():
    """The floors (and the rules floor's own layers), and the readers' contract: CLI and exporters use ledger.app."""
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    r = subprocess.run([sys.executable, "-c", code, "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Readers use ledger.app only KEPT" in r.stdout and "Floors: each imports only the floors below it KEPT" \
        in r.stdout
    assert "BROKEN" not in r.stdout


def test_no_module_imports_itself_through_others():
    import grimp  # import-linter's own graph builder

    graph = grimp.build_graph("ledger", "cli", "exporters", "web")
    cycles = sorted({tuple(sorted((m, i))) for m in graph.modules for i in graph.find_modules_directly_imported_by(m)
                     if graph.chain_exists(i, m)})
    assert cycles == []
