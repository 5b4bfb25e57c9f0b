"""The CLI and the exporters see the ledger through `ledger.app` alone: its public surface holds what they need,
and nothing of theirs imports a floor below it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import ledger.app

ROOT = Path(__file__).parent.parent


def test_every_public_name_of_ledger_app_resolves():
    for name in ledger.app.__all__:
        assert getattr(ledger.app, name) is not None, name
    assert len(set(ledger.app.__all__)) == len(ledger.app.__all__)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        ledger.app.no_such_name  # noqa: B018


def test_cli_and_exporters_import_nothing_of_ledger_but_ledger_app():
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    r = subprocess.run([sys.executable, "-c", code, "--contract", "readers", "--no-cache", "--no-logo"], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Readers use ledger.app only KEPT" in r.stdout
