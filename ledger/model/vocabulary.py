"""The domain's words: rank ladders, post levels, establishment types and the closed lists events draw on.

Data only (no rules that need a timeline): a new regulation should be an edit to a table here.
"""

from __future__ import annotations

from functools import cache

# 职级 of civil servants, lowest first (《公务员法》第19条; 《公务员职务与职级并行规定》).
CIVIL_SERVICE_RANKS: tuple[str, ...] = (
    "二级科员",
    "一级科员",
    "四级主任科员",
    "三级主任科员",
    "二级主任科员",
    "一级主任科员",
    "四级调研员",
    "三级调研员",
    "二级调研员",
    "一级调研员",
    "二级巡视员",
    "一级巡视员",
)

_CN_NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三")

# 管理岗位等级 of public-institution staff, lowest first (十级职员 … 一级职员; 七级 = 科级正职, 八级 = 科级副职).
MANAGEMENT_GRADES: tuple[str, ...] = tuple(f"{_CN_NUMERALS[i]}级职员" for i in range(9, -1, -1))

# 专业技术岗位等级, lowest first (专业技术十三级 … 专业技术一级).
PROFESSIONAL_GRADES: tuple[str, ...] = tuple(f"专业技术{_CN_NUMERALS[i]}级" for i in range(12, -1, -1))

# 工勤技能岗位, lowest first: 普通工, then 技术工五级 … 技术工一级 (高级技师). Held on 工勤编制, in 机关 and 事业单位 alike.
WORKER_GRADES: tuple[str, ...] = ("普通工", *(f"技术工{_CN_NUMERALS[i]}级" for i in range(4, -1, -1)))
WORKER_ESTABLISHMENT = "工勤编制"  # the establishment type the 工勤 ladder goes with, and only it

LADDERS: dict[str, tuple[str, ...]] = {
    "civil_service": CIVIL_SERVICE_RANKS,  # 公务员职级
    "management": MANAGEMENT_GRADES,  # 事业单位管理岗位
    "professional": PROFESSIONAL_GRADES,  # 事业单位专业技术岗位
    "worker": WORKER_GRADES,  # 工勤技能岗位
}

UNIT_KINDS: tuple[str, ...] = ("机关", "事业单位")
# Which ladders staff of each kind of unit hold.
LADDERS_BY_UNIT_KIND: dict[str, tuple[str, ...]] = {
    "机关": ("civil_service", "worker"),
    "事业单位": ("management", "professional", "worker"),
}

FUNDING_TYPES: tuple[str, ...] = ("全额拨款", "差额拨款", "自收自支")
ESTABLISHMENT_TYPES: tuple[str, ...] = ("行政编制", "事业编制", "工勤编制", "政法专项编制")

# 领导职务层次, lowest first.
POST_LEVELS: tuple[str, ...] = ("乡科级副职", "乡科级正职", "县处级副职", "县处级正职", "厅局级副职", "厅局级正职")

HIRE_MODES: tuple[str, ...] = ("录用", "调任", "转任", "公开遴选", "招聘", "安置")
SECONDMENT_KINDS: tuple[str, ...] = ("交流", "挂职", "借调", "学习")
SEPARATION_REASONS: tuple[str, ...] = ("退休", "辞职", "辞退", "调出", "死亡", "开除", "其他")
GENDERS: tuple[str, ...] = ("男", "女")

# Nobody is hired, holds a rank or a post before this age: employing anyone under 16 is forbidden.
MIN_WORKING_AGE = 16
MIN_WORKING_AGE_SOURCE = "《劳动法》第十五条"


@cache  # the ladders are constants; a walk asks for every fact
def ladder_of(rank: str) -> str | None:
    """Name of the ladder a rank belongs to, or None for an unknown rank."""
    for name, ladder in LADDERS.items():
        if rank in ladder:
            return name
    return None


@cache  # the ladders are constants; a walk asks for every fact
def rank_index(rank: str) -> int:
    """Position of a rank on its own ladder (0 = lowest)."""
    ladder = ladder_of(rank)
    if ladder is None:
        raise KeyError(rank)
    return LADDERS[ladder].index(rank)


@cache  # the ladders are constants; a walk asks for every fact
def ranks_for_unit_kind(kind: str) -> tuple[str, ...]:
    """Every rank or grade that staff of this kind of unit may hold."""
    return tuple(r for name in LADDERS_BY_UNIT_KIND.get(kind, ()) for r in LADDERS[name])


@cache  # the ladders are constants; a walk asks for every fact
def rank_sort_key(rank: str | None) -> tuple[int, int]:
    """Highest rank first when sorting; civil-service ranks before institution grades."""
    if not rank or ladder_of(rank) is None:
        return (9, 0)
    order = list(LADDERS).index(ladder_of(rank) or "")
    return (order, -rank_index(rank))


def post_tier(level: str) -> str:
    """The tier of a post level, 正职 and 副职 together (乡科级, 县处级, 厅局级)."""
    return level.removesuffix("正职").removesuffix("副职")


def post_level_index(level: str | None) -> int:
    """Position of a post level (0 = 乡科级副职); -1 for no level or one the vocabulary does not know."""
    return POST_LEVELS.index(level) if level in POST_LEVELS else -1


def establishment_mismatch(rank: str, establishment: str) -> str | None:
    """Why a rank cannot be held on an establishment type (a 工勤 grade only on 工勤编制, and 工勤编制 only with
    one), or None when it can."""
    worker = ladder_of(rank) == "worker"
    if worker and establishment != WORKER_ESTABLISHMENT:
        return f"'{rank}' is a 工勤 grade, held on {WORKER_ESTABLISHMENT} only (not {establishment})"
    if not worker and establishment == WORKER_ESTABLISHMENT:
        return (f"{WORKER_ESTABLISHMENT} holds a 工勤 grade ({'、'.join(WORKER_GRADES)}), not '{rank}'")
    return None


# --- the cadre's file (干部档案): closed lists of its facts -----------------------------------------------------------
APPRAISAL_GRADES: tuple[str, ...] = ("优秀", "称职", "基本称职", "不称职", "不定等次")  # 年度考核, best first; 不定等次: not graded (《公务员考核规定》)
EDUCATION_KINDS: tuple[str, ...] = ("全日制", "在职")
TITLE_GRADES: tuple[str, ...] = ("正高", "副高", "中级", "初级")  # 专业技术职务的级别

# Education levels (学历) as clerks and forms write them, highest first: each spelling -> its canonical name. The
# .lrmx form writes 研究生/大学/大专; rosters write 硕士研究生/大学本科/大专.
EDUCATION_LEVELS: dict[str, str] = {
    "博士研究生": "博士研究生", "博士": "博士研究生",
    "硕士研究生": "硕士研究生", "研究生": "硕士研究生", "硕士": "硕士研究生",
    "大学本科": "大学本科", "本科": "大学本科", "大学": "大学本科",
    "大专": "大专", "大学专科": "大专", "专科": "大专",
    "中专": "中专", "中等专科": "中专", "中技": "中专", "高中": "高中", "初中": "初中",
}
EDUCATION_ORDER: tuple[str, ...] = tuple(dict.fromkeys(EDUCATION_LEVELS.values()))  # canonical, highest first


def education_level(text: str | None) -> str | None:
    """The canonical level of an education as written (研究生 → 硕士研究生); unknown spellings as written."""
    if not text:
        return None
    key = text.strip()
    return EDUCATION_LEVELS.get(key, key)


def education_rank(text: str | None) -> int:
    """Sort key of an education level, highest first; unknown and missing ones last."""
    level = education_level(text)
    return EDUCATION_ORDER.index(level) if level in EDUCATION_ORDER else len(EDUCATION_ORDER)
