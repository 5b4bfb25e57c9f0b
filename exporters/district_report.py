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


def row_cells(r: dict[str, Any]) -> list[object]:
    """One row of the table: a bureau's figures, or the 合计's, as `ledger.app.District.report` counted them."""
    percent = approving_percent(r["reviews"])
    return [r["name"], r["quota"], r["filled"], r["over_quota"], r["post_quota"], r["posts_filled"], r["over_posts"],
            r["promotions"], r["rank_promotions"], r["born_1980_or_later"],
            f"{r['genders'].get('男', 0)}/{r['genders'].get('女', 0)}", f"{r['graduates']}/{r['undergraduates']}",
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
