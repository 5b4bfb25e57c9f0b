"""The cadre's file (干部档案): profile (三龄两历一身份), education (学历/学位) and professional titles.

Effective-dated like every fact (a degree is earned, a party joined, a title conferred), corrected by retraction.
They change nothing of who is on a unit's establishment; they fill `PersonState.file`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ledger.model import vocabulary as v
from ledger.model.change import Change
from ledger.model.dates import YearMonth, month_of
from ledger.model.events.base import EventType, Field, Verb
from ledger.model.events.people import PERSON
from ledger.model.i18n import _
from ledger.model.identity import IdNumber, mask_id_number
from ledger.model.state import Education, PersonState, Title

if TYPE_CHECKING:
    from ledger.model.facts import Fact

PROFILE_FIELDS = (
    Field("ethnicity", help="民族, e.g. 汉族.", label="ethnicity"),
    Field("native_place", help="籍贯, e.g. 浙江宁波.", label="native place"),
    Field("birthplace", help="出生地, e.g. 浙江杭州.", label="birthplace"),
    Field("party", help="政治面貌, e.g. 中共党员, 群众.", label="party"),
    Field("party_joined", YearMonth, help="入党时间, a month: 2010.06, 201006, 2010年6月 or 2010-06.", label="party joined"),
    Field("work_started", YearMonth, help="参加工作时间, a month: 2012.07, 201207, 2012年7月 or 2012-07.", label="work started"),
    Field("health", help="健康状况, e.g. 健康.", label="health"),
    Field("specialty", help="熟悉专业有何专长, e.g. 文化市场管理.", label="specialty"),
    Field("id_number", IdNumber, help="身份证号 (18 characters, GB 11643 check character); masked in every output "
                                      "unless asked for.", label="ID number"),
)


def months_ok(change: Change, f: Fact, p: PersonState, *names: str) -> bool:
    """The fact's month fields are neither after the month it takes effect in (a fact is not known before it
    happens) nor before the person's birth month; refuses the first that is (when validating)."""
    if not change.validating:
        return True
    latest, born = month_of(f.effective), month_of(p.birth_date)
    for name in names:
        value = f.get(name)
        if value is None:
            continue
        if value > latest:
            change.refuse(f, "impossible_date", _("{name} {value} is after the fact's effective date {effective}").format(
                name=name, value=value, effective=f.effective))
            return False
        if value < born:
            change.refuse(f, "impossible_date", _("{name} {value} is before the birth date {born}").format(
                name=name, value=value, born=p.birth_date))
            return False
    return True


class ProfileRecorded(EventType):
    name = "profile_recorded"
    label = "profile recorded"
    stored_as = "ProfileRecorded"
    precedence = 41  # after the day's hires: a profile may be recorded with the hire
    effective_label = "Date the profile is true from (填表时间)"
    fields = (PERSON, *PROFILE_FIELDS)
    verb = Verb("profile", "person", "Record a person's profile (民族, 籍贯, 政治面貌, 入党时间, 参加工作时间, 身份证号 …); "
                "the fields given replace those recorded before.",
                "ledger profile P13 --ethnicity 汉族 --native-place 浙江宁波 --party 中共党员 --party-joined 2012.06 "
                "--work-started 2013.07 --effective 2019-01-01")

    def apply(self, change: Change, f: Fact) -> None:
        p = change.person(f)
        if p is None:
            return
        given = {x.name: f.data[x.name] for x in PROFILE_FIELDS if f.get(x.name) is not None}
        if change.validating:
            if not given:
                change.refuse(f, "empty_profile", _("a profile needs at least one of {options}").format(
                    options=", ".join("--" + x.name.replace("_", "-") for x in PROFILE_FIELDS)))
                return
            if not months_ok(change, f, p, "party_joined", "work_started") or not self._id_fits(change, f, p):
                return
        p.file.profile.update(given)

    @staticmethod
    def _id_fits(change: Change, f: Fact, p: PersonState) -> bool:
        """A 身份证号 carries a birth date and a sex: they must be the person's (the day aside: rosters often
        know only the month)."""
        number = f.get("id_number")
        if number is None:
            return True
        shown = mask_id_number(number)
        if number[6:12] != f"{p.birth_date.year:04d}{p.birth_date.month:02d}":
            change.refuse(f, "id_mismatch", _("the 身份证号 {shown} gives the birth month {month}, not {name}'s "
                                                 "{birth}").format(shown=shown, month=f"{number[6:10]}-{number[10:12]}",
                                                                    name=p.name, birth=month_of(p.birth_date)))
            return False
        sex = "男" if int(number[16]) % 2 else "女"
        if sex != p.gender:
            change.refuse(f, "id_mismatch", _("the 身份证号 {shown} is a {sex}'s (its 17th digit), not {name}'s").format(
                shown=shown, sex=sex, name=p.name))
            return False
        return True


class EducationRecorded(EventType):
    name = "education_recorded"
    label = "education recorded"
    stored_as = "EducationRecorded"
    precedence = 42
    effective_label = "Date the education is recorded (登记时间; the month graduated is --graduated)"
    fields = (
        PERSON,
        Field("kind", required=True, choices=v.EDUCATION_KINDS, help="全日制 (full-time) or 在职 (in-service).", label="kind of study"),
        Field("level", required=True, help="学历, e.g. 大学本科, 硕士研究生 (the .lrmx form writes 大学, 研究生).", label="level of education"),
        Field("degree", help="学位, e.g. 管理学学士.", label="degree"),
        Field("school", help="毕业院校系及专业, e.g. 浙江大学公共管理学院行政管理专业.", label="school"),
        Field("graduated", YearMonth, help="Month of graduation: 2012.07, 201207 or 2012-07.", label="graduated"),
    )
    verb = Verb("education", "person", "Record an education (学历/学位) of a person, full-time or in-service.",
                "ledger education P13 --kind 全日制 --level 大学本科 --degree 管理学学士 --school 浙江大学行政管理专业 "
                "--graduated 2012.07 --effective 2019-01-01")

    def apply(self, change: Change, f: Fact) -> None:
        p = change.person(f)
        if p is None or not months_ok(change, f, p, "graduated"):
            return
        d = f.data
        new = Education(d["kind"], d["level"], d.get("degree"), d.get("school"), d.get("graduated"), f.id)
        same = next((e for e in p.file.educations if (e.kind, e.level, e.degree, e.school, e.graduated)
                     == (new.kind, new.level, new.degree, new.school, new.graduated)), None)
        if same is not None:
            change.refuse(f, "already_recorded", _("this education is already recorded (event {id})").format(
                id=same.event_id))
            return
        p.file.educations.append(new)
        if v.education_rank(new.level) < v.education_rank(p.education):
            p.education = v.education_level(new.level)  # the roster's 学历 is the highest one known


class TitleConferred(EventType):
    name = "title_conferred"
    label = "title conferred"
    stored_as = "TitleConferred"
    precedence = 43
    effective_label = "Date the title is conferred (取得时间)"
    fields = (
        PERSON,
        Field("title", required=True, help="专业技术职务, e.g. 高级工程师, 馆员.", label="title"),
        Field("grade", choices=v.TITLE_GRADES, help="Its grade: 正高, 副高, 中级 or 初级.", label="grade"),
    )
    verb = Verb("confer", "person", "Record a professional title conferred (专业技术职务) and its grade.",
                "ledger confer P13 --title 高级经济师 --grade 副高 --effective 2021-12-01")

    def apply(self, change: Change, f: Fact) -> None:
        p = change.person(f)
        if p is None:
            return
        held = next((t for t in p.file.titles if t.title == f.data["title"]), None)
        if held is not None:
            change.refuse(f, "already_recorded", _("already holds the title {title} since {since}").format(
                title=held.title, since=held.conferred))
            return
        p.file.titles.append(Title(f.data["title"], f.get("grade"), f.effective, f.id))
