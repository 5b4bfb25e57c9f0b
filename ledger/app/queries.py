"""The query API: every question a reader asks the ledger, one typed method each.

The CLI, the exporters and the web page read the ledger through `Queries` and nothing else: they never fold,
run rules, or touch the store themselves, so a question is answered the same way wherever it is asked, and the
floors below can change without them noticing. Answers are plain dicts in the JSON contract's shape (what
`--json` prints), `Fact`s, or the small value types below.

What may be *recorded* is not here: that is the application's (`PersonnelLedger.append`, `ledger.app.recording`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ledger.app.access import logged
from ledger.app.names import (
    Resolved,
    find,
    name_key,
    pinyin_key,
    resolve_person,
    resolve_unit,
    typed_as_id,
    unit_tree,
)
from ledger.app.recordings import Recording, number_of, recordings, what_was_recorded
from ledger.app.rulebook import rulebook_for
from ledger.app.sources import Folded, ledger_span, person_history, read_source
from ledger.model.errors import NotFound, no_unit
from ledger.model.facts import Fact
from ledger.model.i18n import _
from ledger.model.state import State
from ledger.read.history import LogFilter, diff, filter_log, history_entries
from ledger.read.person_timeline import person_timeline
from ledger.read.unit_series import unit_series
from ledger.rules import Finding, Rulebook, compliance_findings

if TYPE_CHECKING:
    from ledger.app.ledger import PersonnelLedger
    from ledger.read.resume import Resume
    from ledger.read.yearly import YearlyFigures
    from ledger.store.integrity import Verification


@dataclass(frozen=True)
class RosterOverview:
    """The roster and, for each unit shown, its 编制 and 领导职数 against who fills them — from one fold."""

    roster: dict[str, Any]  # the `ledger roster --json` shape
    units: list[dict[str, Any]]  # `unit_summary` of each unit shown, in the state's order


@dataclass(frozen=True)
class RosterSheet:
    """The roster as the spreadsheet columns `ledger import-roster` reads back (one row a person)."""

    headers: tuple[str, ...]
    rows: list[list[Any]]
    unit_name: str | None  # the unit asked for, None for the whole organisation


@dataclass(frozen=True)
class Findings:
    """The compliance findings on a date, and the rulebook they were judged by (its titles, clauses, origin)."""

    as_of: date
    since: date
    findings: list[Finding]
    rulebook: Rulebook

    @property
    def breaches(self) -> list[Finding]:
        """The findings that are breaches of a rule (not notices)."""
        return [x for x in self.findings if not x.notice]

    @property
    def notices(self) -> list[Finding]:
        """The incomplete records (severity notice): asked for, never counted as findings."""
        return [x for x in self.findings if x.notice]

    def summary(self) -> dict[str, int]:
        """How many breaches each rule has, in the order they were found."""
        counts: dict[str, int] = {}
        for x in self.breaches:
            counts[x.rule] = counts.get(x.rule, 0) + 1
        return counts

    def as_json(self) -> dict[str, Any]:
        """The `ledger check --json` shape (a contract): the breaches under `findings`, the notices apart."""
        return {"as_of": self.as_of.isoformat(), "since": self.since.isoformat(),
                "findings": [x.as_json() for x in self.breaches], "summary": self.summary(),
                "notices": [x.as_json() for x in self.notices]}


class Queries:
    """The questions readers ask of one open ledger."""

    def __init__(self, application: PersonnelLedger, reader: str | None = None, channel: str = "cli",
                 prefer: str | None = None):
        """`reader`: who reads, as declared (PostgreSQL uses the session's role instead); `channel`: where the reads
        come from (the CLI, the web view), as the access log records it; `prefer="fold"`: answer from the events
        even where the derived tables could (`ledger.app.sources`: the reference, which the tests compare)."""
        # Kept public for exporters written before the query API (`ExportContext.app`); readers use the methods.
        self.application = application
        self.reader = reader
        self.channel = channel
        self.prefer = prefer
        self._reading = False

    def source(self, known_at: datetime | None = None) -> Folded:
        """Where the answers are read from (`ledger.app.sources.read_source`: the one place that chooses)."""
        return read_source(self.application, known_at, self.prefer)

    @contextmanager
    def one_read(self, action: str, person: str | None = None) -> Iterator[None]:
        """The reads inside the block are one read (a page made of several answers): logged once, as `action`."""
        if self._reading:
            yield
            return
        self.looked_at(action, person)
        self._reading = True
        try:
            yield
        finally:
            self._reading = False

    def looked_at(self, action: str, person: str | None = None) -> None:
        """Log one read in the store's access log (`ledger.app.access`; nothing when the store keeps none)."""
        app = self.application
        if app.access_log.enabled():
            app.access_log.append(app.reader(self.reader), action, person, self.channel)

    def _known_at(self, known_at: datetime | None) -> None:
        """A moment before the ledger's first event has an empty answer: say so, and when that event was recorded
        (a notice, which every reader prints beside its answer), so that an empty roster is not taken for news."""
        if known_at is None:
            return
        first = self.span()["first_recorded"]
        if first is not None and known_at < datetime.fromisoformat(first):
            notice = _("nothing was recorded by {moment}: the ledger's first event was recorded at {first}").format(
                moment=known_at.isoformat(), first=first)
            if notice not in self.application.notices:
                self.application.notices.append(notice)

    # --- who is where ------------------------------------------------------------------------------------------
    def state(self, on: date | None = None, known_at: datetime | None = None) -> State:
        """The folded state on `on` (None: every fact), as known at `known_at` (None: now)."""
        return self.application.state(on, known_at)

    @logged("roster")
    def roster(self, on: date, known_at: datetime | None = None, unit: str | None = None) -> dict[str, Any]:
        """Who is on the establishment on `on`, in the `ledger roster --json` shape: from the materialised timeline
        (as known now or at a moment) when it holds every event; otherwise from the fold (one unit's: of the facts
        that can change it)."""
        self._known_at(known_at)
        return self.source(known_at).roster(on, known_at, unit)

    def units(self, on: date, known_at: datetime | None = None, unit: str | None = None) -> list[dict[str, Any]]:
        """Each unit's 编制 and 领导职数 against who fills them, its non-leaders by rank (`unit` alone, if given).

        Read from the materialised unit figures (ledger.store.unit_figures) when they are as far as the events — as
        known at an earlier moment too, from the beliefs their rows record; otherwise from the fold (the reference
        the figures are tested against)."""
        self._known_at(known_at)
        return self.source(known_at).figures(on, known_at, unit)

    @logged("roster_overview")
    def roster_overview(self, on: date, known_at: datetime | None = None, unit: str | None = None) -> RosterOverview:
        """`roster` and `units` together (what the roster table shows): from the materialised timeline and unit
        figures when they hold every event (as known now or at a moment); otherwise, as known at a moment, from one
        fold."""
        self._known_at(known_at)
        return RosterOverview(*self.source(known_at).overview(on, known_at, unit))

    @logged("roster_sheet")
    def roster_sheet(self, on: date, known_at: datetime | None = None, unit: str | None = None) -> RosterSheet:
        """The roster on `on` as spreadsheet rows, in the columns `ledger import-roster` reads (one unit's from the
        fold of the facts that can change it)."""
        self._known_at(known_at)
        from ledger.io.roster_table import HEADERS, roster_rows

        state = self.state(on, known_at) if unit is None else self.source().unit_state(unit, on, known_at)
        return RosterSheet(HEADERS, roster_rows(state, unit), state.units[unit].name if unit else None)

    @logged("cadre_roster")
    def cadre_roster(self, on: date, known_at: datetime | None = None,
                     unit: str | None = None) -> list[tuple[str, list[list[str]]]]:
        """The roster on `on` in the cadre layout (三龄两历一身份): one (unit name, rows) per unit, rows in the columns
        of `ledger.io.roster_table.CADRE_HEADER` (the education groups as two columns each)."""
        self._known_at(known_at)
        from ledger.io.roster_table import cadre_sheets

        state = self.state(on, known_at)
        self._unit_codes(state, on, unit)
        return cadre_sheets(state, unit)

    @staticmethod
    def _unit_codes(state: State, on: date, unit: str | None) -> list[str]:
        if unit is None:
            return list(state.units)
        if unit not in state.units:
            raise NotFound(no_unit(unit, on, state.units))
        return [unit]

    # --- by name ------------------------------------------------------------------------------------------------
    def find(self, text: str, on: date | None = None) -> dict[str, Any]:
        """Everyone and every unit `text` may mean on `on` (None: everyone the ledger ever named), in the
        `ledger find --json` shape: by name, pinyin initials, id, or their unit's name or code."""
        return find(self.state(on), text, on)

    def resolve_person(self, text: str) -> Resolved:
        """The id of the person a clerk typed: an id (any case), a name (the one person ever recorded under it), or
        its pinyin initials (`lx`); an upper-case id is itself, unread. Several matches are `Refused`, listing
        them; none is `NotFound`."""
        if typed_as_id(text):
            return Resolved(text)
        key = name_key(text)
        try:
            return resolve_person(self._named_state(lambda name: name_key(name) == key or pinyin_key(name, key),
                                                    lambda person: person.lower() == key), text)
        except NotFound as e:
            near = [f"{name}（{i}）" for i, name in self.known_ids("person") if not key.isascii() and set(key) & set(name)]
            if not near:
                raise
            raise NotFound(_("{message}; near: {listed}").format(message=e, listed="、".join(near[:8]))) from None

    def resolve_unit(self, text: str) -> Resolved:
        """The code of the unit a clerk typed (its code in any case, its name, or its pinyin initials), as
        `resolve_person` does for people."""
        return resolve_unit(self._named_state(None), text) if not typed_as_id(text) else Resolved(text)

    def known_ids(self, kind: str) -> list[tuple[str, str]]:
        """Every person's id and name ("person": assistants too) or every unit's code and name ("unit") the ledger
        ever named: what the shell completes."""
        if kind == "unit":
            return [(u.unit, u.name) for u in self._named_state(None).units.values()]
        return self.source().person_names()

    def _named_state(self, same_name: Callable[[str], bool] | None,
                     same_id: Callable[[str], bool] | None = None) -> State:
        """The units and the people recorded under the names `same_name` accepts (or with the ids `same_id` does),
        after every fact: through the fact index when it is current (a city is not folded for a name), else from
        the fold of everything."""
        return self.source().named_state(same_name, same_id)

    def org_tree(self, on: date, known_at: datetime | None = None) -> list[dict[str, Any]]:
        """`units(on)` in tree order, each with its `depth` (`ledger org list`): the same figures, not counted again."""
        return unit_tree(self.units(on, known_at))

    # --- what happened -------------------------------------------------------------------------------------------
    @logged("log")
    def log(self, where: LogFilter | None = None) -> list[Fact]:
        """Every recorded fact (retractions included) in recording order; with `where`, those that pass it."""
        facts = self.application.facts()
        return facts if where is None else filter_log(facts, where)

    @logged("history", whose=True)
    def history(self, person: str, reveal: bool = False) -> list[dict[str, Any]]:
        """A person's events with their corrections, in the `ledger history --json` shape (read through the store's
        fact index: the person's facts only; 身份证号 masked unless `reveal`)."""
        return history_entries(*person_history(self.source(), person), reveal)

    @logged("diff")
    def diff(self, start: date, end: date, unit: str | None = None, known_at: datetime | None = None) -> dict[str, Any]:
        """What changed after `start` up to and including `end`, in the `ledger diff --json` shape; for one unit,
        from the facts that can change it."""
        self._known_at(known_at)
        facts = self.application.facts() if unit is None else self.source().unit_facts(unit)
        return diff(facts, start, end, unit, known_at)

    @logged("person_timeline", whose=True)
    def person_timeline(self, person: str, known_at: datetime | None = None) -> dict[str, Any]:
        """The person's unit and section, rank, posts and secondments as bars over time (`ledger.read.person_timeline`),
        read from the person's own facts (the store's fact index), as known at `known_at`."""
        self._known_at(known_at)
        return person_timeline(self.source().person_facts(person), person, known_at)

    def unit_series(self, unit: str, known_at: datetime | None = None) -> dict[str, Any]:
        """The unit's `units` figures on 31 December of each year (`ledger.read.unit_series`): as known now from the
        materialised figures; as known at `known_at`, derived from the facts that can change them."""
        self._known_at(known_at)
        intervals = self.source(known_at).figure_intervals(unit, known_at)
        if not intervals:
            known = [u["unit"] for u in self.units(date.today(), known_at)]
            raise NotFound(no_unit(unit, "any date", known))
        return unit_series(intervals, unit, known_at)

    def recordings(self) -> list[Recording]:
        """Every recording (one batch, one moment), in order: what known-at steps through."""
        return recordings(self.application)

    def recording_numbers(self, ids: Iterable[int]) -> dict[int, int | None]:
        """The number of the recording (1 = the first) that holds each event id: `log` and `history` show it."""
        found = recordings(self.application)
        return {i: number_of(found, i) for i in ids}

    def what_was_recorded(self, recording: Recording) -> dict[str, Any]:
        """A recording with who made it and its events by type (`ledger.app.recordings`)."""
        return what_was_recorded(self.application, recording)

    def span(self) -> dict[str, Any]:
        """The first and last recorded fact's effective date and recorded time, and the number of stored events."""
        return ledger_span(self.application)

    # --- the cadre's file -----------------------------------------------------------------------------------------
    @logged("cadre_file", whose=True)
    def cadre_file(self, person: str, on: date, reveal: bool = False,
                   known_at: datetime | None = None) -> dict[str, Any]:
        """A person's file on `on` as known at `known_at` (None: now): who, what they hold, profile (身份证号 masked
        unless `reveal`), education, titles, appraisals, 奖惩 (`ledger.read.cadre`) — from the fold of the person's
        own facts and the structure's, which are all that can change it."""
        from ledger.fold.walk import fold
        from ledger.read.cadre import cadre_view

        self._known_at(known_at)
        return cadre_view(fold(self.source().person_facts(person), on, known_at), person, on, reveal)

    @logged("resume", whose=True)
    def resume(self, person: str, on: date, known_at: datetime | None = None) -> Resume:
        """The person's 简历 on `on`: lines from before the ledger, then the ledger's own (`ledger.read.resume`);
        with `known_at`, as the ledger knew it then (facts and retractions recorded by that moment)."""
        from ledger.read.resume import resume

        self._known_at(known_at)
        facts = self.source().person_facts(person)  # the person's own facts: no city walk
        if known_at is not None:
            facts = [f for f in facts if f.known_at(known_at)]
        return resume(facts, person, on)

    def photo(self, sha256: str) -> str | None:
        """A photo's image (base64) by the key its `photo_recorded` names; None when not kept. Reached from a
        person's file (`cadre_file`), whose read is the one logged."""
        import base64

        from ledger.app.photos import photo_bytes

        image = photo_bytes(self.application, sha256)
        return base64.b64encode(image).decode() if image else None

    @logged("appointment_form", whose=True)
    def appointment_form(self, person: str, on: date, *, proposed_post: str | None = None,
                         proposed_removal: str | None = None, reason: str | None = None, actor: str | None = None,
                         reveal: bool = False, filled_by: str | None = None) -> dict[str, Any]:
        """The 干部任免审批表 of `person` on `on`: each element of the .lrmx form and its text (`ledger.io.lrmx`),
        the family as items and the photo as base64; the 身份证号 masked unless `reveal`. 填表人 is `filled_by`,
        else `[form] filled_by` of the store's ledger.toml, else `actor`."""
        import base64

        from ledger.app.photos import photo_bytes
        from ledger.io.lrmx import form_values

        file = self.cadre_file(person, on, reveal)
        image = photo_bytes(self.application, file["photo"]["sha256"]) if file["photo"] else None
        settings = self.rulebook().settings.get("form", {}) if filled_by is None else {}
        return form_values(file, self.resume(person, on).rendered(), on, proposed_post=proposed_post,
                           proposed_removal=proposed_removal, reason=reason, actor=actor,
                           filled_by=filled_by or settings.get("filled_by"),
                           photo=base64.b64encode(image).decode() if image else "")

    # --- compliance and figures ------------------------------------------------------------------------------------
    def rulebook(self, rules_file: str | Path | None = None, on: date | None = None,
                 known_at: datetime | None = None) -> Rulebook:
        """The rules in force: `rules_file` if given, else the store's recorded settings in force on `on` (default:
        today) as known at `known_at`, else `ledger.toml` beside a SQLite store, else the catalogue."""
        return rulebook_for(self.application, rules_file, on, known_at)

    def settings(self, on: date | None = None, known_at: datetime | None = None) -> dict[str, Any]:
        """The store's settings in force on `on` as known at `known_at`, and where they come from (the
        `ledger settings show --json` shape: `source` is "store", "file" or null)."""
        from ledger.app.settings import settings_in_force

        self._known_at(known_at)
        return settings_in_force(self.application, on, known_at)

    def findings(self, as_of: date, since: date | None = None, unit: str | None = None,
                 rules_file: str | Path | None = None, known_at: datetime | None = None) -> Findings:
        """The compliance findings: the state on `as_of`, and the facts effective from `since` (default: 1 January
        of `as_of`'s year); with `unit`, only those about it; with `known_at`, judged on what the ledger knew then
        (facts and retractions recorded by that moment). A bad rules file raises `RulesError`."""
        self._known_at(known_at)
        since = since or date(as_of.year, 1, 1)
        rulebook = self.rulebook(rules_file, as_of, known_at)
        if known_at is None:  # what the store keeps answers, when it can (ledger.app.kept_check): no walk
            from ledger.app.kept_check import kept_check

            if unit is not None:
                self.units(as_of, None, unit)  # there on that date, or NotFound
            found = kept_check(self.application.timeline, rulebook, as_of, since, unit)
            if found is not None:
                return Findings(as_of, since, found, rulebook)
        if unit is None:
            facts = self.application.facts()
        else:  # the facts that can change the unit's findings: its structure, everyone who ever belonged to it
            source = self.source()
            facts = source.unit_facts(unit)
            if known_at is None:
                self.units(as_of, None, unit)  # there on that date, or NotFound
            else:
                source.unit_state(unit, as_of, known_at, facts)
        if known_at is not None:
            facts = [f for f in facts if f.known_at(known_at)]
        return Findings(as_of, since, compliance_findings(facts, rulebook, as_of, since, unit), rulebook)

    def _calendar_facts(self, on: date, unit: str | None, known_at: datetime | None) -> list[Fact]:
        """The facts the clerk's calendar walks: the unit's (it there on `on`, or NotFound), else every fact."""
        self._known_at(known_at)
        if unit is None:
            return self.application.facts()
        source = self.source()
        facts = source.unit_facts(unit)
        source.unit_state(unit, on, known_at, facts)  # there on that date, or NotFound
        return facts

    @logged("eligible")
    def eligible(self, on: date, unit: str | None = None, rules_file: str | Path | None = None,
                 known_at: datetime | None = None) -> dict[str, Any]:
        """Who on the establishment on `on` meets the tenure for the next rank and from when
        (`ledger.rules.upcoming.eligibility`), in the `ledger eligible --json` shape; as known at `known_at`."""
        from ledger.rules.upcoming import eligibility

        facts = self._calendar_facts(on, unit, known_at)
        rows = eligibility(facts, self.rulebook(rules_file, on, known_at), on, unit, known_at)
        return {"as_of": on.isoformat(), "unit": unit, "people": rows}

    @logged("due")
    def due(self, on: date, until: date, unit: str | None = None, rules_file: str | Path | None = None,
            known_at: datetime | None = None) -> dict[str, Any]:
        """What falls due from `on` to `until`: probations ending, retirements, secondments ending, eligibility
        reached (`ledger.rules.upcoming.due`), in the `ledger due --json` shape; as known at `known_at`."""
        from ledger.rules.upcoming import due

        facts = self._calendar_facts(on, unit, known_at)
        items = due(facts, self.rulebook(rules_file, on, known_at), on, until, unit, known_at)
        return {"as_of": on.isoformat(), "until": until.isoformat(), "unit": unit, "items": items}

    def yearly_figures(self, year: int, unit: str | None = None, known_at: datetime | None = None,
                       as_of: date | None = None) -> YearlyFigures:
        """The figures of the yearly 选人用人工作报告 of `unit` (None: the top unit), counted on `as_of`
        (default: 31 December of `year`)."""
        self._known_at(known_at)
        from ledger.app.yearly import unit_yearly_figures

        return unit_yearly_figures(self.source(), year, unit, known_at, as_of=as_of)

    def selection(self, selection: str, known_at: datetime | None = None) -> dict[str, Any]:
        """One selection's path (动议 → … → 试用期满) with dates, in the `ledger selection show --json` shape;
        `NotFound` names the selections there are."""
        self._known_at(known_at)
        from ledger.read.selection import selection_path

        return selection_path(self.application.facts(), selection, known_at)

    def year_findings(self, year: int, unit: str | None = None, as_of: date | None = None,
                      rules_file: str | Path | None = None) -> list[Finding]:
        """The findings the yearly report of `unit` states: `findings(as_of, 1 January)` as judged from the facts
        that can matter for the unit and those under it (read through the fact index, as `yearly_figures` is).
        Findings about other units may come along: keep those of the report's units (`YearlyFigures.scope`)."""
        from ledger.app.yearly import unit_year_findings

        return unit_year_findings(self.source(), self.rulebook(rules_file, as_of or date(year, 12, 31)), year, unit,
                                  as_of)

    # --- tamper evidence ---------------------------------------------------------------------------------------------
    def verify(self, digest: str | None = None, derived: bool = True) -> Verification:
        """The stored events checked against their hash chain (and, given, a head digest noted earlier); with
        `derived`, also the tables derived from them (the timeline, the report's index), derived again and compared."""
        from ledger.app.upkeep import verify_ledger

        return verify_ledger(self.application, digest, derived)

    def latest_checkpoint(self) -> dict[str, Any] | None:
        """The last signed checkpoint kept in the store (`ledger checkpoint`), as written; None if none."""
        from ledger.app.checkpoint import latest_checkpoint

        return latest_checkpoint(self.application)

    def head_digest(self) -> str | None:
        """The hash chain's value at the last event that verifies (None: nothing recorded)."""
        return self.verify(derived=False).head

    def stored_head(self) -> tuple[int, str] | None:
        """The last stored event's version and a digest of its stored bytes (one indexed look-up, nothing decoded):
        it changes with every recording, so a verification can be reused while it stays the same."""
        import hashlib

        last = self.application.stream.last()
        return None if last is None else (last[0], hashlib.sha256(last[2]).hexdigest())

    @property
    def notices(self) -> list[str]:
        """What a reader should know about how the answers were found (e.g. derived tables behind: folded)."""
        return self.application.notices
