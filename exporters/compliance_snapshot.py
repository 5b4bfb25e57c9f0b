"""The `compliance-snapshot` exporter: on a date, each unit's quotas against the filled counts, the compliance
findings, and the ledger position they were computed from — as JSON, CSV (UTF-8 with BOM) or a .docx 合规快照.

Reads only through the query API (`units`, `findings`, `log`, `head_digest`), so its quota table is the
roster's and its findings are `ledger check`'s.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson

from ledger.app import Queries, parse_date, parse_timestamp

from .base import ExportContext
from .cells import neutral_csv
from .registry import ExportOptionError, chosen_format


def _date_option(options: dict[str, Any], name: str) -> date | None:
    value = options.get(name)
    if value is None or isinstance(value, date):
        return value
    try:
        return parse_date(value)
    except ValueError as e:
        raise ExportOptionError(f"compliance-snapshot: --{name.replace('_', '-')}: {e}") from None


def snapshot(queries: Queries, as_of: date, since: date | None = None,
             rules_file: str | Path | None = None, known_at: datetime | None = None) -> dict[str, Any]:
    """The snapshot's data (the JSON form): quotas vs filled per unit, findings, ledger position; with `known_at`,
    all of it as the ledger knew it then (its position then; the digest is the chain's head now, so not given)."""
    facts = [f for f in queries.log() if f.known_at(known_at)]
    result = queries.findings(as_of, since, rules_file=rules_file, known_at=known_at)
    units = [{
        "unit": s["unit"], "name": s["name"], "kind": s["kind"], "funding": s["funding"], "parent": s["parent"],
        "establishment": s["establishment"],  # 编制 per type: quota, filled
        "posts": s["posts"],  # 领导职数 per post: level, quota, filled
        "headcount": s["headcount"], "seconded": s["seconded"],
        "off_establishment": s["assistants"],  # 编外 (self-hired assistants)
    } for s in queries.units(as_of, known_at)]
    data = {
        "as_of": as_of.isoformat(),
        "since": result.since.isoformat(),
        "ledger": {"last_event_id": facts[-1].id if facts else None, "event_count": len(facts),
                   "integrity_head": queries.head_digest(),
                   "checkpoint": queries.latest_checkpoint()},  # the last signed checkpoint, if one was written
        "rules": result.rulebook.origin,
        "units": units,
        "findings": [x.as_json() for x in result.breaches],  # notices (incomplete records) are no findings
        "summary": result.summary(),
    }
    if known_at is not None:
        data["known_at"] = known_at.isoformat()
        data["ledger"]["integrity_head"] = None
    return data


CSV_HEADERS = ["row", "unit", "unit_name", "item", "level", "quota", "filled", "rule", "title", "severity", "person",
               "event_id", "message", "source"]


def to_csv(data: dict[str, Any]) -> str:
    """A row per unit quota (编制, 领导职数, 编外) and per finding, for a spreadsheet."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CSV_HEADERS)
    blank = [""] * 7
    for u in data["units"]:
        rows = [["编制", u["unit"], u["name"], e["establishment"], "", e["quota"], e["filled"], *blank]
                for e in u["establishment"]]
        rows += [["领导职数", u["unit"], u["name"], p["post"], p["level"], p["quota"], p["filled"], *blank]
                 for p in u["posts"]]
        rows.append(["编外", u["unit"], u["name"], "自聘助理", "", "", u["off_establishment"], *blank])
        w.writerows([neutral_csv(c) for c in row] for row in rows)
    for x in data["findings"]:
        w.writerow([neutral_csv(c) for c in ["finding", x["unit"] or "", "", "", "", "", "", x["rule"], x["title"],
                                              x["severity"], x["person"] or "", x["event_id"] or "", x["message"],
                                              x["source"]]])
    pos = data["ledger"]
    w.writerow(["ledger", "", "", f"as of {data['as_of']}; last event {pos['last_event_id']}; "
                f"{pos['event_count']} events; integrity head {pos['integrity_head'] or '-'}", "", "", "", *blank])
    return out.getvalue()


def to_docx(data: dict[str, Any], path: Path, title: str | list[str]) -> Path:
    """The 合规快照 in the official layout (GB/T 9704-2012, via exporters.gbt9704)."""
    from .gbt9704 import OfficialDocument

    doc = OfficialDocument()
    doc.title(title)
    pos = data["ledger"]
    as_of, since = cn_date(data["as_of"]), cn_date(data["since"])
    then = (f"按{data['known_at'][:19].replace('T', ' ')}（UTC）时台账所知，" if data.get("known_at") else "")
    doc.paragraph(f"本快照{then}依据人事台账截至第{pos['last_event_id']}号事件（共{pos['event_count']}条）生成，反映"
                  f"{as_of}的编制、领导职数配备情况，以及{since}至{as_of}期间生效事项的合规审查结果。"
                  + ("台账完整性摘要（SHA-256）：" if pos["integrity_head"] else ""))
    if pos["integrity_head"]:
        doc.monospace(pos["integrity_head"])  # a line of its own: 64 characters never broken or justified
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
    doc.right_aligned(as_of)
    doc.set_properties("".join([title] if isinstance(title, str) else title), subject="合规快照",
                       keywords="compliance-snapshot")
    return doc.save(path)


def cn_date(iso: str | date) -> str:
    """A date as an official document writes it: 2022年12月31日 (GB/T 9704: Arabic numerals, no leading zeros)."""
    d = parse_date(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def _gap(quota: int, filled: int) -> str:
    return str(quota - filled) if quota >= filled else f"（超出{filled - quota}）"


def _cn(n: int) -> str:
    digits = "一二三四五六七八九十"
    return digits[n - 1] if n <= 10 else str(n)


class ComplianceSnapshot:
    name = "compliance-snapshot"
    description = "合规快照: quotas vs filled per unit, compliance findings and the ledger position on --as-of (json, csv, docx)"
    formats = ("json", "csv", "docx")
    redacts = False  # findings name people: --redact is refused

    def export(self, context: ExportContext, path: Path, options: dict[str, Any]) -> Path:
        as_of = _date_option(options, "as_of")
        if as_of is None:
            raise ExportOptionError("compliance-snapshot needs --as-of DATE")
        since = _date_option(options, "since")
        path = Path(path)
        fmt = chosen_format(self.name, path, options.get("format"), self.formats)
        known_at = options.get("known_at")
        if isinstance(known_at, str):
            known_at = parse_timestamp(known_at)
        data = snapshot(context.queries, as_of, since, options.get("rules"), known_at)
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "json":
            path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")
        elif fmt == "csv":
            path.write_text(to_csv(data), encoding="utf-8-sig", newline="")
        else:
            top = next((u["name"] for u in data["units"] if not u["parent"]), "")
            to_docx(data, path, [f"{top}合规快照", f"（{cn_date(as_of)}）"])  # the date on a line of its own
        return path


exporter = ComplianceSnapshot()
