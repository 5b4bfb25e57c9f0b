"""Planning `ledger import-lrmx`: which person each form is about, and the facts of their file it adds.

A form is matched to a person already in the ledger by 身份证号, else by name and birth month; an ambiguous or
unknown person is refused with the candidates listed — forms never hire anyone. What the ledger already holds
(the same profile value, education, title or 简历 line) is not drafted again, so a form imported twice adds
nothing the second time. Lines of the 简历 from the person's hire on are the ledger's own and are left out.
Nothing here reads files or records anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ledger.io.images import image_fields
from ledger.io.lrmx import Form, title_grade
from ledger.io.spreadsheets import Located
from ledger.model.dates import month_of, month_start
from ledger.model.errors import Problem, Refused
from ledger.model.identity import mask_id_number
from ledger.model.state import PersonState, State


@dataclass
class LrmxPlan:
    located: Located = field(default_factory=Located)
    matched: list[tuple[str, str, str, int]] = field(default_factory=list)  # (file, person, name, facts drafted)
    notes: list[str] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)  # photos to keep before the drafts are appended


def _who(p: PersonState) -> str:
    return f"{p.person} {p.name} (born {month_of(p.birth_date)}, {p.unit})"


def match_person(form: Form, state: State, person: str | None) -> PersonState:
    """The person the form is about; `Refused` listing the candidates when there is not exactly one."""
    if person is not None:
        p = state.people.get(person)
        if p is None:
            raise Refused([Problem("unknown_person", f"{form.source}: --person {person} is not in the ledger")])
        if p.name != form.name:
            raise Refused([Problem("not_this_person", f"{form.source}: the form is {form.name}'s, and {_who(p)} "
                                   "is someone else")])
        return p
    number = form.profile.get("id_number")
    if number:
        by_id = [p for p in state.people.values() if p.file.profile.get("id_number") == number]
        if len(by_id) == 1:
            return by_id[0]
    same = [p for p in state.people.values() if p.name == form.name and month_of(p.birth_date) == form.birth_month]
    if len(same) == 1:
        return same[0]
    if same:
        raise Refused([Problem("ambiguous_person", f"{form.source}: {form.name} born {form.birth_month} could be "
                               f"{'; '.join(_who(p) for p in same)}; give --person")])
    named = [p for p in state.people.values() if p.name == form.name]
    others = f" (people named {form.name}: {'; '.join(_who(p) for p in named)})" if named else ""
    raise Refused([Problem("unknown_person", f"{form.source}: no person {form.name} born {form.birth_month} in the "
                           f"ledger{others}; hire them first (a form records a file, never a hire)")])


def plan_lrmx(forms: list[Form], state: State, *, person: str | None = None, effective: date | None = None,
              today: date | None = None) -> LrmxPlan:
    """The drafts of every form's new facts, all effective `effective`, else the form's 填表时间 (today when it
    has none) but never before the person's hire. Raises `Refused` with every form's problem."""
    if person is not None and len(forms) > 1:
        raise Refused([Problem("usage", "--person names the person of one form; give one file with it")])
    plan, problems = LrmxPlan(), []
    for form in forms:
        plan.notes += form.notes
        try:
            p = match_person(form, state, person)
        except Refused as e:
            problems += e.problems
            continue
        on = effective or max(form.filled or today or date.today(), p.joined)
        before = len(plan.located.drafts)
        _draft(plan, form, p, on, problems)
        plan.matched.append((form.source, p.person, p.name, len(plan.located.drafts) - before))
    if problems:
        raise Refused(problems)
    return plan


def _draft(plan: LrmxPlan, form: Form, p: PersonState, on: date, problems: list[Problem]) -> None:
    add, source, pid = plan.located.add, form.source, p.person
    held = p.file.profile.get("id_number")
    if held and form.profile.get("id_number") and form.profile["id_number"] != held:
        problems.append(Problem("id_mismatch", f"{source}, ShenFenZheng: {mask_id_number(form.profile['id_number'])} "
                                f"is not the 身份证号 the ledger holds for {_who(p)} ({mask_id_number(held)})"))
        return
    profile = {k: val for k, val in form.profile.items() if p.file.profile.get(k) != val}
    if profile:
        add("profile_recorded", {"person": pid, **profile, "effective": on, "note": f"import-lrmx {source}"}, source)
    known = {(e.kind, e.level, e.degree, e.school) for e in p.file.educations}
    for e in form.educations:
        if (e["kind"], e["level"], e["degree"], e["school"]) not in known:
            add("education_recorded", {"person": pid, **e, "effective": on}, source)
    if form.title and all(t.title != form.title for t in p.file.titles):
        grade = title_grade(form.title)
        add("title_conferred", {"person": pid, "title": form.title, "grade": grade, "effective": on}, source)
        if grade is None:
            plan.notes.append(f"{source}: the grade of the title {form.title} is not recorded (give it with "
                              "`ledger confer`)")
    _draft_career(plan, form, p, on)
    _draft_family(plan, form, p, on)
    _draft_photo(plan, form, p, on)
    _draft_merits(plan, form, p, on)
    _draft_appraisals(plan, form, p, on)


def _draft_family(plan: LrmxPlan, form: Form, p: PersonState, on: date) -> None:
    """Members the file lacks, or whose 出生年月, 政治面貌 or 工作单位及职务 the form says otherwise (a later record
    replaces the earlier)."""
    for m in form.family:
        held = p.file.family.get((m["relation"], m["member"]))
        if held is not None and (held.born, held.party, held.work) == (m["born"], m["party"], m["work"]):
            continue
        plan.located.add("family_member_recorded", {"person": p.person, **m, "effective": on}, form.source)


def _draft_photo(plan: LrmxPlan, form: Form, p: PersonState, on: date) -> None:
    if form.photo is None:
        return
    fields = image_fields(form.photo, f"{form.source}, ZhaoPian")
    if p.file.photo is not None and p.file.photo.sha256 == fields["sha256"]:
        return
    plan.images[str(fields["sha256"])] = form.photo
    plan.located.add("photo_recorded", {"person": p.person, **fields, "effective": on}, form.source)


def _draft_merits(plan: LrmxPlan, form: Form, p: PersonState, on: date) -> None:
    """奖惩: a dated sentence from the person's hire on takes effect in its month (the form prints that month
    back); an earlier one, or one without a month the ledger can read, is kept as written, effective `on`."""
    held = {(e.undated, e.text, None if e.undated else month_of(e.on), e.basis)
            for e in (*p.file.awards, *p.file.disciplines)}
    hired = month_of(p.joined)
    for m in form.merits:
        event = "award_recorded" if m["kind"] == "award" else "discipline_recorded"
        if m["month"] is not None and m["month"] >= hired:
            key = (False, m["text"], m["month"], m["basis"])
            draft = {"person": p.person, "text": m["text"], "effective": max(month_start(m["month"]), p.joined)}
            if m["basis"]:
                draft["basis"] = m["basis"]
        else:
            text = m.get("written") or m["text"]
            key = (True, text, None, None)
            draft = {"person": p.person, "text": text, "undated": True, "effective": on}
        if key not in held:
            held.add(key)
            plan.located.add(event, draft, form.source)


def _draft_appraisals(plan: LrmxPlan, form: Form, p: PersonState, on: date) -> None:
    """年度考核: each year the file lacks; a year the ledger holds with another grade is named, not recorded; a
    事业单位 word (合格, 基本合格, 不合格) recorded as the ledger's grade is named, with what the form will say."""
    for year, grade in form.appraisals:
        held = p.file.appraisals.get(year)
        written = form.appraisal_words.get(year, grade)
        if held is None:
            plan.located.add("appraised", {"person": p.person, "year": year, "grade": grade, "effective": on},
                             form.source)
            if written != grade:
                plan.notes.append(f"{form.source}: NianDuKaoHeJieGuo: {year}年度{written} recorded as {grade} (the "
                                  "ledger's 年度考核 grades are 《公务员考核规定》's: 优秀, 称职, 基本称职, 不称职, "
                                  f"不定等次); the form the ledger writes says {year}年度{grade}")
        elif held.grade != grade:
            plan.notes.append(f"{form.source}: NianDuKaoHeJieGuo says {year}年度{written}, and the ledger holds "
                              f"{held.grade} (event {held.event_id}); not recorded (retract the ledger's to correct it)")


def _draft_career(plan: LrmxPlan, form: Form, p: PersonState, on: date) -> None:
    """The 简历's lines from before the person's hire (a line running into it ends where the ledger's begin)."""
    # The ledger's own 简历 begins at the hire, or at an earlier 任现职务时间 (`since`) of a post held since then.
    hired = min([month_of(p.joined), *(month_of(x.since) for x in p.posts if x.since < p.joined)])
    known = {(x.start, x.end, x.text) for x in p.file.career}
    left_out = 0
    for line in form.career:
        if line["from_month"] >= hired:
            left_out += 1
            continue
        end = line["to_month"] if line["to_month"] is not None and line["to_month"] < hired else None
        draft: dict[str, Any] = {"person": p.person, "from_month": line["from_month"], "to_month": end,
                                 "text": line["text"], "effective": on}
        if (draft["from_month"], end, draft["text"]) not in known:
            plan.located.add("career_recorded", draft, form.source)
    if left_out:
        plan.notes.append(f"{form.source}: {left_out} line(s) of the 简历 from {hired} on left out: the ledger holds "
                          f"{p.name}'s history from the hire")
