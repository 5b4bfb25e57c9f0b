"""The 干部任免审批表 as the 中组部's form editor keeps it (`.lrmx`, version 3): its elements, the form's values from
the ledger (for the exporter), and reading forms back (for `ledger import-lrmx`).

One definition serves both directions, as `ledger.io.roster_table` does for the roster: a form written here and
read back gives the same values. XML is built with the standard library's ElementTree and read with defusedxml
(no entities, no DTD, no network): a form with a DOCTYPE (entities, a DTD, or a bare `<!DOCTYPE>`) is refused, whatever it declares.
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
VERSION = "3.2.1.0"  # the editor's files carry 3.2.1.x
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
DAY_ELEMENTS = ("JiSuanNianLingShiJian", "TianBiaoShiJian")  # yyyyMMdd (one public editor writes yyyyMM)
EDUCATION_PREFIXES = {"全日制": "QuanRiZhiJiaoYu", "在职": "ZaiZhiJiaoYu"}
LINE_BREAK = "\r\n"  # the 简历's lines are separated so in the editor's files
APPRAISAL_YEARS = 3  # 年度考核结果: the last three years
FAMILY = "JiaTingChengYuan"
# A family member's elements (an `Item` of JiaTingChengYuan): element -> family_member_recorded field.
FAMILY_ELEMENTS: dict[str, str] = {"ChengWei": "relation", "XingMing": "member", "ChuShengRiQi": "born",
                                   "ZhengZhiMianMao": "party", "GongZuoDanWeiJiZhiWu": "work"}
# 民主党派 (and 无党派人士): written after the month in the 入党时间 cell ("201105；民盟"), the profile's 政治面貌.
DEMOCRATIC_PARTIES = ("民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟", "无党派人士",
                      "中国国民党革命委员会", "中国民主同盟", "中国民主建国会", "中国民主促进会", "中国农工民主党",
                      "中国致公党", "台湾民主自治同盟")
# Elements the ledger does not hold as the file's: the proposal's (given to the exporter) and the form's own.
NOT_HELD: dict[str, str] = {
    "NiRenZhiWu": "the proposal's (the exporter's --proposed-post)",
    "NiMianZhiWu": "the proposal's (the exporter's --proposed-removal)",
    "RenMianLiYou": "the proposal's (the exporter's --reason)",
    "TianBiaoRen": "the form's own (the exporter's --filled-by, or ledger.toml's [form] filled_by)",
    "JiSuanNianLingShiJian": "the form's own (the exporter's --as-of)",
}
# Words that make a sentence of 奖惩情况 a discipline; any other is an award.
DISCIPLINE_WORDS = ("处分", "警告", "记过", "降级", "撤职", "开除", "诫勉", "通报批评", "责令", "问责", "处理",
                    "免职处理", "批评教育")


def _yyyymm(month: str | None) -> str:
    return month.replace("-", "") if month else ""


def _yyyymmdd(d: date) -> str:
    return d.strftime("%Y%m%d")


def _entry_text(x: dict[str, Any]) -> str:
    if x.get("undated"):
        return str(x["text"])
    basis = f"（{x['basis']}）" if x.get("basis") else ""
    return f"{x['on'][:7].replace('-', '.')} {x['text']}{basis}"


def _entries(items: list[dict[str, Any]]) -> list[str]:
    """奖惩 as the form lists them: in order of their months (a sentence kept as written by its own leading month,
    when it has one), awards and disciplines together."""
    def key(x: dict[str, Any]) -> tuple[str, int]:
        m = _LEADING_MONTH.match(x["text"]) if x.get("undated") else None
        month = f"{m.group(1)}-{int(m.group(2)):02d}" if m else ("9999" if x.get("undated") else x["on"][:7])
        return month, x.get("order", 0)

    return [_entry_text(x) for x in sorted(items, key=key)]


def party_cell(profile: dict[str, str]) -> str:
    """入党时间 as the form writes it: the month (`YYYYMM`), and a 民主党派 after it (`201105；民盟`)."""
    month, party = _yyyymm(profile.get("party_joined")), profile.get("party") or ""
    if party in DEMOCRATIC_PARTIES:
        return f"{month}；{party}" if month else party
    return month


def form_values(file: dict[str, Any], resume_lines: list[str], on: date, *, proposed_post: str | None = None,
                proposed_removal: str | None = None, reason: str | None = None,
                actor: str | None = None, filled_by: str | None = None, photo: str = "") -> dict[str, Any]:
    """Every element's text for a person's file on `on` (`ledger.read.cadre.cadre_view`) and 简历; the family as a
    list of items (element -> text). Nothing the ledger does not know is written: an unknown is left blank."""
    profile = file["profile"]
    values: dict[str, Any] = dict.fromkeys(ELEMENTS, "")
    values.update({"XingMing": file["name"], "XingBie": file["gender"],
                   "ChuShengNianYue": file["birth_date"][:7].replace("-", "")})
    for element, name in PROFILE_ELEMENTS.items():
        value = profile.get(name) or ""
        values[element] = _yyyymm(value) if element in MONTH_ELEMENTS else value
    values["RuDangShiJian"] = party_cell(profile)
    if file["titles"]:
        values["ZhuanYeJiShuZhiWu"] = max(file["titles"], key=lambda t: t["conferred"])["title"]
    for kind, prefix in EDUCATION_PREFIXES.items():
        e = file["fulltime" if kind == "全日制" else "inservice"]
        if e:
            values[f"{prefix}_XueLi"], values[f"{prefix}_XueWei"] = e["level"], e["degree"] or ""
            values[f"{prefix}_XueLi_BiYeYuanXiaoXi"] = e["school"] or ""
            values[f"{prefix}_XueWei_BiYeYuanXiaoXi"] = (e["school"] or "") if e["degree"] else ""
    recent = file["appraisals"][-APPRAISAL_YEARS:]
    merits = [{**x, "order": i} for i, x in enumerate(file["awards"] + file["disciplines"])]
    values.update({
        "XianRenZhiWu": file["current_post"] if file["status"] != "left" else "",
        "NiRenZhiWu": proposed_post or "", "NiMianZhiWu": proposed_removal or "",
        "JianLi": LINE_BREAK.join(resume_lines),
        "JiangChengQingKuang": "；".join(_entries(merits)),  # none recorded is not "无": the ledger may not know
        "NianDuKaoHeJieGuo": "；".join(f"{a['year']}年度{a['grade']}" for a in recent),
        "RenMianLiYou": reason or "", "ChengBaoDanWei": file["unit_name"],
        FAMILY: [{"ChengWei": m["relation"], "XingMing": m["member"], "ChuShengRiQi": dotted_month(m["born"]),
                  "ZhengZhiMianMao": m["party"] or "", "GongZuoDanWeiJiZhiWu": m["work"] or ""}
                 for m in file.get("family", [])],
        "JiSuanNianLingShiJian": _yyyymmdd(on), "TianBiaoShiJian": _yyyymmdd(on),
        "TianBiaoRen": filled_by or actor or "", "ZhaoPian": photo, "Version": VERSION,
    })
    return values


def dotted_month(month: str | None) -> str:
    """A family member's 出生年月 as the editor writes it, `YYYY.MM`."""
    return month.replace("-", ".") if month else ""


def lrmx_bytes(values: dict[str, Any]) -> bytes:
    """The form as the editor's XML (UTF-8, with its declaration); the family one `Item` per member."""
    root = ET.Element(ROOT)
    for name in ELEMENTS:
        element = ET.SubElement(root, name)
        if name == FAMILY:
            for member in values.get(FAMILY) or []:
                item = ET.SubElement(element, "Item")
                for tag in FAMILY_ELEMENTS:
                    ET.SubElement(item, tag).text = member.get(tag, "")
        else:
            element.text = values.get(name, "")
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
    family: list[dict[str, Any]] = field(default_factory=list)  # family_member_recorded fields
    photo: bytes | None = None  # ZhaoPian, decoded and checked
    # 奖惩: {"kind": "award"|"discipline", "text", "basis", "month" (None: kept as written)}
    merits: list[dict[str, Any]] = field(default_factory=list)
    appraisals: list[tuple[int, str]] = field(default_factory=list)  # (year, grade)
    # year → the word the form wrote where it is not the ledger's grade (事业单位's 合格 for 称职 …)
    appraisal_words: dict[int, str] = field(default_factory=dict)


def read_lrmx(data: bytes, source: str) -> Form:
    """Parse one form; `Refused` names the file and the element of every problem (not XML, another root, an
    entity declaration, an impossible date, a photo that is no JPEG or PNG). What the form holds that the ledger
    does not (the proposal, unknown elements, sentences it cannot read) is named in `notes`."""
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        root = SafeET.fromstring(data, forbid_dtd=True)  # a bare <!DOCTYPE> too: the editor writes none
    except DefusedXmlException:
        raise Refused([Problem("unsafe_xml", f"{source}: the form declares a DOCTYPE (a document type or entities); "
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
    family = root.find(FAMILY)
    if family is not None:
        _read_family(form, family, problems)
    _read_photo(form, problems)
    _read_merits(form)
    _read_appraisals(form)
    _not_held(form)
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
    for element in DAY_ELEMENTS:
        day = form_day(form.values.get(element, ""))
        if day is False:
            _bad(form, element, f"'{form.values[element]}' is not a date (yyyyMMdd, or yyyyMM)", problems,
                 "impossible_date")
        elif element == "TianBiaoShiJian" and day is not None:
            form.filled = day


def form_day(text: str) -> date | None | bool:
    """A day element's date: `yyyyMMdd`, or `yyyyMM` (one public editor writes the month only: its first day);
    None when empty, False when neither."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or len(text) not in (6, 8):
        return False
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]) if len(text) == 8 else 1)
    except ValueError:
        return False


def _read_profile(form: Form, problems: list[Problem]) -> None:
    for element, name in PROFILE_ELEMENTS.items():
        text = form.values.get(element, "")
        if not text:
            continue
        if element == "RuDangShiJian":
            _read_party_cell(form, text, problems)
        elif element in MONTH_ELEMENTS:
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


def _read_party_cell(form: Form, text: str, problems: list[Problem]) -> None:
    """入党时间: a month, and a 民主党派 written after it (`201105；民盟`) or alone (`民盟`), which is the 政治面貌."""
    parts = [x for x in re.split(r"[；;，,、\s/]+", text) if x]
    month_parts = [x for x in parts if x not in DEMOCRATIC_PARTIES]
    party = [x for x in parts if x in DEMOCRATIC_PARTIES]
    if len(month_parts) > 1 or len(party) > 1 or (len(parts) > 1 and not party):
        _bad(form, "RuDangShiJian", f"'{text}' is neither a month nor a month and a 民主党派 (201105；民盟)", problems,
             "impossible_date")
        return
    if party:
        form.profile["party"] = party[0]
    if month_parts:
        try:
            form.profile["party_joined"] = YearMonth.parse(month_parts[0])
        except ValueError as e:
            _bad(form, "RuDangShiJian", str(e), problems, "impossible_date")


def _read_educations(form: Form) -> None:
    for kind, prefix in EDUCATION_PREFIXES.items():
        level = form.values.get(f"{prefix}_XueLi", "")
        degree = form.values.get(f"{prefix}_XueWei", "")
        school = form.values.get(f"{prefix}_XueLi_BiYeYuanXiaoXi", "") or form.values.get(
            f"{prefix}_XueWei_BiYeYuanXiaoXi", "")
        if level or degree:
            form.educations.append({"kind": kind, "level": level or degree, "degree": degree or None,
                                    "school": school or None})


def _read_family(form: Form, family: Any, problems: list[Problem]) -> None:
    """JiaTingChengYuan's `Item`s: 称谓, 姓名, 出生年月 (YYYY.MM or YYYYMM), 政治面貌, 工作单位及职务."""
    for n, item in enumerate(family.findall("Item"), start=1):
        cells = {c.tag: (c.text or "").strip() for c in item if isinstance(c.tag, str)}
        other = sorted(t for t, x in cells.items() if t not in FAMILY_ELEMENTS and x)
        if other:
            form.notes.append(f"{form.source}: {FAMILY}, item {n}: {', '.join(other)} not recorded (the ledger keeps "
                              "称谓, 姓名, 出生年月, 政治面貌 and 工作单位及职务)")
        if not any(cells.get(t) for t in FAMILY_ELEMENTS):
            continue
        if not cells.get("ChengWei") or not cells.get("XingMing"):
            _bad(form, f"{FAMILY}/Item[{n}]", "a member needs ChengWei (称谓) and XingMing (姓名)", problems,
                 "missing_field")
            continue
        member: dict[str, Any] = {f: cells.get(t) or None for t, f in FAMILY_ELEMENTS.items()}
        if member["born"]:
            try:
                member["born"] = YearMonth.parse(member["born"])
            except ValueError as e:
                _bad(form, f"{FAMILY}/Item[{n}]/ChuShengRiQi", str(e), problems, "impossible_date")
                continue
        form.family.append(member)


def _read_photo(form: Form, problems: list[Problem]) -> None:
    """ZhaoPian: the photo, base64 (the editor's JPEG); checked as any photo is (`ledger.io.images`)."""
    import base64
    import binascii

    from ledger.io.images import read_image

    text = "".join(form.values.get("ZhaoPian", "").split())
    if not text:
        return
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        _bad(form, "ZhaoPian", "not a base64 image", problems)
        return
    try:
        read_image(data, f"{form.source}, ZhaoPian")
    except Refused as e:
        problems += e.problems
        return
    form.photo = data


_LEADING_MONTH = re.compile(r"^(\d{4})[.．年](\d{1,2})月?")
_MERIT = re.compile(r"^(\d{4})[.．年](\d{1,2})月?\s*(.+?)(?:（([^（）]*(?:〔|\[|号)[^（）]*)）)?$")


def _read_merits(form: Form) -> None:
    """奖惩情况, one sentence per `；` or line: `YYYY.MM text（decision）` is dated (an award, or a discipline when
    its words say so); any other sentence is kept as written, named in a note. 无 is no sentence."""
    text = form.values.get("JiangChengQingKuang", "")
    if text in ("无", "无。"):
        form.notes.append(f"{form.source}: JiangChengQingKuang says 无; the ledger records the 奖惩 it is told of, "
                          "not their absence, so the form it writes leaves the cell blank")
        return
    for sentence in (x.strip(" 。") for x in re.split(r"[；;]|\r\n|\n|\r", text)):
        if not sentence:
            continue
        kind = "discipline" if any(w in sentence for w in DISCIPLINE_WORDS) else "award"
        m = _MERIT.match(sentence)
        month = None
        if m is not None:
            try:
                month = YearMonth.parse(f"{m.group(1)}.{int(m.group(2)):02d}")
            except ValueError:
                month = None
        if month is None or m is None:
            form.merits.append({"kind": kind, "text": sentence, "basis": None, "month": None})
            form.notes.append(f"{form.source}: JiangChengQingKuang: '{sentence[:40]}' has no month the ledger can "
                              f"read; kept as written (an undated {kind})")
            continue
        form.merits.append({"kind": kind, "text": m.group(3).strip(), "basis": m.group(4), "month": month,
                            "written": sentence})


_APPRAISAL = re.compile(r"^(\d{4})\s*年度?(?:年度考核)?(?:考核)?(?:为|结果为|评定为)?\s*[：:]?\s*"
                        r"(优秀|称职|基本称职|不称职|合格|基本合格|不合格)(?:等次)?$")
# 事业单位's words (《事业单位工作人员考核规定》) for the grades of 《公务员考核规定》 the ledger holds: recorded as the
# ledger's grade, and the import says so (`ledger.io.lrmx_plan`), since the form the ledger writes then says it.
_SAME_GRADE = {"合格": "称职", "基本合格": "基本称职", "不合格": "不称职"}


def _read_appraisals(form: Form) -> None:
    """年度考核结果: each year's grade (`2021年度称职`); a sentence that names no year and grade is named in a note
    and not recorded."""
    text = form.values.get("NianDuKaoHeJieGuo", "")
    for sentence in (x.strip(" 。") for x in re.split(r"[；;，,、]|\r\n|\n|\r", text)):
        if not sentence or sentence == "无":
            continue
        m = _APPRAISAL.match(sentence)
        if m is None:
            form.notes.append(f"{form.source}: NianDuKaoHeJieGuo: '{sentence[:40]}' names no year and grade "
                              "(2021年度称职); not recorded")
            continue
        year, written = int(m.group(1)), m.group(2)
        form.appraisals.append((year, _SAME_GRADE.get(written, written)))
        if written in _SAME_GRADE:
            form.appraisal_words[year] = written


def _not_held(form: Form) -> None:
    """Name the elements the ledger does not hold as the file's, when they say something."""
    for element, why in NOT_HELD.items():
        if form.values.get(element):
            form.notes.append(f"{form.source}: {element} ('{form.values[element][:30]}') is {why}: not recorded")
    unknown = sorted(t for t, x in form.values.items() if t not in ELEMENTS and x)
    if unknown:
        form.notes.append(f"{form.source}: {', '.join(unknown)} not recorded (not elements of the form the ledger "
                          "reads)")


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

