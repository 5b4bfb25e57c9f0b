"""The 干部任免审批表 as the 中组部's form editor keeps it (`.lrmx`, version 3): its elements, the form's values from
the ledger (for the exporter), and reading forms back (for `ledger import-lrmx`).

One definition serves both directions, as `ledger.io.roster_table` does for the roster: a form written here and
read back gives the same values. XML is built with the standard library's ElementTree and read with defusedxml
(no entities, no DTD, no network): a form that declares entities is refused, whatever they expand to.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ledger.model.dates import YearMonth
from ledger.model.errors import Problem, Refused
from ledger.model.identity import IdNumber

ROOT = "Person"
VERSION = "3"
# Every element of the form, in the editor's order.
ELEMENTS: tuple[str, ...] = (
    "XingMing", "XingBie", "ChuShengNianYue", "MinZu", "JiGuan", "ChuShengDi", "RuDangShiJian",
    "CanJiaGongZuoShiJian", "JianKangZhuangKuang", "ZhuanYeJiShuZhiWu", "ShuXiZhuanYeYouHeZhuanChang",
    "QuanRiZhiJiaoYu_XueLi", "QuanRiZhiJiaoYu_XueWei", "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "ZaiZhiJiaoYu_XueLi", "ZaiZhiJiaoYu_XueWei",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi", "ZaiZhiJiaoYu_XueWei_BiYeYuanXiaoXi", "XianRenZhiWu", "NiRenZhiWu",
    "NiMianZhiWu", "JianLi", "JiangChengQingKuang", "NianDuKaoHeJieGuo", "RenMianLiYou", "JiaTingChengYuan",
    "ChengBaoDanWei", "JiSuanNianLingShiJian", "TianBiaoShiJian", "TianBiaoRen", "ShenFenZheng", "ZhaoPian",
    "Version",
)
# Profile facts the form carries: element -> profile_recorded field.
PROFILE_ELEMENTS: dict[str, str] = {
    "MinZu": "ethnicity", "JiGuan": "native_place", "ChuShengDi": "birthplace", "RuDangShiJian": "party_joined",
    "CanJiaGongZuoShiJian": "work_started", "JianKangZhuangKuang": "health",
    "ShuXiZhuanYeYouHeZhuanChang": "specialty", "ShenFenZheng": "id_number",
}
MONTH_ELEMENTS = ("ChuShengNianYue", "RuDangShiJian", "CanJiaGongZuoShiJian")  # YYYYMM
DAY_ELEMENTS = ("JiSuanNianLingShiJian", "TianBiaoShiJian")  # yyyyMMdd
EDUCATION_PREFIXES = {"全日制": "QuanRiZhiJiaoYu", "在职": "ZaiZhiJiaoYu"}
LINE_BREAK = "\r\n"  # the 简历's lines are separated so in the editor's files
APPRAISAL_YEARS = 3  # 年度考核结果: the last three years


def _yyyymm(month: str | None) -> str:
    return month.replace("-", "") if month else ""


def _yyyymmdd(d: date) -> str:
    return d.strftime("%Y%m%d")


def _entries(items: list[dict[str, Any]]) -> list[str]:
    out = []
    for x in sorted(items, key=lambda x: x["on"]):
        basis = f"（{x['basis']}）" if x.get("basis") else ""
        out.append(f"{x['on'][:7].replace('-', '.')} {x['text']}{basis}")
    return out


def form_values(file: dict[str, Any], resume_lines: list[str], on: date, *, proposed_post: str | None = None,
                proposed_removal: str | None = None, reason: str | None = None,
                actor: str | None = None) -> dict[str, str]:
    """Every element's text for a person's file on `on` (`ledger.read.cadre.cadre_view`) and 简历."""
    profile = file["profile"]
    values = dict.fromkeys(ELEMENTS, "")
    values.update({"XingMing": file["name"], "XingBie": file["gender"],
                   "ChuShengNianYue": file["birth_date"][:7].replace("-", "")})
    for element, name in PROFILE_ELEMENTS.items():
        value = profile.get(name) or ""
        values[element] = _yyyymm(value) if element in MONTH_ELEMENTS else value
    if file["titles"]:
        values["ZhuanYeJiShuZhiWu"] = max(file["titles"], key=lambda t: t["conferred"])["title"]
    for kind, prefix in EDUCATION_PREFIXES.items():
        e = file["fulltime" if kind == "全日制" else "inservice"]
        if e:
            values[f"{prefix}_XueLi"], values[f"{prefix}_XueWei"] = e["level"], e["degree"] or ""
            values[f"{prefix}_XueLi_BiYeYuanXiaoXi"] = e["school"] or ""
            values[f"{prefix}_XueWei_BiYeYuanXiaoXi"] = (e["school"] or "") if e["degree"] else ""
    recent = file["appraisals"][-APPRAISAL_YEARS:]
    values.update({
        "XianRenZhiWu": file["current_post"] if file["status"] != "left" else "",
        "NiRenZhiWu": proposed_post or "", "NiMianZhiWu": proposed_removal or "",
        "JianLi": LINE_BREAK.join(resume_lines),
        "JiangChengQingKuang": "；".join(_entries(file["awards"]) + _entries(file["disciplines"])) or "无",
        "NianDuKaoHeJieGuo": "；".join(f"{a['year']}年度{a['grade']}" for a in recent),
        "RenMianLiYou": reason or "", "ChengBaoDanWei": file["unit_name"],
        "JiSuanNianLingShiJian": _yyyymmdd(on), "TianBiaoShiJian": _yyyymmdd(on), "TianBiaoRen": actor or "",
        "Version": VERSION,
    })
    return values


def lrmx_bytes(values: dict[str, str]) -> bytes:
    """The form as the editor's XML (UTF-8, with its declaration)."""
    root = ET.Element(ROOT)
    for name in ELEMENTS:
        ET.SubElement(root, name).text = values.get(name, "")
    ET.indent(root)
    # A raw CR would be read back as a plain line feed (XML normalises line ends): write the 简历's CRs as
    # character references so that its lines stay CRLF-separated. Only text holds a CR (indenting adds LFs).
    return ET.tostring(root, encoding="utf-8", xml_declaration=True).replace(b"\r", b"&#13;")


# --- reading forms -------------------------------------------------------------------------------------------
@dataclass
class Form:
    """A form read from a file: its elements' texts and what they say, each checked."""

    source: str
    values: dict[str, str]
    name: str = ""
    birth_month: str = ""
    profile: dict[str, str] = field(default_factory=dict)
    educations: list[dict[str, Any]] = field(default_factory=list)
    title: str | None = None
    career: list[dict[str, Any]] = field(default_factory=list)  # from_month, to_month, text
    filled: date | None = None  # TianBiaoShiJian
    notes: list[str] = field(default_factory=list)


def read_lrmx(data: bytes, source: str) -> Form:
    """Parse one form; `Refused` names the file and the element of every problem (not XML, another root, an
    entity declaration, an impossible date)."""
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException as e:
        raise Refused([Problem("unsafe_xml", f"{source}: the form declares entities or a DTD ({type(e).__name__}); "
                               "a form from the editor has none, so it is refused unread")]) from None
    except ET.ParseError as e:
        raise Refused([Problem("not_xml", f"{source}: not an XML form ({e})")]) from None
    if root.tag != ROOT:
        raise Refused([Problem("not_a_form", f"{source}: the root element is <{root.tag}>, not <{ROOT}> "
                               "(a 干部任免审批表 from the form editor)")])
    values = {child.tag: (child.text or "").strip() for child in root if isinstance(child.tag, str)}
    form = Form(source, values)
    problems: list[Problem] = []
    _read_person(form, problems)
    _read_profile(form, problems)
    _read_educations(form)
    form.career = read_jianli(values.get("JianLi", ""), form, problems)
    if problems:
        raise Refused(problems)
    return form


def _bad(form: Form, element: str, message: str, problems: list[Problem], code: str = "bad_value") -> None:
    problems.append(Problem(code, f"{form.source}, {element}: {message}"))


def _month(form: Form, element: str, problems: list[Problem]) -> str | None:
    text = form.values.get(element, "")
    if not text:
        return None
    try:
        return YearMonth.parse(text)
    except ValueError as e:
        _bad(form, element, str(e), problems, "impossible_date")
        return None


def _read_person(form: Form, problems: list[Problem]) -> None:
    form.name = form.values.get("XingMing", "")
    if not form.name:
        _bad(form, "XingMing", "missing: the form names nobody", problems, "missing_field")
    form.birth_month = _month(form, "ChuShengNianYue", problems) or ""
    if not form.birth_month and "ChuShengNianYue" in form.values and not form.values["ChuShengNianYue"]:
        _bad(form, "ChuShengNianYue", "missing", problems, "missing_field")
    filled = form.values.get("TianBiaoShiJian", "")
    if filled:
        try:
            form.filled = date(int(filled[:4]), int(filled[4:6]), int(filled[6:8]))
            if len(filled) != 8 or not filled.isdigit():
                raise ValueError
        except ValueError:
            _bad(form, "TianBiaoShiJian", f"'{filled}' is not a date (yyyyMMdd)", problems, "impossible_date")


def _read_profile(form: Form, problems: list[Problem]) -> None:
    for element, name in PROFILE_ELEMENTS.items():
        text = form.values.get(element, "")
        if not text:
            continue
        if element in MONTH_ELEMENTS:
            month = _month(form, element, problems)
            if month:
                form.profile[name] = month
        elif name == "id_number":
            if "*" in text:
                form.notes.append(f"{form.source}: ShenFenZheng is masked ({text}); not recorded")
                continue
            try:
                form.profile[name] = IdNumber.parse(text)
            except ValueError as e:
                _bad(form, element, str(e), problems)
        else:
            form.profile[name] = text
    title = form.values.get("ZhuanYeJiShuZhiWu", "")
    form.title = title or None


def _read_educations(form: Form) -> None:
    for kind, prefix in EDUCATION_PREFIXES.items():
        level = form.values.get(f"{prefix}_XueLi", "")
        degree = form.values.get(f"{prefix}_XueWei", "")
        school = form.values.get(f"{prefix}_XueLi_BiYeYuanXiaoXi", "") or form.values.get(
            f"{prefix}_XueWei_BiYeYuanXiaoXi", "")
        if level or degree:
            form.educations.append({"kind": kind, "level": level or degree, "degree": degree or None,
                                    "school": school or None})


_LINE = re.compile(r"^(\d{4})[.．](\d{1,2})\s*[-—–－~～]+\s*(?:(\d{4})[.．](\d{1,2}))?\s*(.*)$")


def read_jianli(text: str, form: Form, problems: list[Problem]) -> list[dict[str, Any]]:
    """The 简历's lines: `YYYY.MM--YYYY.MM  text` (an open end for the line still so); a （其间：…） line or a
    wrapped line continues the line above."""
    lines: list[dict[str, Any]] = []
    for raw in re.split(r"\r\n|\n|\r", text.translate({0xFF0E: 0x2E})):
        line = raw.strip().strip("\u3000").strip()
        if not line:
            continue
        m = _LINE.match(line)
        if m is None:
            if lines:
                lines[-1]["text"] += line if not line.startswith("（") else f" {line}"
            else:
                _bad(form, "JianLi", f"'{line[:30]}' is not a line of the 简历 (YYYY.MM--YYYY.MM …)", problems)
            continue
        try:
            start = YearMonth.parse(f"{m.group(1)}.{int(m.group(2)):02d}")
            end = YearMonth.parse(f"{m.group(3)}.{int(m.group(4)):02d}") if m.group(3) else None
        except ValueError as e:
            _bad(form, "JianLi", f"{line[:30]}: {e}", problems, "impossible_date")
            continue
        if end is not None and end < start:
            _bad(form, "JianLi", f"{line[:30]}: ends before it begins", problems, "impossible_date")
            continue
        lines.append({"from_month": start, "to_month": end, "text": m.group(5).strip()})
    return lines


# --- titles' grades ---------------------------------------------------------------------------------------------
# A title's grade, when its name says it plainly (正高级…, 副教授, 高级工程师 …); None otherwise.
_GRADE_WORDS: tuple[tuple[str, str], ...] = (
    ("正高级", "正高"), ("副高级", "副高"), ("副教授", "副高"), ("副研究员", "副高"), ("副主任医师", "副高"),
    ("教授", "正高"), ("研究员", "正高"), ("主任医师", "正高"), ("高级", "副高"), ("助理", "初级"),
    ("中级", "中级"), ("初级", "初级"),
)


def title_grade(title: str) -> str | None:
    for word, grade in _GRADE_WORDS:
        if title.startswith(word) or (word in ("副教授", "副研究员", "教授", "研究员") and title.endswith(word)):
            return grade
    return None

