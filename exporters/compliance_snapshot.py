"""The `compliance-snapshot` exporter: on a date, each unit's quotas against the filled counts, the compliance
findings, and the ledger position they were computed from — as JSON, CSV (UTF-8 with BOM) or a .docx 合规快照.

Reads only through the application's query API (`facts`, `state`) and the read models (`ledger.views`), so its
quota table is the roster's. The integrity head digest is included when `ledger.integrity` is installed.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from ledger.model.dates import parse_date
from ledger.model.errors import LedgerError
from ledger.read.roster import unit_summary
from ledger.rules import check, rulebook_for

from .base import ExportContext

try:  # the registry's error, when the registry is there (it turns into "Error: …", exit 1)
    from exporters.registry import ExportOptionError
except ImportError:  # pragma: no cover
    ExportOptionError = LedgerError  # type: ignore[misc, assignment]


def _date_option(options: dict[str, Any], name: str) -> date | None:
    value = options.get(name)
    if value is None or isinstance(value, date):
        return value
    try:
        return parse_date(value)
    except ValueError as e:
        raise ExportOptionError(f"compliance-snapshot: --{name.replace('_', '-')}: {e}") from None


def _integrity_head(app: Any) -> str | None:
    """The hash chain's head digest, as `ledger verify` finds it."""
    return app.verify().head


def snapshot(app: Any, as_of: date, since: date | None = None, rules_file: str | Path | None = None) -> dict[str, Any]:
    """The snapshot's data (the JSON form): quotas vs filled per unit, findings, ledger position."""
    since = since or date(as_of.year, 1, 1)
    facts = app.facts()
    rulebook = rulebook_for(app, rules_file)
    findings = check(facts, rulebook, as_of, since)
    state = app.state(as_of)
    units = []
    for code in state.units:
        s = unit_summary(state, code)
        units.append({
            "unit": code, "name": s["name"], "kind": s["kind"], "funding": s["funding"], "parent": s["parent"],
            "establishment": s["establishment"],  # 编制 per type: quota, filled
            "posts": s["posts"],  # 领导职数 per post: level, quota, filled
            "headcount": s["headcount"], "seconded": s["seconded"],
            "off_establishment": s["assistants"],  # 编外 (self-hired assistants)
        })
    summary: dict[str, int] = {}
    for x in findings:
        summary[x.rule] = summary.get(x.rule, 0) + 1
    return {
        "as_of": as_of.isoformat(),
        "since": since.isoformat(),
        "ledger": {"last_event_id": facts[-1].id if facts else None, "event_count": len(facts),
                   "integrity_head": _integrity_head(app)},
        "rules": rulebook.origin,
        "units": units,
        "findings": [x.as_json() for x in findings],
        "summary": summary,
    }


CSV_HEADERS = ["row", "unit", "unit_name", "item", "level", "quota", "filled", "rule", "title", "severity", "person",
               "event_id", "message", "source"]


def to_csv(data: dict[str, Any]) -> str:
    """A row per unit quota (编制, 领导职数, 编外) and per finding, for a spreadsheet."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CSV_HEADERS)
    blank = [""] * 7
    for u in data["units"]:
        for e in u["establishment"]:
            w.writerow(["编制", u["unit"], u["name"], e["establishment"], "", e["quota"], e["filled"], *blank])
        for p in u["posts"]:
            w.writerow(["领导职数", u["unit"], u["name"], p["post"], p["level"], p["quota"], p["filled"], *blank])
        w.writerow(["编外", u["unit"], u["name"], "自聘助理", "", "", u["off_establishment"], *blank])
    for x in data["findings"]:
        w.writerow(["finding", x["unit"] or "", "", "", "", "", "", x["rule"], x["title"], x["severity"],
                    x["person"] or "", x["event_id"] or "", x["message"], x["source"]])
    pos = data["ledger"]
    w.writerow(["ledger", "", "", f"as of {data['as_of']}; last event {pos['last_event_id']}; "
                f"{pos['event_count']} events; integrity head {pos['integrity_head'] or '-'}", "", "", "", *blank])
    return out.getvalue()


def to_docx(data: dict[str, Any], path: Path, title: str) -> Path:
    """The 合规快照 in the official layout (GB/T 9704-2012, via exporters.gbt9704)."""
    from .gbt9704 import OfficialDocument

    doc = OfficialDocument()
    doc.title(title)
    pos = data["ledger"]
    doc.paragraph(f"本快照依据人事台账截至第{pos['last_event_id']}号事件（共{pos['event_count']}条）生成，反映"
                  f"{data['as_of']}的编制、领导职数配备情况，以及{data['since']}至{data['as_of']}期间生效事项的合规审查结果。"
                  + (f"台账完整性摘要：{pos['integrity_head']}。" if pos["integrity_head"] else ""))
    doc.heading1("一、编制和领导职数")
    for n, u in enumerate(data["units"], 1):
        doc.heading2(f"（{_cn(n)}）{u['name']}", f"在编{u['headcount']}名，其中交流借调{u['seconded']}名；编外{u['off_establishment']}名。")
        rows = [[e["establishment"], "", e["quota"], e["filled"], _gap(e["quota"], e["filled"])] for e in u["establishment"]]
        rows += [[p["post"], p["level"], p["quota"], p["filled"], _gap(p["quota"], p["filled"])] for p in u["posts"]]
        doc.table(["项目", "层次", "核定数", "实有数", "空缺（超出）"], rows, widths_mm=[40, 35, 25, 25, 31])
    doc.heading1("二、合规审查发现")
    if not data["findings"]:
        doc.paragraph("未发现问题。")
    else:
        counts = "；".join(f"{rule} {n}项" for rule, n in data["summary"].items())
        doc.paragraph(f"共发现{len(data['findings'])}项问题（{counts}），明细如下。")
        doc.table(["规则", "单位", "人员", "事件", "情况", "依据"],
                  [[f"{x['title']}", x["unit"], x["person"], x["event_id"], x["message"], x["source"]]
                   for x in data["findings"]], widths_mm=[22, 14, 14, 12, 62, 32])
    doc.blank()
    doc.right_aligned(data["as_of"])
    doc.set_properties(title, subject="合规快照", keywords="compliance-snapshot")
    return doc.save(path)


def _gap(quota: int, filled: int) -> str:
    return str(quota - filled) if quota >= filled else f"（超出{filled - quota}）"


def _cn(n: int) -> str:
    digits = "一二三四五六七八九十"
    return digits[n - 1] if n <= 10 else str(n)


class ComplianceSnapshot:
    name = "compliance-snapshot"
    description = "合规快照: quotas vs filled per unit, compliance findings and the ledger position on --as-of (json, csv, docx)"
    formats = ("json", "csv", "docx")

    def export(self, context: ExportContext, path: Path, options: dict[str, Any]) -> Path:
        as_of = _date_option(options, "as_of")
        if as_of is None:
            raise ExportOptionError("compliance-snapshot needs --as-of DATE")
        since = _date_option(options, "since")
        path = Path(path)
        fmt = (options.get("format") or path.suffix.lstrip(".")).lower()
        if fmt not in self.formats:
            raise ExportOptionError(f"compliance-snapshot writes {', '.join(self.formats)}, not '{fmt or path.name}'")
        data = snapshot(context.app, as_of, since, options.get("rules"))
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "json":
            path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")
        elif fmt == "csv":
            path.write_text(to_csv(data), encoding="utf-8-sig", newline="")
        else:
            top = next((u["name"] for u in data["units"] if not u["parent"]), "")
            to_docx(data, path, f"{top}合规快照（{as_of.year}年{as_of.month}月{as_of.day}日）")
        return path


exporter = ComplianceSnapshot()
