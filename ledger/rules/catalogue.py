"""The rule catalogue: every compliance rule's id, Chinese title, source clause, severity and parameters, as data.

A new regulation (or a locality's variant) is an edit to a table here or a section of a TOML file
(`--rules FILE`, or `ledger.toml` beside a SQLite store) — never a code change. The ids are a contract.
This module holds no rule code (the functions are in `ledger.rules.fact_rules` and `state_rules`) and reads no
store.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from ledger.model.errors import LedgerError

# error and warning are breaches; a notice is an incomplete record (a publicity not entered, an opening post
# without its 任现职务时间): `ledger check` lists it apart, it never counts as a finding of the yearly report and
# never makes `check` fail (docs/domain.md §7).
SEVERITIES = ("error", "warning", "info", "notice")
NOTICE = "notice"
RULES_FILE = "ledger.toml"  # looked for beside a SQLite store
# Tables of the rules file that are the bureau's settings, not rules: `[report]` (主送机关 `to`, 发文机关署名
# `signed_by` of the yearly report), `[form]` (填表人 `filled_by` of the 干部任免审批表). Their keys are each
# reader's to check.
SETTINGS_TABLES = ("report", "form")


class RulesError(LedgerError):
    """A rules file cannot be read or says something the catalogue does not know."""


@dataclass(frozen=True)
class RuleSpec:
    id: str
    title: str  # Chinese title, as an auditor names the offence
    source: str  # the clause a finding cites (docs/domain.md)
    severity: str
    enabled: bool = True
    params: dict[str, Any] = field(default_factory=dict)
    on_when_set: bool = False  # off by default, and switched on by a rules file that gives it a parameter


# 《公务员职务与职级并行规定》第十八条 (docs/domain.md §2): years in the lower rank before each promotion, and the
# leadership-post level whose tenure counts as well ("2 years as 四级主任科员 or 乡科级副职"). 四级主任科员: 2 years
# as 一级科员 (第十八条(十), as three verbatim reprints quote it; the 3 years are the 乡科级副职 post's, §3).
RANK_TENURE_YEARS: dict[str, int] = {
    "一级科员": 2, "四级主任科员": 2, "三级主任科员": 2, "二级主任科员": 2, "一级主任科员": 2,
    "四级调研员": 2, "三级调研员": 2, "二级调研员": 2, "一级调研员": 3, "二级巡视员": 4,
}
RANK_TENURE_POST_EQUIVALENT: dict[str, str] = {
    "三级主任科员": "乡科级副职", "一级主任科员": "乡科级正职", "三级调研员": "县处级副职", "一级调研员": "县处级正职",
}

# docs/domain.md §3: before a leadership post of a level, years at or above a rank, or in posts at or above a level.
POST_TENURE_REQUIREMENTS: dict[str, dict[str, Any]] = {
    "乡科级副职": {"years": 3, "rank_from": "一级科员"},
    "乡科级正职": {"years": 2, "post_from": "乡科级副职", "rank_from": "四级主任科员"},
    "县处级副职": {"years": 3, "post_from": "乡科级正职"},
    "县处级正职": {"years": 2, "post_from": "县处级副职"},
    "厅局级副职": {"years": 3, "post_from": "县处级正职"},
    "厅局级正职": {"years": 2, "post_from": "厅局级副职"},
}

# NPC Standing Committee decision of 2024-09-13, in force 2025-01-01 (docs/domain.md §4): base age, the first birth
# month that retires later, months of birth per month of delay, and the most delay there is.
RETIREMENT_SCHEMES: dict[str, dict[str, Any]] = {
    "men": {"base_years": 60, "raise_from": "1965-01", "birth_months_per_month": 4, "max_months": 36},
    "women_cadres": {"base_years": 55, "raise_from": "1970-01", "birth_months_per_month": 4, "max_months": 36},
    "women_workers": {"base_years": 50, "raise_from": "1975-01", "birth_months_per_month": 2, "max_months": 60},
    # 组通字〔2015〕14号 (中组部, 人社部): women at 县处级 or above, or holding a 副高+ title, retire at 60 (no raise set for them).
    "women_senior": {"base_years": 60, "raise_from": "1970-01", "birth_months_per_month": 4, "max_months": 0},
}
# Who retires under "women_senior": a post of this level or above, a rank or grade at or above one of these, or a
# title of these grades (docs/domain.md §4; configurable).
SENIOR_WOMEN: dict[str, Any] = {
    "post_level_from": "县处级副职",
    "ranks_from": ["四级调研员", "六级职员", "专业技术七级"],
    "title_grades": ["正高", "副高"],
}

# 《公务员考核规定》(2020), 并行规定 第十九条: a 基本称职, 不称职 or 不定等次 year does not count toward rank or post
# tenure. Once a person has any appraisal recorded, a year between two appraised years that has none does not
# count either (gaps_count).
APPRAISALS_NOT_COUNTING = ["基本称职", "不称职", "不定等次"]
# 并行规定 第十九条; 《公务员考核规定》第十九条(一): each year appraised 优秀 in the lower rank shortens the tenure a
# rank promotion needs by half a year (national, docs/domain.md §2).
EXCELLENT_GRADE = "优秀"
EXCELLENT_SHORTENS_YEARS = 0.5

# docs/domain.md §2: the rank a 录用 recruit starts at, by education (canonical levels: vocabulary.EDUCATION_LEVELS).
STARTING_RANKS: dict[str, str] = {
    "硕士研究生": "四级主任科员", "大学本科": "一级科员", "大专": "一级科员", "中专": "二级科员", "高中": "二级科员",
}

CATALOGUE: tuple[RuleSpec, ...] = (
    RuleSpec("STAFF_OVER_QUOTA", "超编", "《地方各级人民政府机构设置和编制管理条例》第6条、第26条(四)", "error"),
    RuleSpec("POST_OVER_QUOTA", "超职数配备", "《地方各级人民政府机构设置和编制管理条例》第26条(五)；《公务员法》第43条", "error"),
    RuleSpec("RANK_TENURE", "晋升职级任职年限不足", "《公务员职务与职级并行规定》第十八条、第十九条", "warning", params={
        "years": RANK_TENURE_YEARS,
        "excellent": EXCELLENT_GRADE,
        "excellent_shortens_years": EXCELLENT_SHORTENS_YEARS,
        "post_equivalent": RANK_TENURE_POST_EQUIVALENT,
        "probation_modes": ["录用"],  # a new recruit's tenure counts from the end of probation
        "probation_years": 1,
        "not_counting": APPRAISALS_NOT_COUNTING,
        "gaps_count": False,
    }),
    RuleSpec("RANK_SKIP", "越级晋升", "《公务员法》第49条", "error", params={"ladders": ["civil_service"]}),
    RuleSpec("POST_TENURE", "提任领导职务任职年限不足",
             "《党政领导干部选拔任用工作条例》；《公务员职务、职级与级别管理办法》(2020)", "warning", params={
                 "requirements": POST_TENURE_REQUIREMENTS,
                 "ladders": ["civil_service"],
                 "not_counting": APPRAISALS_NOT_COUNTING,
                 "gaps_count": False,
             }),
    RuleSpec("PROMOTION_IN_PROBATION", "试用期内晋升或提拔", "《公务员法》第34条；《党政领导干部选拔任用工作条例》(破格提拔)",
             "warning", params={"probation_modes": ["录用"], "probation_years": 1, "post_probation_years": 1}),
    RuleSpec("PROMOTION_WITHIN_YEAR", "一年内再次提拔", "《党政领导干部选拔任用工作条例》(破格提拔)", "warning",
             params={"years": 1}),
    RuleSpec("PUBLICITY_SHORT", "任前公示不足5个工作日",
             "《党政领导干部选拔任用工作条例》(任前公示)；职级晋升：《公务员职务与职级并行规定》第二十条(四)", "warning",
             params={"working_days": 5}),
    # Incomplete records (severity notice, docs/domain.md §7): asked for, never reported as a problem.
    RuleSpec("PUBLICITY_MISSING", "未录入任前公示",
             "《党政领导干部选拔任用工作条例》(任前公示)；职级晋升：《公务员职务与职级并行规定》第二十条(四)", NOTICE),
    RuleSpec("OPENING_SINCE_MISSING", "期初任职未录入任现职务时间", "台账期初记录(docs/domain.md §7)", NOTICE),
    RuleSpec("RETIREMENT_OVERDUE", "超过法定退休年龄仍在职",
             "《公务员法》第92条；全国人大常委会《关于实施渐进式延迟法定退休年龄的决定》(2024)；"
             "处级女干部：组通字〔2015〕14号", "error", params={
                 "schemes": RETIREMENT_SCHEMES,
                 "women_workers_establishments": ["工勤编制"],
                 "senior_women": SENIOR_WOMEN,
             }),
    RuleSpec("SECONDMENT_OVERDUE", "交流/借调超过约定期限", "《公务员法》第69–72条；本地借调管理规定", "warning",
             params={"max_months": {"借调": 6}}),
    RuleSpec("RANK_QUOTA", "超职级职数", "《公务员职务与职级并行规定》(职级职数)；本地规定", "warning", enabled=False,
             params={"limits": []}, on_when_set=True),  # e.g. {name, ranks = [...], share = 0.6, of = "行政编制"}
    RuleSpec("ASSISTANT_CAP", "编外人员超过比例", "本地编外人员管理规定", "warning", enabled=False,
             params={"share": None, "max": None}, on_when_set=True),  # share of the unit's total 编制, or a fixed number
    # The cadre's file: appraisals and the ways in (docs/domain.md §2, §4).
    RuleSpec("PROMOTION_WHILE_UNFIT", "年度考核不称职期间晋升或提拔", "《公务员考核规定》(2020)；《公务员法》(定期考核结果的使用)",
             "warning", params={"grades": ["不称职"]}),
    RuleSpec("DISMISSAL_DUE", "连续两年年度考核不称职", "《公务员法》第88条", "warning",
             params={"grade": "不称职", "years_in_a_row": 2}),
    # A 不称职 year means one rank level down (降低一个职级层次任职); grace_days: how long after the appraisal takes
    # effect the demotion may follow before this is a finding (0: at once; configurable, no national figure).
    RuleSpec("UNFIT_NOT_DEMOTED", "年度考核不称职未降低职级", "《公务员职务与职级并行规定》第二十二条(二)", "warning",
             params={"grade": "不称职", "grace_days": 0, "ladders": ["civil_service"]}),
    RuleSpec("TRANSFER_IN_RANK", "调任未进入领导职务或四级调研员以上职级", "《公务员法》第70条", "warning",
             params={"modes": ["调任"], "rank_from": "四级调研员", "ladders": ["civil_service"]}),
    RuleSpec("RECRUIT_RANK", "录用定级高于学历对应职级", "《公务员法》第23条；《公务员职务与职级并行规定》(新录用公务员定级)",
             "warning", params={"modes": ["录用"], "starting_ranks": STARTING_RANKS, "ladders": ["civil_service"]}),
    # The selection's steps (《党政领导干部选拔任用工作条例》: 动议 → 民主推荐 → 考察 → 讨论决定 → 任前公示 → 任职).
    RuleSpec("PUBLICITY_ORDER", "任前公示不在讨论决定之后、任职之前",
             "《党政领导干部选拔任用工作条例》(任前公示：党委（党组）讨论决定后、下发任职通知前)", "warning"),
    RuleSpec("PROBATION_OPEN", "试用期满未考核", "《党政领导干部选拔任用工作条例》(任职试用期：试用期满后考核)", "warning",
             params={"years": 1, "grace_days": 30}),
    RuleSpec("DECISION_QUORUM", "讨论决定到会成员不足三分之二",
             "《党政领导干部选拔任用工作条例》(讨论决定：应有三分之二以上成员到会)", "error",
             params={"fraction": [2, 3]}),
    # Off until a rules file gives the date from which every 提拔 must have its steps on record (`since =
    # 2023-01-01`), so that a ledger begun before the steps were recorded is not flooded with findings.
    RuleSpec("SELECTION_STEPS", "提拔未经动议、民主推荐、考察、讨论决定", "《党政领导干部选拔任用工作条例》(选拔任用程序)",
             "warning", enabled=False, params={"since": date.max}, on_when_set=True),
)
RULE_IDS = tuple(r.id for r in CATALOGUE)


@dataclass(frozen=True)
class Rulebook:
    """The rules in force for a check: the catalogue with a rules file's overrides applied."""

    rules: dict[str, RuleSpec]
    origin: str | None = None  # the file the overrides came from
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)  # its SETTINGS_TABLES, e.g. "report"

    def __getitem__(self, rule_id: str) -> RuleSpec:
        return self.rules[rule_id]

    def on(self, rule_id: str) -> bool:
        return self.rules[rule_id].enabled

    def param(self, rule_id: str, name: str) -> Any:
        return self.rules[rule_id].params[name]


def default_rulebook() -> Rulebook:
    return Rulebook({r.id: r for r in CATALOGUE})


def apply_overrides(overrides: dict[str, Any], origin: str | None = None) -> Rulebook:
    """The catalogue with `overrides` (a parsed TOML document, one table per rule id) applied.

    Dict parameters merge key by key (so a file can change one row of the tenure table); other parameters are
    replaced. A rule that is off until configured (`on_when_set`) switches on when a parameter is given a
    value, unless the file says `enabled = false`.
    """
    where = f" in {origin}" if origin else ""
    rules = {r.id: r for r in CATALOGUE}
    settings: dict[str, dict[str, Any]] = {}
    for rule_id, section in overrides.items():
        if rule_id in SETTINGS_TABLES and isinstance(section, dict):
            settings[rule_id] = dict(section)
            continue
        if rule_id not in rules:
            raise RulesError(f"unknown rule '{rule_id}'{where} (rules: {', '.join(rules)})")
        if not isinstance(section, dict):
            raise RulesError(f"[{rule_id}]{where} must be a table of settings")
        rules[rule_id] = _overridden(rules[rule_id], section, where)
    return Rulebook(rules, origin, settings)


def _overridden(spec: RuleSpec, section: dict[str, Any], where: str) -> RuleSpec:
    params = copy.deepcopy(spec.params)
    enabled, severity = spec.enabled, spec.severity
    switched = False
    for key, value in section.items():
        if key == "enabled":
            if not isinstance(value, bool):
                raise RulesError(f"[{spec.id}] enabled{where} must be true or false")
            enabled, switched = value, True
        elif key == "severity":
            if value not in SEVERITIES:
                raise RulesError(f"[{spec.id}] severity{where} must be one of {', '.join(SEVERITIES)}")
            severity = value
        elif key in params:
            _check_numbers(value, f"[{spec.id}] {key}", where, _unit(key))
            _set_param(params, key, value, f"[{spec.id}] {key}{where}")
            if spec.on_when_set and not switched and value:
                enabled = True
        else:
            known = ", ".join(["enabled", "severity", *params])
            raise RulesError(f"[{spec.id}] unknown setting '{key}'{where} (settings: {known})")
    return replace(spec, severity=severity, enabled=enabled, params=params)


# A rules file is a few kilobytes: it is read at most this far (a device such as /dev/zero is refused, not read
# for ever), and its numbers are counts of years, months or days, never negative nor beyond a working life.
MAX_RULES_BYTES = 2**20
NUMBER_LIMITS = (("years", 100), ("months", 1_200), ("days", 36_500))
MAX_NUMBER = 1_000_000  # any other number (a share, a count of posts)


def _unit(key: object, outer: str | None = None) -> str | None:
    return next((u for u, _ in NUMBER_LIMITS if u in str(key)), outer)


def _check_numbers(value: Any, setting: str, where: str, unit: str | None = None) -> None:
    """Refuse a negative, infinite or too large number anywhere in a setting's value (tables and lists too)."""
    if isinstance(value, dict):
        for k, v in value.items():
            _check_numbers(v, f"{setting}.{k}", where, _unit(k, unit))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_numbers(v, f"{setting}[{i}]", where, unit)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        limit = dict(NUMBER_LIMITS).get(unit or "", MAX_NUMBER)
        if value != value or not 0 <= value <= limit:  # NaN, inf, negative, too large
            what = f"a number of {unit}" if unit else "a number"
            raise RulesError(f"{setting}{where} is {value}: {what} from 0 to {limit:,} is expected")


def _set_param(params: dict[str, Any], key: str, value: Any, setting: str) -> None:
    default = params[key]
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise RulesError(f"{setting} must be a table")
        default.update(value)
    elif default is not None and not isinstance(value, type(default)) and not (
            isinstance(default, (int, float)) and isinstance(value, (int, float))):
        raise RulesError(f"{setting} must be a {type(default).__name__}")
    else:
        params[key] = value


def read_rules_file(path: Path) -> dict[str, Any]:
    """A rules file's TOML document (at most MAX_RULES_BYTES), or `RulesError` saying in one sentence why not."""
    import tomllib  # only when a rules file is read: a clerk's append without one does not pay for the parser

    try:
        with path.open("rb") as f:
            raw = f.read(MAX_RULES_BYTES + 1)
        if len(raw) > MAX_RULES_BYTES:
            raise RulesError(f"rules file {path} is larger than {MAX_RULES_BYTES // 2**20} MiB (a rules file is a few "
                             "kilobytes of TOML): is it the right file?")
        data = tomllib.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise RulesError(f"rules file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as e:
        raise RulesError(f"cannot read rules file {path}: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise RulesError(f"rules file {path} is not valid TOML: {e}") from None
    return data


def load_rulebook(path: str | Path | None = None, store_path: Path | None = None) -> Rulebook:
    """The rules in force: `path` if given (it must exist), else `ledger.toml` beside a SQLite store, else defaults."""
    if path is None and store_path is not None:
        beside = Path(store_path).expanduser().parent / RULES_FILE
        if beside.is_file():
            path = beside
    if path is None:
        return default_rulebook()
    path = Path(path)
    data = read_rules_file(path)
    return apply_overrides(data, str(path))
