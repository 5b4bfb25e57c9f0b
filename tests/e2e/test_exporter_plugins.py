"""Exporters are found through the `ledger.exporters` entry points: ours, and a third party's, the same way.

The third-party exporter is a real distribution (a module and its .dist-info with entry_points.txt) on a
directory put on the path of a fresh `ledger` process: importlib.metadata discovers it; nothing is patched.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import orjson
import pytest

from tests.conftest import Ledger, run_ledger


@pytest.fixture
def plugin_dir(tmp_path: Path) -> Path:
    """A tiny installed distribution `acme-ledger-export` 1.0 with two entry points, one of them broken."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "acme_ledger_export.py").write_text(textwrap.dedent('''
        from pathlib import Path


        class FactCount:
            name = "fact-count"
            description = "How many facts the ledger holds (a third-party example)"
            formats = ("txt",)

            def export(self, context, path, options):
                path = Path(path)
                units = sorted(context.app.state().units)
                path.write_text(f"{len(context.app.facts())} facts; units {','.join(units)}; "
                                f"year {options['year']}; greeting {options.get('greeting')}", encoding="utf-8")
                return path


        exporter = FactCount
    '''), encoding="utf-8")
    info = site / "acme_ledger_export-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-ledger-export\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(
        "[ledger.exporters]\nfact-count = acme_ledger_export:exporter\nhalf-done = acme_ledger_export:missing\n",
        encoding="utf-8")
    return site


def _with_path(site: Path) -> dict[str, str]:
    return {"PYTHONPATH": os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)}


def test_list_shows_the_built_in_exporters_and_their_package(sqlite_ledger: Ledger) -> None:
    out = sqlite_ledger.ok("export", "--list").output
    assert "yearly-report" in out and "personnel-ledger" in out
    listed = orjson.loads(sqlite_ledger.ok("export", "--list", "--json").stdout)
    mine = next(x for x in listed if x["name"] == "yearly-report")
    assert mine["formats"] == ["docx", "json", "pdf"]
    assert next(x for x in listed if x["name"] == "review-form")["formats"] == ["docx", "xlsx"]
    assert mine["package"].startswith("personnel-ledger ")
    assert mine["target"] == "exporters.yearly_report:exporter"
    assert "acme" not in out  # not installed in this process


def test_unknown_exporter_is_an_error_listing_known_names(sqlite_ledger: Ledger, tmp_path: Path) -> None:
    r = sqlite_ledger("export", "annual-thing", "-o", str(tmp_path / "x.docx"))
    assert r.exit_code == 1
    assert "no exporter named 'annual-thing'" in r.output and "yearly-report" in r.output
    assert not (tmp_path / "x.docx").exists()


def test_export_without_output_or_name_is_a_usage_error(sqlite_ledger: Ledger) -> None:
    assert sqlite_ledger("export", "yearly-report", "--year", "2022").exit_code == 2
    assert sqlite_ledger("export").exit_code == 2


def test_third_party_exporter_is_discovered_through_its_entry_point(plugin_dir: Path, tmp_path: Path) -> None:
    store = str(tmp_path / "ledger.sqlite3")
    Ledger(store).ok("org", "unit", "XJ", "--name", "县某局", "--kind", "机关", "--effective", "2020-01-01")
    env = _with_path(plugin_dir)

    listed = run_ledger("--store", store, "export", "--list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    by_name = {x["name"]: x for x in orjson.loads(listed.stdout)}
    assert by_name["fact-count"]["package"] == "acme-ledger-export 1.0"
    assert by_name["fact-count"]["formats"] == ["txt"]
    assert by_name["fact-count"]["error"] is None
    assert "yearly-report" in by_name  # the built-ins come through the same group
    assert "cannot be loaded" in by_name["half-done"]["error"]  # a broken plugin is listed, not fatal

    out = tmp_path / "count.txt"
    r = run_ledger("--store", store, "export", "fact-count", "-o", str(out), "--year", "2022", "-O", "greeting=你好", env=env)
    assert r.returncode == 0, r.stderr
    assert f"Wrote {out}" in r.stdout
    assert out.read_text(encoding="utf-8") == "1 facts; units XJ; year 2022; greeting 你好"

    broken = run_ledger("--store", store, "export", "half-done", "-o", str(tmp_path / "x.txt"), env=env)
    assert broken.returncode == 1 and "cannot be loaded" in broken.stderr

    without = run_ledger("--store", store, "export", "fact-count", "-o", str(out), env={"PYTHONPATH": ""})
    assert without.returncode == 1 and "no exporter named 'fact-count'" in without.stderr


def test_bad_extra_option_is_a_usage_error(sqlite_ledger: Ledger, tmp_path: Path) -> None:
    r = sqlite_ledger("export", "yearly-report", "-o", str(tmp_path / "x.docx"), "-O", "novalue")
    assert r.exit_code == 2 and "KEY=VALUE" in r.output
