"""The `yearly-report` exporter: the bureau's yearly 选人用人工作报告 as an official .docx (GB/T 9704-2012), the
figures it states as JSON (for auditors), or a PDF through LibreOffice.

The figures come from the query API (`Queries.yearly_figures`: the counting rules are the ledger's), and so does
the compliance sentence (`Queries.findings` of the year, for the report's units): this module lays the report out
and its sentences are `exporters.report_wording`'s. The document is addressed (主送机关, `--to`) and signed
(发文机关署名 `--signed-by`, 成文日期 `--date`), with defaults from the store's settings (`[report]` in
`ledger.toml`). With `redact`, it writes the publishable twin (`exporters.redaction`).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from ledger.app import Finding, LedgerError, YearlyFigures, parse_date

from .base import ExportContext
from .gbt9704 import OfficialDocument
from .narrative import SECTIONS, Block, Narrative, read_narrative
from .redaction import Piece, Redactor, T, Unit, mask_name  # noqa: F401 (mask_name: the masking rule, re-exported)
from .registry import ExportOptionError, chosen_format
from .report_wording import (
    compliance_paragraph,
    establishment_paragraph,
    institutions_paragraph,
    practice_paragraph,
    promotions_paragraph,
    reviews_paragraph,
    ways_paragraph,
)

CN_ORDINALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
FORMATS = ("docx", "json", "pdf")
SOFFICE = ("soffice", "libreoffice")


@dataclass(frozen=True)
class Letterhead:
    """Whom the report goes to (主送机关), who signs it (发文机关署名) and when (成文日期)."""

    to: str
    signed_by: str
    dated: date

    @property
    def date_text(self) -> str:
        """成文日期 in Arabic numerals, the year in full and no leading zeros (GB/T 9704 §7.3.5.1)."""
        return f"{self.dated.year}年{self.dated.month}月{self.dated.day}日"


TO_PLACEHOLDER = "【待填写：主送机关】"
# A top unit's name that starts with its level of government (区文化和旅游局) reports to that level's 组织部; a
# name starting with 市场 (市场监督管理局) is no 市's.
LEVEL_PREFIXES = ("区", "县", "市")
NOT_A_LEVEL = ("市场",)


def derived_addressee(f: YearlyFigures, top: bool) -> str | None:
    """The 主送机关 the unit's name gives: 区委组织部 for a top unit named 区…, 县委组织部, 市委组织部; None when the
    name does not say (a unit under another reports to it, which only a clerk can name)."""
    if not top or f.name.startswith(NOT_A_LEVEL):
        return None
    prefix = next((p for p in LEVEL_PREFIXES if f.name.startswith(p)), None)
    return f"{prefix}委组织部" if prefix else None


def letterhead(f: YearlyFigures, options: dict[str, Any], settings: dict[str, Any], top: bool,
               warnings: list[str] | None = None, today: date | None = None) -> Letterhead:
    """`--to`, `--signed-by`, `--date`, else the store's `[report]` settings (its `signed_by` is the top unit's:
    a unit under it signs with its own name), else what the unit's name gives. Where nothing gives the 主送机关 it
    is left 【待填写：主送机关】, and a report dated today more than a year after its year is warned about."""
    warnings = warnings if warnings is not None else []
    to = options.get("to") or settings.get("to") or derived_addressee(f, top)
    if not to:
        to = TO_PLACEHOLDER
        warnings.append(f"the {f.year} report of {f.name} has no 主送机关: give --to, or `to` under [report] in "
                        f"ledger.toml; it says {TO_PLACEHOLDER}")
    signed_by = options.get("signed_by") or (settings.get("signed_by") if top else None) or \
        (f"中共{f.name}党组" if f.kind == "机关" else f.name)
    given = options.get("date")
    try:
        dated = parse_date(given) if given else (today or date.today())
    except ValueError as e:
        raise ExportOptionError(f"yearly-report: --date: {e}") from None
    if not given and dated > date(f.year + 1, 12, 31):
        warnings.append(f"the {f.year} report is dated today ({dated}), more than a year after {f.year}: give "
                        f"--date (成文日期)")
    return Letterhead(str(to), str(signed_by), dated)


def redactor_for(f: YearlyFigures, enabled: bool, redact_hosts: bool = False) -> Redactor:
    """What the publishable twin masks: every person and organisation the ledger ever recorded (retracted facts
    included), the people's ids, and (`redact_hosts`) the hosts of the year's secondments."""
    return Redactor(enabled, people=[*f.people.values(), *f.recorded_person_names],
                    organisations=[*f.units.values(), *f.recorded_unit_names, *f.sections], ids=f.people,
                    hosts=[s.host for s in f.secondments] if redact_hosts else ())


def year_findings(context: ExportContext, f: YearlyFigures, rules: Any = None) -> list[Finding]:
    """The ledger's own checks of the year (`ledger check --as-of` the report's date, since 1 January), about the
    report's unit and the units under it."""
    found = context.queries.year_findings(f.year, f.unit, f.as_of, rules)
    return [x for x in found if x.unit in f.scope]


def breaches(findings: list[Finding]) -> list[Finding]:
    """The findings the report may call problems: never a notice (an incomplete record, docs/domain.md §7)."""
    return [x for x in findings if x.severity != "notice"]


@dataclass(frozen=True)
class Checks:
    """The ledger's own checks of the report's year: what they found, and which rules they judged."""

    findings: list[Finding]
    judged: set[str]
    notices: list[Finding] = field(default_factory=list)  # incomplete records: no area is called clean over them


def judged_rules(rulebook: Any, as_of: date) -> set[str]:
    """The rules the checks ran for the year: those switched on, SELECTION_STEPS only from its date."""
    judged = {rule for rule in rulebook.rules if rulebook.on(rule)}
    since = rulebook.param("SELECTION_STEPS", "since")
    if "SELECTION_STEPS" in judged and since > as_of:
        judged.discard("SELECTION_STEPS")
    return judged


def default_opening(f: YearlyFigures) -> list[Piece]:
    return [T(f"{f.year}年，"), Unit(f.name), T("党组坚持党管干部原则，以习近平新时代中国特色社会主义思想为指导，严格执行"
            "《党政领导干部选拔任用工作条例》，规范选人用人工作程序，注重培养选拔优秀年轻干部，为各项工作提供坚强组织保证。"
            "现将本年度选人用人工作情况汇报如下：")]


def placeholder(section: str) -> str:
    return f"【待填写：{section}。请在 --narrative 文件的“## {section}”一节中撰写本部分，再重新导出。】"


class YearlyReport:
    name = "yearly-report"
    redacts = True  # --redact writes the 公开版 (names, units and figures masked)
    description = ("The yearly 选人用人工作报告 as an official .docx (GB/T 9704-2012), its figures as .json, or .pdf "
                   "(LibreOffice); --year Y, --narrative, --redact, --to, --signed-by, --date")
    formats = FORMATS

    def export(self, context: ExportContext, path: Path, options: dict[str, Any]) -> Path:
        path = Path(path)
        fmt = chosen_format(self.name, path, options.get("format"), FORMATS)
        as_of: date | None = options.get("as_of")
        year = options.get("year") or (as_of.year if as_of else None)
        if year is None:
            raise ExportOptionError("yearly-report needs --year Y (the year reported on) or --as-of DATE")
        year = int(year)
        if as_of is not None and as_of.year != year:
            raise ExportOptionError(f"--as-of {as_of} is not in --year {year}")
        soffice = _soffice() if fmt == "pdf" else None
        narrative = read_narrative(options["narrative"]) if options.get("narrative") else Narrative()
        figures = context.queries.yearly_figures(year, options.get("unit"), options.get("known_at"), as_of=as_of)
        rulebook = context.queries.rulebook(options.get("rules"))
        head = letterhead(figures, options, rulebook.settings.get("report", {}), figures.parent is None,
                          context.warnings)
        checked = year_findings(context, figures, options.get("rules"))
        findings, notices = breaches(checked), [x for x in checked if x.severity == "notice"]
        if findings:
            rules = "; ".join(dict.fromkeys(f"{x.rule} {x.title}" for x in findings))
            context.warnings.append(f"the {year} report states {len(findings)} open finding(s) of the ledger's own "
                                    f"checks ({rules}) and does not call the year's selection work 严格规范; see "
                                    f"`ledger check --as-of {figures.as_of}`")
        if fmt == "json":
            return _write_json(path, figures, head, findings)
        checks = Checks(findings, judged_rules(rulebook, figures.as_of), notices)
        r = redactor_for(figures, bool(options.get("redact")), bool(options.get("redact_hosts")))
        if soffice is None:
            return render(figures, narrative, r, path, head, checks)
        return _pdf(soffice, path, lambda docx: render(figures, narrative, r, docx, head, checks))


def _write_json(path: Path, f: YearlyFigures, head: Letterhead, findings: list[Finding]) -> Path:
    data = {**f.as_json(), "to": head.to, "signed_by": head.signed_by, "date": head.dated.isoformat(),
            "findings": [x.as_json() for x in findings]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS) + b"\n")
    return path


def _soffice() -> str:
    found = next((shutil.which(name) for name in SOFFICE if shutil.which(name)), None)
    if found is None:
        raise LedgerError("yearly-report: --format pdf needs LibreOffice (soffice), which is not installed "
                          "(Debian: apt-get install libreoffice-writer); write .docx and convert it elsewhere")
    return found


def _pdf(soffice: str, path: Path, write_docx: Any) -> Path:
    """The .docx converted by LibreOffice in a private profile (a running LibreOffice does not take the job)."""
    with tempfile.TemporaryDirectory(prefix="ledger-pdf-") as tmp:
        folder = Path(tmp)
        docx = write_docx(folder / f"{path.stem}.docx")
        done = subprocess.run([soffice, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
                               "--convert-to", "pdf", "--outdir", str(folder), str(docx)],
                              capture_output=True, text=True, timeout=300)
        made = folder / f"{path.stem}.pdf"
        if not made.exists():
            raise ExportOptionError(f"LibreOffice did not convert the report: {(done.stderr or done.stdout).strip()}")
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(made), path)
    return path


def render(f: YearlyFigures, narrative: Narrative, r: Redactor, path: Path, head: Letterhead, checks: Checks) -> Path:
    doc = OfficialDocument()
    title = r.join([Unit(f.name), T(f"{f.year}年选人用人工作报告")])
    doc.title(title)
    doc.addressee(r.text(head.to))
    if narrative.opening:
        _blocks(doc, narrative.opening, r)
    else:
        doc.paragraph(r.join(default_opening(f)))

    doc.heading1("一、基本情况")
    doc.paragraph(r.join(establishment_paragraph(f), mask_figures=True))
    doc.paragraph(r.join(institutions_paragraph(f), mask_figures=True))
    doc.paragraph(promotions_paragraph(f, r, clean=not (checks.findings or checks.notices)))
    doc.paragraph(ways_paragraph(f, r))
    compliance = compliance_paragraph(checks.findings, r, checks.judged, checks.notices, f.rectifications, f.year)
    if compliance:
        doc.paragraph(compliance)

    for i, section in enumerate(SECTIONS, start=1):
        doc.heading1(f"{CN_ORDINALS[i]}、{section}")
        if section == "主要做法":
            doc.paragraph(practice_paragraph(f, r))
            reviews = reviews_paragraph(f, r)
            if reviews:
                doc.paragraph(reviews)
        blocks = narrative.section(section)
        if blocks:
            _blocks(doc, blocks, r)
        else:
            doc.paragraph(placeholder(section))
    doc.signature(r.text(head.signed_by), head.date_text)
    doc.set_properties(title=title, author="" if r.enabled else r.text(f.name), subject="选人用人工作报告",
                       keywords=f"选人用人工作报告 {f.year}")
    return doc.save(path)


MARKERS = {2: lambda n: f"（{_cn(n)}）", 3: lambda n: f"{n}.", 4: lambda n: f"（{n}）"}


def _cn(n: int) -> str:
    return CN_ORDINALS[n - 1] if n <= 10 else f"十{CN_ORDINALS[n - 11]}" if n < 20 else str(n)


def _blocks(doc: OfficialDocument, blocks: list[Block], r: Redactor) -> None:
    """The author's blocks, headings numbered afresh under their parents (（一） → 1. → （1））, 楷体 for （一）."""
    counters = {2: 0, 3: 0, 4: 0}
    for b in blocks:
        if b.kind in ("heading", "item"):
            counters[b.level] += 1
            for deeper in range(b.level + 1, 5):
                counters[deeper] = 0
            lead = MARKERS[b.level](counters[b.level]) + r.text(b.lead if b.kind == "item" else b.text)
            body = r.text(b.text) if b.kind == "item" else ""
            heading = doc.heading2 if b.level == 2 else doc.heading3
            heading(lead, body) if body else heading(lead)
        elif b.lead:
            doc.heading2(r.text(b.lead), r.text(b.text))
        else:
            doc.paragraph(r.text(b.text))


exporter = YearlyReport()
