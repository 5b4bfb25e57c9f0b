"""Leadership posts: appointments (任职) and removals (免职)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ledger.model.change import Change
from ledger.model.events.base import EventType, Field, Verb
from ledger.model.events.people import PERSON, PUBLICITY
from ledger.model.state import Post

if TYPE_CHECKING:
    from ledger.model.facts import Fact

POST = Field("post", required=True, help="Leadership post (it must have a 领导职数 in the unit), e.g. 副科长.")


class PostAppointed(EventType):
    name = "post_appointed"
    stored_as = "PostAppointed"
    precedence = 80
    membership = True
    fields = (
        PERSON, POST,
        Field("section", help="Section (科室) the post belongs to, e.g. 财务科 for its 科长."),
        Field("since", date, help="Date the post was first held (任现职务时间), if earlier than --effective."),
        Field("probation", bool, help="The appointment starts a one-year probation (试用期)."),
        *PUBLICITY,
    )
    verb = Verb("appoint", "person", "Record an appointment to a leadership post (任职).",
                "ledger appoint P07 --post 副科长 --section 财务科 --effective 2022-06-15 --publicity-from 2022-06-01 "
                "--publicity-to 2022-06-08")

    def apply(self, change: Change, f: Fact) -> None:
        p = change.person(f)
        if p is None:
            return
        unit = change.state.units[p.unit]
        post, section = f.data["post"], f.get("section")
        if post not in unit.post_quotas:
            known = "、".join(unit.post_quotas) or "none"
            change.refuse(f, "unknown_post", f"{unit.name} has no post '{post}' (领导职数 set for: {known})")
            return
        if not change.section_ok(f, unit, section):
            return
        held = p.holds(post, section)
        if held is not None:
            change.refuse(f, "already_holds", f"already holds {section or ''}{post} since {held.since}")
            return
        p.posts.append(Post(post, section, f.get("since") or f.effective, f.effective, f.id, bool(f.get("probation")),
                            unit.post_level(post)))
        change.raise_count(f, unit.unit, "post", post)


class PostVacated(EventType):
    name = "post_vacated"
    stored_as = "PostVacated"
    precedence = 70
    membership = True
    fields = (PERSON, POST, Field("section", help="Section (科室) of the post, when the person holds it in several."))
    verb = Verb("vacate", "person", "Record a removal from a post (免职).",
                "ledger vacate P07 --post 副科长 --effective 2022-12-01")

    def apply(self, change: Change, f: Fact) -> None:
        p = change.person(f)
        if p is None:
            return
        held = p.holds(f.data["post"], f.get("section"))
        if held is None:
            posts = "、".join(f"{x.section or ''}{x.post}" for x in p.posts) or "no post"
            change.refuse(f, "post_not_held", f"does not hold {f.get('section') or ''}{f.data['post']} "
                          f"on this date (holds: {posts})")
            return
        p.posts.remove(held)
