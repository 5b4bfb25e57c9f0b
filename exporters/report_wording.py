"""The yearly report's sentences: the ledger's figures worded in the patterns an organisation department reads.

Each sentence is built from typed pieces (`exporters.redaction`), so that the publishable twin masks exactly the
names and counts: `mask` says which figures are counts (all of them, in the data paragraphs); the report year and
the cohort labels (80后) are text. The figures are the ledger's (`Queries.yearly_figures`, `Queries.findings`);
nothing here counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ledger.app import WAYS_IN, WAYS_OUT, Finding, YearlyFigures, post_level_index

from .redaction import Host as HostPiece
from .redaction import N, Piece, Redactor, Sec, T, Unit, Who

SECONDMENT_VERBS = {"交流": "交流学习", "学习": "交流学习", "挂职": "挂职锻炼", "借调": "借调工作"}
MASK = True  # the data paragraphs' figures are all counts: masked in the publishable twin
PROMOTION, APPOINTMENT = "提拔", "任命"

# What the compliance sentence says about each area the organisation department asks after, and the rules whose
# findings speak against it. Findings of other rules are named after these.
COMPLIANCE_AREAS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("任前公示", ("PUBLICITY_SHORT", "PUBLICITY_ORDER"), "本年度提拔任用均按规定进行任前公示"),
    ("选拔程序", ("SELECTION_STEPS", "DECISION_QUORUM"), "选拔任用均经动议、民主推荐、考察、讨论决定等程序"),
    ("试用期", ("PROBATION_OPEN", "PROMOTION_IN_PROBATION"), "试用期满的干部均已按期考核"),
    ("编制和职数", ("STAFF_OVER_QUOTA", "POST_OVER_QUOTA"), "年末无超编、超职数配备情况"),
)
# The notices (incomplete records) that keep an area from being called clean: the record cannot show it.
AREA_NOTICES: dict[str, tuple[str, ...]] = {"任前公示": ("PUBLICITY_MISSING",)}
REVIEW = "评议"  # what a rectification of the 评议 answers (ledger.model.events.rectifications.REVIEW)


def self_reference(name: str) -> str:
    """How the unit names itself: 我局, 我馆, 我中心, … (else 我单位)."""
    for suffix in ("委员会", "中心", "局", "馆", "院", "所", "站", "委", "办", "队"):
        if name.endswith(suffix):
            return "我" + ("委" if suffix == "委员会" else suffix)
    return "我单位"


def _counted(items: Sequence[tuple[str, int]], unit: str = "名") -> list[Piece]:
    """`行政编制24名、工勤编制2名` from (label, count) pairs."""
    out: list[Piece] = []
    for i, (label, count) in enumerate(items):
        out += [T(("、" if i else "") + label), N(count), T(unit)]
    return out


def establishment_paragraph(f: YearlyFigures) -> list[Piece]:
    """编制 and 领导职数 as 核定, and who is on the establishment now (目前在编), leaders first."""
    we = self_reference(f.name)
    out: list[Piece] = [T(f"根据三定规定，{we}核定")]
    out += _counted(list(f.quotas.items())) if f.quotas else [T("编制"), N(0), T("名")]
    heads = [(p.post, p.quota) for p in f.head_posts]
    if heads:
        out += [T("，设"), *_counted(heads)]
    if f.section_posts:
        out += [T("，科级领导职数"), N(f.section_post_quota), T("名，其中科长（主任）"), N(f.section_head_quota), T("名")]
    out += [T("。目前在编"), N(sum(f.filled.values())), T("名：")]
    groups = [_counted([(p.post, p.filled) for p in posts]) for posts in (f.head_posts, f.section_posts) if posts]
    staff = [T("科员" if f.kind == "机关" else "其他人员"), N(f.non_leaders), T("名")]
    if f.non_leader_ranks:
        staff += [T("（"), *_counted(f.non_leader_ranks), T("）")]
    for i, g in enumerate([*groups, staff]):
        out += ([T("；")] if i else []) + g
    return [*out, T("。")]


def institutions_paragraph(f: YearlyFigures) -> list[Piece]:
    """Each subordinate unit: 核定事业编制8名，其中领导职数1名，目前在编6名."""
    we = self_reference(f.name)
    if not f.institutions:
        return [T(f"{we}无下属事业单位。")]
    label = "下属事业单位" if all(i.kind == "事业单位" for i in f.institutions) else "下属单位"
    out: list[Piece] = [T(f"{we}{label}"), N(len(f.institutions)), T("个：")]
    for i, inst in enumerate(f.institutions):
        kinds = "、".join(inst.quota_types) if inst.quota_types else "编制"
        funding = f"（{inst.funding}）" if inst.funding else ""
        out += [T("；" if i else ""), Unit(inst.name), T(f"{funding}核定{kinds}"), N(inst.quota),
                T("名，其中领导职数"), N(inst.post_quota), T("名，目前在编"), N(inst.filled), T("名")]
    return [*out, T("。")]


def _post_phrase(section: str | None, post: str, unit_name: str | None) -> list[Piece]:
    return [*([Unit(unit_name)] if unit_name else []), *([Sec(section)] if section else []), T(post)]


def _appointment_clause(f: YearlyFigures, a: Any) -> list[Piece]:
    unit_name = a.unit_name if a.unit != f.unit else None
    target = _post_phrase(a.section, a.post, unit_name)
    if a.previous_post_name is not None:
        prev = _post_phrase(a.previous_section, a.previous_post, unit_name)
        return [Who(a.name), T("同志由"), *prev, T(f"{a.verb}为"), *target]
    if a.verb == PROMOTION or not a.previous_rank:
        return [Who(a.name), T(f"同志{a.verb}为"), *target]
    return [Who(a.name), T(f"同志由{a.previous_rank}{a.verb}为"), *target]


def promotions_paragraph(f: YearlyFigures, r: Redactor, clean: bool) -> str:
    """The year's 提拔 and 任命 to posts, and its 职级晋升, counted apart and named; the assistants engaged. The
    procedure is called 严格规范 only when the ledger's own checks found nothing open."""
    parts: list[str] = []
    by_level = sorted(f.appointments, key=lambda a: (-_level(a.level), a.effective, a.fact_id))
    for verb in (PROMOTION, APPOINTMENT):
        items = [a for a in by_level if a.verb == verb]
        if items:
            clauses = r.clauses([_appointment_clause(f, a) for a in items], MASK)
            parts.append(r.join([T(f"{verb}领导干部"), N(len(items)), T("名（")], MASK) + clauses + "）")
    if f.promotions:
        groups = [[Piece("people", [p.name for p in items]), T(f"同志晋升为{rank}")]
                  for rank, items in f.promotions_by_rank()]
        parts.append(r.join([T("晋升职级"), N(len(f.promotions)), T("名（")], MASK) + r.clauses(groups, MASK, "，")
                     + "）")
    if parts:
        text = f"{f.year}年{'通过严格规范的选拔任用程序，' if clean else ''}共" + "；".join(parts)
    else:
        text = f"{f.year}年未提拔任用干部，未晋升职级"
    if f.engagements:
        clauses = [[Who(e.name), T("同志自聘为"), T(e.role)] for e in f.engagements]
        text += "；自聘助理人员" + r.join([N(len(f.engagements))], MASK) + "名（" + r.clauses(clauses, MASK) + "）"
    return text + "。"


def _level(level: str) -> int:
    return post_level_index(level)


def ways_paragraph(f: YearlyFigures, r: Redactor) -> str:
    """The year's ways in and out (录用, 调入, 遴选 … / 退休, 调出, 辞职 …), counted and named as the seed names people."""
    halves = []
    for label, moves, order in (("新进人员", f.ways_in, WAYS_IN), ("减少人员", f.ways_out, WAYS_OUT)):
        if not moves:
            halves.append(f"无{label}")
            continue
        groups = [[T(way), N(len(items)), T("名："), Piece("people", [m.name for m in items]), T("同志")]
                  for way, items in f.ways(moves, order)]
        halves.append(r.join([T(label), N(len(moves)), T("名（")], MASK) + r.clauses(groups, MASK, "；") + "）")
    return f"全年{'，'.join(halves)}。"


def education_clause(f: YearlyFigures, r: Redactor) -> str:
    """The education of those promoted: the levels recorded, and plainly how many have none (学历未登记); the
    counts masked in the publishable twin."""
    known = r.clauses([[T(e), N(c), T("名")] for e, c in f.educations().items()], MASK)
    missing = f.education_unregistered()
    if not missing:
        return known
    if not known:
        return "学历均未登记"
    return known + "，" + r.join([T("另有"), N(missing), T("名学历未登记")], MASK)


def year_count_pieces(f: YearlyFigures) -> list[Piece]:
    """The year's one count, as 一、基本情况 gives it: 提拔任用领导干部 = the 提拔 and 任命 to leadership posts
    (appointments, each kind counted apart), and 晋升职级 apart: 2022年全年提拔任用领导干部2名（提拔1名、任命1名）、
    晋升职级3名."""
    out: list[Piece] = [T(f"{f.year}年全年")]
    kinds = [(verb, sum(1 for a in f.appointments if a.verb == verb)) for verb in (PROMOTION, APPOINTMENT)]
    total = sum(n for _verb, n in kinds)
    if total:
        out += [T("提拔任用领导干部"), N(total), T("名（")]
        for i, (verb, k) in enumerate(x for x in kinds if x[1]):
            out += [T(("、" if i else "") + verb), N(k), T("名")]
        out.append(T("）"))
    if f.promotions:
        out += [T("、" if total else ""), T("晋升职级"), N(len(f.promotions)), T("名")]
    return out


def practice_paragraph(f: YearlyFigures, r: Redactor) -> str:
    """The data paragraph opening 二、主要做法: who was promoted (age, gender, education) and who went out; its
    counts are masked in the publishable twin as those of 一、基本情况 are."""
    n = len(f.promoted)
    if n:
        cohorts = [[T(k), N(c), T("名")] for k, c in f.cohorts().items()]
        genders = [[T("男性" if g == "男" else "女性"), N(c), T("名")] for g, c in f.genders().items()]
        text = (r.join([*year_count_pieces(f), T("，以上"), N(n), T("人中80后、90后干部占"),
                        N(f.share_born_after(1980) or 0), T("%（")], MASK)
                + r.clauses(cohorts, MASK) + "）；" + r.clauses(genders, MASK) + "；" + education_clause(f, r) + "。")
    else:
        text = f"{f.year}年全年未提拔任用领导干部，未晋升职级。"
    if not f.secondments:
        return text + "全年未派出干部外出交流学习、挂职或借调。"
    by_verb: dict[str, list] = {}
    for s in f.secondments:
        by_verb.setdefault(SECONDMENT_VERBS.get(s.kind, s.kind), []).append(s)
    parts = []
    for verb, items in by_verb.items():
        hosts = list(dict.fromkeys(s.host for s in items))
        host_pieces: list[Piece] = []
        for i, h in enumerate(hosts):
            host_pieces += [T("、" if i else ""), HostPiece(h)]
        parts.append(r.join([T("派出"), N(len({s.person for s in items})), T("名同志前往"), *host_pieces,
                             T(f"{'等部门' if len(hosts) > 1 else ''}{verb}")], MASK))
    return text + "全年" + "，".join(parts) + "，拓宽思路、提升技能。"


def _rate(approving: int, total: int) -> str:
    return f"{100 * approving / total:.1f}" if total else "0"


def reviews_paragraph(f: YearlyFigures, r: Redactor) -> str | None:
    """Last year's 民主评议 (一报告两评议): the whole work's answers, and the cadres promoted then, with the share
    满意 + 基本满意; None when none is recorded."""
    if not f.reviews:
        return None
    year = f.reviews[0].year
    pieces: list[Piece] = [T(f"{year}年度选人用人工作民主评议")]
    overall = next((x for x in f.reviews if x.person is None), None)
    if overall is not None:
        c = overall.counts
        pieces += [T("中，满意"), N(c["satisfied"]), T("票、基本满意"), N(c["basically_satisfied"]), T("票、不满意"),
                   N(c["dissatisfied"]), T("票、不了解"), N(c["not_known"]), T("票，满意和基本满意率为"),
                   N(_rate(overall.approving, overall.total)), T("%")]
    people = [x for x in f.reviews if x.person is not None]
    if people:
        approving, total = sum(x.approving for x in people), sum(x.total for x in people)
        lowest = min(people, key=lambda x: x.approving / x.total if x.total else 0)
        pieces += [T(("；对" if overall is not None else "中，对") + f"{year}年新提拔任用的"), N(len(people)),
                   T("名干部逐一评议，满意和基本满意率合计为"), N(_rate(approving, total)), T("%，最低为"),
                   N(_rate(lowest.approving, lowest.total)), T("%")]
    # 反馈 and 整改 only as recorded (rectification_recorded answering the 评议): docs/domain.md §8
    answered = [x for x in f.rectifications if x.answers == REVIEW and x.year == year]
    return r.join([*pieces, T("。")], MASK) + "".join(_rectified(x, r) for x in answered)


def date_text(d: Any) -> str:
    """2023年1月20日: a date as the report's sentences write it."""
    return f"{d.year}年{d.month}月{d.day}日"


def _rectified(x: Any, r: Redactor) -> str:
    """One recorded 整改/反馈, in its own words with its date: 2023年1月20日，评议结果已向干部本人反馈。"""
    text = r.text(x.text).rstrip("。；;.")
    return f"{date_text(x.effective)}，{text}。"


def compliance_paragraph(findings: Sequence[Finding], r: Redactor, judged: set[str], notices: Sequence[Finding] = (),
                         rectifications: Sequence[Any] = (), year: int | None = None) -> str:
    """What the ledger's own checks say of the year: each area clean or what is open in it, then the rest. An
    area is called clean only when every rule of it was `judged` (a rule switched off proves nothing) and no
    record of it is incomplete (a notice: `AREA_NOTICES`); a notice is never called a problem. 整改 is said only
    where recorded (`rectification_recorded` naming the rule, for the year), each in its own words and date."""
    by_rule: dict[str, list[Finding]] = {}
    for x in findings:
        by_rule.setdefault(x.rule, []).append(x)
    incomplete = {x.rule for x in notices}
    clauses, named = [], set()
    for area, rules, clean in COMPLIANCE_AREAS:
        named |= set(rules)
        open_ = [(by_rule[rule][0].title, len(by_rule[rule])) for rule in rules if rule in by_rule]
        if open_:
            clauses.append(f"{area}方面存在" + _titled(open_, r))
        elif set(rules) <= judged and not incomplete & set(AREA_NOTICES.get(area, ())):
            clauses.append(clean)
    rest = [(items[0].title, len(items)) for rule, items in by_rule.items() if rule not in named]
    if rest:
        clauses.append("另有" + _titled(rest, r))
    text = "经人事台账核查：" + "；".join(clauses) + "。" if clauses else ""
    rectified = [x for x in rectifications if x.answers in by_rule and (year is None or x.year == year)]
    for x in rectified:
        text += f"针对{by_rule[x.answers][0].title}问题，" + _rectified(x, r)
    return text


def _titled(items: list[tuple[str, int]], r: Redactor) -> str:
    return "、".join(r.join([T(title), N(n), T("项")], MASK) for title, n in items)
