"""What the compliance rules remember while walking the timeline, beyond the state on one date: each person's
career in the ledger (ranks reached, leadership posts held and when), and the day each 超编/超职数 began.

Both are kept up to date fact by fact by the rules' walk (`ledger.rules.walk`); neither judges anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ledger.model import vocabulary as v
from ledger.model.facts import Fact
from ledger.model.opening import ARRIVAL_MODES, held_from_before
from ledger.model.staffing import Staffing
from ledger.model.state import PersonState, State, decided_on
from ledger.rules.periods import days_outside


@dataclass(slots=True)
class PostSpan:
    """A leadership post held, from `since` (任现职务时间) to `until` (None: still held)."""

    level: str
    since: date
    until: date | None
    post: str
    section: str | None
    appointed: date  # its probation (试用期) runs from here: the 党组's decision where recorded, else the appointment
    probation: bool

    @property
    def label(self) -> str:
        return f"{self.section or ''}{self.post}"


@dataclass(slots=True)
class Career:
    """A person's career since their latest hire, as far as the ledger has seen it."""

    hire_rank_since: date
    mode: str  # how they came in (录用 …): a new recruit's probation depends on it
    ranks: list[tuple[str, date]]  # (rank, reached on), the hire's rank first
    promoted: bool = False  # holds a rank reached inside the ledger (not the hire's)
    posts: list[PostSpan] = field(default_factory=list)
    last_post_promotion: date | None = None  # `since` of the post that raised their highest level last
    top_level: int = -1  # index of the highest post level ever held (vocabulary.post_level_index)
    # The hire recorded a rank held from before (期初, a 转任/调任 arrival) without its 任现职级时间: how long it
    # was held is not known, so no tenure or new-recruit probation is judged from it (docs/domain.md §7).
    rank_since_unknown: bool = False

    def days_in_posts(self, level: str, on: date, excluded: set[int] | frozenset[int] = frozenset()) -> int:
        """Days (overlaps merged) spent before `on` in posts of `level` or higher, the `excluded` years (年度 that
        do not count toward tenure) left out."""
        lowest = v.post_level_index(level)
        spans = sorted((s.since, min(s.until or on, on)) for s in self.posts if v.post_level_index(s.level) >= lowest)
        merged, end = [], date.min
        for a, b in spans:
            a = max(a, end)
            if b > a:
                merged.append((a, b))
                end = b
        return days_outside(merged, excluded)

    def reached(self, rank: str) -> date | None:
        """When the person first held `rank` or higher; date.min if they came in above it (before the ledger)."""
        ladder = v.ladder_of(rank)
        if ladder is None:
            return None
        first = self.ranks[0] if self.ranks else None
        if first and v.ladder_of(first[0]) == ladder and v.rank_index(first[0]) > v.rank_index(rank):
            return date.min
        for r, since in self.ranks:
            if v.ladder_of(r) == ladder and v.rank_index(r) >= v.rank_index(rank):
                return since
        return None

    def close_posts(self, on: date, post: str | None = None, section: str | None = None) -> None:
        """End the posts still held (only `post`, in `section` if given, when a post is named) on `on`."""
        for span in self.posts:
            if span.until is None and (post is None or (span.post == post and section in (None, span.section))):
                span.until = on


class Careers:
    """Every person's `Career`, noted from each fact before the walk applies it (so against the state before)."""

    def __init__(self) -> None:
        self._of: dict[str, Career] = {}

    def get(self, person: str | None) -> Career | None:
        return self._of.get(person or "")

    def note(self, state: State, f: Fact) -> None:
        """Take in what `f` changes in its person's career; `state` is the state just before it."""
        if f.event == "hired":
            held = state.people.get(f.data["person"])
            if held is None or held.left is not None:  # a hire of someone on establishment changes nothing
                since = f.get("rank_since") or f.effective
                unit = state.units.get(f.data["unit"])
                from_before = (unit is not None and unit.established == f.effective) or f.data["mode"] in ARRIVAL_MODES
                unknown = from_before and f.get("rank_since") is None
                self._of[f.data["person"]] = Career(since, f.data["mode"], [(f.data["rank"], date.min if unknown
                                                                             else since)], rank_since_unknown=unknown)
            return
        note = _NOTES.get(f.event)
        if note is None:
            return
        p = state.people.get(f.person or "")
        career = self._of.get(f.person or "")
        if p is not None and p.left is None and career is not None:
            note(career, p, f, state)


def _promoted(career: Career, p: PersonState, f: Fact, state: State) -> None:
    career.ranks.append((f.data["rank"], f.effective))
    career.promoted = True


def _transferred(career: Career, p: PersonState, f: Fact, state: State) -> None:
    if f.get("rank") and f.get("rank") != p.rank:
        _promoted(career, p, f, state)
    elif f.get("to_unit") and f.get("to_unit") != p.unit:
        career.close_posts(f.effective)


def _appointed(career: Career, p: PersonState, f: Fact, state: State) -> None:
    unit = state.units.get(p.unit)
    level = unit.post_level(f.data["post"]) if unit is not None else None
    if level is None or p.holds(f.data["post"], f.get("section")) is not None:
        return
    opening = held_from_before(state, p, f.effective)
    unknown = opening and f.get("since") is None  # held from before, since when not known: no tenure is short
    decided = decided_on(state, f.get("selection"), f.effective)  # the 党组's decision: tenure and probation from it
    since = f.get("since") or (date.min if unknown else decided or f.effective)
    career.posts.append(PostSpan(level, since, None, f.data["post"], f.get("section"), decided or f.effective,
                                 bool(f.get("probation")) and not opening))
    index = v.post_level_index(level)
    if index > career.top_level:
        career.top_level = index
        career.last_post_promotion = None if unknown else since


def _vacated(career: Career, p: PersonState, f: Fact, state: State) -> None:
    career.close_posts(f.effective, f.data["post"], f.get("section"))


def _separated(career: Career, p: PersonState, f: Fact, state: State) -> None:
    career.close_posts(f.effective)


def _probation_ended(career: Career, p: PersonState, f: Fact, state: State) -> None:
    if f.data["result"] == "不合格":
        career.close_posts(f.effective, f.data["post"], f.get("section"))


# The event types that change a career, beyond the hire that starts one; the others leave it as it is.
_NOTES: dict[str, Callable[[Career, PersonState, Fact, State], None]] = {
    "rank_promoted": _promoted,
    "transferred": _transferred,
    "post_appointed": _appointed,
    "post_vacated": _vacated,
    "separated": _separated,
    "probation_ended": _probation_ended,
}
CAREER_EVENTS = ("hired", *_NOTES)


class Excesses:
    """The day each 超编 (per unit and establishment type) and 超职数 (per unit and post) began.

    Judged at the end of each day, like the fold's own refusals, so a same-day swap is no excess; only the units
    whose counts or quotas changed that day (`Staffing.take_changed`) are looked at.
    """

    def __init__(self, state: State, staffing: Staffing):
        self.state, self.staffing = state, staffing
        self._since: dict[tuple[str, str, str], date] = {}  # (kind, unit, establishment type or post) -> day

    def since(self, kind: str, unit: str, key: str) -> date | None:
        """The first day of the excess now running (kind "staff" or "post"), or None."""
        return self._since.get((kind, unit, key))

    def close_day(self, day: date) -> None:
        for code in self.staffing.take_changed():
            u = self.state.units.get(code)
            if u is None:
                continue
            on_establishment = self.staffing.establishments(code)
            for est in {*u.quotas, *on_establishment}:
                self._mark(("staff", code, est), on_establishment[est] > u.quotas.get(est, 0), day)
            for post, quota in u.post_quotas.items():
                self._mark(("post", code, post), self.staffing.holders(code, post) > quota.count, day)

    def _mark(self, key: tuple[str, str, str], over: bool, day: date) -> None:
        if over:
            self._since.setdefault(key, day)
        else:
            self._since.pop(key, None)
