"""Leadership posts: appointments (任职), removals (免职) and the end of an appointment's probation (试用期满)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ledger.model.appointments import PROMOTION, appointment_kind
from ledger.model.change import Change
from ledger.model.events.base import EventType, Field, Verb
from ledger.model.events.people import PERSON, PUBLICITY
from ledger.model.events.selections import names_in, selection_of
from ledger.model.i18n import _
from ledger.model.opening import held_from_before
from ledger.model.state import PersonState, Post, SelectionStep, decided_on

if TYPE_CHECKING:
    from ledger.model.facts import Fact

POST = Field("post", required=True, help="Leadership post (it must have a 领导职数 in the unit), e.g. 副科长.",
             form="name", label="post")


class PostAppointed(EventType):
    name = "post_appointed"
    label = "post appointment"
    stored_as = "PostAppointed"
    precedence = 80
    effective_label = "Date of the appointment (任职时间)"
    raises_counts = True  # 超编/超职数 can arise
    membership = True
    fields = (
        PERSON, POST,
        Field("section", help="Section (科室) the post belongs to, e.g. 财务科 for its 科长.", form="name", label="section"),
        Field("since", date, help="Date the post was first held (任现职务时间), if earlier than --effective.", label="post since"),
        Field("probation", bool, help="The appointment starts a one-year probation (试用期)  [default: yes for a "
                                      "提拔, no otherwise].", label="probation"),
        *PUBLICITY,
        Field("selection", help="The selection (选拔任用) this appointment concludes, e.g. XR2022-03.", form="id", label="selection"),
        Field("no_probation", help="Why a 提拔 starts no probation (e.g. 选举产生), which it otherwise does.", label="no probation"),
    )
    periods = (("since", "effective"), ("publicity_from", "publicity_to"))
    verb = Verb("appoint", "person", "Record an appointment to a leadership post (任职).",
                "ledger appoint P07 --post 副科长 --section 财务科 --effective 2022-06-15 --publicity-from 2022-06-01 "
                "--publicity-to 2022-06-08")

    def complete(self, change: Change, f: Fact) -> None:
        """A 提拔 starts a one-year probation unless it says why not (`no_probation`); a record of a post held
        from before (`since` earlier than the fact, the opening, a 转任/调任 arrival's post) starts nothing."""
        p = change.state.people.get(f.data["person"])
        unit = change.state.units.get(p.unit) if p is not None else None
        if unit is None or f.get("probation") is not None or f.get("no_probation"):
            return
        if f.get("since") is not None and f.data["since"] < f.effective:
            return
        if held_from_before(change.state, p, f.effective):
            return
        held = (unit.post_level(x.post) for x in p.held_before(f.effective))  # the day's 免职 apply first
        if appointment_kind(unit.post_level(f.data["post"]), held, p.rank) == PROMOTION:
            f.data["probation"] = True

    def apply(self, change: Change, f: Fact) -> None:
        p = change.person(f)
        if p is None:
            return
        unit = change.state.units[p.unit]
        post, section = f.data["post"], f.get("section")
        if post not in unit.post_quotas:
            known = "、".join(unit.post_quotas) or "none"
            change.refuse(f, "unknown_post", _("{unit} has no post '{post}' (领导职数 set for: {known})").format(
                unit=unit.name, post=post, known=known))
            return
        if not change.section_ok(f, unit, section):
            return
        if change.validating and section is None and unit.sections and unit.section_post(post):
            change.refuse(f, "section_needed", _("{post} is a section's post in {unit}: name its section with "
                                                 "--section (sections: {known})").format(
                post=post, unit=unit.name, known="、".join(unit.sections)))
            return
        if change.validating and f.get("since") and not change.of_age(f, p.birth_date, f.get("since"), "since"):
            return
        held = p.holds(post, section)
        if held is not None:
            change.refuse(f, "already_holds", _("already holds {post} since {since}").format(
                post=f"{section or ''}{post}", since=held.since))
            return
        if f.get("probation") and f.get("no_probation"):
            change.refuse(f, "bad_probation", _("says both --probation and --no-probation"))
            return
        if f.get("selection") and not self._concludes(change, f, p):
            return
        opening = held_from_before(change.state, p, f.effective)
        decided = decided_on(change.state, f.get("selection"), f.effective)
        p.posts.append(Post(post, section, f.get("since") or decided or f.effective, f.effective, f.id,
                            bool(f.get("probation")), unit.post_level(post), previous_posts=p.held_before(f.effective),
                            previous_rank=(p.rank, p.rank_since), selection=f.get("selection"), opening=opening,
                            since_unknown=opening and f.get("since") is None, decided=decided))
        change.raise_count(f, unit.unit, "post", post)

    @staticmethod
    def _concludes(change: Change, f: Fact, p: PersonState) -> bool:
        """The selection named is of this post in the person's unit, and chose them (when its decision is recorded)."""
        s = selection_of(change, f)
        if s is None:
            return False
        section = f.get("section")
        if (s.unit, s.post) != (p.unit, f.data["post"]) or (s.section and s.section != section):
            change.refuse(f, "wrong_selection", _("selection '{selection}' fills {post} in {unit}, not {asked} in "
                                                   "{own}").format(
                selection=s.selection, post=f"{s.section or ''}{s.post}", unit=change.state.units[s.unit].name,
                asked=f"{section or ''}{f.data['post']}", own=change.state.units[p.unit].name))
            return False
        decision = s.last("decision_made")
        chosen = names_in(decision.data["chosen"]) if decision is not None else []
        if decision is not None and p.person not in chosen and p.name not in chosen:
            change.refuse(f, "not_chosen", _("the decision of selection '{selection}' ({decided}) chose {chosen}, not "
                                                "{person}").format(selection=s.selection, decided=decision.effective,
                                                                   chosen="、".join(chosen), person=p.person))
            return False
        s.steps.append(SelectionStep("post_appointed", f.effective, f.id, f.data))
        return True


class PostVacated(EventType):
    name = "post_vacated"
    label = "post vacated"
    stored_as = "PostVacated"
    precedence = 70
    effective_label = "Date of the removal from the post (免职时间)"
    membership = True
    fields = (PERSON, POST, Field("section", help="Section (科室) of the post, when the person holds it in several.",
                                  form="name", label="section"))
    verb = Verb("vacate", "person", "Record a removal from a post (免职).",
                "ledger vacate P07 --post 副科长 --effective 2022-12-01")

    def apply(self, change: Change, f: Fact) -> None:
        p = change.person(f)
        if p is None:
            return
        held = p.holds(f.data["post"], f.get("section"))
        if held is None:
            posts = "、".join(f"{x.section or ''}{x.post}" for x in p.posts) or "no post"
            change.refuse(f, "post_not_held", _("does not hold {post} on this date (holds: {posts})").format(
                post=f"{f.get('section') or ''}{f.data['post']}", posts=posts))
            return
        p.posts.remove(held)
        gone = p.vacated[1] if p.vacated is not None and p.vacated[0] == f.effective else ()
        p.vacated = (f.effective, (*gone, held))


class ProbationEnded(EventType):
    name = "probation_ended"
    label = "probation ended"
    stored_as = "ProbationEnded"
    precedence = 75  # after the day's removals, before its appointments: a post freed by 不合格 can be filled
    effective_label = "Date the probation ends (试用期满时间)"
    raises_counts = True  # 超编/超职数 can arise
    membership = True
    fields = (
        PERSON, POST,
        Field("section", help="Section (科室) of the post, when the person holds it in several.", form="name", label="section"),
        Field("result", required=True, choices=("合格", "不合格"),
              help="合格 (confirmed in the post) or 不合格 (removed from it, back to the posts held before).", label="result"),
    )
    verb = Verb("end-probation", "person", "Record the end of an appointment's probation (试用期满): 合格 or 不合格.",
                "ledger end-probation P10 --post 科长 --section 旅游发展科 --result 合格 --effective 2023-05-16")

    def apply(self, change: Change, f: Fact) -> None:
        p = change.person(f)
        if p is None:
            return
        label = f"{f.get('section') or ''}{f.data['post']}"
        held = p.holds(f.data["post"], f.get("section"))
        if held is None or not held.probation:
            what = (_("does not hold {post} on this date").format(post=label) if held is None else
                    _("holds {post} without a probation (since {since}) on this date").format(post=label,
                                                                                             since=held.effective))
            change.refuse(f, "no_probation", what)
            return
        if held.probation_ended is not None:
            change.refuse(f, "probation_ended", _("the probation as {post} already ended on {ended}").format(
                post=label, ended=held.probation_ended))
            return
        if held.selection:
            s = change.state.selections.get(held.selection)
            if s is not None:
                s.steps.append(SelectionStep(self.name, f.effective, f.id, f.data))
        if f.data["result"] == "合格":
            held.probation_ended = f.effective
            return
        _return_to_before(change, f, p, held)


def _return_to_before(change: Change, f: Fact, p: PersonState, held: Post) -> None:
    """不合格: the post goes; the posts held the day before the appointment that are no longer held come back
    (judged against 领导职数 at the day's end), and so does the rank held then."""
    p.posts.remove(held)
    unit = change.state.units[p.unit]
    for before in held.previous_posts:
        if p.holds(before.post, before.section) is None and before.post in unit.post_quotas:
            p.posts.append(Post(before.post, before.section, before.since, f.effective, f.id,
                                level=unit.post_level(before.post)))
            change.raise_count(f, unit.unit, "post", before.post)
    if held.previous_rank is not None and held.previous_rank[0] != p.rank:
        p.rank, p.rank_since = held.previous_rank
