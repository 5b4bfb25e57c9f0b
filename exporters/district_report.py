"""The district's yearly figures, the bureaus side by side with a 合计 row, as a .docx (GB/T 9704 layout) or JSON.

What `ledger district report --year Y -o F.docx|.json` writes; the figures are `ledger.app.District.report`'s,
each bureau's from its own yearly figures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ledger.app import approving_percent, dump_json

HEADERS = ["单位", "编制数", "实有人数", "超编", "领导职数", "实配", "超职数", "提拔", "职级晋升", "80后及以下",
           "性别（男/女）", "学历（研究生/本科）", "评议满意率"]
WIDTHS_MM = [38, 17, 17, 13, 17, 13, 13, 13, 17, 19, 20, 25, 20]


def _share(counts: dict[str, int], keys: tuple[str, ...]) -> int:
    return sum(n for k, n in counts.items() if k in keys)


def row_cells(r: dict[str, Any]) -> list[object]:
    """One row of the table: a bureau's figures, or the 合计's."""
    young = sum(n for k, n in r["cohorts"].items() if k in ("80后", "90后", "00后"))
    graduate = _share(r["educations"], ("博士研究生", "硕士研究生"))
    college = _share(r["educations"], ("大学本科",))
    percent = approving_percent(r["reviews"])
    return [r["name"], r["quota"], r["filled"], r["over_quota"], r["post_quota"], r["posts_filled"], r["over_posts"],
            r["promotions"], r["rank_promotions"], young,
            f"{r['genders'].get('男', 0)}/{r['genders'].get('女', 0)}", f"{graduate}/{college}",
            "-" if percent is None else f"{percent}%"]


def title(report: dict[str, Any]) -> str:
    return f"{report['year']}年度全区各单位选人用人工作情况汇总表"


def write_district_report(report: dict[str, Any], path: Path) -> Path:
    """Write the report as .docx (or .json, by the suffix)."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        path.write_bytes(dump_json(report))
        return path
    from .gbt9704 import SIZE_XIAO4, OfficialDocument

    doc = OfficialDocument()
    doc.landscape()
    doc.title(title(report))
    doc.paragraph(f"统计截至{report['as_of']}；提拔、职级晋升为{report['year']}年度，年龄、性别、学历为当年提拔和职级晋升人员。",
                  indent=False)
    rows = [row_cells(r) for r in report["bureaus"]] + [row_cells(report["total"])]
    doc.table(HEADERS, rows, widths_mm=WIDTHS_MM, size=SIZE_XIAO4)
    doc.set_properties(title(report), subject="全区选人用人工作汇总", keywords=f"district {report['year']}")
    return doc.save(path)
