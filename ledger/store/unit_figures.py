"""The materialised unit figures: each unit's 编制 and 领导职数 against who fills them, as intervals, in a table of the
same store beside the materialised timeline.

`timeline_unit_figures` holds one row per (unit, interval) in which the unit's `ledger units --json` entry stays
the same — the doc is that entry, counted by `unit_staffing` (ledger.model.staffing), the count every reader
uses — with the unit's order among units (the order they were established) and valid_from ≤ day < valid_to. The
units on a date, with their figures, are then one range query instead of a fold of the city: what the web view's
unit tree, gauges and unit series read. Rows are bitemporal, like the timeline's (ledger.store.beliefs): each
carries the recordings through which the ledger believed it, so the units as known at a moment are the same query.

The rows are derived with the fold's own walk (`derive_figures`): after each day's facts, the figures of every
unit a fact of that day touched (its own structure facts; the units a person or an assistant was in before and
after a fact about them) are read from the walk's per-unit counts (`UnitTallies`, kept person by person: the
same `Tally` that `unit_staffing` counts with), and a row closes where they change. A test on a generated city checks them against the fold on many dates.

The table has its own tracking position (a row of the timeline's tracking table), written in the same
transaction as the rows, and is caught up inside the timeline's catch-up: facts recorded since change the
figures of the units they name and of every unit their people ever belonged to, which are derived again from
every structure fact and the facts of everyone who ever belonged to them (`ledger.fold.scope`'s index); past a
share of the timeline, or for a store that never had the table, everything is derived again. A batch that moves no
one (a secondment, a promotion: `ledger.fold.scope.own_people`) is read with its own people only: its units' figures
are carried on from the rows believed (`carried`), which count everyone else already.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, Protocol

import orjson

from ledger.fold.scope import STRUCTURE, TimelineIndex, cut_day, named_units, touched
from ledger.fold.walk import APPLIERS, Walker, counting_facts
from ledger.model.facts import Fact, recorded_after
from ledger.model.staffing import Tally, UnitTallies
from ledger.model.state import UnitState
from ledger.store.beliefs import OPEN, Step, history, steps_of
from ledger.store.derived import DerivedTables, Tracking, derive_whole, first_difference

OPEN_END = "9999-12-31"
FigureRow = tuple[str, int, str, str, bytes]  # unit, ord, valid_from, valid_to, doc
TABLE = "timeline_unit_figures"
# (person, day, position) -> the units the person belonged to on `day` or later, as the rows held after `position`
UnitsSince = Callable[[str, date, int], set[str]]
# (facts, units or None for all) -> the figure rows of those units (`derive_figures`, or a shared walk's)
DeriveFigures = Callable[[list[Fact], "set[str] | None"], list[FigureRow]]


class Walks(Protocol):
    """Whole derivations shared with the timeline's (`ledger.store.intervals.WholeWalks`)."""

    def figures(self, subset: list[Fact], units: set[str] | None) -> list[FigureRow]: ...


class _Figures:
    """One walk's figures: the per-unit membership beside the state, the units touched today, the open rows. Its
    walker may be shared with another derivation fed the same facts (`ledger.store.intervals.derive_all`)."""

    def __init__(self, units: set[str] | None, walker: Walker | None = None):
        self.walker = walker if walker is not None else Walker()
        self.state = self.walker.state
        self.tallies = UnitTallies(self.state)
        self.assistants: dict[str, set[str]] = {}
        self.only = units
        self.touched: set[str] = set()
        self.order: dict[str, int] = {}
        self.open: dict[str, tuple[str, bytes]] = {}  # unit -> (valid_from, doc)
        self.rows: list[FigureRow] = []

    def apply(self, f: Fact) -> None:
        """Walk `f` (a plain walk: `APPLIERS`) and take in the units it touched."""
        pid = f.data.get("person")
        state, change = self.state, self.walker.change
        if pid is None:
            APPLIERS[f.event](change, f)
            for code in named_units(f):
                if code in state.units:
                    self.order.setdefault(code, len(self.order))
                self.touched.add(code)
            return
        # The units the person is in (on the establishment, as an assistant) before and after the fact.
        p, a = state.people.get(pid), state.assistants.get(pid)
        staff = p.unit if p is not None and p.left is None else None
        assisting = a.unit if a is not None and a.left is None else None
        APPLIERS[f.event](change, f)
        p, a = state.people.get(pid), state.assistants.get(pid)
        staff_now = p.unit if p is not None and p.left is None else None
        assisting_now = a.unit if a is not None and a.left is None else None
        self.tallies.place(pid)
        touched = self.touched
        for code in (staff, assisting):
            if code is not None:
                touched.add(code)
                if code != staff_now and code != assisting_now:  # a unit left: no longer one of its assistants
                    engaged = self.assistants.get(code)
                    if engaged is not None:
                        engaged.discard(pid)
        if staff_now is not None:
            touched.add(staff_now)
        if assisting_now is not None:
            touched.add(assisting_now)
            self.assistants.setdefault(assisting_now, set()).add(pid)

    def close_day(self, day: date) -> None:
        """Count the touched units again (as they are at the end of `day`); a changed figure opens a new row."""
        start = day.isoformat()
        for code in self.touched:
            if code not in self.state.units or (self.only is not None and code not in self.only):
                continue
            s = self.tallies.tally(code).staffing(self.state.units[code], len(self.assistants.get(code, ())))
            doc = orjson.dumps(s.as_json())
            cur = self.open.get(code)
            if cur is not None and cur[1] == doc:
                continue
            if cur is not None and cur[0] < start:
                self.rows.append((code, self.order[code], cur[0], start, cur[1]))
            self.open[code] = (start, doc)
        self.touched = set()

    def finish(self) -> list[FigureRow]:
        for code, (start, doc) in self.open.items():
            self.rows.append((code, self.order[code], start, OPEN_END, doc))
        return self.rows


def derive_figures(facts: Iterable[Fact], units: set[str] | None = None,
                   known_at: datetime | None = None) -> list[FigureRow]:
    """The figure rows of `units` (None: every unit) from facts that include every structure fact and the whole
    timeline of everyone who ever belonged to those units; as known at `known_at` (None: now)."""
    figures = _Figures(units)
    day: date | None = None
    for f in counting_facts(facts, known_at):
        if day is not None and f.effective != day:
            figures.close_day(day)
        day = f.effective
        figures.apply(f)
    if day is not None:
        figures.close_day(day)
    return figures.finish()


class NotCarried(Exception):
    """A unit's figures cannot be carried on from the row the store believes (`carried`): they are derived again
    from everyone who belonged to it."""


def carried(held: dict[str, dict[tuple, int]], cut: date, after: int) -> DeriveFigures:
    """The figure rows of some units for a batch that moves no one (`ledger.fold.scope.own_people`, recorded after
    event `after`), from a scope holding only its own people's facts and the structure: on each day from `cut` on
    where the rows believed (`held`) or those facts change anything, a unit's counts are the row believed then (its
    doc must come out of those counts byte for byte), less what the batch's people added to the unit before the
    batch, plus what they add with it — the two walks of their facts, without the batch and with it. Counts add up
    person by person, so this is what counting everyone who belonged gives; rows before `cut` are `spliced`'s, as
    ever. `NotCarried` where a day has no row believed, or its doc is not what its counts give."""
    at = cut.isoformat()

    def derive(facts: list[Fact], units: set[str] | None) -> list[FigureRow]:
        if units is None:
            raise NotCarried
        before, now = _Upto([f for f in facts if f.id <= after], units), _Upto(facts, units)
        believed = {code: sorted(held.get(code, {}), key=lambda r: r[1]) for code in units}
        days = sorted({cut, *(f.effective for f in now.facts if f.effective > cut),
                       *(f.effective for f in before.facts if f.effective > cut),
                       *(date.fromisoformat(r[1]) for rows in believed.values() for r in rows if r[1] > at)})
        out: list[FigureRow] = []
        opened: dict[str, tuple[int, str, bytes]] = {}
        for day in days:
            before.to(day)
            now.to(day)
            iso = day.isoformat()
            for code in sorted(units):
                row = next((r for r in believed[code] if r[1] <= iso < r[2]), None)
                unit = now.figures.state.units.get(code)
                if row is None or unit is None or now.figures.order.get(code) != row[0]:
                    raise NotCarried
                doc = _carried_doc(row[3], unit, code, before.figures, now.figures)
                cur = opened.get(code)
                if cur is None:  # `cut`: the row believed then
                    opened[code] = (row[0], row[1], doc)
                elif cur[2] != doc:
                    out.append((code, cur[0], cur[1], iso, cur[2]))
                    opened[code] = (cur[0], iso, doc)
        return out + [(code, o, start, OPEN_END, doc) for code, (o, start, doc) in opened.items()]

    return derive


class _Upto:
    """A walk of some facts (`_Figures`, closing no day) taken as far as a day at a time."""

    def __init__(self, facts: list[Fact], units: set[str]):
        self.figures = _Figures(units)
        self.facts = counting_facts(facts)
        self.done = 0

    def to(self, day: date) -> None:
        facts, n = self.facts, len(self.facts)
        while self.done < n and facts[self.done].effective <= day:
            self.figures.apply(facts[self.done])
            self.done += 1


def _carried_doc(stored: bytes, unit: UnitState, code: str, before: _Figures, now: _Figures) -> bytes:
    """A unit's doc counted from a believed row's doc (`stored`), less what the batch's people counted in it before
    the batch (`before`), plus what they count with it (`now`)."""
    doc = orjson.loads(stored)
    tally = Tally()
    tally.on_type.update({e["establishment"]: e["filled"] for e in doc["establishment"]})
    tally.holders.update({p["post"]: p["filled"] for p in doc["posts"]})
    tally.ranks.update({r["rank"]: r["count"] for r in doc["non_leader_ranks"]})
    tally.headcount, tally.seconded = doc["headcount"], doc["seconded"]
    if orjson.dumps(tally.staffing(unit, doc["assistants"]).as_json()) != stored:
        raise NotCarried
    was, will = before.tallies.tally(code), now.tallies.tally(code)
    for counts, less, more in ((tally.on_type, was.on_type, will.on_type), (tally.holders, was.holders, will.holders),
                               (tally.ranks, was.ranks, will.ranks)):
        counts.subtract(less)
        counts.update(more)
    tally.headcount += will.headcount - was.headcount
    tally.seconded += will.seconded - was.seconded
    assistants = doc["assistants"] - len(before.assistants.get(code, ())) + len(now.assistants.get(code, ()))
    if assistants < 0:
        raise NotCarried
    return orjson.dumps(tally.staffing(unit, assistants).as_json())


def decode_rows(rows: Iterable[tuple[Any, Any, Any]], decode: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """(valid_from, valid_to, doc) rows as ISO dates and the decoded `ledger units --json` entry."""
    return [(str(a)[:10], str(b)[:10], decode(doc)) for a, b, doc in rows]


def spliced(rows: list[FigureRow], believed: dict[str, dict[tuple, int]], cut: date) -> list[FigureRow]:
    """Figure rows derived from the people who belonged to their units on `cut` or later, put together with the rows
    believed until then: the believed rows before `cut`, and from the derived row holding `cut` on (its start
    taken from the believed row holding `cut`: the two agree on that day, which nothing before it changed)."""
    day = cut.isoformat()
    out: list[FigureRow] = []
    by_unit: dict[str, list[FigureRow]] = {}
    for r in rows:
        by_unit.setdefault(r[0], []).append(r)
    for code, derived in by_unit.items():
        held = sorted(believed.get(code, {}), key=lambda r: r[1])  # (ord, valid_from, valid_to, doc)
        out += [(code, *r) for r in held if r[2] <= day]
        holding = next((r for r in held if r[1] <= day < r[2]), None)
        for r in sorted(derived, key=lambda r: r[2]):
            if r[3] <= day:
                continue
            if holding is not None and r[2] <= day:
                r = (code, r[1], holding[1], r[3], r[4])
            out.append(r)
    return out


def figure_history(facts: list[Fact], index: TimelineIndex, steps: list[Step], units: set[str] | None,
                   after: int = 0, held: dict[str, dict[tuple, int]] | None = None,
                   derive: DeriveFigures | None = None, units_since: UnitsSince | None = None,
                   cut: date | None = None) -> list[tuple]:
    """The figure rows of `units` (None: every unit), each with the recordings through which the ledger believed
    it: (unit, ord, valid_from, valid_to, doc, recorded_from, recorded_to). `derive`: how a set of facts gives
    the rows of some units (None: all) — `derive_figures`, or a walk shared with the timeline's rows. With
    `units_since` (the timeline's rows, already written through the last recording), a recording re-derives only
    the units its people belonged to from the day before its earliest date on (`UnitFigures._affected`). With `cut`
    (taking in recordings after event `after` that change nothing before that day), `facts` need hold only the
    people who belonged to the units on `cut` or later: the figures before it are kept as `held` believes them
    (`spliced`)."""
    derive_rows = derive if derive is not None else derive_figures

    def affected(new: list[Fact]) -> tuple[set[str], bool]:
        before = new[0].id - 1  # the recording's people's units, as the rows held before it (and since)
        since = None if units_since is None else (lambda pid, day: units_since(pid, day, before))
        return UnitFigures._affected(new, index, since), False

    known: dict[frozenset[str], list[Fact]] = {}

    def facts_of(codes: set[str]) -> list[Fact]:  # everyone who ever belonged to these units, their facts once
        key = frozenset(codes)
        if key not in known:
            people = set().union(*(index.unit_people.get(u, set()) for u in codes)) if codes else set()
            known[key] = sorted((f for pid in people for f in index.by_subject.get(pid, ())), key=lambda f: f.id)
        return known[key]

    def rows_of(subset: list[Fact], whom: set[str] | None) -> tuple[list[FigureRow], list[tuple]]:
        rows = derive_rows(subset, whom)
        if cut is not None and held is not None:  # `held` is the beliefs as `history` moves them, step by step
            rows = spliced(rows, held, cut)
        return rows, []

    rows, _ = history(facts, steps, index, rows_of, affected, units, facts_of, after, held)
    return rows


def _stored(rows: list[tuple]) -> list[tuple]:
    """`figure_history`'s rows in the table's column order (the doc last)."""
    return [(*r[:4], r[5], r[6], r[4]) for r in rows]


class UnitFigures:
    """The unit figures of one ledger, in the derived tables (written in turns with the timeline)."""

    def __init__(self, tables: DerivedTables, codec: Any):
        self.tables = tables
        self.dialect = tables.dialect
        self.codec = codec  # an encrypted store keeps the docs (unit names) encrypted too
        self.tracking = Tracking(tables, "timeline_tracking", "unit_figures")
        self._ready = False

    def ensure(self, conn: Any) -> None:
        """Create the table and its position row, inside the caller's transaction (holding the turn's lock)."""
        if self._ready:
            return
        d = self.dialect
        if d.creates_tables:  # (a role granted access appends into the tables the owner made)
            conn.execute(f"CREATE TABLE IF NOT EXISTS {d.table(TABLE)} (unit TEXT NOT NULL, ord INTEGER NOT NULL, "
                         f"valid_from {d.day} NOT NULL, valid_to {d.day} NOT NULL, recorded_from {d.integer} NOT NULL, "
                         f"recorded_to {d.integer} NOT NULL, doc {d.blob} NOT NULL)")
            conn.execute(f"CREATE INDEX IF NOT EXISTS timeline_unit_figures_unit ON {d.table(TABLE)} (unit, valid_from)")
            # The units on a date: the index finds the ~one row per unit in force without reading the others' docs.
            conn.execute(f"CREATE INDEX IF NOT EXISTS timeline_unit_figures_day ON {d.table(TABLE)} (valid_from, valid_to)")
        self.tracking.start(conn)
        self._ready = True

    def position(self) -> int:
        """The last fact the rows hold (0: none yet, no table, or one an earlier version wrote)."""
        try:
            position = self.tracking.position()
        except Exception as e:  # outside a transaction: nothing is aborted
            if self.dialect.is_missing_table(e):
                return 0
            raise
        return 0 if position and self.outdated() else position

    def outdated(self) -> bool:
        """Whether the table exists without recorded times (an earlier version wrote it). Outside a transaction."""
        d = self.dialect
        try:
            self.tables.connection().execute(f"SELECT recorded_from FROM {d.table(TABLE)} WHERE 1 = 0").fetchall()
        except Exception as e:
            text = str(e)
            if "no such column" in text or 'column "recorded_from" does not exist' in text:
                return True
            if d.is_missing_table(e):
                return False
            raise
        return False

    def drop(self, conn: Any) -> None:
        """Drop a table an earlier version wrote, to be derived again (its position back to the start)."""
        d = self.dialect
        conn.execute(f"DROP TABLE IF EXISTS {d.table(TABLE)}")
        conn.execute(f"UPDATE {d.table(self.tracking.table)} SET position = 0 WHERE name = {d.mark}",
                     (self.tracking.name,))
        self._ready = False

    def sync(self, conn: Any, facts: list[Fact], index: TimelineIndex, steps: list[Step],
             units_since: UnitsSince | None = None, known: int | None = None, walks: Walks | None = None,
             upto: int = 0, everyone: Callable[[], tuple[list[Fact], TimelineIndex, list[Step]]] | None = None,
             ) -> None:
        """Inside the caller's transaction: take in the facts recorded since the position (`facts`: every fact,
        recording order, or the scope of those since (`Timeline._facts_since`); `index`: the scope index of exactly
        those facts; `steps`: their recordings; `known`: how many facts the stream holds, if not all are given).
        With `units_since`, a person's new facts re-derive only the units they belonged to from the day before the
        earliest of them on; without, every unit they ever belonged to. `walks`: whole derivations shared with the
        timeline's. `upto`: the last row the facts cover (rows after the last fact that are none: quarantines).
        `everyone`, given when the scope holds a batch's own people only (`ledger.fold.scope.own_people`): reads the
        scope of everyone who belonged to their units, should their figures not be carried on (`carried`)."""
        self.ensure(conn)
        pos = self.tracking.position(conn, lock=True)
        top = max(facts[-1].id if facts else 0, upto)
        if pos >= top:
            return
        new = recorded_after(facts, pos)
        if not new:  # only rows that are no facts (a quarantine): nothing to derive
            self.tracking.move(conn, top)
            return
        if derive_whole(pos, len(new), len(facts) if known is None else known):
            self.replace(conn, facts, None, index, steps, walks=walks, units_since=units_since)
        else:
            since = None if units_since is None else (lambda pid, day: units_since(pid, day, pos))
            cut = cut_day(t for t, _subject in touched(index, new))
            try:
                self.replace(conn, facts, self._affected(new, index, since), index, steps, pos, cut=cut,
                             carry=everyone is not None)
            except NotCarried:  # (before anything was written)
                facts, index, steps = everyone()  # type: ignore[misc]
                new = recorded_after(facts, pos)
                cut = cut_day(t for t, _subject in touched(index, new))
                self.replace(conn, facts, self._affected(new, index, since), index, steps, pos, cut=cut)
        self.tracking.move(conn, top)

    @staticmethod
    def _affected(new: list[Fact], index: TimelineIndex,
                  units_since: Callable[[str, date], set[str]] | None = None) -> set[str]:
        """The units whose figures the new facts can change: those they name (a retraction: the fact it finally
        retracts or restores), and the units of their people — every unit each ever belonged to, or, with
        `units_since`, those each belonged to from the day before the earliest date the new facts change (a fact
        changes a person's figures from its date on; a unit they had left by then keeps its figures)."""
        units: set[str] = set()
        since: dict[str, date] = {}
        for f in new:
            base: Fact | None = f
            while base is not None and base.event == "retracted":
                base = index.by_id.get(base.data["target"])
            subject = index.subject_of.get(f.id, STRUCTURE)
            if subject != STRUCTURE:
                if units_since is None or base is None:
                    units |= index.person_units.get(subject, set())
                else:
                    since[subject] = min(since.get(subject, base.effective), base.effective)
            if base is not None:
                units.update(named_units(base))
        for pid, day in since.items():
            units |= units_since(pid, day)  # type: ignore[misc]
        return units

    def replace(self, conn: Any, facts: list[Fact], units: set[str] | None, index: TimelineIndex,
                steps: list[Step], after: int = 0, walks: Walks | None = None,
                units_since: UnitsSince | None = None, cut: date | None = None, carry: bool = False) -> None:
        """Derive the rows of `units` (None: all) from `facts` (every fact), with the recordings through which the
        ledger believed each (ledger.store.beliefs), and put them in place of the old ones. For some units, only
        the recordings after event `after` are derived: the beliefs closed before never change; with `cut`, from
        that day on (`figure_history`: `facts` then need hold only who belonged to the units on `cut` or later).
        `walks`: whole derivations shared with the timeline's; `units_since`: the timeline's rows of every
        recording, already written (each later recording then re-derives fewer units: `figure_history`). `carry`:
        `facts` hold the new facts' own people only; the units' figures are `carried` on (or `NotCarried` is raised
        before anything is written)."""
        d = self.dialect
        if units is None:
            rows = _stored(figure_history(facts, index, steps, None, derive=walks.figures if walks else None,
                                          units_since=units_since))
            conn.execute(f"DELETE FROM {d.table(TABLE)}")
        else:
            held: dict[str, dict[tuple, int]] = {code: {} for code in units}
            decrypt = self.codec.decrypt
            for marks, chunk in self.tables.chunks(sorted(units)):
                for code, ord_, start, end, doc, since in conn.execute(
                        f"SELECT unit, ord, valid_from, valid_to, doc, recorded_from FROM {d.table(TABLE)} WHERE "
                        f"recorded_to = {d.mark} AND unit IN ({marks})", [OPEN, *chunk]).fetchall():
                    held[code][(int(ord_), str(start)[:10], str(end)[:10], decrypt(doc))] = int(since)
            was = {code: dict(rows) for code, rows in held.items()}  # `figure_history` moves `held` as it goes
            if carry and cut is None:
                raise NotCarried
            derive = carried(held, cut, after) if carry and cut is not None else None
            rows = _stored(figure_history(facts, index, steps, units, after, held, derive=derive, cut=cut))
            rows = self._changed(conn, was, rows)
        d.bulk_insert(conn, TABLE, 7, self.codec.encrypt_last(rows))

    def _changed(self, conn: Any, was: dict[str, dict[tuple, int]], rows: list[tuple]) -> list[tuple]:
        """Of a catch-up's rows (those closed since, and every one still open), those to insert; the open rows
        stored before that are no longer open are deleted. A row still open as it was is left in place: a unit's
        series holds a row per change of its figures, and rewriting them all made each append cost its unit's
        whole history."""
        d = self.dialect
        kept = {(r[0], r[1], r[2], r[3], r[6], r[4]) for r in rows if r[5] == OPEN}
        gone = [(code, start) for code, held in was.items() for (ord_, start, end, doc), since in held.items()
                if (code, ord_, start, end, doc, since) not in kept]
        for code, start in gone:  # a few an append (each a row whose figures changed)
            conn.execute(f"DELETE FROM {d.table(TABLE)} WHERE recorded_to = {d.mark} AND unit = {d.mark} AND "
                         f"valid_from = {d.mark}", (OPEN, code, d.day_value(date.fromisoformat(start))))
        return [r for r in rows if r[5] != OPEN or was.get(r[0], {}).get((r[1], r[2], r[3], r[6])) != r[4]]

    # --- queries --------------------------------------------------------------------------------------------
    def on(self, day: date, unit: str | None = None, at: int | None = None) -> list[dict[str, Any]]:
        """The `ledger units --json` entries of the units existing on `day` (or of `unit` alone), in their order,
        as the ledger held them after event `at` (None: now)."""
        d = self.dialect
        held = f" AND recorded_to = {d.mark}" if at is None else \
            f" AND recorded_from <= {d.mark} AND recorded_to > {d.mark}"
        sql = (f"SELECT doc FROM {d.table(TABLE)} WHERE valid_from <= {d.mark} AND valid_to > {d.mark}{held}"
               + (f" AND unit = {d.mark}" if unit is not None else "") + " ORDER BY ord")
        value = d.day_value(day)
        args = [value, value, *([OPEN] if at is None else [at, at]), *([unit] if unit is not None else [])]
        decode = self.codec.decode_doc
        return [decode(r[0]) for r in self.tables.connection().execute(sql, args).fetchall()]

    def differences(self, facts: list[Fact], walks: Walks | None = None) -> str | None:
        """The first difference between the stored rows and those derived again from `facts` (every fact), keyed
        by unit and start (`ledger verify`); None when they agree. `walks`: whole derivations shared with the
        timeline's check."""
        d = self.dialect
        try:
            stored = self.tables.connection().execute(
                f"SELECT unit, ord, valid_from, valid_to, recorded_from, recorded_to, doc FROM {d.table(TABLE)}"
            ).fetchall()
        except Exception as e:
            if d.is_missing_table(e):
                return f"{TABLE}: the table is missing"
            raise
        have = {(u, str(a)[:10], f"as known from event {rf}"): (o, str(b)[:10], int(rt), self.codec.decode_doc(doc))
                for u, o, a, b, rf, rt, doc in stored}
        if len(have) != len(stored):
            return f"{TABLE}: a row is there twice"
        index = TimelineIndex()
        index.sync(facts)
        want = {(u, a, f"as known from event {rf}"): (o, b, rt, orjson.loads(doc))
                for u, o, a, b, rf, rt, doc in _stored(figure_history(facts, index, steps_of(facts), None,
                                                                      derive=walks.figures if walks else None))}
        found = first_difference(have, want)
        return None if found is None else f"{TABLE}: {found}"

    def intervals(self, unit: str) -> list[tuple[str, str, dict[str, Any]]]:
        """Every row of one unit: (valid_from, valid_to, its `ledger units --json` entry), in date order."""
        d = self.dialect
        rows = self.tables.connection().execute(
            f"SELECT valid_from, valid_to, doc FROM {d.table(TABLE)} WHERE unit = {d.mark} AND recorded_to = {d.mark} "
            "ORDER BY valid_from", (unit, OPEN)).fetchall()
        return decode_rows(rows, self.codec.decode_doc)
