"""The cadre's file (干部档案) of a person on a date, as the 干部任免审批表 and the cadre 花名册 read it: who they are,
what they hold, their profile (身份证号 masked unless revealed), education, titles, appraisals and 奖惩.

Read from a folded `State` (the file is `PersonState.file`); nothing here folds or reads the store.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.model import vocabulary as v
from ledger.model.errors import NotFound
from ledger.model.i18n import _
from ledger.model.identity import mask_id_number
from ledger.model.state import Education, PersonState, State
from ledger.read.resume import post_text


def _education(e: Education | None) -> dict[str, Any] | None:
    if e is None:
        return None
    return {"kind": e.kind, "level": e.level, "degree": e.degree, "school": e.school, "graduated": e.graduated}


def current_post_since(p: PersonState) -> date | None:
    """任现职时间: when the highest post held was taken (None without a post)."""
    if not p.posts:
        return None
    top = max(p.posts, key=lambda x: (v.post_level_index(x.level), -x.since.toordinal()))
    return top.since


def cadre_view(state: State, person: str, on: date, reveal: bool = False) -> dict[str, Any]:
    """The person's file on `on` in the `ledger.app.Queries.cadre_file` shape (a plain dict)."""
    p = state.people.get(person)
    if p is None:
        raise NotFound(_("no person '{person}' on the establishment on or before {on}").format(person=person, on=on))
    f = p.file
    profile = dict(f.profile)
    if not reveal and profile.get("id_number"):
        profile["id_number"] = mask_id_number(profile["id_number"])
    since = current_post_since(p)
    unit = state.units.get(p.unit)
    return {
        "person": p.person, "name": p.name, "gender": p.gender, "birth_date": p.birth_date.isoformat(),
        "unit": p.unit, "unit_name": unit.name if unit else p.unit, "section": p.section, "rank": p.rank,
        "rank_since": p.rank_since.isoformat(), "establishment": p.establishment, "status": p.status,
        "posts": [{"post": x.post, "section": x.section, "level": x.level, "since": x.since.isoformat()}
                  for x in p.posts],
        "current_post": post_text(p, state), "post_since": since.isoformat() if since else None,
        "education": p.education, "profile": profile,
        "educations": [_education(e) for e in f.educations],
        "fulltime": _education(f.highest_education("全日制")), "inservice": _education(f.highest_education("在职")),
        "titles": [{"title": t.title, "grade": t.grade, "conferred": t.conferred.isoformat()} for t in f.titles],
        "appraisals": [{"year": y, "grade": a.grade} for y, a in sorted(f.appraisals.items())],
        "awards": [{"on": x.on.isoformat(), "text": x.text, "basis": x.basis, "undated": x.undated}
                   for x in f.awards],
        "disciplines": [{"on": x.on.isoformat(), "text": x.text, "basis": x.basis, "undated": x.undated}
                        for x in f.disciplines],
        "family": [{"relation": m.relation, "member": m.name, "born": m.born, "party": m.party, "work": m.work}
                   for m in f.family.values()],
        "photo": None if f.photo is None else {"sha256": f.photo.sha256, "media_type": f.photo.media_type,
                                               "size": f.photo.size, "width": f.photo.width,
                                               "height": f.photo.height},
    }
