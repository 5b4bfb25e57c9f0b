"""The `yearly-report` exporter: the bureau's yearly 选人用人工作报告 as an official .docx (GB/T 9704-2012).

The figures come from the query API (`Queries.yearly_figures`: the counting rules are the ledger's); this module
only words them in the sentence patterns of the seed report and lays them out. With `redact`, it writes the
publishable twin: person names → **, the distinctive part of unit and section names → ** (区**局, **科), the
figures of 一、基本情况 → one * per digit. Sentences are built from typed pieces (text, figure, person, unit, section) so that redaction never
depends on guessing what a piece of text is; a last pass over all text removes any name the author's narrative
may contain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ledger.app import YearlyFigures

from .base import ExportContext
from .gbt9704 import OfficialDocument
from .narrative import SECTIONS, Block, Narrative, read_narrative
from .registry import ExportOptionError

CN_ORDINALS = ("一", "二", "三", "四")
SECONDMENT_VERBS = {"交流": "交流学习", "学习": "交流学习", "挂职": "挂职锻炼", "借调": "借调工作"}

# Generic parts of organisation names, kept when redacting (the rest is the distinctive part).
NAME_PREFIXES = ("自治区", "区委", "县委", "市委", "区", "县", "市", "镇", "乡", "街道")
NAME_SUFFIXES = ("委员会", "中心", "局", "馆", "院", "所", "站", "队", "处", "科", "室", "部", "委", "办", "会",
                 "社", "团", "厅", "司", "股", "组", "校", "园", "台", "场")


# --- typed pieces of text ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Piece:
    kind: str  # "text", "figure", "person", "people", "unit", "section"
    value: Any


def T(text: str) -> Piece:
    return Piece("text", text)


def N(n: int) -> Piece:
    return Piece("figure", n)


def Who(name: str) -> Piece:
    return Piece("person", name)


def Unit(name: str) -> Piece:
    return Piece("unit", name)


def Sec(name: str | None) -> Piece:
    return Piece("section", name or "")


def mask_name(name: str) -> str:
    """The distinctive part of an organisation's name replaced by **: 区文化和旅游局 → 区**局, 政策法规科 → **科."""
    prefix = next((p for p in NAME_PREFIXES if name.startswith(p) and len(name) > len(p)), "")
    rest = name[len(prefix):]
    suffix = next((s for s in NAME_SUFFIXES if rest.endswith(s) and len(rest) > len(s)), "")
    return f"{prefix}**{suffix}"


class Redactor:
    """Renders pieces plainly, or (enabled) as the publishable version."""

    def __init__(self, figures: YearlyFigures, enabled: bool):
        self.enabled = enabled
        names: dict[str, str] = {}
        if enabled:
            for n in [*figures.people.values(), *figures.recorded_person_names]:
                names[n] = "**"
            for n in [*figures.units.values(), *figures.recorded_unit_names, *figures.sections]:
                names[n] = mask_name(n)
        self._names = {k: val for k, val in names.items() if len(k) >= 2}
        self._pattern = re.compile("|".join(re.escape(k) for k in sorted(self._names, key=len, reverse=True))) \
            if self._names else None

    def text(self, s: str) -> str:
        """Any text with every known name masked (a no-op when not redacting)."""
        if not self.enabled or self._pattern is None:
            return s
        # A mask keeps the generic ends of a name (区**局), which could join a neighbour into another name: repeat
        # until nothing matches, and as a last resort mask whatever still does.
        for _ in range(5):
            s, n = self._pattern.subn(lambda m: self._names[m.group(0)], s)
            if n == 0 or self._pattern.search(s) is None:
                return s
        return self._pattern.sub("**", s)

    def piece(self, p: Piece, mask_figures: bool) -> str:
        if p.kind == "figure":
            return "*" * len(str(p.value)) if self.enabled and mask_figures else str(p.value)
        if p.kind == "person":
            return "**" if self.enabled else p.value
        if p.kind == "people":
            return "**" if self.enabled else "、".join(p.value)  # the seed masks a list of names as one **
        if p.kind in ("unit", "section"):
            return mask_name(p.value) if self.enabled and p.value else p.value
        return self.text(p.value)

    def join(self, pieces: list[Piece], mask_figures: bool = False) -> str:
        return self.text("".join(self.piece(p, mask_figures) for p in pieces))

    def clauses(self, clauses: list[list[Piece]], mask_figures: bool, sep: str = "、") -> str:
        """Clauses joined; when redacting, clauses that read the same once masked are given once."""
        rendered = [self.join(c, mask_figures) for c in clauses]
        if self.enabled:
            rendered = list(dict.fromkeys(rendered))
        return sep.join(rendered)


# --- the sentences ------------------------------------------------------------------------------------------------
def self_reference(name: str) -> str:
    """How the unit names itself: 我局, 我馆, 我中心, … (else 我单位)."""
    for suffix in ("委员会", "中心", "局", "馆", "院", "所", "站", "委", "办", "队"):
        if name.endswith(suffix):
            return "我" + ("委" if suffix == "委员会" else suffix)
    return "我单位"


def establishment_paragraph(f: YearlyFigures) -> list[Piece]:
    we = self_reference(f.name)
    out: list[Piece] = [T(f"根据三定规定，{we}设有")]
    if f.quotas:
        for i, (kind, count) in enumerate(f.quotas.items()):
            out += [T("、" if i else ""), T(kind), N(count), T("名")]
    else:
        out += [T("编制"), N(0), T("名")]
    for p in f.head_posts:
        out += [T(f"，{p.post}"), N(p.quota), T("名")]
    if f.section_posts:
        out += [T("，科级领导职数"), N(f.section_post_quota), T("名，其中科长（主任）"), N(f.section_head_quota), T("名")]
    out.append(T("。目前有"))
    groups: list[list[Piece]] = []
    for posts in (f.head_posts, f.section_posts):
        g: list[Piece] = []
        for i, p in enumerate(posts):
            g += [T(("、" if i else "") + p.post), N(p.filled), T("名")]
        if g:
            groups.append(g)
    staff_label = "科员" if f.kind == "机关" else "其他人员"
    g = [T(staff_label), N(f.non_leaders), T("名")]
    if f.non_leader_ranks:
        g.append(T("（"))
        for i, (rank, count) in enumerate(f.non_leader_ranks):
            g += [T(("、" if i else "") + rank), N(count), T("名")]
        g.append(T("）"))
    groups.append(g)
    for i, g in enumerate(groups):
        out += ([T("；")] if i else []) + g
    out.append(T("。"))
    return out


def institutions_paragraph(f: YearlyFigures) -> list[Piece]:
    we = self_reference(f.name)
    if not f.institutions:
        return [T(f"{we}无下属事业单位。")]
    label = "下属事业单位" if all(i.kind == "事业单位" for i in f.institutions) else "下属单位"
    out: list[Piece] = [T(f"{we}{label}"), N(len(f.institutions)), T("个，")]
    for i, inst in enumerate(f.institutions):
        out += [T("；" if i else ""), Unit(inst.name), T(f"有{inst.funding or ''}在编人员"), N(inst.quota),
                T("名，包含领导职数"), N(inst.post_quota), T("名，目前在编"), N(inst.filled), T("名")]
    out.append(T("。"))
    return out


def _post_phrase(section: str | None, post: str, unit_name: str | None) -> list[Piece]:
    out: list[Piece] = []
    if unit_name:
        out.append(Unit(unit_name))
    if section:
        out.append(Sec(section))
    out.append(T(post))
    return out


def promotions_paragraph(f: YearlyFigures, r: Redactor) -> str:
    """The year's promotions and appointments, grouped, with names; the assistants engaged (figures masked)."""
    mask = True
    groups: list[str] = []
    for rank, items in f.promotions_by_rank():
        groups.append(r.join([N(len(items)), T(f"名{rank}（"), Piece("people", [p.name for p in items]), T("同志）")], mask))
    for post, items in f.appointments_by_post():
        clauses = []
        for a in items:
            unit_name = a.unit_name if a.unit != f.unit else None
            target = _post_phrase(a.section, post, unit_name)
            if a.previous_post_name is not None:
                prev_unit = a.unit_name if a.unit != f.unit else None
                prev = _post_phrase(a.previous_section, a.previous_post, prev_unit)
                clauses.append([Who(a.name), T("同志由"), *prev, T(f"{a.verb}为"), *target])
            elif a.verb == "提拔" or not a.previous_rank:
                clauses.append([Who(a.name), T(f"同志{a.verb}为"), *target])
            else:
                clauses.append([Who(a.name), T(f"同志由{a.previous_rank}{a.verb}为"), *target])
        groups.append(r.join([N(len(items)), T(f"名{post}（")], mask) + r.clauses(clauses, mask) + "）")
    if groups:
        text = f"{f.year}年通过严格规范的选拔任用程序，共提拔" + "、".join(groups)
    else:
        text = f"{f.year}年未提拔任用干部"
    if f.engagements:
        clauses = [[Who(e.name), T("同志自聘为"), T(e.role)] for e in f.engagements]
        text += "，自聘" + r.join([N(len(f.engagements))], mask) + "名助理人员（" + r.clauses(clauses, mask) + "）"
    return text + "。"


def practice_paragraph(f: YearlyFigures) -> str:
    """The data paragraph opening 二、主要做法: who was promoted (age, gender, education) and who went out."""
    n = len(f.promoted)
    if n:
        cohorts = "、".join(f"{k}{c}名" for k, c in f.cohorts().items())
        genders = "、".join(f"{'男性' if g == '男' else '女性'}{c}名" for g, c in f.genders().items())
        text = (f"{f.year}年全年提拔任用干部{n}名，其中80后、90后干部占{f.share_born_after(1980)}%（{cohorts}）；"
                f"{genders}；{education_clause(f)}。")
    else:
        text = f"{f.year}年全年未提拔任用干部。"
    if f.secondments:
        by_verb: dict[str, list] = {}
        for s in f.secondments:
            by_verb.setdefault(SECONDMENT_VERBS.get(s.kind, s.kind), []).append(s)
        parts = []
        for verb, items in by_verb.items():
            hosts = list(dict.fromkeys(s.host for s in items))
            people = len({s.person for s in items})
            parts.append(f"派出{people}名同志前往{'、'.join(hosts)}{'等部门' if len(hosts) > 1 else ''}{verb}")
        text += "全年" + "，".join(parts) + "，拓宽思路、提升技能。"
    else:
        text += "全年未派出干部外出交流学习、挂职或借调。"
    return text


def education_clause(f: YearlyFigures) -> str:
    """The education of those promoted: the levels recorded, and plainly how many have none (学历未登记)."""
    known = "、".join(f"{e}{c}名" for e, c in f.educations().items())
    missing = f.education_unregistered()
    if not missing:
        return known
    if not known:
        return "学历均未登记"
    return f"{known}，另有{missing}名学历未登记"


def default_opening(f: YearlyFigures) -> list[Piece]:
    return [T(f"{f.year}年，"), Unit(f.name), T("党组坚持党管干部原则，以习近平新时代中国特色社会主义思想为指导，严格执行"
            "《党政领导干部选拔任用工作条例》，规范选人用人工作程序，注重培养选拔优秀年轻干部，为各项工作提供坚强组织保证。"
            "现将本年度选人用人工作情况汇报如下：")]


def placeholder(section: str) -> str:
    return f"【待填写：{section}。请在 --narrative 文件的“## {section}”一节中撰写本部分，再重新导出。】"


# --- the exporter ------------------------------------------------------------------------------------------------
class YearlyReport:
    name = "yearly-report"
    description = "The yearly 选人用人工作报告 as an official .docx (GB/T 9704-2012); --year Y, --narrative, --redact"
    formats = ("docx",)

    def export(self, context: ExportContext, path: Path, options: dict[str, Any]) -> Path:
        path = Path(path)
        fmt = options.get("format") or path.suffix.lstrip(".").lower()
        if fmt != "docx":
            raise ExportOptionError(f"yearly-report writes .docx only (asked for '{fmt or path.name}'); "
                                    "give -o NAME.docx")
        as_of: date | None = options.get("as_of")
        year = options.get("year") or (as_of.year if as_of else None)
        if year is None:
            raise ExportOptionError("yearly-report needs --year Y (the year reported on) or --as-of DATE")
        year = int(year)
        if as_of is not None and as_of.year != year:
            raise ExportOptionError(f"--as-of {as_of} is not in --year {year}")
        narrative = read_narrative(options["narrative"]) if options.get("narrative") else Narrative()
        figures = context.queries.yearly_figures(year, options.get("unit"), options.get("known_at"), as_of=as_of)
        return render(figures, narrative, bool(options.get("redact")), path)


def render(f: YearlyFigures, narrative: Narrative, redact: bool, path: Path) -> Path:
    r = Redactor(f, redact)
    doc = OfficialDocument()
    title = r.join([Unit(f.name), T(f"{f.year}年选人用人工作报告")])
    doc.title(title)
    if narrative.opening:
        _blocks(doc, narrative.opening, r)
    else:
        doc.paragraph(r.join(default_opening(f)))

    doc.heading1("一、基本情况")
    doc.paragraph(r.join(establishment_paragraph(f), mask_figures=True))
    doc.paragraph(r.join(institutions_paragraph(f), mask_figures=True))
    doc.paragraph(promotions_paragraph(f, r))

    for i, section in enumerate(SECTIONS, start=1):
        doc.heading1(f"{CN_ORDINALS[i]}、{section}")
        if section == "主要做法":
            doc.paragraph(r.text(practice_paragraph(f)))
        blocks = narrative.section(section)
        if blocks:
            _blocks(doc, blocks, r)
        else:
            doc.paragraph(placeholder(section))

    doc.set_properties(title=title, author="" if redact else r.text(f.name), subject="选人用人工作报告",
                       keywords=f"选人用人工作报告 {f.year}")
    return doc.save(path)


def _blocks(doc: OfficialDocument, blocks: list[Block], r: Redactor) -> None:
    for b in blocks:
        if b.kind == "heading":
            doc.heading2(r.text(b.text))
        elif b.kind == "item":
            lead = f"（{b.number}）" + r.text(b.lead)
            doc.heading2(lead, r.text(b.text)) if b.text else doc.heading2(lead)
        elif b.lead:
            doc.heading2(r.text(b.lead), r.text(b.text))
        else:
            doc.paragraph(r.text(b.text))


exporter = YearlyReport()
