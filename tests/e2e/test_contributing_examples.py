"""CONTRIBUTING.md's worked examples, done exactly as written there."""

from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter

from tests.conftest import ROOT, Ledger, run_ledger

CONTRIBUTING = ROOT / "CONTRIBUTING.md"


def _section(title: str) -> str:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def test_the_exporter_example_exports_each_units_quota_against_the_roster(tmp_path, bureau_lines, write_jsonl):
    section = _section("Adding an exporter")
    module = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    entry = re.search(r'^(\S+) = "exporters\.headcount:exporter"$', section, re.M).group(1)
    site = tmp_path / "site"  # the module, installed as a distribution of its own
    site.mkdir()
    (site / "headcount.py").write_text(module, encoding="utf-8")
    info = site / "headcount_example-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: headcount-example\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[ledger.exporters]\n{entry} = headcount:exporter\n", encoding="utf-8")
    store = str(tmp_path / "ledger.sqlite3")
    Ledger(store).ok("import", str(write_jsonl(bureau_lines)))
    env = {"PYTHONPATH": os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)}

    out = tmp_path / "编制情况.csv"
    r = run_ledger("--store", store, "export", entry, "--as-of", "2022-12-31", "-o", str(out), env=env)

    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["单位", "名称", "编制类型", "核定数", "实有数"]
    filled = Counter((p["unit"], p["establishment"]) for p in Ledger(store).json("roster", "--as-of", "2022-12-31")["people"])
    assert {(u, e): (int(q), int(n)) for u, _, e, q, n in rows[1:]} == {
        ("SJ", "行政编制"): (8, filled["SJ", "行政编制"]), ("JC", "事业编制"): (3, filled["JC", "事业编制"])}
    assert filled["SJ", "行政编制"] == 6
